"""Read the walkthrough's command blocks and run them the way a learner would.

The pages under docs/ follow a few rules, which docs/index.md explains to
their authors:

- A command block is a fenced block whose language is `console`. Each line
  that starts with `$ ` is a command; a command line that ends with a
  backslash goes on to the next line. The lines after a command, up to the
  next command, are the output the page shows for it.
- Shown output is checked line by line: each shown line must match a line
  of the real output (standard output and error together), in the shown
  order, with other lines allowed in between. Runs of whitespace compare as
  one space, `...` in a line matches any text, and a line that is only
  `...` marks lines left out. A single line `(no output)` means the command
  prints nothing at all.
- An HTML comment right above a block changes how it runs:
  `<!-- docs-test skip: REASON -->` never runs it,
  `<!-- docs-test offline-skip: REASON -->` skips it in offline mode,
  `<!-- docs-test lifecycle: REASON -->` runs it only with
  `invoke test --lifecycle`, `<!-- docs-test ci-only: REASON -->` only when
  CI=true, `<!-- docs-test fails -->` expects each command to exit non-zero,
  `<!-- docs-test cleanup -->` runs it even after an earlier block of the
  page failed (then without checking its output), and `<!-- docs-test timeout: SECONDS -->` changes the limit
  for each command of the block (600 seconds by default).
- In offline mode, image names in commands and shown output are replaced
  by their stand-ins (offline.OFFICIAL_TO_STAND_IN), so the pages name the
  official images only, and COMPOSE_FILE names the offline overlay too.
"""

from __future__ import annotations

import dataclasses
import os
import re
import subprocess
import sys
from pathlib import Path

from markdown_it import MarkdownIt

from infra.taskrunner import offline, stack
from infra.taskrunner.settings import ROOT

DOCS = ROOT / "docs"
INDEX = DOCS / "index.md"
SHELL_LANGUAGES = {"sh", "bash", "shell", "zsh", "shell-session"}
DEFAULT_TIMEOUT = 600
DIRECTIVE = re.compile(r"<!--\s*docs-test\s+([a-z-]+)\s*(?::\s*(.*?))?\s*-->", re.DOTALL)
DIRECTIVES_WITH_REASON = {"skip", "offline-skip", "lifecycle", "ci-only"}
DIRECTIVES = DIRECTIVES_WITH_REASON | {"fails", "cleanup", "timeout"}
# Shown as a command's only output line: the command prints nothing at all.
NO_OUTPUT = "(no output)"
ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


class PageError(Exception):
    """A page breaks the rules above. The message names the page and the line."""


@dataclasses.dataclass
class Command:
    page: str
    line: int
    text: str
    expected: list[str]
    directives: dict[str, str]

    @property
    def where(self) -> str:
        return f"docs/{self.page}:{self.line}"


def pages_in_index() -> list[str]:
    """Return the pages that docs/index.md links to, in its order."""
    names = re.findall(r"\]\(([\w-]+\.md)\)", INDEX.read_text())
    return list(dict.fromkeys(names))


def parse_directives(html: str, page: str, line: int) -> dict[str, str]:
    found = {}
    for name, value in DIRECTIVE.findall(html):
        if name not in DIRECTIVES:
            raise PageError(f"docs/{page}:{line}: unknown docs-test directive {name!r}; known: {sorted(DIRECTIVES)}")
        if name in DIRECTIVES_WITH_REASON and not value:
            raise PageError(f"docs/{page}:{line}: the docs-test {name} directive needs a reason after a colon")
        if name == "timeout" and not value.isdigit():
            raise PageError(f"docs/{page}:{line}: the docs-test timeout must be a number of seconds, not {value!r}")
        found[name] = value.strip()
    if "docs-test" in html and not found:
        raise PageError(f"docs/{page}:{line}: a docs-test comment that does not parse: {html.strip()!r}")
    return found


def commands_of_block(page: str, first_line: int, content: str, directives: dict[str, str]) -> list[Command]:
    commands: list[Command] = []
    continues = False
    for offset, line in enumerate(content.splitlines()):
        number = first_line + offset
        if continues:
            commands[-1].text += "\n" + line
        elif line.startswith("$ "):
            commands.append(Command(page, number, line[2:], [], directives))
        elif line.strip() == "$":
            raise PageError(f"docs/{page}:{number}: a prompt without a command")
        elif not commands:
            raise PageError(f"docs/{page}:{number}: output before the first command of the block: {line!r}")
        else:
            commands[-1].expected.append(line)
            continue
        continues = line.endswith("\\")
    for command in commands:
        if NO_OUTPUT in command.expected and command.expected != [NO_OUTPUT]:
            raise PageError(f"{command.where}: {NO_OUTPUT} must be the only output line shown for a command")
    return commands


