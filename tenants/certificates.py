"""HTTPS for custom domains: an ACM certificate per verified domain, on the load balancer.

The pattern (see docs/readme/prod-infra.md, "Custom domains over HTTPS"):

1. A merchant verifies their domain (tenants.domains, DNS TXT record). With
   ``CUSTOM_DOMAIN_CERTIFICATES=acm``, a :class:`~tenants.models.DomainCertificate` is made
   (requested) and a Celery task asks ACM for a certificate, DNS-validated.
2. ACM answers with a CNAME record; the store admin's Domains screen (and the API) shows it to
   the merchant, who publishes it at their DNS host.
3. A periodic task asks ACM about every pending certificate; once issued, it is attached to the
   load balancer's HTTPS listener (``AddListenerCertificates``): the listener picks it by SNI.
4. When the domain is removed the certificate is detached and deleted.

ACM renews DNS-validated certificates by itself as long as the CNAME stays published.

The cloud side sits behind :class:`CertificateProvider`; :class:`AcmCertificates` is the real
one (boto3's ACM and ELBv2 clients, pointed at local doubles in tests through the
``CUSTOM_DOMAIN_*_ENDPOINT_URL`` settings).
"""

from dataclasses import dataclass, field
from typing import Protocol

from django.conf import settings
from django.db import transaction

from tenants.models import Domain, DomainCertificate
from tenants.state import CertificateTransition, apply_certificate

Status = DomainCertificate.Status

# ACM's statuses that end a request without a certificate.
_ACM_FAILED = {"FAILED", "VALIDATION_TIMED_OUT", "REVOKED", "EXPIRED", "INACTIVE"}


@dataclass(frozen=True)
class CertificateState:
    """What the provider says about one certificate."""

    status: str  # ACM's: PENDING_VALIDATION, ISSUED, FAILED...
    validation_records: list[dict] = field(default_factory=list)
    failure_reason: str = ""


class CertificateError(Exception):
    """The provider refused or could not be reached; the certificate keeps its status."""


class CertificateProvider(Protocol):
    def request(self, *, hostname: str, idempotency_token: str) -> str:
        """Ask for a DNS-validated certificate of ``hostname``; returns its id (ARN)."""

    def describe(self, certificate_id: str) -> CertificateState: ...

    def attach(self, certificate_id: str) -> None:
        """Serve it: add it to the HTTPS listener's certificates (SNI)."""

    def detach(self, certificate_id: str) -> None: ...

    def delete(self, certificate_id: str) -> None: ...


class AcmCertificates:
    """ACM for the certificates, the ALB's HTTPS listener (ELBv2) to serve them."""

    def __init__(self) -> None:
        import boto3

        region = settings.CUSTOM_DOMAIN_AWS_REGION or None
        self.listener_arn = settings.CUSTOM_DOMAIN_LISTENER_ARN
        self.acm = boto3.client(
            "acm", region_name=region, endpoint_url=settings.CUSTOM_DOMAIN_ACM_ENDPOINT_URL
        )
        self.elb = boto3.client(
            "elbv2", region_name=region, endpoint_url=settings.CUSTOM_DOMAIN_ELB_ENDPOINT_URL
        )

    def request(self, *, hostname: str, idempotency_token: str) -> str:
        answer = self._call(
            self.acm.request_certificate,
            DomainName=hostname,
            ValidationMethod="DNS",
            # Same token within an hour: ACM returns the same certificate (a retried task).
            IdempotencyToken=idempotency_token,
            Tags=[{"Key": "mercato:domain", "Value": hostname}],
        )
        return answer["CertificateArn"]

    def describe(self, certificate_id: str) -> CertificateState:
        certificate = self._call(self.acm.describe_certificate, CertificateArn=certificate_id)[
            "Certificate"
        ]
        records = [
            {
                "name": option["ResourceRecord"]["Name"],
                "type": option["ResourceRecord"]["Type"],
                "value": option["ResourceRecord"]["Value"],
            }
            for option in certificate.get("DomainValidationOptions", [])
            if option.get("ResourceRecord")  # ACM adds it a few seconds after the request
        ]
        return CertificateState(
            status=certificate["Status"],
            validation_records=records,
            failure_reason=certificate.get("FailureReason", ""),
        )

    def attach(self, certificate_id: str) -> None:
        self._call(
            self.elb.add_listener_certificates,
            ListenerArn=self.listener_arn,
            Certificates=[{"CertificateArn": certificate_id}],
        )

    def detach(self, certificate_id: str) -> None:
        self._call(
            self.elb.remove_listener_certificates,
            ListenerArn=self.listener_arn,
            Certificates=[{"CertificateArn": certificate_id}],
        )

    def delete(self, certificate_id: str) -> None:
        try:
            self._call(self.acm.delete_certificate, CertificateArn=certificate_id)
        except CertificateError as error:
            if "ResourceNotFoundException" not in str(error):  # already gone: done
                raise

    @staticmethod
    def _call(method, **arguments) -> dict:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return method(**arguments)
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code", "")
            raise CertificateError(f"{code}: {error}") from error
        except BotoCoreError as error:
            raise CertificateError(str(error)) from error


def enabled() -> bool:
    return settings.CUSTOM_DOMAIN_CERTIFICATES == "acm"


def default_provider() -> CertificateProvider:
    return AcmCertificates()


