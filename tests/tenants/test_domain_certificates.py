"""HTTPS for custom domains (tenants.certificates): an ACM certificate per verified domain,
attached to the load balancer's HTTPS listener, through boto3 against a local double of ACM
(JSON 1.1) and ELBv2 (query protocol) that answers as AWS documents (tests/doubles)."""

import pytest
from django.db import connection

from tenants import certificates
from tenants.errors import IllegalTransition
from tenants.models import AuditLogEntry, Domain, DomainCertificate
from tenants.state import CertificateTransition, apply_certificate
from tenants.store_admin import domains as domain_screens
from tenants.tasks import refresh_domain_certificates
from tests.doubles.aws_certificates import AwsCertificatesDouble

LISTENER = (
    "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/mercato/50dc6c495c0c9188/"
    "f2f7dc8efc522ab2"
)
Status = DomainCertificate.Status


class TxtRecords:
    def __init__(self) -> None:
        self.records: dict[str, list[str]] = {}

    def txt_records(self, name: str) -> list[str]:
        return list(self.records.get(name, []))


@pytest.fixture
def aws(settings, monkeypatch):
    double = AwsCertificatesDouble(listener_arn=LISTENER).start()
    settings.CUSTOM_DOMAIN_CERTIFICATES = "acm"
    settings.CUSTOM_DOMAIN_LISTENER_ARN = LISTENER
    settings.CUSTOM_DOMAIN_AWS_REGION = "eu-west-1"
    settings.CUSTOM_DOMAIN_ACM_ENDPOINT_URL = double.url
    settings.CUSTOM_DOMAIN_ELB_ENDPOINT_URL = double.url
    # Any credentials: the double checks the requests are SigV4-signed for the right service.
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    yield double
    double.stop()


@pytest.fixture
def verified_domain(store_a):
    return Domain.objects.create(
        domain="shop.example.com", tenant=store_a, is_primary=False, is_verified=True
    )


def _screen(client) -> str:
    response = client.get("/admin/store/domains/")
    assert response.status_code == 200
    return response.content.decode()


