"""Real-browser tests: Debian's Chromium, driven by Playwright, against the live platform.

- ``live_platform`` (tests/live_server.py) is the one running platform of the session: gunicorn
  and a Celery worker over the test database, two stores with a person of every role. The
  security suite uses the same one: running both costs one start-up.
- ``browser``: one Chromium for the session's browser tests, started by the first of them and
  stopped when the run leaves tests/e2e (``BrowserSession`` says why); tests/e2e/browser.py
  says which Chromium, and installs it when missing.
- ``context`` and ``page``: a fresh browser context per test (its own cookies and storage, so
  nobody is signed in) and a page in it. A failing test leaves a screenshot of its page,
  ``screenshots/FAILED-<test>.png``.
- ``live``: the platform, with no throttle or login lockout counted yet for this test.

Sign people in with ``browser.sign_in(context, store, role)``; take screenshots with
``browser.screenshot(page, name)`` and look at them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Page,
    Playwright,
    expect,
    sync_playwright,
)

from tests.e2e.browser import ChromiumUnavailable, chromium_arguments, ensure_chromium, screenshot
from tests.live_server import LivePlatform, forget_rate_limits

# Long enough for a cold page of the live server on a busy 2-core machine, short enough that a
# missing element fails the test in seconds.
TIMEOUT_MS = 10_000
ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"
VIEWPORT = {"width": 1280, "height": 800}
HERE = Path(__file__).resolve().parent
BROWSER_SESSION = pytest.StashKey["BrowserSession"]()


class BrowserSession:
    """The one Chromium of the session's browser tests: started by the first of them, stopped
    once the run has left them.

    Playwright's synchronous API runs its event loop in the test's own thread, between the
    test's steps. Django then takes every step for async code and refuses database access
    (``SynchronousOnlyOperation``) though nothing runs concurrently, so
    ``DJANGO_ALLOW_ASYNC_UNSAFE`` is set while the browser is up; and the loop would make
    ``async_to_sync`` and ``asyncio.run`` fail in whatever tests come after, so the browser does
    not wait for the end of the session to stop.
    """

    def __init__(self, *, executable: str):
        self.executable = executable
        self._playwright: Playwright | None = None
        self._browser: Browser | None = None
        self._async_unsafe_before: str | None = None

    def start(self) -> Browser:
        if self._browser is None:
            self._async_unsafe_before = os.environ.get(ASYNC_UNSAFE)
            os.environ[ASYNC_UNSAFE] = "true"
            self._playwright = sync_playwright().start()
            self._browser = self._playwright.chromium.launch(
                executable_path=self.executable, args=chromium_arguments(), headless=True
            )
            expect.set_options(timeout=TIMEOUT_MS)
        return self._browser

    def stop(self) -> None:
        if self._playwright is None:
            return
        try:
            if self._browser is not None:
                self._browser.close()
            self._playwright.stop()
        finally:
            self._browser = self._playwright = None
            if self._async_unsafe_before is None:
                os.environ.pop(ASYNC_UNSAFE, None)
            else:
                os.environ[ASYNC_UNSAFE] = self._async_unsafe_before


def _is_browser_test(item) -> bool:
    return item.path.is_relative_to(HERE)


def pytest_collection_modifyitems(config, items):
    for item in items:
        if _is_browser_test(item):
            item.add_marker(pytest.mark.e2e)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)  # read by ``page`` after the test
    return report


@pytest.fixture(scope="session")
def chromium(request) -> str:
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    try:
        return str(ensure_chromium(say=lambda line: reporter.write_line(line)))
    except ChromiumUnavailable as error:
        pytest.fail(str(error), pytrace=False)


@pytest.fixture(scope="session")
def browser_session(request, chromium, live_platform) -> Iterator[BrowserSession]:
    session = BrowserSession(executable=chromium)
    request.config.stash[BROWSER_SESSION] = session
    yield session
    session.stop()


@pytest.fixture
def browser(browser_session) -> Browser:
    return browser_session.start()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    # Playwright's loop must not outlive the browser tests: stop the browser when the run
    # leaves them (after this test's own fixtures are gone), not at the end of the session.
    yield
    session = item.config.stash.get(BROWSER_SESSION, None)
    if session is not None and (nextitem is None or not _is_browser_test(nextitem)):
        session.stop()


@pytest.fixture
def live(live_platform) -> LivePlatform:
    """The running platform, this test starting with no throttle or lockout counted."""
    forget_rate_limits()
    return live_platform


@pytest.fixture
def context(browser) -> Iterator[BrowserContext]:
    context = browser.new_context(viewport=VIEWPORT, locale="en-US", timezone_id="UTC")
    context.set_default_timeout(TIMEOUT_MS)
    yield context
    context.close()


@pytest.fixture
def page(context, request) -> Iterator[Page]:
    page = context.new_page()
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed and not page.is_closed():
        screenshot(page, f"FAILED-{request.node.name}")
