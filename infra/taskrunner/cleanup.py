"""Find and remove what this project created in Docker, and nothing else.

Compose labels the containers, networks and volumes it creates with the
project name; the images this project builds carry its own label. Both
labels select exactly this project's resources, whatever their names.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from python_on_whales import DockerClient
from python_on_whales.exceptions import DockerException

from . import offline
from .stack import IMAGE_FILTER, PROJECT, PROJECT_FILTER


@dataclass
class Resources:
    containers: list = field(default_factory=list)
    networks: list = field(default_factory=list)
    volumes: list = field(default_factory=list)
    images: list = field(default_factory=list)

    def is_empty(self) -> bool:
        return not (self.containers or self.networks or self.volumes or self.images)

    def describe(self) -> list[str]:
        lines = []
        lines += [f"container  {c.name} ({c.state.status})" for c in self.containers]
        lines += [f"network    {n.name}" for n in self.networks]
        lines += [f"volume     {v.name} (its data is deleted)" for v in self.volumes]
        lines += [f"image      {image_name(i)}" for i in self.images]
        return lines


def image_name(image) -> str:
    return ", ".join(image.repo_tags) if image.repo_tags else f"{image.id[7:19]} (untagged)"


# The names this project gives the images it builds: Compose names a built
# image after the project and the service, and offline mode's stand-ins
# share one repository prefix.
OWN_IMAGE_PREFIXES = (f"{PROJECT}-", offline.REPOSITORY_PREFIX)


def is_own_image(image) -> bool:
    """Tell whether an image is one this project built.

    The label alone is not enough: an image that someone builds FROM one of
    ours inherits the label, and it is theirs. So a tagged image must also
    carry one of this project's names. An untagged one is an older build of
    ours that lost its tag to a newer one.
    """
    if not image.repo_tags:
        return True
    return any(tag.startswith(OWN_IMAGE_PREFIXES) for tag in image.repo_tags)


def find(docker: DockerClient, keep_offline_images: bool = False) -> Resources:
    images = [i for i in docker.image.list(filters=[IMAGE_FILTER]) if is_own_image(i)]
    if keep_offline_images:
        images = [i for i in images if not any(t.startswith(offline.REPOSITORY_PREFIX) for t in i.repo_tags)]
    return Resources(
        containers=docker.container.list(all=True, filters=[PROJECT_FILTER]),
        networks=docker.network.list(filters=[PROJECT_FILTER]),
        volumes=docker.volume.list(filters=[PROJECT_FILTER]),
        images=images,
    )


def remove(docker: DockerClient, resources: Resources) -> list[str]:
    """Remove the resources; return a message for each one that could not be removed."""
    failures = []
    for container in resources.containers:
        try:
            docker.container.remove(container, force=True, volumes=True)
        except DockerException as error:
            failures.append(f"container {container.name}: {(error.stderr or '').strip()}")
    for network in resources.networks:
        try:
            docker.network.remove(network)
        except DockerException as error:
            failures.append(f"network {network.name}: {(error.stderr or '').strip()}")
    for volume in resources.volumes:
        try:
            docker.volume.remove(volume)
        except DockerException as error:
            failures.append(f"volume {volume.name}: {(error.stderr or '').strip()}")
    failures += remove_images(docker, resources.images)
    return failures


def remove_images(docker: DockerClient, images: list) -> list[str]:
    """Remove images, children before parents, whatever order they come in.

    Docker refuses to remove an image that another image is built on, so
    each pass removes what it can until a pass makes no progress.
    """
    # A tagged image is removed by its names, so that an ID it shares with
    # someone else's tag is left to that tag.
    pending = [name for image in images for name in (image.repo_tags or [image.id])]
    errors: dict[str, str] = {}
    while pending:
        still_pending = []
        for name in pending:
            try:
                docker.image.remove(name)
            except DockerException as error:
                if "No such image" in (error.stderr or ""):
                    continue  # already gone with a child removed before it
                errors[name] = f"image {name}: {(error.stderr or '').strip()}"
                still_pending.append(name)
        if len(still_pending) == len(pending):
            return [errors[name] for name in still_pending]
        pending = still_pending
    return []
