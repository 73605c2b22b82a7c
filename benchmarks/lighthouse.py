"""Lighthouse on the demo store's storefront, through the real server, as production serves it.

A database of its own gets the demo store (``create_demo_store``: the catalog with pictures and
renditions, the composed home page); gunicorn serves it with ``DEBUG`` off (collected,
fingerprinted static files through WhiteNoise, the production error pages), and Lighthouse 12.2.3
(npm, run by ``npx``) drives Debian's Chromium with its mobile preset (the default: a
mid-range phone, simulated slow 4G and 4x CPU slowdown) over home, a category and a product:

    figure lighthouse_<page>_<category> <score> score

for the pages home, category and product and the categories performance, accessibility, seo
and best_practices (0-100), and under each page the audits that cost points
(``# <page> <category>: <audit> ...``), heaviest first, so that the next fix is obvious.
The JSON reports are kept in ``.data/lighthouse/`` (the Lighthouse viewer opens them).

    python benchmarks/lighthouse.py [--keep] [--reuse] [--pages home,product]

The goal (issue 12): performance >= 95, accessibility 100, SEO 100, best practices >= 95.
"""

import argparse
import contextlib
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from harness import ROOT, bench_environment, drop_database, migrate

LIGHTHOUSE = "lighthouse@12.2.3"
CHROME = "/usr/bin/chromium"
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu"
HOST = "demo.localhost"  # Chromium resolves *.localhost to loopback by itself
# Paths as contract 3 of the storefront names them, on the demo catalog (catalog.demo_catalog).
PAGES = {
    "home": "/",
    "category": "/c/apparel/t-shirts/",
    "product": "/p/everyday-organic-tee/",
}
CATEGORIES = {
    "performance": "performance",
    "accessibility": "accessibility",
    "seo": "seo",
    "best-practices": "best_practices",
}
AUDITS_SHOWN = 6
REPORTS = ROOT / ".data" / "lighthouse"
RUN_TIMEOUT = 240
ATTEMPTS = 3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="Keep the database afterwards.")
    parser.add_argument("--reuse", action="store_true", help="Reuse a database kept by --keep.")
    parser.add_argument("--pages", default=",".join(PAGES), help="Which pages, comma separated.")
    args = parser.parse_args()
    _check_tools()

    environment = bench_environment("bench_lighthouse", fresh=not args.reuse)
    if not args.reuse:
        migrate(environment)
        _manage(environment, "create_demo_store")
    port = _free_port()
    with tempfile.TemporaryDirectory(prefix="mercato-static-") as static_root:
        served = _production_environment(environment, port=port, static_root=static_root)
        _manage(served, "collectstatic", "--noinput", "-v", "0")
        with _gunicorn(served, port=port):
            REPORTS.mkdir(parents=True, exist_ok=True)
            for name in args.pages.split(","):
                url = f"http://{HOST}:{port}{PAGES[name]}"
                _check_page(url, port)
                report = _lighthouse(url, REPORTS / f"{name}.json")
                _print_figures(name, report)
    if not args.keep:
        drop_database(environment)


def _check_tools() -> None:
    missing = [tool for tool in ("npx",) if shutil.which(tool) is None]
    if not Path(CHROME).exists():
        missing.append(f"{CHROME} (apt-get install chromium)")
    if missing:
        sys.exit(f"lighthouse.py needs {', '.join(missing)} (and the npm registry, once).")


def _production_environment(environment: dict, *, port: int, static_root: str) -> dict:
    """``DEBUG`` off as in production, over plain HTTP on loopback (no TLS here)."""
    return {
        **environment,
        "DEBUG": "0",
        # A strong key of this run only: production refuses a weak one.
        "SECRET_KEY": secrets.token_urlsafe(50),
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_HSTS_SECONDS": "0",
        "PLATFORM_URL_SCHEME": "http",
        "PLATFORM_URL_PORT": str(port),
        "STATIC_ROOT": static_root,
        "LOG_LEVEL": "WARNING",
        "STORE_POOL_SIZE": "0",
    }


