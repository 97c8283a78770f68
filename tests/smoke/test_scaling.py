"""Scaling: three backend replicas behind nginx, each one receiving requests."""

from __future__ import annotations

import time

import pytest
import requests

from infra.taskrunner import stack
from tests.conftest import describe, get_when_ready


@pytest.fixture
def three_backends(settings, monkeypatch):
    """Scale the backend to 3 replicas on random host ports, and back to 1 on its own port afterwards."""
    docker = stack.client(settings)
    with monkeypatch.context() as scaled:
        # One fixed host port fits one container; empty means a random port each.
        scaled.setenv("WORKSHOP_BACKEND_PORT", "")
        docker.compose.up(detach=True, wait=True, scales={"backend": 3}, quiet=True, wait_timeout=settings.up_timeout)
    try:
        yield
    finally:
        docker.compose.up(detach=True, wait=True, scales={"backend": 1}, quiet=True, wait_timeout=settings.up_timeout)
        # Leave the proxy serving again for the tests that follow.
        get_when_ready(settings.url(settings.http_port, "/api/health/"), "nginx -> backend", timeout=60)


class ScalingTests:
    def test_nginx_spreads_requests_across_replicas(self, settings, three_backends):
        url = settings.url(settings.http_port, "/api/health/")
        hostnames: set[str] = set()
        # nginx looks the name up again when its DNS answer expires (5 s),
        # so the new replicas may need that long to receive requests.
        deadline = time.monotonic() + 60
        while len(hostnames) < 2 and time.monotonic() < deadline:
            response = requests.get(url, timeout=10)
            assert response.status_code == 200, describe(response)
            hostnames.add(response.json()["hostname"])
            time.sleep(0.2)

        assert len(hostnames) >= 2, f"every request to {url} within 60 s was served by {hostnames}"
