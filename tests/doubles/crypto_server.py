"""The small threaded HTTP server the Coinbase and BitPay doubles run on (usable without
pytest: the benchmarks start the doubles themselves).

A double is a plain object with a ``handle(method, path, query, headers, body)`` method
answering ``(status, headers, body bytes)``; :class:`LocalServer` serves it on 127.0.0.1 on a
free port, one thread per request, until :meth:`LocalServer.stop`.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Self
from urllib.parse import parse_qs, urlsplit


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        parts = urlsplit(self.path)
        query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        headers = {key.lower(): value for key, value in self.headers.items()}
        try:
            status, extra, payload = self.server.double.handle(
                self.command, parts.path, query, headers, body
            )
        except Exception as error:  # noqa: BLE001 - a bug in the double: answer as a server would
            status, extra, payload = 500, {}, json_body({"error": repr(error)})[1]
        if status is None:  # the double simulates a dropped connection
            self.close_connection = True
            return
        self.send_response(status)
        content_type = extra.pop("Content-Type", "application/json")
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        for name, value in extra.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_DELETE = _serve

    def log_message(self, format, *args) -> None:  # quiet: tests read the double's state
        return


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


class LocalServer:
    """Serve ``double`` on 127.0.0.1 (``port`` 0: a free one); ``url`` is its base URL."""

    def __init__(self, double, port: int = 0) -> None:
        self._server = _Server(("127.0.0.1", port), _Handler)
        self._server.double = double
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> LocalServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


class ServedDouble:
    """What a double served by a :class:`LocalServer` (``self._server``) offers to run it:
    ``url``, ``start()``, ``stop()``, and ``with double:``."""

    _server: LocalServer

    @property
    def url(self) -> str:
        return self._server.url

    def start(self) -> Self:
        self._server.start()
        return self

    def stop(self) -> None:
        self._server.stop()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def json_body(data, status: int = 200) -> tuple[int, bytes]:
    return status, json.dumps(data).encode()


def html_page(title: str, body: str) -> bytes:
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{title}</title></head><body>{body}</body></html>"
    ).encode()
