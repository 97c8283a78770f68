"""The todo API through nginx on the published port: bad input stores nothing."""

from __future__ import annotations

import pytest

from tests.conftest import describe

BAD_BODIES = [
    pytest.param(b'{"title": "unterminated', "body", id="malformed-json"),
    pytest.param(b'["a", "list"]', "body", id="array-body"),
    pytest.param(b'{"done": false}', "title", id="missing-title"),
    pytest.param(b'{"title": "   "}', "title", id="blank-title"),
    pytest.param(b'{"title": "' + b"x" * 201 + b'"}', "title", id="too-long-title"),
    pytest.param(b'{"title": 42}', "title", id="number-title"),
    pytest.param(b'{"title": "x", "done": "yes"}', "done", id="string-done"),
    pytest.param(b'{"title": "x", "owner": "me"}', "owner", id="unknown-field"),
]


def todo_count(api) -> int:
    response = api.get("/api/todos/")
    assert response.status_code == 200, describe(response)
    return len(response.json()["todos"])


class BadInputTests:
    @pytest.mark.parametrize(("body", "field"), BAD_BODIES)
    def test_create_rejects_and_stores_nothing(self, api, body, field):
        before = todo_count(api)

        response = api.post("/api/todos/", data=body, headers={"Content-Type": "application/json"})

        assert response.status_code == 400, describe(response)
        assert field in response.json()["errors"], describe(response)
        assert todo_count(api) == before

    @pytest.mark.parametrize(("body", "field"), [p for p in BAD_BODIES if p.id != "missing-title"])
    def test_update_rejects_and_changes_nothing(self, api, body, field):
        created = api.post("/api/todos/", json={"title": "smoke: update target"})
        assert created.status_code == 201, describe(created)
        path = f"/api/todos/{created.json()['id']}/"
        try:
            response = api.patch(path, data=body, headers={"Content-Type": "application/json"})

            assert response.status_code == 400, describe(response)
            assert field in response.json()["errors"], describe(response)
            assert api.get(path).json() == created.json()
        finally:
            api.delete(path)


class CrudThroughProxyTests:
    def test_create_read_update_delete(self, api):
        created = api.post("/api/todos/", json={"title": "smoke: round trip ☕"})
        assert created.status_code == 201, describe(created)
        path = f"/api/todos/{created.json()['id']}/"

        updated = api.patch(path, json={"done": True})
        assert updated.status_code == 200, describe(updated)
        assert updated.json()["done"] is True
        assert api.get(path).json()["title"] == "smoke: round trip ☕"

        deleted = api.delete(path)
        assert deleted.status_code == 204, describe(deleted)
        missing = api.get(path)
        assert missing.status_code == 404, describe(missing)

    def test_responses_name_backend_container(self, api):
        response = api.get("/api/todos/")

        assert response.headers["X-Backend-Hostname"], dict(response.headers)


class HostileInputTests:
    @pytest.mark.parametrize(
        "title",
        [
            "'; DROP TABLE todos_todo; --",
            '" OR 1=1 --',
            "Robert'); DELETE FROM todos_todo WHERE ('1'='1",
            "Grüße, 日本語, emoji 🐳, RTL שלום",
        ],
        ids=["drop-table", "or-true", "delete", "non-ascii"],
    )
    def test_title_round_trips_exactly(self, api, title):
        created = api.post("/api/todos/", json={"title": title})
        assert created.status_code == 201, describe(created)
        path = f"/api/todos/{created.json()['id']}/"
        try:
            fetched = api.get(path)

            assert fetched.json()["title"] == title, describe(fetched)
            assert api.get("/api/todos/").status_code == 200
        finally:
            api.delete(path)

    @pytest.mark.parametrize(
        "todo_id", ["abc", "0", "-1", "1.5", "99999999999999999999", "1%27%20OR%201%3D1", "%F0%9F%90%B3"]
    )
    def test_invalid_id_returns_json_404(self, api, todo_id):
        response = api.get(f"/api/todos/{todo_id}/")

        assert response.status_code == 404, describe(response)
        assert "error" in response.json(), describe(response)
