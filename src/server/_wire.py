"""One Server API call without I/O: its signed requests, how its answer is read, when it is tried
again.

The sync and async transports only move bytes: each sends ``ApiCall.request()``
and hands the status, body and redirect host to ``read_answer``. No object here
shows the Signature or the signed URL in its repr (error trackers record every
local by its repr), and the ServerSecret is held only as ``ApiCall._secret``.
"""

from __future__ import annotations

import json
import secrets
import socket
import ssl
import time
import urllib.parse
from collections.abc import Iterator, Mapping
from typing import Any

from .._values import (
    as_int,
    as_text,
    parse_json_object,
    require_app_id,
    require_secret,
    require_str,
    seconds,
)
from ._errors import ZegoApiError
from ._signing import api_params, checked_base_url, query_pairs

__all__ = [
    "MAX_RESPONSE_BYTES",
    "MAX_RETRIES",
    "RETRIED_CODES",
    "ApiRequest",
    "ApiCall",
    "NotSentError",
    "location_host",
    "read_answer",
    "connect_failure",
    "read_failure",
]

MAX_RESPONSE_BYTES = 16 * 1024 * 1024
"""An answer larger than this is refused (a transport reads at most one byte more)."""
MAX_RETRIES = 10
RETRIED_CODES = frozenset({1, 7})
"""ZEGO's Codes for a request refused without acting on it: busy, over the QPS limit."""
_FIRST_DELAY = 0.2  # seconds before the first retry; doubled for each next one, and jittered
_MESSAGE_LENGTH = 200

# What to do about the codes users meet, by ZEGO's Code.
_ADVICE = {
    100000004: "the signature expired: this server's clock is more than 10 minutes off; set it "
    "right (NTP)",
    100000005: "the signature is wrong: check the ServerSecret, and send the nonce and "
    "timestamp that were signed",
    100000016: "IsTest is set wrongly for this project: make the ZegoProject with "
    "is_test=False (or True)",
    100000017: "the service is not enabled for this AppID: enable it in ZEGO's console",
}


class NotSentError(ZegoApiError):
    """The connection failed before the request went out: ZEGO did nothing, so it can be tried
    again."""


class ApiRequest:
    """One signed HTTP request: ``method``, ``url`` (a credential for 10 minutes), ``headers``,
    ``body``."""

    __slots__ = ("body", "headers", "method", "url")

    def __init__(self, method: str, url: str, headers: dict[str, str], body: bytes | None) -> None:
        self.method, self.url, self.headers, self.body = method, url, headers, body

    def __repr__(self) -> str:
        return f"ApiRequest({self.method} {location_host(self.url)}, signed URL hidden)"


class ApiCall:
    """One call's arguments, checked before anything is signed, and its deadline (``timeout`` from
    now)."""

    __slots__ = (
        "_app_id",
        "_body",
        "_pairs",
        "_secret",
        "action",
        "base_url",
        "deadline",
        "is_test",
        "method",
        "retries",
    )

    def __init__(
        self,
        app_id: int,
        secret: str,
        action: str,
        params: Mapping[str, Any] | None = None,
        *,
        product: str = "rtc",
        region: str | None = None,
        base_url: str | None = None,
        method: str = "GET",
        timeout: float = 10,
        retries: int = 2,
        is_test: bool | None = None,
    ) -> None:
        if not (as_int(retries) is not None and 0 <= retries <= MAX_RETRIES):
            raise ValueError(f"retries must be an int from 0 to {MAX_RETRIES}")
        if method not in ("GET", "POST"):
            raise ValueError('method must be "GET" or "POST"')
        self.deadline = time.monotonic() + _positive(seconds(timeout, "timeout"))
        self._app_id, self._secret = require_app_id(app_id), require_secret(secret)
        self.action, self.method, self.is_test = require_str(action, "action"), method, is_test
        self.retries: int = retries
        self.base_url = checked_base_url(base_url, product, region)
        self._pairs = query_pairs(params) if method == "GET" else []
        self._body = None if method == "GET" else _json_body(params)

    def __repr__(self) -> str:
        return (
            f"ApiCall({self.action!r}, {self.method} {location_host(self.base_url)}, secret hidden)"
        )

    def request(self) -> ApiRequest:
        """The request, signed now with a fresh nonce (each try is signed afresh)."""
        common = api_params(self._app_id, self._secret, self.action, is_test=self.is_test)
        query = urllib.parse.urlencode([*common.items(), *self._pairs])
        headers = {"Accept": "application/json", "Accept-Encoding": "identity"}
        if self._body is not None:
            headers["Content-Type"] = "application/json"
        return ApiRequest(self.method, f"{self.base_url}?{query}", headers, self._body)

    def retry_delay(self, error: ZegoApiError, tries: int) -> float | None:
        """Seconds to wait before trying again after ``tries`` tries, or None: raise ``error``.

        Only what ZEGO did not act on is tried again (RETRIED_CODES, a request never
        sent), at most ``retries`` times, with exponential backoff and jitter, and
        never past the deadline.
        """
        if tries > self.retries or not (
            isinstance(error, NotSentError) or error.code in RETRIED_CODES
        ):
            return None
        delay = _FIRST_DELAY * 2 ** (tries - 1) * (0.5 + secrets.SystemRandom().random() / 2)
        return delay if time.monotonic() + delay < self.deadline else None

    def remaining(self) -> float:
        """Seconds left before the deadline; ZegoApiError if there are none."""
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise self.timed_out()
        return left

    def timed_out(self) -> ZegoApiError:
        """The error of a call whose deadline came first (never tried again)."""
        return ZegoApiError(f"the call to {self.action} ran out of time (timeout)")


