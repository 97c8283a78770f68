"""Each failure a learner can hit ends in one message with the fix, a non-zero exit and no traceback.

Every failure here is real. PATH has no docker, the socket does not exist,
the user may not use the socket, a real listener is bound to the loopback
port, the settings file is invalid, or the build's base image is missing.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest

from infra.taskrunner.settings import ROOT
from tests.taskrunner.runner import invoke, output_of


def assert_clean_failure(result: subprocess.CompletedProcess, code: int = 1) -> None:
    assert result.returncode == code, output_of(result)
    assert "Traceback" not in result.stderr, output_of(result)


class DockerMissingTests:
    def test_docker_not_installed(self, tmp_path):
        # Only the Python interpreter's folder is on PATH: no docker command.
        python_only = tmp_path / "bin"
        python_only.mkdir()
        (python_only / "python").symlink_to(sys.executable)

        result = invoke("status", env={"PATH": str(python_only)})

        assert_clean_failure(result)
        assert "the docker command is not installed" in result.stderr, output_of(result)
        assert "install Docker" in result.stderr, output_of(result)


class DaemonTests:
    def test_daemon_not_running(self, tmp_path):
        socket_path = tmp_path / f"missing-{uuid.uuid4().hex[:6]}.sock"

        result = invoke("status", env={"DOCKER_HOST": f"unix://{socket_path}"})

        assert_clean_failure(result)
        assert f"cannot connect to the Docker daemon at unix://{socket_path}" in result.stderr, output_of(result)
        assert "systemctl start docker" in result.stderr, output_of(result)

    def test_doctor_reports_daemon_not_running(self, tmp_path):
        result = invoke("doctor", env={"DOCKER_HOST": f"unix://{tmp_path}/missing.sock"})

        assert_clean_failure(result)
        assert "[FAIL] Docker daemon: cannot connect" in result.stdout, output_of(result)

    def test_permission_denied_on_socket(self):
        if os.geteuid() != 0:
            pytest.skip("needs root, to run invoke as the unprivileged user nobody")
        docker_socket = Path("/var/run/docker.sock")
        if not docker_socket.exists() or docker_socket.stat().st_mode & 0o006:
            pytest.skip("/var/run/docker.sock is missing or open to every user, so nobody is not refused")
        as_nobody = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]
        readable = subprocess.run(as_nobody + [sys.executable, "-c", f"open({str(ROOT / 'tasks.py')!r}).read()"])
        if readable.returncode != 0:
            pytest.skip(f"the user nobody cannot read {ROOT}, so it cannot run the tasks")

        result = subprocess.run(
            as_nobody + [sys.executable, "-m", "invoke", "status"],
            cwd=ROOT,
            env={**os.environ, "HOME": "/tmp", "DOCKER_HOST": "unix:///var/run/docker.sock"},
            capture_output=True,
            text=True,
            timeout=120,
        )

        assert_clean_failure(result)
        assert "permission denied on the Docker socket" in result.stderr, output_of(result)
        assert "usermod -aG docker" in result.stderr, output_of(result)
        assert "log in again" in result.stderr, output_of(result)


class ComposeVersionTests:
    def test_only_compose_v1(self, tmp_path):
        system_plugins = [
            Path(folder) / "docker-compose"
            for folder in ("/usr/local/lib/docker/cli-plugins", "/usr/local/libexec/docker/cli-plugins",
                           "/usr/lib/docker/cli-plugins", "/usr/libexec/docker/cli-plugins")
        ]
        if any(path.exists() for path in system_plugins):
            pytest.skip("a system-wide Compose plugin is installed, so Compose v2 cannot be hidden")
        # A Docker config folder without cli-plugins hides the Compose v2 plugin
        # for real. The docker-compose on PATH prints what Compose 1.29.2 prints.
        empty_config = tmp_path / "docker-config"
        empty_config.mkdir()
        bin_folder = tmp_path / "bin"
        bin_folder.mkdir()
        legacy = bin_folder / "docker-compose"
        legacy.write_text("#!/bin/sh\necho 'docker-compose version 1.29.2, build 5becea4c'\n")
        legacy.chmod(0o755)
        path = f"{bin_folder}:{os.environ['PATH']}"

        result = invoke("up", env={"DOCKER_CONFIG": str(empty_config), "PATH": path})

        assert_clean_failure(result)
        assert "only the old Compose v1 is installed (docker-compose version 1.29.2" in result.stderr, output_of(result)
        assert "`docker compose` plugin" in result.stderr, output_of(result)


@contextmanager
def listening_port():
    """Yield a free loopback port with a real listener bound to it."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        yield listener.getsockname()[1]