def read_page(page: str, docs: Path = DOCS) -> list[Command]:
    """Return every command of a page, with its shown output and the directives of its block."""
    path = docs / page
    tokens = MarkdownIt("commonmark").parse(path.read_text())
    commands: list[Command] = []
    pending: dict[str, str] = {}
    pending_line = 0
    for token in tokens:
        if token.type == "html_block":
            pending_line = token.map[0] + 1
            pending.update(parse_directives(token.content, page, pending_line))
            continue
        if token.type == "fence":
            language = token.info.split()[0] if token.info.strip() else ""
            line = token.map[0] + 1
            if language in SHELL_LANGUAGES:
                raise PageError(
                    f"docs/{page}:{line}: a ```{language} block; write commands in ```console blocks "
                    "with a `$ ` before each command, so that the docs test runs them"
                )
            if language == "console":
                commands.extend(commands_of_block(page, line + 1, token.content, pending))
            elif pending:
                raise PageError(f"docs/{page}:{pending_line}: a docs-test directive above a ```{language} block")
            pending = {}
        elif token.type in {"paragraph_open", "heading_open", "table_open", "blockquote_open", "hr"} and pending:
            raise PageError(f"docs/{page}:{pending_line}: a docs-test directive that no ```console block follows")
    if pending:
        raise PageError(f"docs/{page}:{pending_line}: a docs-test directive that no ```console block follows")
    return commands


def stand_in_names(text: str) -> str:
    """Replace each official image name in text with its offline stand-in."""
    for official, stand_in in offline.OFFICIAL_TO_STAND_IN.items():
        text = re.sub(rf"(?<![\w./:-]){re.escape(official)}(?![\w.:-])", stand_in, text)
    return text


def normalise(line: str) -> str:
    return " ".join(line.split())


def line_pattern(expected: str) -> re.Pattern:
    parts = normalise(expected).split("...")
    return re.compile(".*".join(re.escape(part) for part in parts))


def missing_line(expected_lines: list[str], output: str) -> str | None:
    """Return the first expected line that the output lacks (in order), or None."""
    actual = [normalise(line) for line in ANSI_ESCAPE.sub("", output).splitlines()]
    position = 0
    for line in expected_lines:
        if normalise(line) in {"", "..."}:
            continue
        pattern = line_pattern(line)
        while position < len(actual) and not pattern.fullmatch(actual[position]):
            position += 1
        if position == len(actual):
            return line
        position += 1
    return None


# Runs one command in bash as a terminal would: the shell variables and the
# folder that earlier commands of the page left behind are restored first,
# and saved again afterwards.
SHELL_WRAPPER = r"""
__known=$(compgen -v)
if [ -f "$DOCS_TEST_STATE" ]; then source "$DOCS_TEST_STATE"; fi
cd "$(cat "$DOCS_TEST_FOLDER")" || exit 99
eval "$1"
__status=$?
pwd > "$DOCS_TEST_FOLDER"
for __name in $(compgen -v); do
    case "$__name" in __*|BASH*|PIPESTATUS|FUNCNAME|OLDPWD|PWD|_) continue ;; esac
    if ! grep -qx "$__name" <<< "$__known"; then declare -p "$__name"; fi
done > "$DOCS_TEST_STATE.new" 2> /dev/null
mv "$DOCS_TEST_STATE.new" "$DOCS_TEST_STATE"
exit $__status
"""


class Terminal:
    """A learner's terminal for one page: its folder and shell variables carry over between commands."""

    def __init__(self, work: Path, offline_mode: bool):
        self.offline = offline_mode
        self.state = work / "variables.sh"
        self.folder = work / "folder"
        self.folder.write_text(str(ROOT))
        bin_folder = str(Path(sys.executable).parent)
        self.env = {
            **os.environ,
            "PATH": bin_folder + os.pathsep + os.environ.get("PATH", ""),
            "DOCS_TEST_STATE": str(self.state),
            "DOCS_TEST_FOLDER": str(self.folder),
            "NO_COLOR": "1",
            "COLUMNS": "200",
        }
        if offline_mode:
            # Plain `docker compose` commands then read the offline overlay
            # too, which is the set-up that the index gives offline readers.
            self.env.setdefault("COMPOSE_FILE", os.pathsep.join(stack.OFFLINE_COMPOSE_FILES))

    def run(self, command: Command) -> tuple[int, str]:
        text = stand_in_names(command.text) if self.offline else command.text
        timeout = int(command.directives.get("timeout") or DEFAULT_TIMEOUT)
        try:
            result = subprocess.run(
                ["bash", "-c", SHELL_WRAPPER, "docs-test", text],
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired as error:
            output = (error.output or b"").decode(errors="replace")
            return -1, output + f"\n[still running after {timeout} s, so the docs test stopped it]"
        return result.returncode, result.stdout.decode(errors="replace")

    def check(self, command: Command) -> str | None:
        """Run a command and return None if it behaved as the page shows, else the problem."""
        code, output = self.run(command)
        expected_lines = [stand_in_names(line) for line in command.expected] if self.offline else command.expected
        problem = None
        if "fails" in command.directives and code == 0:
            problem = "the page says this command fails, but it exited with code 0"
        elif "fails" not in command.directives and code != 0:
            problem = f"the command exited with code {code}"
        elif expected_lines == [NO_OUTPUT]:
            if output.strip():
                problem = "the page shows that this command prints nothing, but it printed the output below"
        else:
            missing = missing_line(expected_lines, output)
            if missing is not None:
                problem = f"the output lacks the line the page shows as {missing!r} (or has it out of order)"
        if problem is None:
            return None
        tail = "\n".join(output.splitlines()[-60:])
        return f"{command.where}: {problem}.\n  $ {command.text}\nIts output (last 60 lines):\n{tail}"
