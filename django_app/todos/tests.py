import json

from django.contrib.auth import get_user_model
from django.test import Client, TestCase, TransactionTestCase

from health.testing import database_unreachable

from .models import TITLE_MAX_LENGTH, Todo


class ApiTestCase(TestCase):
    def send(self, method: str, path: str, body=None, raw: bytes | None = None):
        """Send body as JSON (or raw bytes as they are); a GET sends no body."""
        if method == "get":
            return self.client.get(path)
        if raw is not None:
            data = raw
        elif body is not None:
            data = json.dumps(body)
        else:
            data = b""
        return getattr(self.client, method)(path, data=data, content_type="application/json")


class TodoListTests(ApiTestCase):
    def test_empty_list(self):
        response = self.client.get("/api/todos/")

        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json(), {"todos": []})

    def test_lists_newest_first(self):
        first = Todo.objects.create(title="first")
        second = Todo.objects.create(title="second")

        response = self.client.get("/api/todos/")

        self.assertEqual([todo["id"] for todo in response.json()["todos"]], [second.id, first.id])

    def test_sets_csrf_cookie(self):
        response = self.client.get("/api/todos/")

        self.assertIn("csrftoken", response.cookies)

    def test_rejects_delete(self):
        response = self.client.delete("/api/todos/")

        self.assertEqual(response.status_code, 405, response.content)
        self.assertEqual(response["Allow"], "GET, POST, OPTIONS")
        self.assertIn("not allowed", response.json()["error"])


class TodoCreateTests(ApiTestCase):
    def test_returns_201_with_created_todo(self):
        response = self.send("post", "/api/todos/", {"title": "  Learn Compose  "})

        self.assertEqual(response.status_code, 201, response.content)
        body = response.json()
        self.assertEqual(body["title"], "Learn Compose")
        self.assertIs(body["done"], False)
        self.assertEqual(Todo.objects.get(pk=body["id"]).title, "Learn Compose")

    def test_accepts_done_flag(self):
        response = self.send("post", "/api/todos/", {"title": "Done already", "done": True})

        self.assertEqual(response.status_code, 201, response.content)
        self.assertIs(response.json()["done"], True)

    def test_accepts_title_at_max_length(self):
        response = self.send("post", "/api/todos/", {"title": "x" * TITLE_MAX_LENGTH})

        self.assertEqual(response.status_code, 201, response.content)

    def test_non_ascii_title_round_trips(self):
        title = "Café ☕ Straße 日本語 🐳"

        created = self.send("post", "/api/todos/", {"title": title})
        fetched = self.client.get(f"/api/todos/{created.json()['id']}/")

        self.assertEqual(fetched.json()["title"], title)

    def assert_rejected(self, field: str, problem: str, body=None, raw: bytes | None = None):
        response = self.send("post", "/api/todos/", body, raw=raw)

        self.assertEqual(response.status_code, 400, response.content)
        errors = response.json()["errors"]
        self.assertIn(field, errors)
        self.assertIn(problem, " ".join(errors[field]))
        self.assertEqual(Todo.objects.count(), 0)

    def test_rejects_malformed_json(self):
        self.assert_rejected("body", "not valid JSON", raw=b'{"title": "x"')

    def test_rejects_invalid_utf8(self):
        self.assert_rejected("body", "not valid UTF-8", raw=b'{"title": "\xff"}')

    def test_rejects_array_body(self):
        self.assert_rejected("body", "must be a JSON object", body=[{"title": "x"}])

    def test_rejects_missing_title(self):
        self.assert_rejected("title", "required", body={"done": False})

    def test_rejects_blank_title(self):
        self.assert_rejected("title", "blank", body={"title": "   "})

    def test_rejects_too_long_title(self):
        self.assert_rejected("title", "at most 200", body={"title": "x" * (TITLE_MAX_LENGTH + 1)})

    def test_rejects_number_title(self):
        self.assert_rejected("title", "string", body={"title": 42})

    def test_rejects_null_title(self):
        self.assert_rejected("title", "string", body={"title": None})

    def test_rejects_string_done(self):
        self.assert_rejected("done", "true or false", body={"title": "x", "done": "yes"})

    def test_rejects_number_done(self):
        self.assert_rejected("done", "true or false", body={"title": "x", "done": 1})

    def test_rejects_unknown_field(self):
        self.assert_rejected("priority", "Unknown field", body={"title": "x", "priority": 1})


