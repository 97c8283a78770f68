"""The todo page in a real headless Chromium, through nginx on the published port.

Playwright drives the machine's own Chromium (it downloads no browser). The
test skips when no Chromium is installed; WORKSHOP_CHROMIUM names one that
is not on PATH.
"""

from __future__ import annotations

import uuid

import pytest

from tests.conftest import ApiSession

playwright_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")


@pytest.fixture
def title_prefix(api: ApiSession):
    """Return a title prefix unique to this test, and delete its todos afterwards."""
    prefix = f"Browser test {uuid.uuid4().hex[:8]}"
    try:
        yield prefix
    finally:
        api.delete_todos_titled(prefix)


class TodoPageTests:
    def test_add_done_reload_rename_delete(self, page, settings, title_prefix):
        expect = playwright_api.expect
        title = f"{title_prefix} write a Dockerfile"
        renamed = f"{title_prefix} write a better Dockerfile"
        page.goto(settings.url(settings.http_port))
        expect(page.get_by_role("heading", name="Todos", exact=True)).to_be_visible()
        expect(page.get_by_text("Loading todos...")).to_be_hidden(timeout=15_000)

        page.get_by_label("New todo").fill(title)
        page.get_by_label("New todo").press("Enter")
        checkbox = page.get_by_label(title, exact=True)
        expect(checkbox).to_be_visible()
        expect(checkbox).not_to_be_checked()
        expect(page.get_by_test_id("backend-hostname")).not_to_be_empty()

        checkbox.click()
        expect(checkbox).to_be_checked()
        page.reload()
        expect(page.get_by_label(title, exact=True)).to_be_checked()

        page.get_by_role("button", name=f"Rename {title}", exact=True).click()
        page.get_by_label(f"New title for {title}", exact=True).fill(renamed)
        page.get_by_label(f"New title for {title}", exact=True).press("Enter")
        expect(page.get_by_label(renamed, exact=True)).to_be_visible()
        page.reload()
        expect(page.get_by_label(renamed, exact=True)).to_be_checked()
        expect(page.get_by_label(title, exact=True)).to_have_count(0)

        page.get_by_role("button", name=f"Delete {renamed}", exact=True).click()
        expect(page.get_by_label(renamed, exact=True)).to_have_count(0)
        page.reload()
        expect(page.get_by_role("heading", name="Todos", exact=True)).to_be_visible()
        expect(page.get_by_text("Loading todos...")).to_be_hidden(timeout=15_000)
        expect(page.get_by_label(renamed, exact=True)).to_have_count(0)

    def test_deep_link_shows_app(self, page, settings):
        page.goto(settings.url(settings.http_port, "/todos/42"))

        playwright_api.expect(page.get_by_role("heading", name="Todos", exact=True)).to_be_visible()
