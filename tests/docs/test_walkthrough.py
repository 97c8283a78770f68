"""The docs test: every command of the walkthrough, run in page order against the real stack.

Each command is one test, named by its page and line, so that a failure
points at the exact place to fix. `invoke test` runs these after the Django,
Vitest and smoke suites, because the pages stop and restart the stack.
"""

from __future__ import annotations

import os

import pytest

from . import walkthrough


def collect() -> tuple[list[walkthrough.Command], list[str]]:
    commands, errors = [], []
    for page in walkthrough.pages_in_index():
        try:
            commands.extend(walkthrough.read_page(page))
        except walkthrough.PageError as error:
            errors.append(str(error))
    return commands, errors


COMMANDS, PAGE_ERRORS = collect()

pytestmark = pytest.mark.docs


def test_pages_follow_the_command_block_rules():
    assert not PAGE_ERRORS, "\n".join(PAGE_ERRORS)


@pytest.fixture(scope="module")
def terminals(settings, tmp_path_factory) -> dict[str, walkthrough.Terminal]:
    """One terminal a page, made when the page's first command runs."""
    return {}


@pytest.fixture(scope="module")
def first_failure() -> dict[str, str]:
    """The place of the first failed command of each page."""
    return {}


def skip_reason(command: walkthrough.Command, offline_mode: bool) -> str | None:
    directives = command.directives
    if "skip" in directives:
        return directives["skip"]
    if "offline-skip" in directives and offline_mode:
        return f"offline mode: {directives['offline-skip']}"
    if "lifecycle" in directives and os.environ.get("WORKSHOP_TEST_LIFECYCLE") != "1":
        return f"{directives['lifecycle']}; it runs with invoke test --lifecycle"
    if "ci-only" in directives and os.environ.get("CI") != "true":
        return f"{directives['ci-only']}; it runs only in CI (CI=true)"
    return None


@pytest.mark.parametrize("command", COMMANDS, ids=[f"{c.page}:{c.line}" for c in COMMANDS])
def test_command(command, settings, terminals, first_failure, tmp_path_factory):
    reason = skip_reason(command, settings.offline)
    if reason:
        pytest.skip(f"{command.where}: {reason}")
    earlier_failure = first_failure.get(command.page)
    if earlier_failure and "cleanup" not in command.directives:
        pytest.skip(f"an earlier command of this page failed, at {earlier_failure}")
    if command.page not in terminals:
        work = tmp_path_factory.mktemp(command.page.removesuffix(".md"))
        terminals[command.page] = walkthrough.Terminal(work, settings.offline)
    if earlier_failure:
        # Undo what the page got to; what there is to undo depends on where it stopped.
        terminals[command.page].run(command)
        pytest.skip(f"ran without checking its output, to clean up after the failure at {earlier_failure}")
    problem = terminals[command.page].check(command)
    if problem:
        first_failure.setdefault(command.page, command.where)
        pytest.fail(problem, pytrace=False)
