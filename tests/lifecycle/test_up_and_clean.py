"""The stack's life cycle: a repeated `invoke up`, and `invoke clean`.

These tests run in file order and the last one deletes the stack and its
data, so `invoke test` runs them only with --lifecycle, after every other
suite.
"""

from __future__ import annotations

import io
import tarfile
import time
import uuid

import pytest
from python_on_whales import docker

from tests.taskrunner.runner import invoke

from infra.taskrunner import cleanup, stack
from infra.taskrunner.settings import ROOT
from infra.taskrunner.stack import PROJECT, PROJECT_FILTER

pytestmark = pytest.mark.lifecycle




def container_starts() -> dict[str, str]:
    """Map each of the project's containers to the time it last started."""
    return {c.name: f"{c.id} {c.state.started_at}" for c in docker.container.list(all=True, filters=[PROJECT_FILTER])}


class RepeatedUpTests:
    def test_second_up_changes_nothing(self, capsys):
        before = container_starts()
        assert before, "the stack is not up; invoke test starts it before this suite"

        started = time.monotonic()
        result = invoke("up", cwd=ROOT / "tests")
        elapsed = time.monotonic() - started

        assert result.returncode == 0, result.stdout + result.stderr
        assert container_starts() == before, result.stdout
        with capsys.disabled():
            print(f"\n  (the second invoke up took {elapsed:.1f} s)")


class UnhealthyServiceTests:
    def test_up_names_service_health_and_log(self, settings):
        # The nginx image as the database: the container runs, but its
        # healthcheck's mysql command does not exist, so it never turns healthy.
        docker = stack.client(settings)
        nginx_image = docker.compose.config(return_json=True)["services"]["nginx"]["image"]
        try:
            result = invoke("up", env={"WORKSHOP_DB_IMAGE": nginx_image, "WORKSHOP_UP_TIMEOUT": "20"})

            assert result.returncode == 1, result.stdout + result.stderr
            assert "Traceback" not in result.stderr, result.stderr
            assert "did not become healthy (after" in result.stderr, result.stderr
            assert "of the 20 s allowed" in result.stderr, result.stderr
            assert "Service db is running, health: starting" in result.stderr, result.stderr
            assert "mysql: not found" in result.stderr, result.stderr
            assert "Last lines of its log (invoke logs --service db)" in result.stderr, result.stderr
        finally:
            restored = invoke("up")
            assert restored.returncode == 0, restored.stdout + restored.stderr


@pytest.fixture
def other_project():
    """Create a container, volume, network and image that belong to another project."""
    name = f"other-project-{uuid.uuid4().hex[:8]}"
    # An image made from a one-file tar archive needs no registry and no base image.
    archive = io.BytesIO()
    with tarfile.open(fileobj=archive, mode="w") as tar:
        info = tarfile.TarInfo("hello.txt")
        info.size = 6
        tar.addfile(info, io.BytesIO(b"hello\n"))
    archive_path = ROOT / ".pytest_cache" / f"{name}.tar"
    archive_path.parent.mkdir(exist_ok=True)
    archive_path.write_bytes(archive.getvalue())

    image = docker.image.import_(archive_path, tag=f"{name}:1")
    volume = docker.volume.create(f"{name}-data")
    network = docker.network.create(f"{name}-net")
    container = docker.container.create(f"{name}:1", ["/hello.txt"], name=f"{name}-app", volumes=[(volume, "/data")])
    try:
        yield {"image": f"{name}:1", "volume": volume.name, "network": network.name, "container": container.name}
    finally:
        docker.container.remove(container, force=True)
        docker.network.remove(network)
        docker.volume.remove(volume)
        docker.image.remove(image.id, force=True)
        archive_path.unlink()


class CleanTests:
    def test_dry_run_removes_nothing(self):
        before = cleanup.find(docker)
        assert before.containers, "the stack is not up; invoke test starts it before this suite"

        result = invoke("clean", "--dry-run")

        assert result.returncode == 0, result.stdout + result.stderr
        assert "Would remove:" in result.stdout, result.stdout
        for volume in before.volumes:
            assert volume.name in result.stdout, result.stdout
        after = cleanup.find(docker)
        # Docker lists images with the same creation time in no fixed order.
        assert sorted(c.id for c in after.containers) == sorted(c.id for c in before.containers)
        assert sorted(v.name for v in after.volumes) == sorted(v.name for v in before.volumes)
        assert sorted(n.id for n in after.networks) == sorted(n.id for n in before.networks)
        assert sorted(i.id for i in after.images) == sorted(i.id for i in before.images)

    def test_clean_removes_only_this_project(self, other_project):
        result = invoke("clean")

        assert result.returncode == 0, result.stdout + result.stderr
        assert "docker-workshop_db-data is deleted" in result.stdout, result.stdout
        assert docker.container.list(all=True, filters=[PROJECT_FILTER]) == []
        assert docker.volume.list(filters=[PROJECT_FILTER]) == []
        assert docker.network.list(filters=[PROJECT_FILTER]) == []
        leftover_images = [t for i in docker.image.list() for t in i.repo_tags if t.startswith((f"{PROJECT}-", "workshop-offline/"))]
        assert leftover_images == []
        assert docker.container.exists(other_project["container"])
        assert docker.volume.exists(other_project["volume"])
        assert docker.network.exists(other_project["network"])
        assert docker.image.exists(other_project["image"])
