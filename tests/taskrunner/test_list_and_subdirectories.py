"""The task runner as a learner calls it: from any folder of the repository."""

from __future__ import annotations

import subprocess
import sys

from infra.taskrunner.settings import ROOT


def invoke(*arguments: str, cwd=ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "invoke", *arguments], cwd=cwd, capture_output=True, text=True, timeout=120
    )


class TaskListTests:
    def test_list_describes_every_task(self):
        result = invoke("--list")

        assert result.returncode == 0, result.stderr
        for name in ("up", "test", "down", "clean", "status", "logs", "offline-images"):
            assert f"  {name} " in result.stdout, result.stdout


class SubdirectoryTests:
    def test_status_from_subdirectory(self):
        result = invoke("status", cwd=ROOT / "django_app" / "health")

        assert result.returncode == 0, result.stderr
        assert "nginx" in result.stdout, result.stdout
        assert "healthy" in result.stdout, result.stdout


class SettingsErrorTests:
    def test_invalid_port_exits_with_message(self, monkeypatch):
        monkeypatch.setenv("WORKSHOP_HTTP_PORT", "80a")

        result = invoke("status")

        assert result.returncode == 2, result.stdout + result.stderr
        assert "WORKSHOP_HTTP_PORT='80a'" in result.stderr, result.stderr
        assert "Traceback" not in result.stderr, result.stderr
