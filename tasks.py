"""Tasks that run the workshop stack: `invoke --list` shows them all.

Each task prints the docker command it stands for, so that you can run the
same step by hand. Settings come from the environment or from .env; see
.env.example.
"""

from __future__ import annotations

import functools
import shlex
import sys
import time

from invoke import Collection, Exit, task
from python_on_whales.exceptions import DockerException

from infra.taskrunner import cleanup, offline, settings as settings_module, stack
from infra.taskrunner.settings import ROOT, SettingsError

TESTS_DIR = ROOT / "tests"


class SuiteFailed(Exception):
    """A test suite ran and reported failures."""


def reports_errors(function):
    """Turn the errors a learner can hit into one message and a non-zero exit."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except SettingsError as error:
            raise Exit(str(error), code=2) from None
        except offline.OfflineBuildError as error:
            raise Exit(f"Building the offline images failed: {error}", code=1) from None
        except DockerException as error:
            command = shlex.join(str(part) for part in error.docker_command)
            output = (error.stderr or error.stdout or "").strip()
            message = f"This Docker command failed with exit code {error.return_code}:\n  {command}"
            if output:
                message += "\n" + "\n".join(f"  {line}" for line in output.splitlines()[-20:])
            raise Exit(message, code=1) from None

    return wrapper


def load_settings() -> settings_module.Settings:
    return settings_module.load()


def announce(message: str, command: str = "") -> None:
    """Print a step before it runs, with the docker command it stands for."""
    print(message, flush=True)
    if command:
        print(f"  $ {command}", flush=True)


def ensure_offline_images(docker, settings) -> None:
    missing = offline.missing_images(docker)
    if missing:
        announce(f"Offline mode: building the missing stand-in images ({', '.join(missing)}).")
        offline.build_images(docker, settings.ca_bundle, settings.debian_mirror)


def start_stack(settings) -> None:
    """Generate secrets, build, start and wait; exit with a diagnosis on failure."""
    docker = stack.client(settings)
    compose = stack.compose_command(settings)
    started = time.monotonic()

    created = stack.ensure_secrets()
    if created:
        print(f"Generated secrets in .secrets/: {', '.join(created)}")
    if settings.offline:
        ensure_offline_images(docker, settings)

    announce("Building images...", f"{compose} build")
    try:
        docker.compose.build()
    except DockerException as error:
        raise Exit(
            f"Building the images failed (exit code {error.return_code}); the failing step "
            f"and its output are printed above. Fix it, then run `invoke up` again.",
            code=1,
        ) from None

    announce(
        f"Starting the stack and waiting up to {settings.up_timeout} s until every service is healthy...",
        f"{compose} up --detach --wait --wait-timeout {settings.up_timeout}",
    )
    try:
        docker.compose.up(detach=True, wait=True, wait_timeout=settings.up_timeout)
    except DockerException:
        problems = stack.find_problems(docker)
        details = "\n\n".join(problem.describe() for problem in problems)
        raise Exit(
            f"The stack did not become healthy within {settings.up_timeout} s.\n\n{details or 'See the output above.'}\n\n"
            "Fix the cause and run `invoke up` again; `invoke logs SERVICE` shows a whole log. "
            "WORKSHOP_UP_TIMEOUT sets the wait in seconds.",
            code=1,
        ) from None

    print(f"\nThe stack is up ({time.monotonic() - started:.0f} s):\n")
    print(stack.status_table(docker, settings))
    if settings.offline:
        print("\nJenkins is left out in offline mode: no stand-in image exists for it.")


@task
@reports_errors
def up(c):
    """Build and start the stack, wait until every service is healthy, show the URLs."""
    start_stack(load_settings())


@task
@reports_errors
def down(c):
    """Stop and remove the stack's containers; keep the data volumes."""
    settings = load_settings()
    docker = stack.client(settings)

    announce("Stopping the stack...", f"{stack.compose_command(settings)} down --remove-orphans")
    docker.compose.down(remove_orphans=True)
    print("Stopped. The database and Jenkins data volumes are kept; `invoke clean` deletes them.")


@task
@reports_errors
def status(c):
    """Show each service's state, health and URL."""
    settings = load_settings()
    print(stack.status_table(stack.client(settings), settings))