def test_a_verified_domain_gets_a_certificate_the_merchant_validates_then_it_serves_https(
    aws, store_a, store_b, store_owner_client, monkeypatch, celery_eager,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    owner = store_owner_client(store_a)
    resolver = TxtRecords()
    monkeypatch.setattr(domain_screens, "resolver", resolver)
    owner.post("/admin/store/domains/", {"domain": "shop.example.com"})
    domain = Domain.objects.get(domain="shop.example.com", tenant=store_a)
    resolver.records[domain.txt_record_name] = [domain.txt_record_value]

    with django_capture_on_commit_callbacks(execute=True):
        owner.post(f"/admin/store/domains/{domain.pk}/verify/")

    certificate = DomainCertificate.objects.get(domain=domain)
    assert certificate.status == Status.PENDING_VALIDATION
    assert certificate.tenant == store_a
    assert aws.certificates[certificate.certificate_arn]["DomainName"] == "shop.example.com"
    assert aws.calls == ["acm:RequestCertificate", "acm:DescribeCertificate"]
    # Like ACM, the record to publish is not there in the first description.
    assert certificate.validation_records == []
    assert "The record to publish appears here in a minute" in _screen(owner)

    assert refresh_domain_certificates() == 1
    certificate.refresh_from_db()
    record = aws.certificates[certificate.certificate_arn]["DomainValidationOptions"][0]
    expected = record["ResourceRecord"]
    assert certificate.validation_records == [
        {"name": expected["Name"], "type": "CNAME", "value": expected["Value"]}
    ]
    page = _screen(owner)
    assert "HTTPS: waiting for DNS validation" in page
    assert expected["Name"] in page and expected["Value"] in page
    api = owner.get("/api/v1/store/domains/").json()
    listed = next(row for row in api if row["domain"] == "shop.example.com")
    assert listed["certificate"]["status"] == "pending_validation"
    assert listed["certificate"]["validation_records"] == certificate.validation_records

    # Store B sees nothing of store A's domain or its record.
    other = store_owner_client(store_b)
    assert expected["Value"] not in _screen(other)
    assert "shop.example.com" not in str(other.get("/api/v1/store/domains/").json())
    connection.set_tenant(store_a)

    aws.issue(certificate.certificate_arn)
    refresh_domain_certificates()
    certificate.refresh_from_db()
    assert certificate.status == Status.ATTACHED
    assert aws.listener_certificates == [certificate.certificate_arn]
    assert "HTTPS: active" in _screen(owner)

    with django_capture_on_commit_callbacks(execute=True):
        owner.post(f"/admin/store/domains/{domain.pk}/remove/")
    certificate.refresh_from_db()
    assert certificate.status == Status.RELEASED
    assert certificate.domain is None
    assert aws.listener_certificates == []
    assert aws.certificates == {}
    assert aws.calls[-2:] == ["elbv2:RemoveListenerCertificates", "acm:DeleteCertificate"]
    actions = list(
        AuditLogEntry.objects.filter(tenant=store_a, action__startswith="domain.certificate")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        "domain.certificate_requested",
        "domain.certificate_issued",
        "domain.certificate_attached",
        "domain.certificate_released",
    ]


def test_a_failed_certificate_is_shown_with_its_reason_and_requested_again(
    aws, verified_domain, store_a, store_owner_client, celery_eager,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        certificate = certificates.start_for_domain(domain=verified_domain)
    certificate.refresh_from_db()
    first_arn = certificate.certificate_arn
    aws.fail(first_arn, "CAA_ERROR")
    refresh_domain_certificates()
    certificate.refresh_from_db()
    assert certificate.status == Status.FAILED
    assert certificate.failure_reason == "CAA_ERROR"

    owner = store_owner_client(store_a)
    page = _screen(owner)
    assert "could not be issued (CAA_ERROR)" in page
    assert "Request the certificate again" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = owner.post(f"/admin/store/domains/{verified_domain.pk}/certificate/retry/")
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.status == Status.PENDING_VALIDATION
    assert certificate.certificate_arn not in ("", first_arn)
    assert certificate.failure_reason == ""

    # Asking again while it is pending is refused, and nothing changes.
    again = owner.post(f"/admin/store/domains/{verified_domain.pk}/certificate/retry/", follow=True)
    assert "cannot be moved" in again.content.decode()
    certificate.refresh_from_db()
    assert certificate.status == Status.PENDING_VALIDATION


def test_an_aws_error_keeps_the_certificate_requested_until_the_next_run(aws, verified_domain):
    certificate = DomainCertificate.objects.create(
        domain=verified_domain, tenant=verified_domain.tenant, hostname=verified_domain.domain
    )
    # (LimitExceededException would do too, but boto3 retries it as throttling by itself.)
    aws.fail_next["RequestCertificate"] = ("InvalidParameterException", "Try again later")
    with pytest.raises(certificates.CertificateError, match="InvalidParameterException"):
        certificates.request_certificate(certificate_id=certificate.pk)
    certificate.refresh_from_db()
    assert certificate.status == Status.REQUESTED
    assert certificate.certificate_arn == ""

    refresh_domain_certificates()
    certificate.refresh_from_db()
    assert certificate.status == Status.PENDING_VALIDATION


def test_a_certificate_the_listener_refuses_stays_issued_and_is_attached_later(
    aws, verified_domain
):
    certificate = DomainCertificate.objects.create(
        domain=verified_domain, tenant=verified_domain.tenant, hostname=verified_domain.domain
    )
    certificates.request_certificate(certificate_id=certificate.pk)
    certificate.refresh_from_db()
    aws.issue(certificate.certificate_arn)
    aws.fail_next["AddListenerCertificates"] = ("TooManyCertificates", "Listener is full")
    with pytest.raises(certificates.CertificateError, match="TooManyCertificates"):
        certificates.refresh_certificate(certificate_id=certificate.pk)
    certificate.refresh_from_db()
    assert certificate.status == Status.PENDING_VALIDATION  # rolled back, nothing half-done
    assert aws.listener_certificates == []

    refresh_domain_certificates()
    certificate.refresh_from_db()
    assert certificate.status == Status.ATTACHED
    assert aws.listener_certificates == [certificate.certificate_arn]


def test_a_purged_store_s_certificates_are_released(aws, verified_domain):
    certificate = DomainCertificate.objects.create(
        domain=verified_domain, tenant=verified_domain.tenant, hostname=verified_domain.domain
    )
    certificates.request_certificate(certificate_id=certificate.pk)
    certificate.refresh_from_db()
    aws.issue(certificate.certificate_arn)
    certificates.refresh_certificate(certificate_id=certificate.pk)
    Domain.objects.filter(pk=verified_domain.pk).delete()  # as a store purge cascades

    refresh_domain_certificates()
    certificate.refresh_from_db()
    assert certificate.status == Status.RELEASED
    assert aws.listener_certificates == []
    assert aws.certificates == {}


def test_nothing_is_requested_when_certificates_are_off_or_for_platform_subdomains(
    settings, store_a, verified_domain
):
    settings.CUSTOM_DOMAIN_CERTIFICATES = ""
    assert certificates.start_for_domain(domain=verified_domain) is None
    settings.CUSTOM_DOMAIN_CERTIFICATES = "acm"
    primary = Domain.objects.get(tenant=store_a, is_primary=True)
    assert certificates.start_for_domain(domain=primary) is None
    assert not DomainCertificate.objects.exists()


def test_the_transition_table_refuses_what_it_does_not_list(verified_domain):
    certificate = DomainCertificate(
        domain=verified_domain, tenant=verified_domain.tenant, hostname=verified_domain.domain
    )
    with pytest.raises(IllegalTransition):
        apply_certificate(certificate=certificate, transition=CertificateTransition.ATTACH)
    assert certificate.status == Status.REQUESTED
