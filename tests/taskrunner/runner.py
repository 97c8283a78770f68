"""Run invoke as a learner does, in a child process, and read what it printed."""

from __future__ import annotations

import os
import subprocess
import sys

from infra.taskrunner.settings import ROOT


def invoke(*arguments: str, cwd=ROOT, env: dict | None = None, input: str | None = None, timeout: float = 300):
    """Run `python -m invoke ARGUMENTS`; env entries are added to (or, when None, removed from) the environment."""
    environment = dict(os.environ)
    for name, value in (env or {}).items():
        if value is None:
            environment.pop(name, None)
        else:
            environment[name] = value
    return subprocess.run(
        [sys.executable, "-m", "invoke", *arguments],
        cwd=cwd,
        env=environment,
        input=input,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def output_of(result: subprocess.CompletedProcess) -> str:
    return f"exit code {result.returncode}\n--- stdout ---\n{result.stdout}\n--- stderr ---\n{result.stderr}"
