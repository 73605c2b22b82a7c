"""Every log line carries the store's schema and the request id; JSON in production."""

import json
import logging

from django.conf import settings
from pythonjsonlogger.json import JsonFormatter

from config.logging import RequestContextFilter


def test_log_lines_of_a_request_carry_store_schema_and_request_id(store_client, store_a):
    lines = []

    class Collect(logging.Handler):
        def emit(self, record):
            lines.append(self.format(record))

    handler = Collect()
    handler.addFilter(RequestContextFilter())
    handler.setFormatter(JsonFormatter(settings.LOGGING["formatters"]["json"]["fmt"]))
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        response = store_client(store_a).get("/no-such-page/", HTTP_X_REQUEST_ID="req-7")
    finally:
        logger.removeHandler(handler)

    assert response.status_code == 404
    records = [json.loads(line) for line in lines]
    assert records, "the 404 was not logged"
    assert records[-1]["schema"] == "store_a"
    assert records[-1]["request_id"] == "req-7"
    assert records[-1]["message"].startswith("Not Found")
