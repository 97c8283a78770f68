"""The Compose stack as the tasks see it: the client, secrets, health and cleanup."""

from __future__ import annotations

import os
import secrets
import stat
from dataclasses import dataclass

from python_on_whales import Container, DockerClient
from python_on_whales.exceptions import DockerException

from . import offline
from .settings import ROOT, Settings

PROJECT = "docker-workshop"
COMPOSE_FILE = ROOT / "compose.yaml"
OFFLINE_COMPOSE_FILE = ROOT / "infra/offline/compose.offline.yaml"
PROJECT_FILTER = ("label", f"com.docker.compose.project={PROJECT}")
IMAGE_FILTER = ("label", f"{offline.PROJECT_LABEL}={offline.PROJECT_LABEL_VALUE}")

SECRETS_DIR = ROOT / ".secrets"
# Each secret file and how many random bytes it contains (URL-safe base64, so
# about 4/3 as many characters).
SECRET_SIZES = {"db_root_password": 32, "db_password": 32, "django_secret_key": 48}


def client(settings: Settings) -> DockerClient:
    files = [COMPOSE_FILE]
    if settings.offline:
        files.append(OFFLINE_COMPOSE_FILE)
    return DockerClient(compose_files=files, compose_project_directory=ROOT)


# The two files as relative paths, in the order COMPOSE_FILE lists them.
OFFLINE_COMPOSE_FILES = [str(path.relative_to(ROOT)) for path in (COMPOSE_FILE, OFFLINE_COMPOSE_FILE)]


def compose_command(settings: Settings) -> str:
    """Return the `docker compose` prefix that matches what the tasks run.

    In offline mode that names both Compose files, unless COMPOSE_FILE
    already does (the README suggests it), in which case plain
    `docker compose` reads them.
    """
    if settings.offline and os.environ.get("COMPOSE_FILE", "").split(os.pathsep) != OFFLINE_COMPOSE_FILES:
        return "docker compose " + " ".join(f"-f {name}" for name in OFFLINE_COMPOSE_FILES)
    return "docker compose"


def ensure_secrets() -> list[str]:
    """Generate each missing secret file; return the names of those created.

    The folder is private to its owner (0700), while the files in it are
    world-readable (0644): Compose bind-mounts them with their host
    permissions, and the containers read them as users other than yours.
    """
    SECRETS_DIR.mkdir(mode=0o700, exist_ok=True)
    SECRETS_DIR.chmod(0o700)
    created = []
    for name, size in SECRET_SIZES.items():
        path = SECRETS_DIR / name
        if path.exists() and path.stat().st_size > 0:
            continue
        # No trailing newline: the entrypoints read the file as the password.
        path.write_text(secrets.token_urlsafe(size))
        path.chmod(stat.S_IRUSR | stat.S_IWUSR | stat.S_IRGRP | stat.S_IROTH)
        created.append(name)
    return created


def enabled_services(docker: DockerClient) -> list[str]:
    """Return the services that `docker compose up` starts with the current files."""
    return list(docker.compose.config(return_json=True)["services"])


def project_containers(docker: DockerClient) -> list[Container]:
    return docker.container.list(all=True, filters=[PROJECT_FILTER])


def service_of(container: Container) -> str:
    return container.config.labels.get("com.docker.compose.service", container.name)


def health_of(container: Container) -> str:
    health = container.state.health
    return health.status if health is not None else "no healthcheck"


def is_ready(container: Container) -> bool:
    return container.state.running and health_of(container) in {"healthy", "no healthcheck"}


def stack_is_ready(docker: DockerClient) -> bool:
    """Return True when every enabled service has a running, healthy container."""
    ready = {service_of(c) for c in project_containers(docker) if is_ready(c)}
    return set(enabled_services(docker)) <= ready


def published_port(container: Container, container_port: str) -> int | None:
    """Return the host port that container_port ("8000/tcp") is published on, if any."""
    bindings = (container.network_settings.ports or {}).get(container_port) or []
    return int(bindings[0]["HostPort"]) if bindings else None


def service_url(service: str, settings: Settings, container: Container | None = None) -> str:
    backend_port = settings.backend_port
    if container is not None and service == "backend":
        # Each replica has its own port from the range.
        backend_port = published_port(container, "8000/tcp") or backend_port
    urls = {
        "nginx": settings.url(settings.http_port),
        "backend": settings.url(backend_port, "/api/health/"),
        "db": f"mysql://{settings.host}:{settings.db_port}/workshop",
        "jenkins": settings.url(settings.jenkins_port),
        "frontend": "(through nginx)",
    }
    return urls.get(service, "")


def format_table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows)]
    lines = []
    for row in [header, *rows]:
        lines.append("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths)).rstrip())
    return "\n".join(lines)


def status_table(docker: DockerClient, settings: Settings) -> str:
    rows = []
    for container in sorted(project_containers(docker), key=lambda c: c.name):
        service = service_of(container)
        url = service_url(service, settings, container)
        rows.append([container.name, service, container.state.status, health_of(container), url])
    if not rows:
        return "No container of this project exists. Start the stack with: invoke up"
    return format_table(["CONTAINER", "SERVICE", "STATE", "HEALTH", "URL"], rows)


@dataclass
class Problem:
    service: str
    state: str
    health: str
    last_check: str
    last_logs: str

    def describe(self) -> str:
        if self.state == "created":
            return (
                f"Service {self.service} was created but not started: Compose starts it only "
                "when the services it depends on (depends_on) are healthy."
            )
        text = f"Service {self.service} is {self.state}, health: {self.health}."
        if self.last_check:
            text += f"\n  Last healthcheck output: {self.last_check}"
        logs = "\n".join(f"    {line}" for line in self.last_logs.splitlines())
        return text + f"\n  Last lines of its log (invoke logs --service {self.service}):\n{logs}"


def find_problems(docker: DockerClient, log_lines: int = 20) -> list[Problem]:
    """Describe each service whose container is not running and healthy."""
    containers = {service_of(c): c for c in project_containers(docker)}
    problems = []
    for service in enabled_services(docker):
        container = containers.get(service)
        if container is None:
            problems.append(Problem(service, "not created", "unknown", "", ""))
            continue
        if is_ready(container):
            continue
        health = container.state.health
        last_check = ""
        if health is not None and health.log:
            last_check = (health.log[-1].output or "").strip()
        try:
            logs = docker.container.logs(container, tail=log_lines)
        except DockerException as error:
            logs = f"(the log could not be read: {error.stderr or error})"
        problems.append(Problem(service, container.state.status, health_of(container), last_check, logs))
    # Services that never started only wait for the others: list the causes first.
    problems.sort(key=lambda problem: problem.state == "created")
    return problems
