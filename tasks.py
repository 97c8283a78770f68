"""Tasks that run the workshop stack: `invoke --list` shows them all.

Each task prints the docker command it stands for, so that you can run the
same step by hand. Settings come from the environment or from .env; see
.env.example.
"""

from __future__ import annotations

import functools
import shlex
import sys
from pathlib import Path

from invoke import Collection, Exit, task
from python_on_whales import DockerClient
from python_on_whales.client_config import ClientNotFoundError
from python_on_whales.exceptions import DockerException

from infra.taskrunner import bench as bench_module
from infra.taskrunner import cleanup, offline, preflight, stack, startup
from infra.taskrunner import settings as settings_module
from infra.taskrunner.errors import TaskError, explain_docker_error
from infra.taskrunner.settings import ROOT, SettingsError
from infra.taskrunner.startup import announce

TESTS_DIR = ROOT / "tests"


class SuiteFailed(Exception):
    """A test suite ran and reported failures."""


def reports_errors(function):
    """Turn the errors a learner can hit into one message and a non-zero exit, without a traceback."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except SettingsError as error:
            raise Exit(str(error), code=2) from None
        except TaskError as error:
            raise Exit(str(error), code=error.code) from None
        except ClientNotFoundError:
            missing_docker = preflight.PreflightError(preflight.check_docker_cli())
            raise Exit(str(missing_docker), code=missing_docker.code) from None
        except DockerException as error:
            raise Exit(explain_docker_error(error), code=1) from None

    return wrapper


def running_container(docker, service: str):
    """Return the first running container of a service, or raise a TaskError saying how to start it."""
    for container in sorted(stack.project_containers(docker), key=lambda c: c.name):
        if stack.service_of(container) == service and container.state.running:
            return container
    raise TaskError(f"The {service} service is not running. Start the stack with: invoke up", code=1)


def execute_interactively(docker, service: str, command: list[str]) -> None:
    """Run a command in a service's container, attached to this terminal.

    Without a terminal (input from a pipe or a file), the command reads
    standard input, and its output is printed when it ends.
    """
    if sys.stdin.isatty():
        docker.compose.execute(service, command, tty=True)
    else:
        output = docker.compose.execute(service, command, tty=False) or ""
        print(output)


@task
@reports_errors
def doctor(c):
    """Check that this machine can run the stack: Docker, Compose, ports, disk, scripts, settings."""
    checks = [preflight.check_docker_cli()]
    settings_check, settings = preflight.check_settings()

    if checks[0].ok:
        docker = stack.client(settings) if settings else DockerClient()
        daemon = preflight.check_daemon(docker)
        checks.append(daemon)
        checks += [preflight.check_compose(docker), preflight.check_buildx(docker)]
        if daemon.ok:
            if settings:
                checks += preflight.check_ports(settings, preflight.ports_held_by_stack(docker, stack.PROJECT))
            checks.append(preflight.check_disk(docker))
    checks += [preflight.check_line_endings(), settings_check]

    for check in checks:
        print(check.line())
    failed = [check for check in checks if not check.ok]
    if failed:
        raise Exit(f"\n{len(failed)} of {len(checks)} checks failed; each one's fix is above.", code=1)
    print(f"\nAll {len(checks)} checks passed.")


@task
@reports_errors
def up(c):
    """Build and start the stack, wait until every service is healthy, show the URLs."""
    startup.start_stack(settings_module.load())


@task
@reports_errors
def down(c):
    """Stop and remove the stack's containers; keep the data volumes."""
    settings = settings_module.load()
    docker = stack.client(settings)

    announce("Stopping the stack...", f"{stack.compose_command(settings)} down --remove-orphans")
    docker.compose.down(remove_orphans=True)
    print("Stopped. The database and Jenkins data volumes are kept; `invoke clean` deletes them.")


@task
@reports_errors
def status(c):
    """Show each container's service, state, health and URL."""
    settings = settings_module.load()
    print(stack.status_table(stack.client(settings), settings))


@task(
    help={
        "service": "the service whose log to show, for example --service backend (default: every service)",
        "follow": "keep printing new lines until Ctrl+C",
        "tail": "how many lines to show from the end of each log (default 100)",
    }
)
@reports_errors
def logs(c, service="", follow=False, tail=100):
    """Show the logs of the stack's services (all of them, or one with --service)."""
    settings = settings_module.load()
    docker = stack.client(settings)
    services = stack.enabled_services(docker)
    if service and service not in services:
        raise Exit(f"Unknown service {service!r}. The services are: {', '.join(services)}.", code=2)
    if tail < 0:
        raise Exit(f"Invalid --tail {tail}: give a number of lines, 0 or more.", code=2)

    command = f"{stack.compose_command(settings)} logs --tail {tail}{' --follow' if follow else ''} {service}"
    announce("", command.rstrip())
    try:
        for _, line in docker.compose.logs(service or [], tail=str(tail), follow=follow, stream=True):
            sys.stdout.write(line.decode(errors="replace"))
    except KeyboardInterrupt:
        pass


