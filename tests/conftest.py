"""Fixtures shared by the suites: the settings, an API session and a way to wait for a URL."""

from __future__ import annotations

import os
import shutil
import time

import pytest
import requests

from infra.taskrunner import settings as settings_module
from infra.taskrunner import stack


@pytest.fixture(scope="session")
def settings() -> settings_module.Settings:
    return settings_module.load()


@pytest.fixture(scope="session")
def backend_port(settings) -> int:
    """Return the host port of the first backend container.

    It is WORKSHOP_BACKEND_PORT, unless that is empty and Docker chose a port.
    """
    if settings.backend_port:
        return settings.backend_port
    docker = stack.client(settings)
    backends = sorted(
        (c for c in stack.project_containers(docker) if stack.service_of(c) == "backend"), key=lambda c: c.name
    )
    port = stack.published_port(backends[0], "8000/tcp") if backends else None
    if port is None:
        pytest.fail("no backend container publishes port 8000; start the stack with: invoke up")
    return port


def describe(response: requests.Response) -> str:
    """Summarise a response for an assertion message."""
    body = response.text[:300].replace("\n", " ")
    return f"HTTP {response.status_code} from {response.url}: {body!r}"


def poll_until(url: str, accept, service: str, timeout: float, expected: str) -> tuple[requests.Response, float]:
    """GET url until accept(response) is true; return the response and the seconds it took.

    Connection errors count as not yet. At the deadline the test fails with
    the service, the URL, what was expected, the seconds waited and the last
    response or error.
    """
    started = time.monotonic()
    last = "no response yet"
    while True:
        try:
            response = requests.get(url, timeout=5)
            if accept(response):
                return response, time.monotonic() - started
            last = describe(response)
        except requests.RequestException as error:
            last = f"{type(error).__name__}: {error}"
        if time.monotonic() - started >= timeout:
            pytest.fail(
                f"{service} at {url} did not {expected} within {timeout:.0f} s; last result: {last}"
            )
        time.sleep(0.5)


def get_when_ready(url: str, service: str, timeout: float, retry_statuses=(502, 503, 504)) -> requests.Response:
    """GET url until the status is not in retry_statuses (the service is still starting)."""
    response, _ = poll_until(
        url, lambda r: r.status_code not in retry_statuses, service, timeout, "become ready"
    )
    return response


class ApiSession(requests.Session):
    """A requests session for the todo API on one base URL, with Django's CSRF token.

    The first GET of /api/todos/ sets the csrftoken cookie; every later
    request sends it back in the X-CSRFToken header, as the page does.
    """

    def __init__(self, base_url: str):
        super().__init__()
        self.base_url = base_url.rstrip("/")
        response = self.get("/api/todos/", timeout=10)
        assert response.status_code == 200, describe(response)
        self.headers["X-CSRFToken"] = self.cookies["csrftoken"]

    def request(self, method, url, *args, **kwargs):
        kwargs.setdefault("timeout", 10)
        return super().request(method, self.base_url + url, *args, **kwargs)

    def delete_todos_titled(self, prefix: str) -> None:
        """Delete every todo whose title starts with prefix: a test's leftovers."""
        for todo in self.get("/api/todos/").json()["todos"]:
            if todo["title"].startswith(prefix):
                self.delete(f"/api/todos/{todo['id']}/")


@pytest.fixture
def api(settings) -> ApiSession:
    """Return an API session through nginx on the published HTTP port."""
    with ApiSession(settings.url(settings.http_port)) as session:
        yield session


CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")

# Headless in a container or CI as root: no sandbox and no GPU. Background
# networking, updates and sync reach hosts outside this machine, which a
# test has no business contacting.
CHROMIUM_ARGUMENTS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def find_chromium() -> str | None:
    configured = os.environ.get("WORKSHOP_CHROMIUM")
    if configured:
        return configured
    for name in CHROMIUM_NAMES:
        path = shutil.which(name)
        if path:
            return path
    return None


@pytest.fixture(scope="session")
def browser():
    """Return a headless Chromium driven by Playwright; skip when either is missing."""
    playwright_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    executable = find_chromium()
    if executable is None:
        pytest.skip(
            "no Chromium found (looked for " + ", ".join(CHROMIUM_NAMES) + " on PATH): install one, "
            "for example `sudo apt-get install chromium`, or set WORKSHOP_CHROMIUM to its path"
        )
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGUMENTS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


