"""Checks that a machine can run the stack, each with the fix for its failure.

`invoke doctor` prints them all; `invoke up` runs the quick ones first and
stops at the first failure, before anything changes.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import socket
import subprocess
from dataclasses import dataclass
from pathlib import Path

import psutil
from python_on_whales import DockerClient
from python_on_whales.exceptions import DockerException

from . import settings as settings_module
from .errors import TaskError
from .settings import ROOT, Settings, SettingsError

# `docker compose up --wait`, which `invoke up` uses, arrived in Compose 2.1.1.
MIN_COMPOSE = (2, 1, 1)
# Compose 2.24 and later build through buildx when it is installed, and
# refuse a buildx older than 0.17 ("compose build requires buildx 0.17 or later").
MIN_BUILDX = (0, 17, 0)
# The images, their build stages and the build cache together, with room to
# spare; an estimate from the offline and official images' sizes.
MIN_FREE_DISK_GB = 6

SKIPPED_FOLDERS = {".git", "node_modules", ".venv", "__pycache__", ".pytest_cache", "dist", "staticfiles"}


@dataclass
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""

    def line(self) -> str:
        text = f"[{'ok' if self.ok else 'FAIL'}] {self.name}: {self.detail}"
        if not self.ok and self.fix:
            text += f"\n       Fix: {self.fix}"
        return text


class PreflightError(TaskError):
    """A check failed; the message contains what failed and how to fix it."""

    def __init__(self, check: Check):
        super().__init__(f"{check.name}: {check.detail}\nFix: {check.fix}", code=1)
        self.check = check


def parse_version(text: str) -> tuple[int, ...] | None:
    match = re.search(r"(\d+)\.(\d+)(?:\.(\d+))?", text)
    if not match:
        return None
    return tuple(int(part or 0) for part in match.groups())


def version_text(version: tuple[int, ...]) -> str:
    return ".".join(str(part) for part in version)


def run_quietly(command: list[str]) -> subprocess.CompletedProcess:
    """Run a probe command, capturing its output; a missing program counts as a failure."""
    try:
        return subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    except FileNotFoundError as error:
        return subprocess.CompletedProcess(command, 127, "", str(error))


def check_docker_cli() -> Check:
    path = shutil.which("docker")
    if path is None:
        return Check(
            "Docker CLI",
            False,
            "the docker command is not installed (not found on PATH)",
            "install Docker Engine on Linux (your distribution's docker.io package, or Docker's own "
            "docker-ce packages) or Docker Desktop on macOS and Windows, then open a new terminal",
        )
    version = run_quietly(["docker", "--version"]).stdout.strip()
    return Check("Docker CLI", True, f"{path} ({version})")


def describe_daemon_error(stderr: str) -> Check | None:
    """Turn the docker CLI's error about its daemon into a check with the fix, if it is one."""
    host = os.environ.get("DOCKER_HOST", "unix:///var/run/docker.sock (the default)")
    if "permission denied" in stderr.lower() and "docker" in stderr.lower():
        return Check(
            "Docker daemon permission",
            False,
            f"permission denied on the Docker socket {host}",
            "add your user to the docker group: sudo usermod -aG docker $USER, then log out and "
            "log in again (a new login is needed because groups are read at login; `newgrp docker` "
            "applies it to one shell). Or run the command with sudo.",
        )
    if "cannot connect to the docker daemon" in stderr.lower():
        return Check(
            "Docker daemon",
            False,
            f"cannot connect to the Docker daemon at {host}",
            "start it: sudo systemctl start docker on Linux (sudo systemctl enable --now docker keeps "
            "it on after a reboot), or open Docker Desktop. If DOCKER_HOST is set, check that it "
            "names a running daemon, or unset it.",
        )
    return None


def check_daemon(docker: DockerClient) -> Check:
    try:
        info = docker.system.info()
    except DockerException as error:
        stderr = (error.stderr or "") + (error.stdout or "")
        return describe_daemon_error(stderr) or Check(
            "Docker daemon", False, f"`docker info` failed: {stderr.strip()[-300:]}", "see the message above"
        )
    return Check("Docker daemon", True, f"reachable, Docker Engine {info.server_version}")


def check_compose(docker: DockerClient) -> Check:
    try:
        version_output = docker.compose.version()
    except DockerException as error:
        # docker-compose v1 is a separate program, not a docker command, so it is probed directly.
        legacy = run_quietly(["docker-compose", "--version"])
        legacy_version = parse_version(legacy.stdout) if legacy.returncode == 0 else None
        if legacy_version and legacy_version[0] < 2:
            return Check(
                "Docker Compose",
                False,
                f"only the old Compose v1 is installed ({legacy.stdout.strip()}), "
                "and `docker compose` is not a docker command",
                "install Compose v2 or later as the `docker compose` plugin: the docker-compose-plugin "
                "package from Docker's repository, or Docker Desktop. Compose v1 has been unsupported "
                "since 2023.",
            )
        return Check(
            "Docker Compose",
            False,
            f"`docker compose` does not run: {((error.stderr or '') + (error.stdout or '')).strip()[-200:]}",
            "install Compose v2 or later as the `docker compose` plugin: the docker-compose-plugin "
            "package from Docker's repository, your distribution's docker-compose-v2 or docker-compose "
            "package, or Docker Desktop",
        )

    version = parse_version(version_output)
    if version is None or version < MIN_COMPOSE:
        return Check(
            "Docker Compose",
            False,
            f"{version_output.strip()} is older than {version_text(MIN_COMPOSE)}, which "
            "`docker compose up --wait` needs",
            "update the Compose plugin (docker-compose-plugin) or Docker Desktop",
        )
    return Check("Docker Compose", True, version_output.strip())