class TodoDetailTests(ApiTestCase):
    def setUp(self):
        self.todo = Todo.objects.create(title="Write a Dockerfile")
        self.path = f"/api/todos/{self.todo.id}/"

    def test_reads_one(self):
        response = self.client.get(self.path)

        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["title"], "Write a Dockerfile")

    def test_updates_title(self):
        response = self.send("patch", self.path, {"title": "Write a better Dockerfile"})

        self.assertEqual(response.status_code, 200, response.content)
        self.todo.refresh_from_db()
        self.assertEqual(self.todo.title, "Write a better Dockerfile")

    def test_updates_done(self):
        response = self.send("patch", self.path, {"done": True})

        self.assertEqual(response.status_code, 200, response.content)
        self.todo.refresh_from_db()
        self.assertIs(self.todo.done, True)

    def test_updates_both_fields(self):
        response = self.send("patch", self.path, {"title": "Renamed", "done": True})

        self.assertEqual(response.json()["title"], "Renamed")
        self.assertIs(response.json()["done"], True)

    def test_rejects_empty_update(self):
        response = self.send("patch", self.path, {})

        self.assertEqual(response.status_code, 400, response.content)
        self.assertIn("body", response.json()["errors"])

    def test_rejected_update_changes_nothing(self):
        response = self.send("patch", self.path, {"title": "", "done": True})

        self.assertEqual(response.status_code, 400, response.content)
        self.assertIn("title", response.json()["errors"])
        self.todo.refresh_from_db()
        self.assertEqual(self.todo.title, "Write a Dockerfile")
        self.assertIs(self.todo.done, False)

    def test_deletes(self):
        response = self.client.delete(self.path)

        self.assertEqual(response.status_code, 204, response.content)
        self.assertEqual(response.content, b"")
        self.assertFalse(Todo.objects.filter(pk=self.todo.id).exists())

    def test_unknown_id_returns_404(self):
        self.todo.delete()

        for method in ("get", "patch", "delete"):
            with self.subTest(method=method):
                response = self.send(method, self.path, {"done": True})
                self.assertEqual(response.status_code, 404, response.content)
                self.assertIn("No todo", response.json()["error"])

    def test_invalid_ids_return_404(self):
        for todo_id in ("abc", "0", "-1", "1.5", "99999999999999999999", "%20"):
            with self.subTest(todo_id=todo_id):
                response = self.client.get(f"/api/todos/{todo_id}/")
                self.assertEqual(response.status_code, 404, response.content)
                self.assertIn("error", response.json())

    def test_rejects_put(self):
        response = self.send("put", self.path, {"title": "x"})

        self.assertEqual(response.status_code, 405, response.content)
        self.assertEqual(response["Allow"], "GET, PATCH, DELETE, OPTIONS")


class ApiErrorPageTests(TestCase):
    def test_unknown_api_path_returns_json_404(self):
        response = self.client.get("/api/nothing-here/")

        self.assertEqual(response.status_code, 404, response.content)
        self.assertIn("No API endpoint", response.json()["error"])

    def test_responses_name_backend_hostname(self):
        response = self.client.get("/api/todos/")

        self.assertTrue(response["X-Backend-Hostname"])


class CsrfTests(TestCase):
    def setUp(self):
        self.client = Client(enforce_csrf_checks=True)

    def test_post_without_token_returns_403(self):
        response = self.client.post("/api/todos/", data={"title": "x"}, content_type="application/json")

        self.assertEqual(response.status_code, 403, response.content)
        self.assertIn("CSRF", response.json()["error"])
        self.assertEqual(Todo.objects.count(), 0)

    def test_post_with_cookie_and_header_succeeds(self):
        token = self.client.get("/api/todos/").cookies["csrftoken"].value

        response = self.client.post(
            "/api/todos/", data={"title": "x"}, content_type="application/json", headers={"X-CSRFToken": token}
        )

        self.assertEqual(response.status_code, 201, response.content)

    def test_same_origin_with_port_succeeds(self):
        token = self.client.get("/api/todos/", HTTP_HOST="localhost:8000").cookies["csrftoken"].value

        response = self.client.post(
            "/api/todos/",
            data={"title": "x"},
            content_type="application/json",
            HTTP_HOST="localhost:8000",
            headers={"X-CSRFToken": token, "Origin": "http://localhost:8000"},
        )

        self.assertEqual(response.status_code, 201, response.content)

    def test_foreign_origin_returns_403(self):
        token = self.client.get("/api/todos/").cookies["csrftoken"].value

        response = self.client.post(
            "/api/todos/",
            data={"title": "x"},
            content_type="application/json",
            HTTP_HOST="localhost",
            headers={"X-CSRFToken": token, "Origin": "http://evil.invalid"},
        )

        self.assertEqual(response.status_code, 403, response.content)
        self.assertIn("Origin checking failed", response.json()["error"])
        self.assertIn("WORKSHOP_CSRF_TRUSTED_ORIGINS", response.json()["error"])


class TodoAdminTests(TestCase):
    def test_changelist_lists_todos(self):
        admin = get_user_model().objects.create_superuser("admin", password="not-used-outside-tests")
        Todo.objects.create(title="Visible in the admin")
        self.client.force_login(admin)

        response = self.client.get("/admin/todos/todo/")

        self.assertEqual(response.status_code, 200, response.content)
        self.assertContains(response, "Visible in the admin")


class DatabaseUnavailableTests(TransactionTestCase):
    def test_list_returns_503_when_database_unreachable(self):
        with database_unreachable(), self.assertLogs("django.request", "ERROR"):
            response = self.client.get("/api/todos/")

        self.assertEqual(response.status_code, 503, response.content)
        self.assertIn("database is unavailable", response.json()["error"])
