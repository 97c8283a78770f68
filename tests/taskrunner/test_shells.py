"""Shells into the running stack: a container's shell, the MySQL client, Jenkins's password."""

from __future__ import annotations

from infra.taskrunner.stack import SECRETS_DIR
from tests.taskrunner.runner import invoke, output_of


class ShellTests:
    def test_runs_commands_in_backend(self):
        result = invoke("shell", "backend", input="echo shell-in-$(hostname)\nwhoami\n")

        assert result.returncode == 0, output_of(result)
        assert "shell-in-" in result.stdout, output_of(result)
        assert "app" in result.stdout.split(), output_of(result)

    def test_runs_commands_in_alpine_or_debian_nginx(self):
        result = invoke("shell", "nginx", input="nginx -v 2>&1\n")

        assert result.returncode == 0, output_of(result)
        assert "nginx version" in result.stdout, output_of(result)


class DbShellTests:
    def test_runs_query_as_application_user(self):
        result = invoke("db-shell", input="SELECT CURRENT_USER(), 40 + 2;\n")

        assert result.returncode == 0, output_of(result)
        assert "workshop@" in result.stdout, output_of(result)
        assert "42" in result.stdout, output_of(result)

    def test_password_not_shown(self):
        password = (SECRETS_DIR / "db_password").read_text()

        result = invoke("db-shell", input="SELECT 1;\n")

        assert password not in result.stdout + result.stderr, "the database password was printed"


class JenkinsPasswordTests:
    def test_explains_when_jenkins_not_running(self, settings):
        result = invoke("jenkins-password")

        if settings.offline:
            assert result.returncode == 1, output_of(result)
            assert "Jenkins does not run in offline mode" in result.stderr, output_of(result)
        elif result.returncode == 0:
            assert len(result.stdout.strip().splitlines()[-1]) >= 16, output_of(result)
        else:
            assert "already set up" in result.stderr or "not running" in result.stderr, output_of(result)
