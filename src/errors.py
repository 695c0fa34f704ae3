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
    """A value a token cannot be made with: a refusal as a value, as PyJWT's claim errors.

    ``argument`` names the argument refused (``"user_id"``, ``"room_id"``...), ``rule`` says
    what it breaks (``"must be a non-empty str ..."``), and ``error_code`` is generate_token04's
    code for it (``token04.ERROR_CODE_*``). The message is the argument and the rule; each edge
    words them its own way (generate_token04 in upstream's names, the command in its options').
    """

    def __init__(self, argument: str, rule: str, error_code: int) -> None:
        super().__init__(f"{argument} {rule}")
        self.argument, self.rule, self.error_code = argument, rule, error_code

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.argument, self.rule, self.error_code))