class PortInUseTests:
    def test_up_names_port_and_setting(self):
        with listening_port() as port:
            result = invoke("up", env={"WORKSHOP_HTTP_PORT": str(port)})

        assert_clean_failure(result)
        assert f"port {port} on 127.0.0.1 is already in use" in result.stderr, output_of(result)
        assert "WORKSHOP_HTTP_PORT" in result.stderr, output_of(result)
        assert "python" in result.stderr, output_of(result)

    def test_doctor_lists_port_in_use(self):
        with listening_port() as port:
            result = invoke("doctor", env={"WORKSHOP_DB_PORT": str(port)})

        assert_clean_failure(result)
        assert f"[FAIL] Port {port} (WORKSHOP_DB_PORT)" in result.stdout, output_of(result)


class SettingsFileTests:
    def test_invalid_port_in_env_file(self, tmp_path):
        # A copy of the task runner whose .env contains a bad port, so the real .env stays as it is.
        copy = tmp_path / "repo"
        shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(
            ".git", ".venv", "node_modules", ".secrets", ".pytest_cache", "__pycache__"))
        (copy / ".env").write_text("WORKSHOP_HTTP_PORT=80a\n")

        result = invoke("status", cwd=copy, env={"WORKSHOP_HTTP_PORT": None})

        assert_clean_failure(result, code=2)
        assert "Invalid setting WORKSHOP_HTTP_PORT='80a'" in result.stderr, output_of(result)
        assert str(copy / ".env") in result.stderr, output_of(result)

    def test_invalid_value_in_environment(self):
        result = invoke("status", env={"WORKSHOP_BIND_ADDRESS": "localhost:80"})

        assert_clean_failure(result, code=2)
        assert "Invalid setting WORKSHOP_BIND_ADDRESS='localhost:80'" in result.stderr, output_of(result)


class BuildFailureTests:
    def test_names_service_and_failing_step(self):
        missing_image = f"workshop-missing/python:{uuid.uuid4().hex[:8]}"

        result = invoke("up", env={"WORKSHOP_PYTHON_IMAGE": missing_image}, timeout=600)

        assert_clean_failure(result)
        assert "Building the backend image failed" in result.stderr, output_of(result)
        # The failing step is the FROM line of the build stage, and its error follows it.
        failing_step = result.stderr.split("FROM ${PYTHON_IMAGE} AS build")
        assert len(failing_step) == 2, output_of(result)
        assert failing_step[1].split("Fix the failing step")[0].strip(), output_of(result)


class CleanAllTests:
    def test_refuses_without_terminal_or_yes(self):
        result = invoke("clean", "--all", input="")

        assert_clean_failure(result, code=2)
        assert "Pass --yes to confirm" in result.stderr, output_of(result)
        assert "Nothing was removed" in result.stderr, output_of(result)


class ServiceNameTests:
    def test_logs_rejects_unknown_service(self):
        result = invoke("logs", "--service", "databse")

        assert_clean_failure(result, code=2)
        assert "Unknown service 'databse'" in result.stderr, output_of(result)

    def test_shell_rejects_unknown_service(self):
        result = invoke("shell", "web")

        assert_clean_failure(result, code=2)
        assert "The services are:" in result.stderr, output_of(result)
