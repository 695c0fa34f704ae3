"""One Server API call without I/O: its signed requests, its deadline, when it is tried again.

The sync and async transports only move bytes: each sends ``ApiCall.request()``
and hands the status, body and redirect host to ``_answers.read_answer``. No object here
shows the Signature or the signed URL in its repr (error trackers record every
local by its repr), and the ServerSecret is held only as ``ApiCall._secret``.
"""

from __future__ import annotations

import json
import secrets
import time
import urllib.parse
from collections.abc import Mapping
from typing import Any

from .._values import (
    as_int,
    require_app_id,
    require_secret,
    require_str,
    seconds,
)
from ._answers import NotSentError, location_host
from ._errors import ZegoApiError
from ._signing import api_params, checked_base_url, query_pairs

__all__ = [
    "MAX_RETRIES",
    "RETRIED_CODES",
    "ApiRequest",
    "ApiCall",
]

MAX_RETRIES = 10
RETRIED_CODES = frozenset({1, 7})
"""ZEGO's Codes for a request refused without acting on it: busy, over the QPS limit."""
_FIRST_DELAY = 0.2  # seconds before the first retry; doubled for each next one, and jittered


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