@contextlib.contextmanager
def _gunicorn(environment: dict, *, port: int):
    command = [
        sys.executable, "-m", "gunicorn", "sourceroot:wsgi_application",
        "--bind", f"127.0.0.1:{port}", "--workers", "2", "--log-level", "warning",
    ]  # fmt: skip
    server = subprocess.Popen(command, cwd=ROOT, env=environment)  # noqa: S603 - ours
    try:
        _wait_for(port)
        yield
    finally:
        server.terminate()
        server.wait(timeout=30)


def _check_page(url: str, port: int) -> None:
    """The page answers 200 (else Lighthouse would score an error page), and is warm."""
    import http.client
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    for _ in range(2):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        connection.request("GET", parts.path, headers={"Host": parts.netloc})
        response = connection.getresponse()
        body = response.read()
        connection.close()
        if response.status != 200:
            sys.exit(f"GET {url} answered {response.status}: {body[:300]!r}")


def _lighthouse(url: str, output: Path) -> dict:
    """Lighthouse's JSON report of ``url``. Its trace recording fails now and then on a busy
    machine (NO_NAVSTART, NO_FCP): such a run is tried again, up to ATTEMPTS times."""
    command = [
        "npx", "--yes", LIGHTHOUSE, url,
        "--output=json", f"--output-path={output}", "--quiet",
        f"--chrome-flags={CHROME_FLAGS}",
        "--only-categories=" + ",".join(CATEGORIES),
    ]  # fmt: skip
    environment = {**os.environ, "CHROME_PATH": CHROME}
    for attempt in range(1, ATTEMPTS + 1):
        output.unlink(missing_ok=True)
        result = subprocess.run(  # noqa: S603 - npx from PATH, our arguments
            command,
            env=environment,
            capture_output=True,
            text=True,
            timeout=RUN_TIMEOUT,
            check=False,  # a failed run is tried again
        )
        if result.returncode == 0 and output.exists():
            return json.loads(output.read_text())
        print(f"# {url}: Lighthouse failed (attempt {attempt} of {ATTEMPTS})", flush=True)
    sys.exit(f"Lighthouse failed on {url}:\n{result.stderr[-3000:]}")


def _print_figures(page: str, report: dict) -> None:
    if report.get("runtimeError"):
        print(f"# {page}: Lighthouse runtime error {report['runtimeError']}", flush=True)
    for category_id, label in CATEGORIES.items():
        category = report["categories"][category_id]
        score = category["score"]
        # Lighthouse's own scale: whole numbers from 0 to 100.
        print(f"figure lighthouse_{page}_{label} {round((score or 0) * 100)} score", flush=True)
        for line in _costly_audits(report, category):
            print(f"# {page} {label}: {line}", flush=True)


def _costly_audits(report: dict, category: dict) -> list[str]:
    """The category's audits that lost points, heaviest first (weight, then score)."""
    lost = []
    for reference in category["auditRefs"]:
        audit = report["audits"][reference["id"]]
        if audit.get("scoreDisplayMode") in ("notApplicable", "informative", "manual"):
            continue
        score = audit.get("score")
        if score is None or score >= 1:
            continue
        weight = reference.get("weight", 0)
        detail = audit.get("displayValue") or ""
        items = (audit.get("details") or {}).get("items") or []
        where = _first_item(items)
        text = f"{audit['id']} ({audit['title']}) score {score:.2f}, weight {weight}"
        text += f": {detail}" if detail else ""
        text += f" e.g. {where}" if where else ""
        lost.append(((weight, -score), text))
    return [text for _, text in sorted(lost, key=lambda entry: entry[0], reverse=True)][
        :AUDITS_SHOWN
    ]


def _first_item(items: list) -> str:
    """A short hint of where the audit failed: the first element or URL it names."""
    if not items:
        return ""
    item = items[0]
    node = item.get("node") if isinstance(item, dict) else None
    if isinstance(node, dict):
        return (node.get("snippet") or node.get("selector") or "")[:160]
    if isinstance(item, dict) and item.get("url"):
        return str(item["url"])[:160]
    return ""


def _manage(environment: dict, *arguments: str) -> None:
    subprocess.run(  # noqa: S603 - our interpreter, our arguments
        [sys.executable, "manage.py", *arguments], cwd=ROOT, env=environment, check=True
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            return
        time.sleep(0.2)
    raise RuntimeError("the web server did not start")


if __name__ == "__main__":
    main()
