"""Settings of the workshop stack, read from the environment and `.env`.

Compose reads the same `.env` file for the variables in `compose.yaml`, and a
variable set in the environment wins over the file in both. `.env.example`
lists every setting with its default.
"""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass
from pathlib import Path

from dotenv import dotenv_values

ROOT = Path(__file__).resolve().parents[2]
ENV_FILE = ROOT / ".env"

# The defaults, which compose.yaml repeats in its ${VARIABLE:-default} forms;
# a test checks that the two agree.
DEFAULTS = {
    "WORKSHOP_OFFLINE": "0",
    "WORKSHOP_BIND_ADDRESS": "127.0.0.1",
    "WORKSHOP_HTTP_PORT": "80",
    # Empty publishes each backend replica on a random free port, which
    # `docker compose up --scale backend=3` needs: a fixed port fits one container.
    "WORKSHOP_BACKEND_PORT": "8000",
    "WORKSHOP_DB_PORT": "3306",
    "WORKSHOP_JENKINS_PORT": "8080",
    "WORKSHOP_UP_TIMEOUT": "300",
    "WORKSHOP_CA_BUNDLE": "/etc/ssl/certs/ca-certificates.crt",
    "WORKSHOP_DEBIAN_MIRROR": "",
}

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


class SettingsError(ValueError):
    """A setting has a value that the stack cannot use."""


@dataclass(frozen=True)
class Settings:
    offline: bool
    bind_address: str
    http_port: int
    backend_port: int | None
    db_port: int
    jenkins_port: int
    up_timeout: int
    ca_bundle: Path
    debian_mirror: str

    @property
    def host(self) -> str:
        """Return the host name that reaches the published ports from this machine."""
        if ipaddress.ip_address(self.bind_address).is_unspecified:
            return "127.0.0.1"
        if ":" in self.bind_address:
            return f"[{self.bind_address}]"
        return self.bind_address

    def url(self, port: int, path: str = "/") -> str:
        return f"http://{self.host}:{port}{path}"

    @property
    def published_ports(self) -> dict[str, list[int]]:
        """Map each setting name to the host ports it publishes."""
        return {
            "WORKSHOP_HTTP_PORT": [self.http_port],
            "WORKSHOP_BACKEND_PORT": [self.backend_port] if self.backend_port else [],
            "WORKSHOP_DB_PORT": [self.db_port],
            "WORKSHOP_JENKINS_PORT": [self.jenkins_port],
        }


def raw_values(env_file: Path = ENV_FILE) -> dict[str, tuple[str, str]]:
    """Return each setting's value and where it came from, as Compose resolves them."""
    file_values = dotenv_values(env_file) if env_file.is_file() else {}
    values = {}
    for name, default in DEFAULTS.items():
        if name in os.environ:
            values[name] = (os.environ[name], "the environment")
        elif file_values.get(name) is not None:
            values[name] = (file_values[name], str(env_file))
        else:
            values[name] = (default, "the default")
    return values


def load(env_file: Path = ENV_FILE) -> Settings:
    """Read and check every setting; raise SettingsError naming the first bad one."""
    values = raw_values(env_file)

    def invalid(name: str, expected: str) -> SettingsError:
        value, source = values[name]
        return SettingsError(
            f"Invalid setting {name}={value!r} (from {source}): expected {expected}. "
            f"Fix it in {source} or unset it to use the default, {DEFAULTS[name]!r}."
        )

    def number(name: str, low: int, high: int) -> int:
        text = values[name][0].strip()
        if not text.isdigit() or not low <= int(text) <= high:
            raise invalid(name, f"a whole number from {low} to {high}")
        return int(text)


    offline_text = values["WORKSHOP_OFFLINE"][0].strip().lower()
    if offline_text not in TRUE_WORDS | FALSE_WORDS:
        raise invalid("WORKSHOP_OFFLINE", "1 or 0 (also true/false, yes/no, on/off)")

    bind_address = values["WORKSHOP_BIND_ADDRESS"][0].strip()
    try:
        ipaddress.ip_address(bind_address)
    except ValueError:
        raise invalid(
            "WORKSHOP_BIND_ADDRESS", "an IP address such as 127.0.0.1, or 0.0.0.0 for every interface"
        ) from None

    debian_mirror = values["WORKSHOP_DEBIAN_MIRROR"][0].strip()
    if debian_mirror and not debian_mirror.startswith(("http://", "https://")):
        raise invalid("WORKSHOP_DEBIAN_MIRROR", "an http:// or https:// URL of a Debian mirror, or nothing")

    return Settings(
        offline=offline_text in TRUE_WORDS,
        bind_address=bind_address,
        http_port=number("WORKSHOP_HTTP_PORT", 1, 65535),
        backend_port=(
            None
            if not values["WORKSHOP_BACKEND_PORT"][0].strip()
            else number("WORKSHOP_BACKEND_PORT", 1, 65535)
        ),
        db_port=number("WORKSHOP_DB_PORT", 1, 65535),
        jenkins_port=number("WORKSHOP_JENKINS_PORT", 1, 65535),
        up_timeout=number("WORKSHOP_UP_TIMEOUT", 10, 3600),
        ca_bundle=Path(values["WORKSHOP_CA_BUNDLE"][0].strip()).expanduser(),
        debian_mirror=debian_mirror,
    )
