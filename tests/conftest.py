"""Fixtures shared by the suites: the settings and a way to wait for a URL."""

from __future__ import annotations

import time

import pytest
import requests

from infra.taskrunner import settings as settings_module


@pytest.fixture(scope="session")
def settings() -> settings_module.Settings:
    return settings_module.load()


def describe(response: requests.Response) -> str:
    """Summarise a response for an assertion message."""
    body = response.text[:300].replace("\n", " ")
    return f"HTTP {response.status_code} from {response.url}: {body!r}"


def get_when_ready(url: str, service: str, timeout: float, retry_statuses=(502, 503, 504)) -> requests.Response:
    """GET url until the status is not in retry_statuses, or fail at the deadline.

    Connection errors count as not ready. The failure message names the
    service, the URL, the seconds waited and the last response or error.
    """
    deadline = time.monotonic() + timeout
    started = time.monotonic()
    last = "no response yet"
    while True:
        try:
            response = requests.get(url, timeout=5)
            if response.status_code not in retry_statuses:
                return response
            last = describe(response)
        except requests.RequestException as error:
            last = f"{type(error).__name__}: {error}"
        if time.monotonic() >= deadline:
            pytest.fail(
                f"{service} at {url} was not ready after {time.monotonic() - started:.0f} s; last result: {last}"
            )
        time.sleep(1)