def start_for_domain(*, domain: Domain) -> DomainCertificate | None:
    """A verified custom domain gets its certificate requested (after the commit, by a task).

    Nothing when certificates are off or the domain is the store's platform subdomain (the
    wildcard certificate covers it). Idempotent: a domain has one certificate row.
    """
    if not enabled() or domain.is_primary or not domain.is_verified:
        return None
    if domain.domain.endswith(f".{settings.PLATFORM_DOMAIN}"):
        return None
    certificate, created = DomainCertificate.objects.get_or_create(
        domain=domain, defaults={"tenant_id": domain.tenant_id, "hostname": domain.domain}
    )
    if created:
        from tenants.tasks import request_domain_certificate

        transaction.on_commit(lambda: request_domain_certificate.delay(certificate.pk))
    return certificate


def request_certificate(
    *, certificate_id: int, provider: CertificateProvider | None = None
) -> DomainCertificate | None:
    """Ask the provider for the certificate of a requested row; it then waits for validation.

    A provider error leaves it requested (the periodic refresh tries again).
    """
    with transaction.atomic():
        certificate = _locked(certificate_id)
        if certificate is None or certificate.status != Status.REQUESTED:
            return certificate
        provider = provider or default_provider()
        # A retried task sends the same token (ACM answers with the same certificate); a
        # merchant's "request again" changed updated_at, so gets a new one.
        token = f"m{certificate.pk}r{int(certificate.updated_at.timestamp() * 1000)}"
        certificate.certificate_arn = provider.request(
            hostname=certificate.hostname, idempotency_token=token
        )
        apply_certificate(certificate=certificate, transition=CertificateTransition.REQUEST)
        certificate.save(update_fields=["certificate_arn", "status", "updated_at"])
    return refresh_certificate(certificate_id=certificate_id, provider=provider)


def refresh_certificate(
    *, certificate_id: int, provider: CertificateProvider | None = None
) -> DomainCertificate | None:
    """Ask the provider where a pending certificate is: keep the DNS records the merchant must
    publish up to date; once issued, attach it to the listener; a failure is recorded."""
    with transaction.atomic():
        certificate = _locked(certificate_id)
        if certificate is None:
            return None
        provider = provider or default_provider()
        if certificate.status == Status.REQUESTED:
            return certificate  # not asked yet: request_certificate does it
        if certificate.status == Status.PENDING_VALIDATION:
            state = provider.describe(certificate.certificate_arn)
            if state.validation_records != certificate.validation_records:
                certificate.validation_records = state.validation_records
            if state.status == "ISSUED":
                apply_certificate(certificate=certificate, transition=CertificateTransition.ISSUE)
            elif state.status in _ACM_FAILED:
                certificate.failure_reason = (state.failure_reason or state.status)[:500]
                apply_certificate(
                    certificate=certificate,
                    transition=CertificateTransition.FAIL,
                    reason=certificate.failure_reason,
                )
        if certificate.status == Status.ISSUED:
            provider.attach(certificate.certificate_arn)
            apply_certificate(certificate=certificate, transition=CertificateTransition.ATTACH)
        certificate.save()
    return certificate


def retry_certificate(*, certificate: DomainCertificate) -> DomainCertificate:
    """The merchant fixed their DNS after a failure: request a new certificate."""
    with transaction.atomic():
        locked = _locked(certificate.pk)
        apply_certificate(certificate=locked, transition=CertificateTransition.RETRY)
        locked.certificate_arn = ""
        locked.validation_records = []
        locked.failure_reason = ""
        locked.save()
        from tenants.tasks import request_domain_certificate

        transaction.on_commit(lambda: request_domain_certificate.delay(locked.pk))
    return locked


def release_for_domain(*, domain: Domain) -> None:
    """The domain is being removed: its certificate is detached and deleted after the commit."""
    certificate = DomainCertificate.objects.filter(domain=domain).first()
    if certificate is None or certificate.status == Status.RELEASED:
        return
    from tenants.tasks import release_domain_certificate

    transaction.on_commit(lambda: release_domain_certificate.delay(certificate.pk))


def release_certificate(
    *, certificate_id: int, provider: CertificateProvider | None = None
) -> DomainCertificate | None:
    """Stop serving and delete the certificate of a removed domain (or of a deleted store)."""
    with transaction.atomic():
        certificate = _locked(certificate_id)
        if certificate is None or certificate.status == Status.RELEASED:
            return certificate
        provider = provider or default_provider()
        if certificate.status == Status.ATTACHED:
            provider.detach(certificate.certificate_arn)
        if certificate.certificate_arn:
            provider.delete(certificate.certificate_arn)
        apply_certificate(certificate=certificate, transition=CertificateTransition.RELEASE)
        certificate.save()
    return certificate


def pending_certificate_ids() -> list[int]:
    """Certificates the periodic refresh looks at: requested (a failed first call), waiting
    for validation, issued but not attached yet, or left by a removed domain."""
    in_progress = DomainCertificate.objects.filter(
        status__in=[Status.REQUESTED, Status.PENDING_VALIDATION, Status.ISSUED]
    )
    return list(in_progress.values_list("pk", flat=True).order_by("pk"))


def orphaned_certificate_ids() -> list[int]:
    """Certificates whose domain is gone (removed, or its store purged) but not released."""
    orphans = DomainCertificate.objects.filter(domain__isnull=True).exclude(status=Status.RELEASED)
    return list(orphans.values_list("pk", flat=True).order_by("pk"))


def _locked(certificate_id: int) -> DomainCertificate | None:
    return (
        DomainCertificate.objects.select_for_update(of=("self",))
        .select_related("tenant")
        .filter(pk=certificate_id)
        .first()
    )
