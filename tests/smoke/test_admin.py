"""Logging in to the Django admin, through nginx and directly on gunicorn's port."""

from __future__ import annotations

import re
import secrets

import pytest
import requests

from infra.taskrunner import stack
from tests.conftest import describe


@pytest.fixture(scope="module")
def admin_user(settings):
    """Create a superuser with a random password in the live database; delete it afterwards."""
    docker = stack.client(settings)
    username = f"smoke-{secrets.token_hex(4)}"
    password = secrets.token_urlsafe(16)
    docker.compose.execute(
        "backend",
        ["python", "manage.py", "createsuperuser", "--noinput", "--username", username, "--email", "smoke@example.invalid"],
        envs={"DJANGO_SUPERUSER_PASSWORD": password},
        tty=False,
    )
    try:
        yield username, password
    finally:
        docker.compose.execute(
            "backend",
            ["python", "manage.py", "shell", "-c",
             f"from django.contrib.auth.models import User; User.objects.filter(username={username!r}).delete()"],
            tty=False,
        )


def log_in(base_url: str, username: str, password: str) -> requests.Response:
    """Log in as a browser would: load the form, then post it with its CSRF token and Origin."""
    session = requests.Session()
    form = session.get(f"{base_url}/admin/login/", timeout=10)
    assert form.status_code == 200, describe(form)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)
    assert token, f"no CSRF token in the login form: {describe(form)}"

    # A browser's Origin omits the port for http on 80.
    origin = base_url.removesuffix(":80")
    response = session.post(
        f"{base_url}/admin/login/?next=/admin/",
        data={"username": username, "password": password, "csrfmiddlewaretoken": token.group(1), "next": "/admin/"},
        headers={"Origin": origin, "Referer": f"{base_url}/admin/login/"},
        timeout=10,
    )
    return response


class AdminLoginTests:
    @pytest.mark.parametrize("through", ["nginx", "gunicorn"])
    def test_login_reaches_site_administration(self, settings, backend_port, admin_user, through):
        port = settings.http_port if through == "nginx" else backend_port
        base_url = settings.url(port).rstrip("/")

        response = log_in(base_url, *admin_user)

        assert response.status_code == 200, describe(response)
        assert "Site administration" in response.text, describe(response)
        assert response.url.endswith("/admin/"), describe(response)
