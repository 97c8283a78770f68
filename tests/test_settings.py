"""Settings: validation, and agreement between tasks.py's defaults and compose.yaml's."""

from __future__ import annotations

import pytest
from python_on_whales import DockerClient

from infra.taskrunner import settings as settings_module
from infra.taskrunner.settings import DEFAULTS, ROOT, SettingsError
from infra.taskrunner.stack import COMPOSE_FILE


@pytest.fixture
def clean_environment(monkeypatch):
    for name in DEFAULTS:
        monkeypatch.delenv(name, raising=False)


class SettingsLoadTests:
    def test_defaults_without_env_file(self, clean_environment, tmp_path):
        loaded = settings_module.load(tmp_path / "missing.env")

        assert loaded.http_port == 80
        assert loaded.bind_address == "127.0.0.1"
        assert loaded.offline is False

    def test_env_file_value_is_used(self, clean_environment, tmp_path):
        env_file = tmp_path / ".env"
        env_file.write_text("WORKSHOP_HTTP_PORT=8081\nWORKSHOP_OFFLINE=yes\n")

        loaded = settings_module.load(env_file)

        assert loaded.http_port == 8081
        assert loaded.offline is True

    def test_environment_wins_over_env_file(self, clean_environment, tmp_path, monkeypatch):
        env_file = tmp_path / ".env"
        env_file.write_text("WORKSHOP_HTTP_PORT=8081\n")
        monkeypatch.setenv("WORKSHOP_HTTP_PORT", "8082")

        assert settings_module.load(env_file).http_port == 8082

    @pytest.mark.parametrize(
        ("name", "value"),
        [
            ("WORKSHOP_HTTP_PORT", "80a"),
            ("WORKSHOP_DB_PORT", "70000"),
            ("WORKSHOP_BACKEND_PORT", "0"),
            ("WORKSHOP_BACKEND_PORT", "8000-8002"),
            ("WORKSHOP_BIND_ADDRESS", "localhost:80"),
            ("WORKSHOP_OFFLINE", "maybe"),
            ("WORKSHOP_UP_TIMEOUT", "-5"),
            ("WORKSHOP_DEBIAN_MIRROR", "ftp.example/debian"),
        ],
    )
    def test_invalid_value_names_setting_and_source(self, clean_environment, tmp_path, name, value):
        env_file = tmp_path / ".env"
        env_file.write_text(f"{name}={value}\n")

        with pytest.raises(SettingsError) as raised:
            settings_module.load(env_file)

        assert name in str(raised.value)
        assert repr(value) in str(raised.value)
        assert str(env_file) in str(raised.value)


class ComposeDefaultsTests:
    def test_published_ports_match_settings_defaults(self, clean_environment, tmp_path):
        empty_env_file = tmp_path / "empty.env"
        empty_env_file.write_text("")
        docker = DockerClient(
            compose_files=[COMPOSE_FILE], compose_project_directory=ROOT, compose_env_files=[empty_env_file]
        )

        config = docker.compose.config(return_json=True)

        published = {
            name: (port["host_ip"], port["published"])
            for name, service in config["services"].items()
            for port in service.get("ports", [])
        }
        bind = DEFAULTS["WORKSHOP_BIND_ADDRESS"]
        assert published == {
            "nginx": (bind, DEFAULTS["WORKSHOP_HTTP_PORT"]),
            "backend": (bind, DEFAULTS["WORKSHOP_BACKEND_PORT"]),
            "db": (bind, DEFAULTS["WORKSHOP_DB_PORT"]),
            "jenkins": (bind, DEFAULTS["WORKSHOP_JENKINS_PORT"]),
        }

    def test_empty_backend_port_publishes_random_port(self, clean_environment, tmp_path):
        empty_env_file = tmp_path / "empty.env"
        empty_env_file.write_text("WORKSHOP_BACKEND_PORT=\n")
        docker = DockerClient(
            compose_files=[COMPOSE_FILE], compose_project_directory=ROOT, compose_env_files=[empty_env_file]
        )

        backend = docker.compose.config(return_json=True)["services"]["backend"]

        assert settings_module.load(empty_env_file).backend_port is None
        assert backend["ports"][0].get("published", "") == ""