def location_host(url: object) -> str:
    """The host of a URL (a Location header's, say), never its query; "" if it has none."""
    text = as_text(url)
    try:
        host = urllib.parse.urlsplit(text).hostname if text else None
    except ValueError:  # a malformed IPv6 literal
        host = None
    return host if host and host.isprintable() else ""


def read_answer(status: int, body: bytes, redirect_host: str = "") -> dict[str, Any]:
    """ZEGO's JSON answer; ZegoApiError for a redirect, a refusal (Code not 0), or an answer not
    ZEGO's.

    ``redirect_host`` is the host of a 3xx's Location (see location_host): the
    Server API never redirects, and the request is not sent on.
    """
    if 300 <= status < 400:
        where = f" to {redirect_host}" if redirect_host else ""
        raise ZegoApiError(
            f"HTTP {status}: the answer redirects{where}; check base_url", status=status
        )
    answer = _json_answer(body)
    code = None if answer is None else as_int(answer.get("Code"))
    if answer is None or code is None:
        raise ZegoApiError(
            f"HTTP {status}: the answer is not a Server API answer (no JSON with a Code)",
            status=status,
        )
    request_id = _shown(answer.get("RequestId"))
    if code != 0 or not 200 <= status < 300:
        advice = f": {_ADVICE[code]}" if code in _ADVICE else ""
        message = f"ZEGO refused the call: {code} {_shown(answer.get('Message'))}{advice}"
        raise ZegoApiError(message, code, request_id, status)
    return answer


def connect_failure(error: BaseException) -> ZegoApiError:
    """What a connection that could not be made becomes: NotSentError, tried again, unless TLS
    refused it (a certificate does not get better by trying again)."""
    refused_by_tls = any(isinstance(cause, ssl.SSLError) for cause in _causes(error))
    kind = ZegoApiError if refused_by_tls else NotSentError
    return kind(f"could not reach ZEGO's Server API: {_reason(error)}")


def read_failure(error: BaseException) -> ZegoApiError:
    """What a request sent whose answer could not be read becomes (never tried again)."""
    return ZegoApiError(f"the Server API's answer could not be read: {_reason(error)}")


def _causes(error: BaseException) -> Iterator[BaseException]:
    """The error and what caused it (httpx wraps the socket's error), at most ten deep."""
    cause: BaseException | None = error
    for _ in range(10):
        if cause is None:
            return
        yield cause
        cause = cause.__cause__ or cause.__context__


def _reason(error: BaseException) -> str:
    """What went wrong, in words that never hold the request: the kind of the socket's error (or
    of the error), and the system's or the certificate's verdict."""
    cause = next((cause for cause in _causes(error) if isinstance(cause, OSError)), error)
    if isinstance(cause, ssl.SSLCertVerificationError):
        return f"TLS certificate not trusted ({cause.verify_message})"
    if isinstance(cause, socket.timeout):
        return "timed out"
    verdict = getattr(cause, "strerror", None) or getattr(cause, "reason", None)
    return f"{type(cause).__name__}" + (f" ({verdict})" if isinstance(verdict, str) else "")


def _json_answer(body: bytes) -> dict[str, Any] | None:
    if len(body) > MAX_RESPONSE_BYTES:
        return None
    try:
        text = body.decode()
    except UnicodeDecodeError:
        return None
    return parse_json_object(text)


def _shown(value: object) -> str:
    """Text from ZEGO's answer as a message shows it: printable, at most _MESSAGE_LENGTH
    characters."""
    text = as_text(value) or ""
    return "".join(c if c.isprintable() else "?" for c in text[:_MESSAGE_LENGTH])


def _json_body(params: Mapping[str, Any] | None) -> bytes:
    if params is not None and not isinstance(params, Mapping):
        raise TypeError("params must be a mapping")
    fields = {key: value for key, value in (params or {}).items() if value is not None}
    try:
        return json.dumps(fields, allow_nan=False).encode()
    except (TypeError, ValueError, RecursionError):
        raise TypeError(
            "params must be JSON: str keys; str, number, bool, list and dict values"
        ) from None


def _positive(timeout: float) -> float:
    if timeout <= 0:
        raise ValueError("timeout must be a number of seconds above 0")
    return timeout
