"""Errors that a task reports as one message and an exit code, never as a traceback."""

from __future__ import annotations

import shlex

from python_on_whales.exceptions import DockerException


class TaskError(RuntimeError):
    """A failure the user can act on: the message names what failed, the value, and the fix."""

    def __init__(self, message: str, code: int = 1):
        super().__init__(message)
        self.code = code


def explain_docker_error(error: DockerException) -> str:
    """Describe a failed docker command: a known cause with its fix, or the command and its output."""
    # Imported here: preflight imports TaskError from this module.
    from .preflight import describe_daemon_error

    output = ((error.stderr or "") + (error.stdout or "")).strip()
    known = describe_daemon_error(output)
    if known is not None:
        return f"{known.name}: {known.detail}\nFix: {known.fix}"

    command = shlex.join(str(part) for part in error.docker_command)
    message = f"This Docker command failed with exit code {error.return_code}:\n  {command}"
    if output:
        message += "\n" + "\n".join(f"  {line}" for line in output.splitlines()[-20:])
    return message
