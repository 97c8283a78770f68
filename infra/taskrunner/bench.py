"""`invoke bench`: measure build, start and request times on this machine.

Each figure is measured several times; the table shows the median and the
spread (lowest to highest). Builds use the classic builder's `docker build`
through python-on-whales with the same contexts and build arguments that
Compose uses, tagged docker-workshop-bench-* so that the stack's own images
stay as they are (and `invoke clean` removes the bench images too).
"""

from __future__ import annotations

import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import requests
from python_on_whales import DockerClient

from . import offline, stack, startup
from .errors import TaskError
from .settings import ROOT, Settings

BENCH_PREFIX = f"{stack.PROJECT}-bench-"
# The Dockerfiles of the walkthrough's chapter 6, from the naive one that many
# tutorials show (the first) to one like django_app/Dockerfile (the last).
# Each takes its base image as the build argument PYTHON_IMAGE.
DOCKERFILE_STEPS = sorted((ROOT / "docs/dockerfile-steps").glob("*.Dockerfile"))
NAIVE_DOCKERFILE = DOCKERFILE_STEPS[0]
# The one-line edits that the rebuild figures make, in a copy of the build
# context: a comment in a Django view, and the heading of the React page (a
# comment would not do there, because the build strips comments and the
# served files would not change).
DJANGO_EDIT = ("health/views.py", re.compile(r"\Z"), "# bench edit {marker}\n")
REACT_EDIT = ("src/App.jsx", re.compile(r"<h1>[^<]*</h1>"), "<h1>Docker workshop todos {marker}</h1>")
IGNORED_IN_COPIES = shutil.ignore_patterns("node_modules", "dist", "staticfiles", "__pycache__")


@dataclass
class Figure:
    """One measured quantity: its samples, unit and the target it is held to."""

    name: str
    unit: str
    samples: list[float] = field(default_factory=list)
    # The largest median that meets the target, for figures that have one.
    target: float | None = None

    def row(self) -> list[str]:
        if not self.samples:
            return [self.name, "not measured", "", ""]
        median = statistics.median(self.samples)
        spread = f"{min(self.samples):.{self.digits}f} to {max(self.samples):.{self.digits}f}" if len(self.samples) > 1 else "1 run"
        verdict = ""
        if self.target is not None:
            verdict = f"at most {self.target:g} {self.unit}: {'met' if median <= self.target else 'MISSED'}"
        return [self.name, f"{median:.{self.digits}f} {self.unit}".strip(), spread, verdict]

    @property
    def digits(self) -> int:
        if self.unit in {"MB", "", "req/s", "errors"}:
            return 0
        return 2 if self.unit == "x" else 1

    @property
    def median(self) -> float:
        return statistics.median(self.samples)


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def build_settings(docker: DockerClient) -> dict[str, dict]:
    """Return each built service's context, Dockerfile and build arguments as Compose resolves them."""
    services = docker.compose.config(return_json=True)["services"]
    return {
        name: service["build"]
        for name, service in services.items()
        if "build" in service and not service.get("profiles")
    }


def build(docker: DockerClient, context: Path, tag: str, args: dict, cache: bool = True, file: Path | None = None):
    return docker.legacy_build(
        context,
        tags=[tag],
        build_args=args,
        cache=cache,
        file=file,
        labels={offline.PROJECT_LABEL: offline.PROJECT_LABEL_VALUE},
    )


def step_base_image(dockerfile: Path) -> str:
    """Return the default of a step Dockerfile's PYTHON_IMAGE argument: the official image it names."""
    match = re.search(r"^ARG PYTHON_IMAGE=(\S+)$", dockerfile.read_text(), re.MULTILINE)
    if match is None:
        raise TaskError(f"{dockerfile} has no `ARG PYTHON_IMAGE=...` line, which the bench reads its base image from")
    return match.group(1)


def new_layers(before, after) -> int:
    """Count the layers of the after image that the before image did not have."""
    return len(set(after.root_fs.layers) - set(before.root_fs.layers))


def machine_description() -> str:
    memory_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores, {memory_gb:.0f} GiB memory, {platform.system()} {platform.machine()}"


