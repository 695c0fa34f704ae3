"""The library's exceptions: one family under ``ZegoError``; the server side's are in
``server.errors``.

Every exception the library raises on purpose is a ``ZegoError``. A caller's own
configuration (a malformed secret, ``now``, ``leeway``) is not: it raises
TypeError or ValueError at once, so that it is never mistaken for a bad token.
Each exception survives ``pickle`` and ``copy`` with its attributes (a refusal
raised in a worker process arrives as itself), and none carries a secret.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "ZegoError",
    "InvalidTokenError",
    "ExpiredTokenError",
    "TokenError",
]


class ZegoError(Exception):
    """The base of everything the library raises on purpose."""


class InvalidTokenError(ZegoError, ValueError):
    """The token is not a valid token under this secret; the message says why."""


class ExpiredTokenError(InvalidTokenError):
    """The token is valid, but its expire time (plus leeway) has passed.

    ``contents`` is what the token holds (a ``Token04`` or ``Token03``), so that a
    caller can say when it expired, or whose it was, without decoding it again.
    """

    def __init__(self, message: str, contents: Any) -> None:
        super().__init__(message)
        self.contents = contents

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (str(self), self.contents))


class TokenError(ZegoError, ValueError):
    """A value a token cannot be made with.

    ``error_code`` is generate_token04's code for it (``token04.ERROR_CODE_*``), and
    ``argument`` names the argument refused (``"user_id"``, ``"room_id"``...).
    """

    def __init__(self, message: str, error_code: int, argument: str) -> None:
        super().__init__(message)
        self.error_code = error_code
        self.argument = argument

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (str(self), self.error_code, self.argument))
