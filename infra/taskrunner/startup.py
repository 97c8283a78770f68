"""`invoke up`: check the machine, build each image, start the stack and wait until it is healthy."""

from __future__ import annotations

import re
import sys
import threading
import time
from collections import deque

from python_on_whales import DockerClient
from python_on_whales.exceptions import DockerException

from . import offline, preflight, stack
from .errors import TaskError, explain_docker_error
from .settings import Settings

# Seconds between the progress lines that name the services still being waited on.
PROGRESS_INTERVAL = 15


def announce(message: str, command: str = "") -> None:
    """Print a step before it runs, with the docker command it stands for."""
    if message:
        print(message, flush=True)
    if command:
        print(f"  $ {command}", flush=True)


def run_preflight(docker: DockerClient, settings: Settings) -> None:
    """Stop at the first failed check, before anything is built or started."""
    for check in (
        preflight.check_docker_cli,
        lambda: preflight.check_daemon(docker),
        lambda: preflight.check_compose(docker),
    ):
        result = check()
        if not result.ok:
            raise preflight.PreflightError(result)
    held = preflight.ports_held_by_stack(docker, stack.PROJECT)
    for result in preflight.check_ports(settings, held):
        if not result.ok:
            raise preflight.PreflightError(result)


def built_services(docker: DockerClient) -> list[str]:
    config = docker.compose.config(return_json=True)
    return [name for name, service in config["services"].items() if "build" in service]


def build_images(docker: DockerClient, compose: str) -> None:
    """Build one service at a time, so that progress and failures name the service."""
    for service in built_services(docker):
        started = time.monotonic()
        announce(f"Building the {service} image...", f"{compose} build {service}")
        recent = deque(maxlen=30)
        try:
            for _, line in docker.compose.build([service], stream_logs=True):
                text = line.decode(errors="replace")
                recent.append(text.rstrip())
                sys.stdout.write(text)
        except DockerException as error:
            output = "\n".join(f"    {line}" for line in recent)
            raise TaskError(
                f"Building the {service} image failed (exit code {error.return_code}). "
                f"The end of its build output:\n{output}\n"
                f"Fix the failing step, then run `invoke up` again.",
                code=1,
            ) from None
        print(f"  {service} image built in {time.monotonic() - started:.0f} s", flush=True)


def report_progress(docker: DockerClient, started: float, stop: threading.Event) -> None:
    """Print which services are not yet healthy, and for how long, until stop is set."""
    while not stop.wait(PROGRESS_INTERVAL):
        try:
            waiting = [
                f"{stack.service_of(c)} ({stack.health_of(c) if c.state.running else c.state.status})"
                for c in stack.project_containers(docker)
                if not stack.is_ready(c)
            ]
        except DockerException:
            continue
        if waiting:
            print(f"  ... {time.monotonic() - started:.0f} s: waiting for {', '.join(waiting)}", flush=True)


PORT_IN_USE = re.compile(r"(?:Bind for |listen tcp\d? )\[?([0-9a-f.:]*?)\]?:(\d+)(?: failed: port is already allocated|: bind: address already in use)")


def explain_port_conflict(stderr: str, settings: Settings) -> str:
    """Name the port and its setting when Compose failed because a host port is taken."""
    match = PORT_IN_USE.search(stderr)
    if not match:
        return ""
    port = int(match.group(2))
    setting = next((name for name, ports in settings.published_ports.items() if port in ports), "its setting")
    owner = preflight.process_listening_on(port)
    return (
        f"Port {port} is already in use{' by ' + owner if owner else ''}, so a container cannot publish it. "
        f"Stop what uses it, or set {setting} to a free port in .env."
    )


def wait_until_not_unhealthy(docker: DockerClient, deadline: float) -> bool:
    """Wait until no running container is unhealthy; return False if the deadline passes first."""
    while time.monotonic() < deadline:
        containers = stack.project_containers(docker)
        if not any(c.state.running and stack.health_of(c) == "unhealthy" for c in containers):
            return True
        time.sleep(2)
    return False