@task(help={"service": "the service to open a shell in: backend, db, frontend, nginx or jenkins"})
@reports_errors
def shell(c, service):
    """Open an interactive shell in a running container of a service (exit with Ctrl+D)."""
    settings = settings_module.load()
    docker = stack.client(settings)
    services = stack.enabled_services(docker)
    if service not in services:
        raise Exit(f"Unknown service {service!r}. The services are: {', '.join(services)}.", code=2)
    running_container(docker, service)

    # bash where the image has it (Debian-based images), sh otherwise (Alpine).
    command = ["sh", "-c", "if command -v bash > /dev/null; then exec bash; else exec sh; fi"]
    announce("", f"{stack.compose_command(settings)} exec {service} {shlex.join(command)}")
    execute_interactively(docker, service, command)


@task
@reports_errors
def db_shell(c):
    """Open the MySQL client in the db container, logged in as the application user."""
    settings = settings_module.load()
    docker = stack.client(settings)
    running_container(docker, "db")

    # The password goes from the secret file to MYSQL_PWD inside the
    # container, so it never appears on a command line or in this terminal.
    script = 'MYSQL_PWD="$(cat /run/secrets/db_password)" exec mysql --user="$MYSQL_USER" "$MYSQL_DATABASE"'
    announce("", f"{stack.compose_command(settings)} exec db sh -c {shlex.quote(script)}")
    execute_interactively(docker, "db", ["sh", "-c", script])


@task
@reports_errors
def jenkins_password(c):
    """Print Jenkins's initial admin password, which its setup wizard requests."""
    settings = settings_module.load()
    docker = stack.client(settings)
    if settings.offline:
        raise Exit("Jenkins does not run in offline mode: no stand-in image exists for it.", code=1)
    container = running_container(docker, "jenkins")

    path = "/var/jenkins_home/secrets/initialAdminPassword"
    announce("", f"{stack.compose_command(settings)} exec jenkins cat {path}")
    try:
        password = docker.container.execute(container, ["cat", path])
    except DockerException as error:
        if "No such file" in (error.stderr or ""):
            raise Exit(
                "Jenkins is already set up: it deletes the initial password when the setup wizard "
                "finishes. Log in with the admin user created then; to start over, "
                "`invoke clean` deletes Jenkins's data.",
                code=1,
            ) from None
        raise
    print(password.strip())


@task(
    help={
        "dry_run": "list what would be removed, and remove nothing",
        "keep_offline_images": "keep the offline mode's stand-in base images",
        "all": "afterwards also prune the whole machine like `docker system prune` (asks first)",
        "yes": "with --all, do not ask for confirmation (for scripts)",
    }
)
@reports_errors
def clean(c, dry_run=False, keep_offline_images=False, all=False, yes=False):
    """Remove this project's containers, networks, volumes and images, and nothing else."""
    settings = settings_module.load()
    docker = stack.client(settings)
    if all and not yes and not dry_run:
        if not sys.stdin.isatty():
            raise Exit(
                "clean --all prunes the whole machine and needs confirmation, but no terminal is "
                "attached to ask on. Pass --yes to confirm. Nothing was removed.",
                code=2,
            )
        answer = input(
            "clean --all also removes every stopped container, unused network, dangling image and "
            "the build cache on this machine, of every project. Continue? [y/N] "
        )
        if answer.strip().lower() not in {"y", "yes"}:
            raise Exit("Nothing was removed.", code=1)

    resources = cleanup.find(docker, keep_offline_images=keep_offline_images)
    if resources.is_empty():
        print("Nothing of this project exists in Docker.")
    else:
        print(("Would remove:" if dry_run else "Removing:") + "\n  " + "\n  ".join(resources.describe()))
    if dry_run:
        if all:
            print("With --all, `docker system prune --force` would then run.")
        print("Dry run: nothing was removed.")
        return

    failures = cleanup.remove(docker, resources)
    if failures:
        raise Exit("Some resources could not be removed:\n  " + "\n  ".join(failures), code=1)
    if resources.volumes:
        names = ", ".join(volume.name for volume in resources.volumes)
        print(f"The data in {names} is deleted. The secrets in .secrets/ are kept.")

    if all:
        announce("Pruning the whole machine...", "docker system prune --force")
        docker.system.prune()
    print("Clean.")


