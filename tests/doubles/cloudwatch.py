"""A local double of CloudWatch's PutMetricData, as boto3 calls it.

CloudWatch answers the AWS JSON 1.0 protocol (botocore's choice among those the service
declares): ``POST /`` with ``X-Amz-Target: GraniteServiceVersion20100801.PutMetricData``,
``Content-Type: application/x-amz-json-1.0`` and a JSON body; ``{}`` for an operation without
output, errors as 400 ``{"__type": ..., "message": ...}``. Requests must be SigV4-signed for
``monitoring``. Tests read ``metrics`` (namespace, name, dimensions, value, unit).
"""

from __future__ import annotations

import json
import threading

from tests.doubles.crypto_server import LocalServer, ServedDouble

_TARGET = "GraniteServiceVersion20100801."
_JSON = {"Content-Type": "application/x-amz-json-1.0"}


class CloudWatchDouble(ServedDouble):
    def __init__(self) -> None:
        self.metrics: list[dict] = []
        self._lock = threading.Lock()
        self._server = LocalServer(self)

    def handle(self, method, path, query, headers, body):
        authorization = headers.get("authorization", "")
        if not authorization.startswith("AWS4-HMAC-SHA256 ") or "/monitoring/" not in authorization:
            return 403, dict(_JSON), _error("MissingAuthenticationToken", "Not signed")
        if method != "POST" or headers.get("content-type") != "application/x-amz-json-1.0":
            return 400, dict(_JSON), _error("SerializationException", "Expected JSON 1.0")
        if headers.get("x-amz-target") != f"{_TARGET}PutMetricData":
            return 400, dict(_JSON), _error("UnknownOperationException", "Not doubled")
        request = json.loads(body)
        if not request.get("Namespace") or not request.get("MetricData"):
            return 400, dict(_JSON), _error("MissingRequiredParameter", "Namespace, MetricData")
        with self._lock:
            for datum in request["MetricData"]:
                self.metrics.append(
                    {
                        "namespace": request["Namespace"],
                        "name": datum["MetricName"],
                        "dimensions": {d["Name"]: d["Value"] for d in datum.get("Dimensions", [])},
                        "value": datum["Value"],
                        "unit": datum.get("Unit"),
                    }
                )
        return 200, dict(_JSON), b"{}"


def _error(code: str, message: str) -> bytes:
    return json.dumps({"__type": code, "message": message}).encode()