def start_and_wait(docker: DockerClient, settings: Settings, compose: str) -> None:
    announce(
        f"Starting the stack and waiting up to {settings.up_timeout} s until every service is healthy...",
        f"{compose} up --detach --wait --wait-timeout {settings.up_timeout}",
    )
    started = time.monotonic()
    deadline = started + settings.up_timeout
    stop = threading.Event()
    progress = threading.Thread(target=report_progress, args=(docker, started, stop), daemon=True)
    progress.start()
    try:
        while True:
            remaining = max(1, int(deadline - time.monotonic()))
            try:
                for _, line in docker.compose.up(detach=True, wait=True, wait_timeout=remaining, stream_logs=True):
                    sys.stdout.write(line.decode(errors="replace"))
                    sys.stdout.flush()
                return
            except DockerException as error:
                stderr = error.stderr or ""
                port_message = explain_port_conflict(stderr, settings)
                if port_message:
                    raise TaskError(port_message, code=1) from None
                # Compose gives up at once when a dependency is unhealthy, even if
                # it is recovering (a backend whose database just came back).
                # Wait for its healthcheck to pass, then try again.
                if "is unhealthy" in stderr and time.monotonic() < deadline:
                    print("  ... a service is unhealthy; waiting for its healthcheck to pass, then starting again",
                          flush=True)
                    if wait_until_not_unhealthy(docker, deadline):
                        continue
                raise unhealthy_stack_error(docker, error, time.monotonic() - started, settings) from None
    finally:
        stop.set()


def unhealthy_stack_error(docker: DockerClient, error: DockerException, elapsed: float, settings: Settings) -> TaskError:
    problems = stack.find_problems(docker)
    if not problems:
        return TaskError(explain_docker_error(error), code=1)
    details = "\n\n".join(problem.describe() for problem in problems)
    if any("Access denied for user" in problem.last_logs for problem in problems):
        details += (
            "\n\n\"Access denied\" means the passwords in .secrets/ differ from the ones the "
            "database volume was created with. Put the old .secrets/ files back, or delete the "
            "database's data with `invoke clean` and run invoke up again."
        )
    return TaskError(
        f"The stack did not become healthy (after {elapsed:.0f} s of the {settings.up_timeout} s allowed).\n\n"
        f"{details}\n\n"
        "Fix the cause and run `invoke up` again; `invoke logs --service SERVICE` shows a whole log. "
        "WORKSHOP_UP_TIMEOUT sets the wait in seconds.",
        code=1,
    )


DB_SECRETS = ("db_root_password", "db_password")


def check_db_secrets(docker: DockerClient) -> None:
    """Stop before new database passwords are generated for a database that has old ones.

    MySQL stores the passwords when it initialises its volume and ignores
    the variables afterwards, so new secrets would leave the backend failing
    with "Access denied" in a restart loop.
    """
    missing = [name for name in DB_SECRETS if not (stack.SECRETS_DIR / name).is_file()]
    volume = f"{stack.PROJECT}_db-data"
    if missing and docker.volume.exists(volume):
        raise TaskError(
            f"The database volume {volume} exists, but .secrets/ has no {' and no '.join(missing)}. "
            "The database was created with the old passwords; new ones would not match it, and the "
            "backend would fail with \"Access denied\".\n"
            "Two ways out:\n"
            f"  1. Put the old files back into {stack.SECRETS_DIR} (from a backup), then run invoke up.\n"
            f"  2. Delete the database's data (every todo) with `invoke clean`, or only the volume with "
            f"`docker volume rm {volume}`, then run invoke up, which creates a new database with new passwords.",
            code=1,
        )


def start_stack(settings: Settings) -> None:
    """Generate secrets, check the machine, build, start and wait; print the services' table."""
    docker = stack.client(settings)
    compose = stack.compose_command(settings)
    started = time.monotonic()

    run_preflight(docker, settings)
    check_db_secrets(docker)
    created = stack.ensure_secrets()
    if created:
        print(f"Generated secrets in .secrets/: {', '.join(created)}")
    if settings.offline:
        missing = offline.missing_images(docker)
        if missing:
            announce(f"Offline mode: building the missing stand-in images ({', '.join(missing)}).")
            offline.build_images(docker, settings.ca_bundle, settings.debian_mirror)

    build_images(docker, compose)
    start_and_wait(docker, settings, compose)

    print(f"\nThe stack is up ({time.monotonic() - started:.0f} s):\n")
    print(stack.status_table(docker, settings))
    if settings.offline:
        print("\nJenkins is left out in offline mode: no stand-in image exists for it.")