class Bench:
    def __init__(self, settings: Settings, runs: int, request_seconds: float, concurrency: int):
        self.settings = settings
        self.docker = stack.client(settings)
        self.runs = runs
        self.request_seconds = request_seconds
        self.concurrency = concurrency
        self.figures: list[Figure] = []
        self.steps: list[tuple[str, str, Figure, Figure, Figure]] = []
        self.builds = build_settings(self.docker)

    def figure(self, name: str, unit: str, target: float | None = None) -> Figure:
        found = Figure(name, unit, target=target)
        self.figures.append(found)
        return found

    def say(self, message: str) -> None:
        print(message, flush=True)

    # 1. Cold builds

    def cold_builds(self) -> dict[str, Figure]:
        totals = self.figure("Cold build, all images", "s")
        per_service = {name: self.figure(f"Cold build, {name}", "s") for name in self.builds}
        for run in range(self.runs):
            total = 0.0
            for name, spec in self.builds.items():
                self.say(f"Cold build {run + 1}/{self.runs}: {name} (no cache)...")
                seconds = timed(lambda: build(
                    self.docker, Path(spec["context"]), f"{BENCH_PREFIX}{name}", spec.get("args", {}), cache=False
                ))
                per_service[name].samples.append(seconds)
                total += seconds
            totals.samples.append(total)
        return {"total": totals, **per_service}

    # 2. and 7. Rebuilds after a one-line change

    def rebuilds_after_edit(self, name: str, context: Path, relative_path: str, pattern: re.Pattern,
                            replacement: str, args: dict, file: Path | None = None,
                            label: str = "") -> tuple[Figure, Figure]:
        label = label or name
        seconds = self.figure(f"Rebuild after a one-line change, {label}", "s")
        layers = self.figure(f"Layers rebuilt after that change, {label}", "")
        with tempfile.TemporaryDirectory(prefix="workshop-bench-") as work:
            copy = Path(work) / "context"
            shutil.copytree(context, copy, ignore=IGNORED_IN_COPIES)
            tag = f"{BENCH_PREFIX}{label.replace(' ', '-').lower()}-edit"
            self.say(f"Rebuild after an edit: {label}, warming the cache...")
            before = build(self.docker, copy, tag, args, file=file)
            for run in range(self.runs):
                edited = copy / relative_path
                text = edited.read_text()
                new_text = pattern.sub(replacement.format(marker=uuid.uuid4().hex[:8]), text, count=1)
                assert new_text != text, f"the bench's edit of {relative_path} changed nothing"
                edited.write_text(new_text)
                self.say(f"Rebuild after an edit {run + 1}/{self.runs}: {label}...")
                started = time.perf_counter()
                after = build(self.docker, copy, tag, args, file=file)
                seconds.samples.append(time.perf_counter() - started)
                layers.samples.append(new_layers(before, after))
                before = after
        return seconds, layers

    # 3. and 4. invoke up

    def invoke_up(self) -> float:
        result = subprocess.run([sys.executable, "-m", "invoke", "up"], cwd=ROOT, capture_output=True, text=True)
        if result.returncode != 0:
            raise TaskError(f"invoke up failed during the bench, so the figures would be wrong:\n{result.stderr[-2000:]}")
        return 0.0

    def up_from_stopped(self) -> Figure:
        figure = self.figure("invoke up from stopped containers", "s")
        for run in range(self.runs):
            self.docker.compose.stop()
            self.say(f"invoke up from stopped containers {run + 1}/{self.runs}...")
            figure.samples.append(timed(self.invoke_up))
        return figure

    def up_overhead(self) -> tuple[Figure, Figure, Figure]:
        ours = self.figure("invoke up, nothing changed", "s")
        raw = self.figure("docker compose up -d --wait, nothing changed", "s")
        ratio = self.figure("Ratio of the two", "x", target=1.2)
        for run in range(self.runs):
            self.say(f"No-op up {run + 1}/{self.runs}: invoke up, then docker compose up -d --wait...")
            ours.samples.append(timed(self.invoke_up))
            raw.samples.append(timed(lambda: self.docker.compose.up(detach=True, wait=True, quiet=True)))
            ratio.samples.append(ours.samples[-1] / raw.samples[-1])
        return ours, raw, ratio

    # 5. Image sizes

    def image_sizes(self) -> dict[str, Figure]:
        sizes = {}
        for name in self.builds:
            image = self.docker.image.inspect(f"{BENCH_PREFIX}{name}")
            figure = self.figure(f"Image size, {name}", "MB")
            figure.samples.append(image.size / 1e6)
            sizes[name] = figure
        return sizes

    # 6. Requests

    def load(self, base_url: str, path: str) -> tuple[float, list[float], int]:
        """Send GETs from fixed concurrency for a fixed time; return throughput, latencies and errors."""
        deadline = time.monotonic() + self.request_seconds
        latencies: list[float] = []
        errors = 0
        lock = threading.Lock()

        def client(_: int) -> None:
            nonlocal errors
            with requests.Session() as session:
                while time.monotonic() < deadline:
                    started = time.perf_counter()
                    try:
                        ok = session.get(base_url + path, timeout=10).status_code == 200
                    except requests.RequestException:
                        ok = False
                    with lock:
                        latencies.append(time.perf_counter() - started)
                        errors += 0 if ok else 1

        started = time.monotonic()
        with ThreadPoolExecutor(self.concurrency) as pool:
            list(pool.map(client, range(self.concurrency)))
        return len(latencies) / (time.monotonic() - started), latencies, errors

    def requests(self) -> None:
        proxy = self.settings.url(self.settings.http_port).rstrip("/")
        backend_port = stack.published_port(
            next(c for c in stack.project_containers(self.docker) if stack.service_of(c) == "backend"), "8000/tcp"
        )
        direct = self.settings.url(backend_port).rstrip("/")
        prefix = f"bench {uuid.uuid4().hex[:8]}"
        with requests.Session() as api:
            # Django sets the CSRF cookie on the list request and expects it back in a header.
            api.get(f"{proxy}/api/todos/", timeout=10)
            api.headers["X-CSRFToken"] = api.cookies["csrftoken"]
            created = []
            for index in range(100):
                response = api.post(f"{proxy}/api/todos/", json={"title": f"{prefix} {index}"}, timeout=10)
                created.append(response.json()["id"])
            try:
                for path, label in (("/api/health/", "health"), ("/api/todos/", "list of 100+ todos")):
                    p50s = {}
                    for route, base in (("nginx", proxy), ("gunicorn", direct)):
                        throughput = self.figure(f"Requests, {label}, through {route}: throughput", "req/s")
                        p50 = self.figure(f"Requests, {label}, through {route}: p50", "ms")
                        p99 = self.figure(f"Requests, {label}, through {route}: p99", "ms")
                        errors = self.figure(f"Requests, {label}, through {route}: errors", "errors", target=0)
                        for run in range(self.runs):
                            self.say(f"Requests {run + 1}/{self.runs}: {label} through {route}...")
                            rate, latencies, failed = self.load(base, path)
                            ordered = sorted(latencies)
                            throughput.samples.append(rate)
                            p50.samples.append(statistics.median(ordered) * 1000)
                            p99.samples.append(ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))] * 1000)
                            errors.samples.append(failed)
                        p50s[route] = p50.median
                    added = self.figure(f"Requests, {label}: nginx's addition to p50", "%", target=15)
                    added.samples.append((p50s["nginx"] / p50s["gunicorn"] - 1) * 100)
            finally:
                for todo_id in created:
                    api.delete(f"{proxy}/api/todos/{todo_id}/", timeout=10)

    # 7. The naive Dockerfile

    def naive_comparison(self, our_size: Figure, our_rebuild: Figure) -> None:
        spec = self.builds["backend"]
        context = Path(spec["context"])
        # The full Python image, as the tutorials use; offline mode has one Python image for both.
        base = spec["args"]["PYTHON_IMAGE"] if self.settings.offline else "python:3.13"
        args = {"PYTHON_IMAGE": base}
        naive_size = self.figure("Naive Django image: size", "MB")
        self.say("Naive Django image: cold build...")
        image = build(self.docker, context, f"{BENCH_PREFIX}naive-django", args, cache=False, file=NAIVE_DOCKERFILE)
        naive_size.samples.append(image.size / 1e6)
        naive_rebuild, _ = self.rebuilds_after_edit(
            "backend", context, *DJANGO_EDIT, args, file=NAIVE_DOCKERFILE, label="naive django"
        )
        size_ratio = self.figure("Our backend's size as a share of the naive one's", "x", target=0.33)
        size_ratio.samples.append(our_size.median / naive_size.median)
        rebuild_ratio = self.figure("Our rebuild time as a share of the naive one's", "x")
        rebuild_ratio.samples.append(our_rebuild.median / naive_rebuild.median)

    # The Dockerfile steps of the walkthrough's chapter 6

    def dockerfile_steps(self) -> None:
        """Measure each step's image size and its rebuild after a one-line change.

        The builds use the cache, as a learner's do: the figure that matters
        is what a code change costs once the image exists.
        """
        context = ROOT / "django_app"
        for dockerfile in DOCKERFILE_STEPS:
            step = dockerfile.name.removesuffix(".Dockerfile")
            base = step_base_image(dockerfile)
            args = {"PYTHON_IMAGE": offline.OFFICIAL_TO_STAND_IN[base] if self.settings.offline else base}
            self.say(f"Step {step}: building on {args['PYTHON_IMAGE']}...")
            image = build(self.docker, context, f"{BENCH_PREFIX}step-{step}", args, file=dockerfile)
            size = self.figure(f"Image size, step {step}", "MB")
            size.samples.append(image.size / 1e6)
            rebuild, layers = self.rebuilds_after_edit(
                "backend", context, *DJANGO_EDIT, args, file=dockerfile, label=f"step {step}"
            )
            self.steps.append((step, args["PYTHON_IMAGE"], size, rebuild, layers))

    def steps_table(self) -> str:
        header = ["step", "base image", "image size", "rebuild after a one-line change", "layers rebuilt"]
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        for step, base, size, rebuild, layers in self.steps:
            cells = [step, f"`{base}`", size.row()[1], rebuild.row()[1], layers.row()[1]]
            lines.append("| " + " | ".join(cells) + " |")
        return "\n".join(lines)

    def prepare(self) -> None:
        if self.settings.offline and offline.missing_images(self.docker):
            offline.build_images(self.docker, self.settings.ca_bundle, self.settings.debian_mirror)

    def run_dockerfile_steps(self) -> None:
        started = time.monotonic()
        self.prepare()
        self.dockerfile_steps()
        self.elapsed = time.monotonic() - started

    def run(self) -> None:
        started = time.monotonic()
        self.prepare()
        startup.start_stack(self.settings)

        cold = self.cold_builds()
        backend = self.builds["backend"]
        frontend = self.builds["frontend"]
        django_rebuild, _ = self.rebuilds_after_edit("backend", Path(backend["context"]), *DJANGO_EDIT, backend.get("args", {}))
        share = self.figure("Django rebuild as a share of the backend's cold build", "x", target=0.1)
        share.samples.append(django_rebuild.median / cold["backend"].median)
        self.rebuilds_after_edit("frontend", Path(frontend["context"]), *REACT_EDIT, frontend.get("args", {}))
        self.up_from_stopped()
        self.up_overhead()
        sizes = self.image_sizes()
        self.requests()
        self.naive_comparison(sizes["backend"], django_rebuild)
        self.elapsed = time.monotonic() - started

    def table(self) -> str:
        rows = [figure.row() for figure in self.figures]
        header = ["figure", "median", "spread (lowest to highest)", "target"]
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        lines += ["| " + " | ".join(row) + " |" for row in rows]
        return "\n".join(lines)

    def summary(self) -> str:
        mode = "offline (stand-in images)" if self.settings.offline else "normal (official images)"
        requests_part = (
            "" if self.steps else f"requests: {self.concurrency} concurrent clients for {self.request_seconds:.0f} s per run. "
        )
        return (
            f"Machine: {machine_description()}. Mode: {mode}. Runs per figure: {self.runs}"
            f"{'.' if self.steps else ';'} {requests_part}Whole bench: {self.elapsed / 60:.1f} minutes."
        )
