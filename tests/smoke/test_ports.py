"""Smoke tests: each published port responds as the service behind it should."""

from __future__ import annotations

import re

import pymysql
import pytest
import requests

from python_on_whales import docker

from infra.taskrunner.stack import SECRETS_DIR, project_containers, service_of
from tests.conftest import describe, get_when_ready


class NginxPortTests:
    def test_index_is_react_app(self, settings):
        response = requests.get(settings.url(settings.http_port), timeout=10)

        assert response.status_code == 200, describe(response)
        assert '<div id="root">' in response.text, describe(response)

    def test_index_script_is_served(self, settings):
        index = requests.get(settings.url(settings.http_port), timeout=10)
        match = re.search(r'src="(/assets/[^"]+\.js)"', index.text)
        assert match, f"no script under /assets/ in the index page: {describe(index)}"

        script = requests.get(settings.url(settings.http_port, match.group(1)), timeout=10)

        assert script.status_code == 200, describe(script)
        assert "javascript" in script.headers["Content-Type"], script.headers

    def test_deep_link_returns_app(self, settings):
        response = requests.get(settings.url(settings.http_port, "/todos/42"), timeout=10)

        assert response.status_code == 200, describe(response)
        assert '<div id="root">' in response.text, describe(response)

    def test_health_through_proxy_reports_database(self, settings):
        response = requests.get(settings.url(settings.http_port, "/api/health/"), timeout=10)

        assert response.status_code == 200, describe(response)
        assert response.json()["database"] == "ok", describe(response)


class BackendPortTests:
    def test_health_reports_database_and_hostname(self, settings, backend_port):
        response = requests.get(settings.url(backend_port, "/api/health/"), timeout=10)

        assert response.status_code == 200, describe(response)
        assert response.json()["database"] == "ok", describe(response)
        assert response.json()["hostname"], describe(response)

    def test_admin_login_page(self, settings, backend_port):
        response = requests.get(settings.url(backend_port, "/admin/login/"), timeout=10)

        assert response.status_code == 200, describe(response)

    def test_admin_stylesheet(self, settings, backend_port):
        login = requests.get(settings.url(backend_port, "/admin/login/"), timeout=10)
        match = re.search(r'href="(/static/admin/css/base[^"]*\.css)"', login.text)
        assert match, f"no admin stylesheet linked from the login page: {describe(login)}"

        css = requests.get(settings.url(backend_port, match.group(1)), timeout=10)

        assert css.status_code == 200, describe(css)
        assert "text/css" in css.headers["Content-Type"], css.headers


class DatabasePortTests:
    def test_application_user_runs_query(self, settings):
        password = (SECRETS_DIR / "db_password").read_text()
        try:
            connection = pymysql.connect(
                host=settings.host.strip("[]"),
                port=settings.db_port,
                user="workshop",
                password=password,
                database="workshop",
                connect_timeout=10,
            )
        except pymysql.MySQLError as error:
            pytest.fail(f"db at {settings.host}:{settings.db_port}: connecting as workshop failed: {error}")
        with connection, connection.cursor() as cursor:
            cursor.execute("SELECT 1 + 1")
            assert cursor.fetchone() == (2,)


class JenkinsPortTests:
    def test_login_page_returns_200(self, settings):
        if settings.offline:
            pytest.skip(
                "Jenkins is left out in offline mode: no stand-in image exists for it, "
                "and the jenkins/jenkins image needs Docker Hub"
            )
        jenkins = [c for c in project_containers(docker) if service_of(c) == "jenkins"]
        assert jenkins and jenkins[0].state.running, "the jenkins container is not running; start it with: invoke up"
        url = settings.url(settings.jenkins_port, "/login")

        # 503 means that Jenkins is still starting. / returns 403 by design, so it is not tested.
        response = get_when_ready(url, "jenkins", timeout=300)

        assert response.status_code == 200, describe(response)
        assert "X-Jenkins" in response.headers, f"no X-Jenkins header: {dict(response.headers)}"
