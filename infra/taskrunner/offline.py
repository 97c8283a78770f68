"""Build the stand-in base images that offline mode uses instead of Docker Hub's.

A minimal Debian root file system made by debootstrap becomes the base image.
The Dockerfiles under infra/offline/ add Python, Node.js, nginx and MariaDB to
it from Debian's packages, which containers fetch from a Debian mirror.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from python_on_whales import DockerClient
from python_on_whales.exceptions import DockerException

from .errors import TaskError
from .settings import ROOT

SUITE = "trixie"
REPOSITORY_PREFIX = "workshop-offline/"
BASE_IMAGE = f"{REPOSITORY_PREFIX}debian:{SUITE}"

# Each stand-in: its image name and the folder of its Dockerfile. compose.offline.yaml
# names the same images.
STAND_INS = {
    f"{REPOSITORY_PREFIX}python:3.13": ROOT / "infra/offline/python",
    f"{REPOSITORY_PREFIX}node:20": ROOT / "infra/offline/node",
    f"{REPOSITORY_PREFIX}nginx:1.26": ROOT / "infra/offline/nginx",
    f"{REPOSITORY_PREFIX}mariadb:11.8": ROOT / "infra/offline/mariadb",
}
ALL_IMAGES = [BASE_IMAGE, *STAND_INS]

# The official image that each stand-in replaces. The walkthrough's pages
# name the official images; in offline mode the docs test runs their
# commands with these stand-ins instead. Jenkins has none.
OFFICIAL_TO_STAND_IN = {
    "python:3.13-slim": f"{REPOSITORY_PREFIX}python:3.13",
    "python:3.13": f"{REPOSITORY_PREFIX}python:3.13",
    "node:24-slim": f"{REPOSITORY_PREFIX}node:20",
    "nginx:1.30-alpine": f"{REPOSITORY_PREFIX}nginx:1.26",
    "mysql:8.4": f"{REPOSITORY_PREFIX}mariadb:11.8",
    "debian:trixie-slim": BASE_IMAGE,
}

# The label that marks every image this project builds, so that cleaning up
# finds them and nothing else.
PROJECT_LABEL = "org.docker-workshop.project"
PROJECT_LABEL_VALUE = "docker-workshop"

# The CA bundle's path in the base image, and the variables that point
# OpenSSL, Python (pip, requests) and Node.js (npm) at it.
CA_BUNDLE_IN_IMAGE = "/etc/ssl/certs/workshop-ca-bundle.pem"
CA_VARIABLES = (
    "SSL_CERT_FILE",
    "PIP_CERT",
    "REQUESTS_CA_BUNDLE",
    "NODE_EXTRA_CA_CERTS",
    "NPM_CONFIG_CAFILE",
)


class OfflineBuildError(TaskError):
    """Building the stand-in images failed. The message contains the cause and the fix."""

    def __init__(self, message: str):
        super().__init__(f"Building the offline images failed: {message}", code=1)


def missing_images(docker: DockerClient) -> list[str]:
    return [name for name in ALL_IMAGES if not docker.image.exists(name)]


def check_ca_bundle(ca_bundle: Path) -> None:
    if not ca_bundle.is_file():
        raise OfflineBuildError(
            f"The CA bundle {ca_bundle} does not exist. Set WORKSHOP_CA_BUNDLE to a PEM "
            "file that holds every certificate authority the images should trust "
            "(usually your machine's system bundle)."
        )
    if b"-----BEGIN CERTIFICATE-----" not in ca_bundle.read_bytes():
        raise OfflineBuildError(
            f"The CA bundle {ca_bundle} contains no PEM certificate "
            "(no '-----BEGIN CERTIFICATE-----' line). Set WORKSHOP_CA_BUNDLE to a PEM file."
        )


def debootstrap_command(rootfs: Path, mirror: str) -> list[str]:
    command = ["debootstrap", "--variant=minbase", "--include=ca-certificates", SUITE, str(rootfs)]
    # Without a mirror argument, debootstrap uses Debian's own redirector.
    if mirror:
        command.append(mirror)
    return command


def add_update_suites(rootfs: Path) -> None:
    """Add the stable-updates and security suites next to the one debootstrap wrote."""
    sources = rootfs / "etc/apt/sources.list"
    first_line = sources.read_text().splitlines()[0]
    mirror = first_line.split()[1]
    lines = [first_line, f"deb {mirror} {SUITE}-updates main"]
    if mirror.rstrip("/").endswith("/debian"):
        lines.append(f"deb {mirror.rstrip('/')}-security {SUITE}-security main")
    sources.write_text("\n".join(lines) + "\n")


def build_base_image(docker: DockerClient, ca_bundle: Path, mirror: str = "") -> None:
    """Make the Debian base image with debootstrap and `docker image import`."""
    if shutil.which("debootstrap") is None:
        raise OfflineBuildError(
            "debootstrap is not installed, and the offline base image is built with it. "
            "Install it (on Debian or Ubuntu: sudo apt-get install debootstrap), or build "
            "the images on a machine that has it and copy them with docker save and docker load."
        )
    if os.geteuid() != 0:
        raise OfflineBuildError(
            "debootstrap must run as root to build the offline base image. "
            "Run the same command with sudo, for example: sudo .venv/bin/invoke offline-images"
        )
    check_ca_bundle(ca_bundle)

    with tempfile.TemporaryDirectory(prefix="workshop-rootfs-") as work:
        rootfs = Path(work) / "rootfs"
        command = debootstrap_command(rootfs, mirror)
        print(f"  $ {' '.join(command)}", flush=True)
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise OfflineBuildError(
                f"debootstrap failed with exit code {result.returncode}. Its last lines:\n"
                + "\n".join(result.stdout.splitlines()[-15:] + result.stderr.splitlines()[-15:])
            )

        add_update_suites(rootfs)
        shutil.copyfile(ca_bundle, rootfs / CA_BUNDLE_IN_IMAGE.lstrip("/"))
        for cache in ("var/cache/apt/archives", "var/lib/apt/lists"):
            for entry in (rootfs / cache).glob("*"):
                if entry.is_file():
                    entry.unlink()

        tarball = Path(work) / "rootfs.tar"
        subprocess.run(
            ["tar", "--numeric-owner", "-C", str(rootfs), "-cf", str(tarball), "."], check=True
        )
        changes = [f"ENV {name}={CA_BUNDLE_IN_IMAGE}" for name in CA_VARIABLES]
        changes += [f"LABEL {PROJECT_LABEL}={PROJECT_LABEL_VALUE}", 'CMD ["bash"]']
        docker.image.import_(tarball, tag=BASE_IMAGE, changes=changes)


def build_stand_in(docker: DockerClient, name: str, context: Path) -> None:
    try:
        docker.legacy_build(
            context,
            tags=[name],
            build_args={"BASE_IMAGE": BASE_IMAGE},
            labels={PROJECT_LABEL: PROJECT_LABEL_VALUE},
        )
    except DockerException as error:
        output = (error.stderr or "") + (error.stdout or "")
        raise OfflineBuildError(
            f"Building the stand-in image {name} from {context.relative_to(ROOT)}/Dockerfile "
            f"failed (exit code {error.return_code}). The build output ends with:\n"
            + "\n".join(output.strip().splitlines()[-25:])
        ) from None


def build_images(docker: DockerClient, ca_bundle: Path, mirror: str = "", force: bool = False) -> None:
    """Build every stand-in image that is missing, or all of them with force."""
    started = time.monotonic()
    if force or not docker.image.exists(BASE_IMAGE):
        print(f"Building {BASE_IMAGE} with debootstrap (about a minute)...", flush=True)
        build_base_image(docker, ca_bundle, mirror)
        force = True  # every stand-in builds on the new base
    else:
        print(f"{BASE_IMAGE} exists; keeping it.")

    for name, context in STAND_INS.items():
        if not force and docker.image.exists(name):
            print(f"{name} exists; keeping it.")
            continue
        step_started = time.monotonic()
        print(f"Building {name}...", flush=True)
        build_stand_in(docker, name, context)
        print(f"  built in {time.monotonic() - step_started:.0f} s")

    print(f"Offline images ready ({time.monotonic() - started:.0f} s).")
