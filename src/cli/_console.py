"""The command's terminal: what it reads (secrets, stdin, numbers) and writes, each bounded, each
failure an Exit.

The command (``cli``) parses its arguments and calls the library; everything it
reads from the terminal, the environment or a file, and everything it writes,
goes through here. A value that cannot be taken is an ``Exit`` naming the
option or variable it came from, never showing the value: it may be a secret
typed in the wrong place.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any, TextIO

from .._values import (
    APP_ID_RULE,
    app_id_value,
    parse_whole_number,
    plain_secret,
    require_callback_secret,
    seconds,
)
from ..project._environment import APP_ID_ENV, CALLBACK_SECRET_ENV, secret_problem

__all__ = [
    "EXIT_OK",
    "EXIT_REFUSED",
    "EXIT_USAGE",
    "EXIT_OUTPUT",
    "EXIT_INTERRUPTED",
    "SECRET_FILE_LIMIT",
    "STDIN_LIMIT",
    "Exit",
    "token_argument",
    "read_stdin",
    "read_app_id",
    "read_secret",
    "read_seconds",
    "to_json",
    "write",
    "detach",
]

EXIT_OK, EXIT_REFUSED, EXIT_USAGE, EXIT_OUTPUT, EXIT_INTERRUPTED = 0, 1, 2, 3, 130
"""Done; refused (an invalid token, a failed check, a forged callback); usage; stdout failed;
interrupted."""
SECRET_FILE_LIMIT = 1024
"""--secret-file is read up to this many bytes."""
STDIN_LIMIT = 1024 * 1024
"""stdin (a token, or a callback's body) is read up to this many bytes."""


class Exit(Exception):
    """The end of a run that did not succeed: this message on stderr, this exit status."""

    def __init__(self, message: str, status: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.status = status


def token_argument(argument: str) -> str:
    """The token from its argument or, for "-", from stdin, surrounding white space taken off."""
    return (
        argument if argument != "-" else read_stdin("the token").decode("utf-8", "replace")
    ).strip()


def read_stdin(what: str) -> bytes:
    """stdin, up to STDIN_LIMIT bytes, a byte order mark (as a Windows editor writes it) taken
    off."""
    try:
        data = sys.stdin.buffer.read(STDIN_LIMIT + 1)
    except AttributeError:
        raise Exit(f"stdin is closed: cannot read {what} from it") from None
    except OSError as error:
        raise Exit(f"cannot read stdin ({error.strerror})") from None
    if data is None:
        raise Exit(f"stdin has no data yet (it is non-blocking): pipe {what} in")
    if len(data) > STDIN_LIMIT:
        raise Exit(f"stdin holds more than {STDIN_LIMIT} bytes: it is not {what}")
    if not data.strip():
        raise Exit(f"stdin was empty: pipe {what} in")
    return data.removeprefix(b"\xef\xbb\xbf")


def read_app_id(option: str | None) -> int:
    """The AppID from --app-id, else ZEGO_APP_ID, read as ZegoProject.from_env reads it."""
    source, text = (
        ("--app-id", option) if option is not None else (APP_ID_ENV, os.environ.get(APP_ID_ENV, ""))
    )
    app_id = app_id_value(parse_whole_number(text))
    if app_id is None:
        raise Exit(
            f"{source} must be {APP_ID_RULE}"
            if text
            else f"no AppID: pass --app-id or set {APP_ID_ENV}"
        )
    return app_id


def read_secret(path: str | None, variable: str) -> str:
    """A secret from the file at ``path`` (bounded) or the environment ``variable``, white space
    around it off."""
    source, secret = variable, os.environ.get(variable, "")
    if path == "-":
        raise Exit(
            "--secret-file - is not read: stdin is for the token or the callback; name a file"
        )
    if path is not None:
        try:
            with open(path, "rb") as secret_file:
                source, secret = (
                    "--secret-file",
                    secret_file.read(SECRET_FILE_LIMIT + 1).decode("utf-8-sig", "replace"),
                )
        except OSError as error:
            raise Exit(f"cannot read --secret-file: {error.strerror or 'not readable'}") from None
    if not secret.strip():
        raise Exit(f"no secret: set {variable} or pass --secret-file PATH")
    if len(secret) > SECRET_FILE_LIMIT:
        raise Exit(f"{source} holds more than {SECRET_FILE_LIMIT} bytes; it is not a secret")
    if variable == CALLBACK_SECRET_ENV:  # the CallbackSecret's one rule
        try:
            return require_callback_secret(secret.strip(), f"the secret in {source}")
        except ValueError as error:  # text a lone surrogate spoils (an environment's bytes)
            raise Exit(str(error)) from None
    if plain_secret(secret.strip()) is None:
        raise Exit(secret_problem(secret, f"the secret in {source}"))
    return secret.strip()


def read_seconds(text: str, option: str) -> float:
    """An option's finite number of seconds."""
    try:
        return seconds(float(text) if len(text) <= 40 else None, option)
    except (TypeError, ValueError):
        raise Exit(f"{option} must be a finite number of seconds") from None


def to_json(document: dict[str, Any]) -> str:
    """``document`` as JSON, in ASCII (\\u escapes), which every terminal's encoding takes."""
    return json.dumps(document)


def write(text: str, stdout: bool = True) -> None:
    """Lines on stdout (an Exit with EXIT_OUTPUT if it fails) or stderr (if it can take them)."""
    stream = sys.stdout if stdout else sys.stderr
    try:
        stream.write(text + "\n")
        stream.flush()
    except (AttributeError, OSError, ValueError) as error:  # closed (None), full disk, broken pipe
        if stdout:
            raise Exit(
                f"cannot write to stdout: {getattr(error, 'strerror', None) or 'it is closed'}",
                EXIT_OUTPUT,
            ) from None
        detach(stream)


def detach(stream: TextIO | None) -> None:
    """Point a failed stream's descriptor at /dev/null, so that the interpreter's flush at exit
    finds nothing."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())  # type: ignore[union-attr]
        os.close(devnull)
    except (AttributeError, OSError, ValueError):
        pass
