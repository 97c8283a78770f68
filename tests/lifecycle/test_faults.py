"""Faults against the live stack: a stopped database, a killed backend, restarts, lost secrets.

Each test breaks something for real and checks that the stack reports it
clearly and recovers. They run with --lifecycle, before the tests that
delete the stack.
"""

from __future__ import annotations

import os
import shutil
import signal
import uuid

import pytest
import requests

from infra.taskrunner import stack
from infra.taskrunner.stack import SECRETS_DIR
from tests.conftest import ApiSession, describe, poll_until
from tests.taskrunner.runner import invoke, output_of

pytestmark = pytest.mark.lifecycle


def poll(url: str, expected_status: int, timeout: float) -> tuple[requests.Response, float]:
    """GET url until it returns expected_status; return the response and the seconds it took."""
    return poll_until(
        url, lambda r: r.status_code == expected_status, "the stack", timeout, f"return {expected_status}"
    )


def backend_container(docker):
    return next(c for c in stack.project_containers(docker) if stack.service_of(c) == "backend")


@pytest.fixture
def docker(settings):
    return stack.client(settings)


class DatabaseStoppedTests:
    def test_health_503_then_recovers(self, docker, settings, page):
        health_url = settings.url(settings.http_port, "/api/health/")
        backend_before = backend_container(docker)
        docker.compose.stop("db")
        try:
            response, seconds = poll(health_url, 503, timeout=15)
            assert response.json()["database"] == "unreachable", describe(response)
            print(f"\n  (health returned 503 {seconds:.1f} s after the database stopped)")

            todos = requests.get(settings.url(settings.http_port, "/api/todos/"), timeout=10)
            assert todos.status_code == 503, describe(todos)
            assert "database is unavailable" in todos.json()["error"], describe(todos)

            page.goto(settings.url(settings.http_port))
            alert = page.get_by_role("alert").first
            playwright_expect(alert).to_contain_text("The backend API is unreachable")
            playwright_expect(alert).to_contain_text("database is unavailable")
        finally:
            docker.compose.start("db")

        poll(health_url, 200, timeout=90)
        backend_after = backend_container(docker)
        assert backend_after.id == backend_before.id
        assert backend_after.state.started_at == backend_before.state.started_at, "the backend was restarted"
        playwright_expect(page.get_by_role("heading", name="Todos", exact=True)).to_be_visible()
        playwright_expect(page.get_by_role("alert")).to_have_count(0, timeout=15_000)


def playwright_expect(locator):
    from playwright.sync_api import expect

    return expect(locator)


class BackendKilledTests:
    def test_restarts_and_proxy_explains(self, docker, settings):
        todos_url = settings.url(settings.http_port, "/api/todos/")
        backend = backend_container(docker)
        restarts_before = backend.restart_count
        # A crash, not a stop: Docker restarts a container whose main process
        # died, but not one that `docker kill` or `docker stop` ended.
        if os.geteuid() == 0:
            os.kill(backend.state.pid, signal.SIGKILL)
        else:
            docker.container.execute(backend, ["kill", "-TERM", "1"])

        response, _ = poll(todos_url, 502, timeout=30)
        assert "nginx could not reach the backend" in response.json()["error"], describe(response)

        poll(todos_url, 200, timeout=120)
        assert backend_container(docker).restart_count > restarts_before


def create_todo(settings, title: str) -> int:
    with ApiSession(settings.url(settings.http_port)) as api:
        created = api.post("/api/todos/", json={"title": title})
        assert created.status_code == 201, describe(created)
        return created.json()["id"]


def assert_todo_kept_then_delete(settings, todo_id: int, title: str) -> None:
    with ApiSession(settings.url(settings.http_port)) as api:
        fetched = api.get(f"/api/todos/{todo_id}/")
        assert fetched.status_code == 200, describe(fetched)
        assert fetched.json()["title"] == title
        api.delete_todos_titled(title)


class DataSurvivalTests:
    def test_todo_survives_down_and_up(self, settings):
        title = f"survivor {uuid.uuid4().hex[:8]}"
        todo_id = create_todo(settings, title)

        down = invoke("down")
        assert down.returncode == 0, output_of(down)
        up = invoke("up", timeout=900)
        assert up.returncode == 0, output_of(up)

        assert_todo_kept_then_delete(settings, todo_id, title)

    def test_todo_survives_rebuilding_images(self, docker, settings):
        title = f"rebuild survivor {uuid.uuid4().hex[:8]}"
        todo_id = create_todo(settings, title)

        docker.compose.build(cache=False, quiet=True)
        up = invoke("up", timeout=900)
        assert up.returncode == 0, output_of(up)

        assert_todo_kept_then_delete(settings, todo_id, title)


class LostSecretsTests:
    def test_up_explains_mismatch_and_ways_out(self, tmp_path):
        backup = tmp_path / "secrets-backup"
        shutil.move(SECRETS_DIR, backup)
        try:
            result = invoke("up")

            assert result.returncode == 1, output_of(result)
            assert "Traceback" not in result.stderr, output_of(result)
            assert "docker-workshop_db-data exists" in result.stderr, output_of(result)
            assert "Access denied" in result.stderr, output_of(result)
            assert "Put the old files back" in result.stderr, output_of(result)
            assert "invoke clean" in result.stderr, output_of(result)
            assert not SECRETS_DIR.exists() or not (SECRETS_DIR / "db_password").exists()
        finally:
            if SECRETS_DIR.exists():
                shutil.rmtree(SECRETS_DIR)
            shutil.move(backup, SECRETS_DIR)