def check_buildx(docker: DockerClient) -> Check:
    try:
        version_output = docker.buildx.version()
    except DockerException:
        return Check("Docker buildx", True, "not installed, so Compose builds with the classic builder")
    version = parse_version(str(version_output))
    if version is not None and version < MIN_BUILDX:
        return Check(
            "Docker buildx",
            False,
            f"version {version_text(version)} is older than {version_text(MIN_BUILDX)}, which current "
            "Compose needs to build (\"compose build requires buildx 0.17 or later\")",
            "update the buildx plugin (docker-buildx-plugin) or Docker Desktop",
        )
    return Check("Docker buildx", True, str(version_output).strip())


def process_listening_on(port: int) -> str:
    """Name the process that listens on a TCP port, when the system lets us see it."""
    try:
        for connection in psutil.net_connections(kind="tcp"):
            if connection.status == psutil.CONN_LISTEN and connection.laddr and connection.laddr.port == port:
                if connection.pid:
                    try:
                        return f"{psutil.Process(connection.pid).name()} (pid {connection.pid})"
                    except psutil.Error:
                        return f"pid {connection.pid}"
    except (psutil.AccessDenied, PermissionError):
        pass
    return ""


def port_is_in_use(address: str, port: int) -> bool:
    """Tell whether a TCP port on address is taken, by trying to bind it."""
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        # Without SO_REUSEADDR, connections to the port that closed a moment
        # ago (TIME_WAIT) would make a free port look taken.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((address, port))
            return False
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                return True
            if error.errno != errno.EACCES:
                raise
    # Binding a port below 1024 needs privileges; try connecting instead.
    connect_to = "127.0.0.1" if address in {"0.0.0.0", "::"} else address
    try:
        with socket.create_connection((connect_to, port), timeout=0.5):
            return True
    except OSError:
        return False


def ports_held_by_stack(docker: DockerClient, project: str) -> set[int]:
    held = set()
    for container in docker.container.list(filters=[("label", f"com.docker.compose.project={project}")]):
        for bindings in (container.network_settings.ports or {}).values():
            for binding in bindings or []:
                held.add(int(binding["HostPort"]))
    return held


def check_ports(settings: Settings, held_by_stack: set[int]) -> list[Check]:
    checks = []
    for setting, ports in settings.published_ports.items():
        for port in ports:
            name = f"Port {port} ({setting})"
            if port in held_by_stack:
                checks.append(Check(name, True, "published by this stack"))
            elif port_is_in_use(settings.bind_address, port):
                owner = process_listening_on(port)
                checks.append(
                    Check(
                        name,
                        False,
                        f"port {port} on {settings.bind_address} is already in use"
                        + (f" by {owner}" if owner else ""),
                        f"stop what uses it, or set {setting} to a free port in .env "
                        f"(for example {setting}={port + 10000 if port < 55535 else port - 10000})",
                    )
                )
            else:
                checks.append(Check(name, True, "free"))
    return checks


def check_disk(docker: DockerClient) -> Check:
    try:
        root = docker.system.info().docker_root_dir
        free_gb = shutil.disk_usage(root).free / 1e9
    except (DockerException, OSError, TypeError):
        return Check("Free disk", True, "not measured: Docker's data folder is not visible from here (Docker Desktop keeps it in a VM)")
    if free_gb < MIN_FREE_DISK_GB:
        return Check(
            "Free disk",
            False,
            f"{free_gb:.1f} GB free in {root}, less than the {MIN_FREE_DISK_GB} GB the images need",
            "free some space; `docker system df` shows what Docker uses, and `invoke clean --all` "
            "removes unused Docker data of every project after asking",
        )
    return Check("Free disk", True, f"{free_gb:.0f} GB free in {root}")


def shell_scripts(root: Path = ROOT) -> list[Path]:
    """Return the repository's shell scripts: *.sh files, and files that start with a shell #! line."""
    scripts = []
    for folder, folders, files in os.walk(root):
        folders[:] = [name for name in folders if name not in SKIPPED_FOLDERS]
        for name in files:
            path = Path(folder) / name
            if name.endswith(".sh"):
                scripts.append(path)
                continue
            try:
                with path.open("rb") as file:
                    first_line = file.readline(100)
            except OSError:
                continue
            if first_line.startswith(b"#!") and (b"sh" in first_line.split(b"/")[-1]):
                scripts.append(path)
    return sorted(scripts)


def check_line_endings(root: Path = ROOT) -> Check:
    crlf = [path.relative_to(root) for path in shell_scripts(root) if b"\r\n" in path.read_bytes()]
    if crlf:
        return Check(
            "Shell script line endings",
            False,
            "CRLF line endings in " + ", ".join(str(path) for path in crlf)
            + " (inside a Linux container they fail with 'no such file or directory')",
            "convert each one to LF: sed -i 's/\\r$//' FILE (dos2unix FILE does the same), and set your "
            "editor to save it with LF; .gitattributes already makes git check these files out with LF",
        )
    return Check("Shell script line endings", True, "LF in every shell script")


def check_settings() -> tuple[Check, Settings | None]:
    try:
        loaded = settings_module.load()
    except SettingsError as error:
        return Check("Settings", False, str(error), "correct the value as the message says"), None
    source = ".env and the environment" if settings_module.ENV_FILE.exists() else "the environment and defaults"
    mode = "offline mode" if loaded.offline else "normal mode"
    return Check("Settings", True, f"valid ({source}; {mode}; ports on {loaded.bind_address})"), loaded