@task(
    help={
        "service": "the service whose log to show (default: every service)",
        "follow": "keep printing new lines until Ctrl+C",
        "tail": "how many lines to show from the end of each log (default 100)",
    }
)
@reports_errors
def logs(c, service="", follow=False, tail=100):
    """Show the logs of the stack's services."""
    settings = load_settings()
    docker = stack.client(settings)
    services = stack.enabled_services(docker)
    if service and service not in services:
        raise Exit(f"Unknown service {service!r}. The services are: {', '.join(services)}.", code=2)

    command = f"{stack.compose_command(settings)} logs --tail {tail}{' --follow' if follow else ''} {service}"
    announce("", command.rstrip())
    for _, line in docker.compose.logs(service or [], tail=str(tail), follow=follow, stream=True):
        sys.stdout.write(line.decode(errors="replace"))


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
    settings = load_settings()
    docker = stack.client(settings)
    if all and not yes and not dry_run:
        if not sys.stdin.isatty():
            raise Exit("clean --all prunes the whole machine and needs confirmation; "
                       "no terminal is attached, so pass --yes to confirm.", code=2)
        answer = input("clean --all also removes every stopped container, unused network, dangling "
                       "image and the build cache on this machine, of every project. Continue? [y/N] ")
        if answer.strip().lower() not in {"y", "yes"}:
            raise Exit("Nothing removed.", code=1)

    resources = cleanup.find(docker, keep_offline_images=keep_offline_images)
    if resources.is_empty():
        print("Nothing of this project exists in Docker.")
    else:
        print(("Would remove:" if dry_run else "Removing:") + "\n  " + "\n  ".join(resources.describe()))
    if dry_run:
        print("Dry run: nothing was removed.")
        return

    failures = cleanup.remove(docker, resources)
    if failures:
        raise Exit("Some resources could not be removed:\n  " + "\n  ".join(failures), code=1)
    if resources.volumes:
        print("The database and Jenkins data are deleted. The secrets in .secrets/ are kept.")

    if all:
        announce("Pruning the whole machine...", "docker system prune --force")
        docker.system.prune()
    print("Clean.")


@task(help={"force": "rebuild every stand-in image, even those that exist"})
@reports_errors
def offline_images(c, force=False):
    """Build offline mode's stand-in base images from Debian packages (needs debootstrap, root)."""
    settings = load_settings()
    docker = stack.client(settings)
    offline.build_images(docker, settings.ca_bundle, settings.debian_mirror, force=force)


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


@task(help={"lifecycle": "also run the lifecycle tests, which restart the stack and delete its data with `invoke clean`"})
@reports_errors
def test(c, lifecycle=False):
    """Run every test suite against the stack, starting the stack first if needed."""
    settings = load_settings()
    docker = stack.client(settings)
    compose = stack.compose_command(settings)
    if not stack.stack_is_ready(docker):
        print("The stack is not up and healthy; starting it first.")
        start_stack(settings)

    def django_tests():
        announce("", f"{compose} exec backend python manage.py test --noinput")
        container = next(c for c in stack.project_containers(docker) if stack.service_of(c) == "backend")
        # Only errors from Django's log: the tests send bad requests on purpose.
        command = ["python", "manage.py", "test", "--noinput"]
        stream(docker.container.execute(container, command, envs={"DJANGO_LOG_LEVEL": "ERROR"}, stream=True))

    def vitest_tests():
        announce("", f"{compose} run --build --rm frontend-tests")
        docker.compose.build(["frontend-tests"], quiet=True)
        stream(docker.compose.run("frontend-tests", remove=True, tty=False, stream=True))

    def pytest_suite(marker: str):
        def run():
            command = [sys.executable, "-m", "pytest", str(TESTS_DIR), "-v", "-m", marker]
            announce("", shlex.join(command))
            result = c.run(shlex.join(command), warn=True, pty=False)
            if result.failed:
                raise SuiteFailed(result.exited)

        return run

    suites = {
        "Django tests (against the live database)": django_tests,
        "Vitest tests": vitest_tests,
        "Smoke and browser tests (published ports)": pytest_suite("not lifecycle"),
    }
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


namespace = Collection(up, down, status, logs, clean, test, offline_images)
