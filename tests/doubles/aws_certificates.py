"""A local double of AWS Certificate Manager and Elastic Load Balancing v2, as boto3 calls them.

One server answers both, the way AWS documents each protocol:

- ACM speaks JSON 1.1: ``POST /`` with ``X-Amz-Target: CertificateManager.<Operation>`` and
  ``Content-Type: application/x-amz-json-1.1``; errors are 400 with ``{"__type": ..., "message"}``.
- ELBv2 speaks the query protocol: ``POST /`` with a form body (``Action=...&Version=2015-12-01``,
  lists as ``Certificates.member.N.CertificateArn``); answers are XML in the
  ``http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/`` namespace; errors are an
  ``<ErrorResponse>``.

Requests must be SigV4-signed for the right service (boto3 does it with any credentials).
Like ACM, a new certificate's DNS validation record shows up only from its second description.
Tests move a certificate along with :meth:`issue` and :meth:`fail` (what ACM does once it sees,
or gives up on, the CNAME record) and read ``certificates`` and ``listener_certificates``.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from urllib.parse import parse_qs
from xml.sax.saxutils import escape

from tests.doubles.crypto_server import LocalServer, ServedDouble

ELB_NAMESPACE = "http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/"
REGION = "eu-west-1"
ACCOUNT = "123456789012"


class AwsCertificatesDouble(ServedDouble):
    def __init__(self, *, listener_arn: str) -> None:
        self.listener_arn = listener_arn
        self.certificates: dict[str, dict] = {}
        self.listener_certificates: list[str] = []
        self.calls: list[str] = []
        self.fail_next: dict[str, tuple[str, str]] = {}  # operation -> (error code, message)
        self._tokens: dict[str, str] = {}
        self._lock = threading.Lock()
        self._server = LocalServer(self)

    # --- what ACM does on its own ---------------------------------------------------------

    def issue(self, arn: str) -> None:
        with self._lock:
            self.certificates[arn]["Status"] = "ISSUED"
            for option in self.certificates[arn]["DomainValidationOptions"]:
                option["ValidationStatus"] = "SUCCESS"

    def fail(self, arn: str, reason: str = "CAA_ERROR") -> None:
        with self._lock:
            self.certificates[arn]["Status"] = "FAILED"
            self.certificates[arn]["FailureReason"] = reason

    def arn_for(self, hostname: str) -> str:
        return next(
            arn
            for arn, certificate in self.certificates.items()
            if certificate["DomainName"] == hostname
        )

    # --- HTTP -------------------------------------------------------------------------------

    def handle(self, method, path, query, headers, body):
        authorization = headers.get("authorization", "")
        if method != "POST" or path != "/" or not authorization.startswith("AWS4-HMAC-SHA256 "):
            return 403, {}, b'{"message": "Missing Authentication Token"}'
        target = headers.get("x-amz-target", "")
        if target.startswith("CertificateManager."):
            if "/acm/aws4_request" not in authorization:
                return 403, {}, b'{"message": "Credential should be scoped to acm"}'
            if headers.get("content-type") != "application/x-amz-json-1.1":
                return 400, {}, b'{"__type": "SerializationException"}'
            return self._acm(target.split(".", 1)[1], json.loads(body or b"{}"))
        if "/elasticloadbalancing/aws4_request" not in authorization:
            return 403, {}, b"<ErrorResponse/>"
        form = {key: values[-1] for key, values in parse_qs(body.decode()).items()}
        return self._elb(form)

    # --- ACM (JSON 1.1) -----------------------------------------------------------------------

    def _acm(self, operation: str, request: dict):
        with self._lock:
            self.calls.append(f"acm:{operation}")
            if operation in self.fail_next:
                code, message = self.fail_next.pop(operation)
                return self._acm_error(code, message)
            if operation == "RequestCertificate":
                return self._request_certificate(request)
            certificate = self.certificates.get(request.get("CertificateArn", ""))
            if certificate is None:
                return self._acm_error("ResourceNotFoundException", "Could not find certificate")
            if operation == "DescribeCertificate":
                certificate["_descriptions"] += 1
                described = {k: v for k, v in certificate.items() if not k.startswith("_")}
                described["DomainValidationOptions"] = [
                    {k: v for k, v in option.items() if k != "ResourceRecord"}
                    if certificate["_descriptions"] < 2
                    else option
                    for option in certificate["DomainValidationOptions"]
                ]
                return (
                    200,
                    {"Content-Type": "application/x-amz-json-1.1"},
                    _json({"Certificate": described}),
                )
            if operation == "DeleteCertificate":
                if certificate["CertificateArn"] in self.listener_certificates:
                    return self._acm_error("ResourceInUseException", "Certificate is in use")
                del self.certificates[certificate["CertificateArn"]]
                return 200, {"Content-Type": "application/x-amz-json-1.1"}, b"{}"
            return self._acm_error("UnknownOperationException", operation)

    def _request_certificate(self, request: dict):
        if request.get("ValidationMethod") != "DNS" or not request.get("DomainName"):
            return self._acm_error("ValidationException", "DomainName and DNS validation needed")
        token = request.get("IdempotencyToken")
        if token and token in self._tokens:  # ACM: the same token within an hour, same cert
            return 200, {}, _json({"CertificateArn": self._tokens[token]})
        arn = f"arn:aws:acm:{REGION}:{ACCOUNT}:certificate/{uuid.uuid4()}"
        hostname = request["DomainName"]
        label = uuid.uuid4().hex
        self.certificates[arn] = {
            "CertificateArn": arn,
            "DomainName": hostname,
            "SubjectAlternativeNames": [hostname],
            "Status": "PENDING_VALIDATION",
            "Type": "AMAZON_ISSUED",
            "KeyAlgorithm": "RSA_2048",
            "CreatedAt": time.time(),
            "InUseBy": [],
            "DomainValidationOptions": [
                {
                    "DomainName": hostname,
                    "ValidationDomain": hostname,
                    "ValidationStatus": "PENDING_VALIDATION",
                    "ValidationMethod": "DNS",
                    "ResourceRecord": {
                        "Name": f"_{label[:32]}.{hostname}.",
                        "Type": "CNAME",
                        "Value": f"_{label[::-1][:32]}.xlfgrmvvlj.acm-validations.aws.",
                    },
                }
            ],
            "Tags": request.get("Tags", []),
            "_descriptions": 0,
        }
        if token:
            self._tokens[token] = arn
        return 200, {"Content-Type": "application/x-amz-json-1.1"}, _json({"CertificateArn": arn})

    @staticmethod
    def _acm_error(code: str, message: str):
        body = _json({"__type": code, "message": message})
        return 400, {"Content-Type": "application/x-amz-json-1.1"}, body

    # --- ELBv2 (query protocol, XML) -------------------------------------------------------------

    def _elb(self, form: dict):
        action = form.get("Action", "")
        with self._lock:
            self.calls.append(f"elbv2:{action}")
            if form.get("Version") != "2015-12-01":
                return self._elb_error("InvalidAction", "Unsupported version")
            if action in self.fail_next:
                return self._elb_error(*self.fail_next.pop(action))
            if form.get("ListenerArn") != self.listener_arn:
                return self._elb_error("ListenerNotFound", "One or more listeners not found")
            arns = [
                value
                for key, value in sorted(form.items())
                if key.startswith("Certificates.member.") and key.endswith(".CertificateArn")
            ]
            if action == "AddListenerCertificates":
                for arn in arns:
                    certificate = self.certificates.get(arn)
                    if certificate is None or certificate["Status"] != "ISSUED":
                        return self._elb_error("CertificateNotFound", f"{arn} not found")
                    if arn not in self.listener_certificates:
                        self.listener_certificates.append(arn)
                members = "".join(
                    f"<member><CertificateArn>{escape(arn)}</CertificateArn>"
                    "<IsDefault>false</IsDefault></member>"
                    for arn in arns
                )
                result = f"<Certificates>{members}</Certificates>"
            elif action == "RemoveListenerCertificates":
                for arn in arns:
                    if arn in self.listener_certificates:
                        self.listener_certificates.remove(arn)
                result = ""
            else:
                return self._elb_error("InvalidAction", action)
        body = (
            f'<{action}Response xmlns="{ELB_NAMESPACE}"><{action}Result>{result}</{action}Result>'
            f"<ResponseMetadata><RequestId>{uuid.uuid4()}</RequestId></ResponseMetadata>"
            f"</{action}Response>"
        )
        return 200, {"Content-Type": "text/xml"}, body.encode()

    @staticmethod
    def _elb_error(code: str, message: str):
        body = (
            f'<ErrorResponse xmlns="{ELB_NAMESPACE}"><Error><Type>Sender</Type>'
            f"<Code>{code}</Code><Message>{escape(message)}</Message></Error>"
            f"<RequestId>{uuid.uuid4()}</RequestId></ErrorResponse>"
        )
        return 400, {"Content-Type": "text/xml"}, body.encode()


def _json(data) -> bytes:
    return json.dumps(data).encode()
