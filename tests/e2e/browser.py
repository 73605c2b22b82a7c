"""What the real-browser tests share: Debian's Chromium, signing a person in, screenshots, mail.

The browser is Debian's ``/usr/bin/chromium`` driven by Playwright over CDP, never a browser
build Playwright downloads (``playwright install`` cannot reach its servers from our machines).
When it is missing, the test session installs it with ``apt-get install -y chromium`` (CI runs
as root on a Debian machine), or fails with one line saying what to do.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from playwright.sync_api import BrowserContext, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.live_server import LivePlatform, LiveStore, Person

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
# What a run leaves for people to look at (git ignores it): one screenshot per page and viewport.
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
ARTIFACT_IMAGES_TIMEOUT_MS = 5_000
# Half a screen at a time, two frames each, then back to the top.
_SCROLL_THROUGH = """async () => {
  const frame = () => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
  for (let y = 0; y < document.documentElement.scrollHeight; y += innerHeight / 2) {
    scrollTo(0, y);
    await frame();
  }
  scrollTo(0, 0);
  await frame();
}"""
# The console mail backend ends every message it prints with this line.
MAIL_SEPARATOR = "\n" + "-" * 79 + "\n"
MAIL_TIMEOUT = 30


class ChromiumUnavailable(RuntimeError):
    """Chromium is not installed and cannot be installed here (the message says what to do)."""


def chromium_arguments() -> list[str]:
    """Headless, offline and quiet; the platform's host names mapped to loopback.

    Chromium resolves ``localhost`` and ``*.localhost`` to loopback itself (checked here:
    Chromium 156 on Debian 12), but knows nothing of another ``PLATFORM_DOMAIN``: the resolver
    rules send the platform's host and every store's to 127.0.0.1, where the live server listens.
    """
    domain = settings.PLATFORM_DOMAIN
    return [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--host-resolver-rules=MAP {domain} 127.0.0.1, MAP *.{domain} 127.0.0.1",
    ]


def ensure_chromium(*, say: Callable[[str], None]) -> Path:
    """Debian's Chromium, installed with apt-get first when it is missing."""
    if CHROMIUM.exists():
        return CHROMIUM
    apt_get = shutil.which("apt-get")
    if apt_get is None:
        raise ChromiumUnavailable(
            f"The browser tests need Chromium at {CHROMIUM} and there is no apt-get to install "
            "it: install Debian's chromium package (or run the tests on a Debian machine)."
        )
    if os.geteuid() != 0:
        raise ChromiumUnavailable(
            f"The browser tests need Chromium at {CHROMIUM}: run `sudo apt-get install -y "
            "chromium`, or the tests as root (as CI does)."
        )
    say(f"Chromium is missing: installing Debian's chromium package into {CHROMIUM} ...")
    environment = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = [apt_get, "install", "-y", "-q", "--no-install-recommends", "chromium"]
    if _run_quietly(install, environment) != 0:  # no package lists yet on a fresh machine
        _run_quietly([apt_get, "update", "-q"], environment)
        if _run_quietly(install, environment) != 0 or not CHROMIUM.exists():
            raise ChromiumUnavailable(
                "apt-get could not install chromium (see `apt-get install -y chromium`): "
                "the browser tests need it."
            )
    return CHROMIUM


def _run_quietly(command: list[str], environment: dict[str, str]) -> int:
    return subprocess.run(  # apt-get, found on PATH, with our own arguments
        command, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False
    ).returncode


def screenshot(page: Page, name: str) -> Path:
    """The whole page as the person sees it, in ``tests/e2e/screenshots/<name>.png`` (git
    ignores the folder): open it to check the page looks right, not just that it holds text."""
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=path, full_page=True)
    return path


def artifact(page: Page, name: str) -> Path:
    """The whole page, in ``tests/e2e/artifacts/<name>.png`` (git ignores the folder): the
    screenshots of the storefront's pages, desktop and phone, that a person opens to check
    the pages look right. Lazy images are loaded first: a full-page screenshot does not
    scroll, so pictures below the fold would be blank."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.evaluate(_SCROLL_THROUGH)  # the browser loads lazy images as they come into view
    loaded = "Array.from(document.images).every(i => i.complete && (i.naturalWidth || !i.src))"
    with contextlib.suppress(PlaywrightTimeoutError):  # a broken image shows as broken
        page.wait_for_function(loaded, timeout=ARTIFACT_IMAGES_TIMEOUT_MS)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=path, full_page=True)
    return path


PHONE = {"width": 375, "height": 812}


def assert_fits_a_phone(page: Page, name: str) -> None:
    """The page, laid out again at a phone's width (375 px), does not scroll sideways: a
    wide table scrolls inside its own box instead. The viewport is restored afterwards."""
    size = page.viewport_size
    page.set_viewport_size(PHONE)
    try:
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at 375px wide"
    finally:
        if size:
            page.set_viewport_size(size)


def sign_in(context: BrowserContext, store: LiveStore, who: str | Person) -> Person:
    """Sign a person of ``store`` into this browser context, and return them: the store's
    person of a role (``"owner"``, ``"customer"``...), or one made by ``live.new_person`` for a
    test that looks at or changes what is theirs (the store's people are shared by the session).

    The session is made through the storefront's real login page, by HTTP (the form and its
    CSRF token, as a browser sends them), and its cookie handed to the browser: the server does
    exactly what it does for a browser that signs in, without rendering the page first. The
    tests of signing in themselves go through the page in the browser.
    """
    person = store.people[who] if isinstance(who, str) else who
    client = store.client()
    client.sign_in_page(person.email, person.password)
    name = settings.SESSION_COOKIE_NAME
    context.add_cookies([{"name": name, "value": client.session.cookies[name], "url": store.url}])
    return person


def mail_to(live: LivePlatform, email: str, *, timeout: float = MAIL_TIMEOUT) -> str:
    """The last message sent to ``email`` so far, as the live server printed it (its mail
    backend is the console's; the worker's mail is in the same log), waiting for it to come."""
    deadline = time.monotonic() + timeout
    header = re.compile(rf"^To: {re.escape(email)}$", re.MULTILINE)
    while True:
        messages = [m for m in live.server_log().split(MAIL_SEPARATOR) if header.search(m)]
        if messages:
            return messages[-1]
        assert time.monotonic() < deadline, f"no mail to {email} within {timeout} s"
        time.sleep(0.1)  # the mail is written by another process; nothing to wait on but its log


def link_in(message: str, *, path: str) -> str:
    """The one link of ``message`` whose path starts with ``path``."""
    links = set(re.findall(rf"https?://[^\s/]+{re.escape(path)}\S*", message))
    assert len(links) == 1, f"expected one link to {path} in:\n{message}"
    return links.pop()
