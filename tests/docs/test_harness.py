"""The docs test's own rules: how pages are read, how output is matched, how failures read."""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

import pytest

from infra.taskrunner import offline

from . import walkthrough


def write_page(folder, text: str) -> list[walkthrough.Command]:
    (folder / "page.md").write_text(text)
    return walkthrough.read_page("page.md", docs=folder)


def terminal(tmp_path, offline_mode=False) -> walkthrough.Terminal:
    return walkthrough.Terminal(Path(tempfile.mkdtemp(dir=tmp_path)), offline_mode)


def test_failure_names_page_line_and_command(tmp_path):
    commands = write_page(tmp_path, "# Page\n\n```console\n$ ls --no-such-flag\n```\n")
    problem = terminal(tmp_path).check(commands[0])
    assert problem is not None
    assert problem.startswith("docs/page.md:4: the command exited with code 2"), problem
    assert "$ ls --no-such-flag" in problem, problem


def test_failure_in_a_real_page_names_that_page(tmp_path):
    """Break the first docker command of the CLI chapter, as a typo would."""
    if shutil.which("docker") is None:
        pytest.skip("the docker CLI is not installed")
    shutil.copy(walkthrough.DOCS / "03-docker-cli.md", tmp_path)
    original = next(c for c in walkthrough.read_page("03-docker-cli.md") if c.text.startswith("docker "))
    page = tmp_path / "03-docker-cli.md"
    page.write_text(page.read_text().replace(f"$ {original.text}", "$ docker verison", 1))
    broken = next(c for c in walkthrough.read_page("03-docker-cli.md", docs=tmp_path) if c.line == original.line)
    problem = terminal(tmp_path).check(broken)
    assert problem is not None
    assert problem.startswith(f"docs/03-docker-cli.md:{original.line}: "), problem
    assert "$ docker verison" in problem, problem


def test_output_matches_in_order_with_wildcards(tmp_path):
    page = "```console\n$ printf 'id 1234\\nsize 5MB\\n  spaced    out\\n'\nid ...\n...\nspaced out\n```\n"
    assert terminal(tmp_path).check(write_page(tmp_path, page)[0]) is None

    out_of_order = "```console\n$ printf 'first\\nsecond\\n'\nsecond\nfirst\n```\n"
    problem = terminal(tmp_path).check(write_page(tmp_path, out_of_order)[0])
    assert "the output lacks the line the page shows as 'first'" in problem, problem


def test_no_output_line_requires_empty_output(tmp_path):
    quiet, noisy = write_page(tmp_path, "```console\n$ true\n(no output)\n$ echo surprise\n(no output)\n```\n")
    shell = terminal(tmp_path)

    assert shell.check(quiet) is None
    problem = shell.check(noisy)
    assert "the page shows that this command prints nothing, but it printed the output below" in problem, problem
    assert "surprise" in problem, problem


def test_terminal_keeps_variables_and_folder(tmp_path):
    page = (
        "```console\n"
        "$ GREETING=hello && mkdir -p carried && cd carried\n"
        "$ echo \"$GREETING from $(basename \"$PWD\")\"\n"
        "hello from carried\n"
        "$ echo continued \\\n"
        "    line\n"
        "continued line\n"
        "```\n"
    )
    shell = terminal(tmp_path)
    shell.folder.write_text(str(tmp_path))
    for command in write_page(tmp_path, page):
        assert shell.check(command) is None


def test_directives_apply_to_next_block_only(tmp_path):
    page = (
        "<!-- docs-test fails -->\n\n"
        "```console\n$ false\n```\n\n"
        "```console\n$ true\n```\n"
    )
    failing, passing = write_page(tmp_path, page)
    assert "fails" in failing.directives
    assert passing.directives == {}
    shell = terminal(tmp_path)
    assert shell.check(failing) is None
    assert shell.check(passing) is None


@pytest.mark.parametrize(
    "text, message",
    [
        ("```sh\n$ ls\n```\n", "write commands in ```console blocks"),
        ("<!-- docs-test skip -->\n```console\n$ ls\n```\n", "needs a reason"),
        ("<!-- docs-test skipp: typo -->\n```console\n$ ls\n```\n", "unknown docs-test directive 'skipp'"),
        ("<!-- docs-test skip: why -->\n\nSome text.\n", "no ```console block follows"),
        ("<!-- docs-test timeout: soon -->\n```console\n$ ls\n```\n", "must be a number of seconds, not 'soon'"),
        ("```console\noutput first\n```\n", "output before the first command"),
    ],
)
def test_page_breaking_rules_is_rejected(tmp_path, text, message):
    with pytest.raises(walkthrough.PageError, match="docs/page.md:") as error:
        write_page(tmp_path, text)
    assert message in str(error.value)


def test_stand_in_names_replace_whole_names_only():
    text = "docker run python:3.13 && docker run python:3.13-slim && docker run nginx:1.30-alpine-x"
    assert walkthrough.stand_in_names(text) == (
        "docker run workshop-offline/python:3.13 && docker run workshop-offline/python:3.13"
        " && docker run nginx:1.30-alpine-x"
    )


def test_index_table_matches_stand_in_mapping():
    """Each row of the index's offline table lists official images and the stand-in the test puts in."""
    text = (walkthrough.DOCS / "index.md").read_text()
    documented = {}
    for officials, stand_in in re.findall(r"^\| (`[^|]+`) \| `(workshop-offline/[^`]+)` \|$", text, re.MULTILINE):
        for official in re.findall(r"`([^`]+)`", officials):
            documented[official] = stand_in
    assert documented == offline.OFFICIAL_TO_STAND_IN