@task(help={"force": "rebuild every stand-in image, even those that exist"})
@reports_errors
def offline_images(c, force=False):
    """Build offline mode's stand-in base images from Debian packages (needs debootstrap, root)."""
    settings = settings_module.load()
    docker = stack.client(settings)
    offline.build_images(docker, settings.ca_bundle, settings.debian_mirror, force=force)


@task(
    help={
        "quick": "one run of each figure and 3-second request runs, to finish in under five minutes",
        "markdown": "also write the results table, as Markdown, to this file",
        "dockerfile_steps": "measure only the Dockerfile steps of docs/06-writing-a-dockerfile.md: "
        "each step's image size and its rebuild after a one-line change",
    }
)
@reports_errors
def bench(c, quick=False, markdown="", dockerfile_steps=False):
    """Measure builds, rebuilds, start-up, image sizes and request latency on this machine."""
    settings = settings_module.load()
    runs = 1 if quick else 3
    request_seconds = 3.0 if quick else 10.0

    benchmark = bench_module.Bench(settings, runs=runs, request_seconds=request_seconds, concurrency=8)
    if dockerfile_steps:
        benchmark.run_dockerfile_steps()
        table = benchmark.steps_table()
    else:
        benchmark.run()
        table = benchmark.table()

    print("\n" + benchmark.summary() + "\n")
    print(table)
    if markdown:
        Path(markdown).write_text(benchmark.summary() + "\n\n" + table + "\n")
        print(f"\nWrote {markdown}.")


def run_suite(name: str, function) -> bool:
    print(f"\n=== {name} ===", flush=True)
    try:
        function()
    except (DockerException, SuiteFailed) as error:
        code = error.return_code if isinstance(error, DockerException) else error
        print(f"{name} failed (exit code {code}).", flush=True)
        return False
    return True


def stream(lines) -> None:
    for _, line in lines:
        sys.stdout.write(line.decode(errors="replace"))
        sys.stdout.flush()


@task(
    help={
        "lifecycle": "also run the lifecycle tests and the walkthrough's commands that delete the stack's data; "
        "they restart the stack and end with `invoke clean`"
    }
)
@reports_errors
def test(c, lifecycle=False):
    """Run every test suite against the stack, starting the stack first if needed."""
    settings = settings_module.load()
    docker = stack.client(settings)
    compose = stack.compose_command(settings)
    if not stack.stack_is_ready(docker):
        print("The stack is not up and healthy; starting it first.")
        startup.start_stack(settings)

    def django_tests():
        announce("", f"{compose} exec backend python manage.py test --noinput")
        container = running_container(docker, "backend")
        # Only errors from Django's log: the tests send bad requests on purpose.
        command = ["python", "manage.py", "test", "--noinput"]
        stream(docker.container.execute(container, command, envs={"DJANGO_LOG_LEVEL": "ERROR"}, stream=True))

    def vitest_tests():
        announce("", f"{compose} run --build --rm frontend-tests")
        docker.compose.build(["frontend-tests"], quiet=True)
        stream(docker.compose.run("frontend-tests", remove=True, tty=False, stream=True))

    def pytest_suite(marker: str, env: dict[str, str] | None = None):
        def run():
            # An earlier suite may have stopped or removed the stack.
            if not stack.stack_is_ready(docker):
                print("The stack is not up and healthy; starting it first.")
                startup.start_stack(settings)
            command = [sys.executable, "-m", "pytest", str(TESTS_DIR), "-v", "-m", marker]
            announce("", shlex.join(command))
            result = c.run(shlex.join(command), warn=True, pty=False, env=env or {})
            if result.failed:
                raise SuiteFailed(result.exited)

        return run

    suites = {
        "Django tests (against the live database)": django_tests,
        "Vitest tests": vitest_tests,
        "Smoke and browser tests (published ports)": pytest_suite("not lifecycle and not docs"),
    }
    # After the suites above, because the walkthrough stops and restarts the
    # stack. Its commands that delete the stack's data run only with --lifecycle.
    suites["Docs test (every command of the walkthrough in docs/)"] = pytest_suite(
        "docs", {"WORKSHOP_TEST_LIFECYCLE": "1" if lifecycle else "0"}
    )
    if lifecycle:
        suites["Lifecycle tests (restart, clean)"] = pytest_suite("lifecycle")
    results = {name: run_suite(name, function) for name, function in suites.items()}

    print("\n=== Summary ===")
    for name, passed in results.items():
        print(f"{'passed' if passed else 'FAILED'}  {name}")
    if not lifecycle:
        print("not run  Lifecycle tests (they delete the stack's data): invoke test --lifecycle")
    if not all(results.values()):
        raise Exit("Some test suites failed; their output is above.", code=1)


namespace = Collection(
    doctor, up, status, logs, shell, db_shell, jenkins_password, test, bench, down, clean, offline_images
)
