"""The server side's exceptions, in the library's one family under ``ZegoError``.

Like every ``ZegoError``, each survives ``pickle`` and ``copy`` with its attributes, and none
carries a secret, a Signature or a signed URL.
"""

from __future__ import annotations

from typing import Any

from ..errors import ZegoError

__all__ = ["InvalidCallbackError", "CallbackLogError", "ZegoApiError", "ZegoBatchError"]


class InvalidCallbackError(ZegoError, ValueError):
    """A callback that is not proven to be ZEGO's: ``reason`` says which check failed.

    ``reason`` is one of ``"malformed"``, ``"missing-field"``, ``"bad-signature"``,
    ``"too-old"`` and ``"replayed"`` (already in the callback log: ZEGO resent it,
    or someone replays it; answer 2xx and do nothing).
    """

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (str(self), self.reason))


class CallbackLogError(ZegoError):
    """The callback log did not take the callback: answer 503, and ZEGO sends it again later.

    ``reason`` is ``"unreachable"`` (the log could not be read or written in time),
    ``"in-progress"`` (another delivery of it is being handled) or ``"full"``.
    """

    def __init__(self, message: str, reason: str = "unreachable") -> None:
        super().__init__(message)
        self.reason = reason

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (str(self), self.reason))


class ZegoApiError(ZegoError):
    """A Server API call that did not succeed.

    ``code`` is ZEGO's ``Code`` (0 when the request never got ZEGO's answer: a
    network or HTTP failure, then ``status`` holds the HTTP status, or 0), and
    ``request_id`` ZEGO's ``RequestId`` ("" when there is none). ``sent`` is False
    only when the request surely never reached ZEGO (a connection that could not
    be made), so the Action did not run. ``throttled`` is True when ZEGO refused
    it for the rate or the load, as the product's return-code page says (the
    call was tried again, within its deadline), and ``rate_limit`` is the
    Action's documented limit (``{"limit": [calls, seconds], ...}``), or None.
    The message says what to do for the codes users meet.
    """

    def __init__(
        self,
        message: str,
        code: int = 0,
        request_id: str = "",
        status: int = 0,
        sent: bool = True,
        throttled: bool = False,
        rate_limit: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.code, self.request_id, self.status = code, request_id, status
        self.sent, self.throttled, self.rate_limit = sent, throttled, rate_limit

    def __reduce__(self) -> tuple[Any, ...]:
        facts = (self.code, self.request_id, self.status, self.sent, self.throttled)
        return (type(self), (str(self), *facts, self.rate_limit))


class ZegoBatchError(ZegoApiError):
    """A batch Action that ZEGO took with ``Code`` 0, but not for every item: ``failures`` is
    its ``ErrorList`` (each with ``SubCode``), ``answer`` the whole answer, successes included.
    """

    def __init__(self, message: str, answer: dict[str, Any], failures: list[Any]) -> None:
        super().__init__(message, 0, str(answer.get("RequestId", "")), 200)
        self.answer, self.failures = answer, failures

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (str(self), self.answer, self.failures))
