"""The task list, each task's help, and tasks run from folders below the repository root."""

from __future__ import annotations

import pytest

from infra.taskrunner.settings import ROOT
from tests.taskrunner.runner import invoke, output_of

TASKS = [
    "doctor", "up", "status", "logs", "shell", "db-shell", "jenkins-password",
    "test", "bench", "down", "clean", "offline-images",
]


class TaskListTests:
    def test_list_describes_every_task(self):
        result = invoke("--list")

        assert result.returncode == 0, output_of(result)
        for name in TASKS:
            assert f"  {name} " in result.stdout, result.stdout

    @pytest.mark.parametrize("name", TASKS)
    def test_help_describes_task_and_flags(self, name):
        result = invoke("--help", name)

        assert result.returncode == 0, output_of(result)
        assert "Docstring:" in result.stdout, result.stdout
        assert "none" not in result.stdout.split("Docstring:")[1].splitlines()[1], result.stdout
        options = result.stdout.split("Options:")[1] if "Options:" in result.stdout else ""
        for line in options.splitlines():
            if line.strip().startswith("-"):
                assert len(line.split(None, 1)) == 2, f"flag without help in `invoke --help {name}`: {line!r}"


class SubdirectoryTests:
    @pytest.mark.parametrize(
        "arguments",
        [("status",), ("logs", "--service", "nginx", "--tail", "3"), ("clean", "--dry-run"), ("doctor",)],
        ids=["status", "logs", "clean-dry-run", "doctor"],
    )
    def test_task_runs_from_subdirectory(self, arguments):
        result = invoke(*arguments, cwd=ROOT / "django_app" / "health")

        assert result.returncode == 0, output_of(result)
