import socket
from io import StringIO

from django.core.management import call_command
from django.test import TestCase, TransactionTestCase

from .testing import database_unreachable


class HealthEndpointTests(TransactionTestCase):
    def test_reports_database_ok_and_hostname(self):
        response = self.client.get("/api/health/")

        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["database"], "ok")
        self.assertEqual(response.json()["hostname"], socket.gethostname())

    def test_returns_503_when_database_unreachable(self):
        with database_unreachable(), self.assertLogs("django.request", "ERROR"):
            response = self.client.get("/api/health/")

        self.assertEqual(response.status_code, 503, response.content)
        self.assertEqual(response.json()["database"], "unreachable")
        self.assertEqual(response.json()["hostname"], socket.gethostname())

    def test_rejects_post(self):
        response = self.client.post("/api/health/")

        self.assertEqual(response.status_code, 405, response.content)


class AdminStaticFilesTests(TestCase):
    def test_login_page_links_stylesheet_that_is_served(self):
        response = self.client.get("/admin/login/")
        self.assertEqual(response.status_code, 200, response.content)

        html = response.content.decode()
        start = html.index("/static/admin/css/base")
        stylesheet = html[start : html.index('"', start)]
        css = self.client.get(stylesheet)

        self.assertEqual(css.status_code, 200, stylesheet)
        self.assertIn("text/css", css["Content-Type"])


class WaitForDbCommandTests(TestCase):
    def test_returns_once_database_ready(self):
        output = StringIO()

        call_command("wait_for_db", "--timeout", "5", stdout=output)

        self.assertIn("is ready", output.getvalue())
