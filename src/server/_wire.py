"""One Server API call without I/O: its request, its signing, its deadline, when it is tried again.

The request that the HTTP client sees, logs and hands to error trackers is ``url``: the host, the
Action and the AppId, nothing signed. Only the transport at the bottom of the stack sends
``signed_url()``, with the Action's parameters and a fresh SignatureNonce, Timestamp and
Signature (a credential for 10 minutes), so no log line, breadcrumb or span of the HTTP client
holds them. The ServerSecret is
held as ``ApiCall._secret``; no repr here shows it.
"""

from __future__ import annotations

import json
import secrets
import time
import urllib.parse
from collections.abc import Mapping
from typing import Any, NamedTuple

from .._values import as_int, require_app_id, require_secret, require_str, seconds
from ._errors import ZegoApiError
from ._rules import plan
from ._signing import checked_base_url, checked_region, query_pairs, signed_params

__all__ = ["MAX_RETRIES", "MAX_TIMEOUT", "ApiCall", "ApiSettings", "checked_settings"]

MAX_RETRIES = 10
MAX_TIMEOUT = 24 * 3600
_FIRST_DELAY = 0.2  # seconds before the first retry; doubled for each next one, and jittered


class ApiSettings(NamedTuple):
    """How Server API calls are made: a project's, or one function call's (checked_settings)."""

    region: str | None
    base_url: str | None
    timeout: float
    retries: int
    is_test: bool | None


def checked_settings(
    region: object = None,
    base_url: object = None,
    timeout: object = 10,
    retries: object = 2,
    is_test: object = None,
) -> ApiSettings:
    """The settings, each checked: TypeError or ValueError naming the one that cannot be used."""
    if not (is_test is None or isinstance(is_test, bool)):
        raise TypeError("is_test must be None or a bool")
    base = None if base_url is None else checked_base_url(base_url)
    limits = checked_timeout(timeout), checked_retries(retries)
    return ApiSettings(checked_region(region), base, *limits, is_test)


def checked_timeout(timeout: object) -> float:
    """A call's timeout: a positive, finite number of seconds, at most a day."""
    value = seconds(timeout, "timeout")
    if not 0 < value <= MAX_TIMEOUT:
        raise ValueError(f"timeout must be a number of seconds above 0, at most {MAX_TIMEOUT}")
    return value


def checked_retries(retries: object) -> int:
    number = as_int(retries)
    if number is None or not 0 <= number <= MAX_RETRIES:
        raise ValueError(f"retries must be an int from 0 to {MAX_RETRIES}")
    return number


class ApiCall:
    """One call's arguments, checked before anything is signed, and its deadline (``timeout``
    from now)."""

    __slots__ = (
        "_app_id",
        "_pairs",
        "_secret",
        "action",
        "body",
        "deadline",
        "is_test",
        "method",
        "rate_limit",
        "retries",
        "throttles",
        "url",
        "where",
    )

    def __init__(
        self,
        app_id: int,
        secret: str,
        action: str,
        params: Mapping[str, Any] | None,
        settings: ApiSettings,
        *,
        product: str | None = None,
        method: str | None = None,
        timeout: float | None = None,
    ) -> None:
        """``settings`` as checked_settings made them; ``timeout``: the call's own, if given."""
        limit = settings.timeout if timeout is None else checked_timeout(timeout)
        self.retries, self.deadline = settings.retries, time.monotonic() + limit
        self._app_id, self._secret = require_app_id(app_id), require_secret(secret)
        self.action, self.is_test = require_str(action, "action"), settings.is_test
        route = plan(self.action, params, product=product, method=method, region=settings.region)
        self.method, self.throttles, self.rate_limit = (
            route.method,
            route.throttles,
            route.rate_limit,
        )
        self.where = route.host + "/" if settings.base_url is None else settings.base_url
        shown = urllib.parse.urlencode({"Action": self.action, "AppId": self._app_id})
        self.url = f"{self.where}?{shown}"
        self._pairs = query_pairs(route.query)
        self.body = None if route.body is None else _json_body(route.body)

    def __repr__(self) -> str:
        return f"ApiCall({getattr(self, 'action', '')!r}, secret hidden)"

    def signed_url(self) -> str:
        """The URL sent: the common parameters signed now (each try afresh), then the Action's."""
        common = signed_params(self._app_id, self._secret, self.action, self.is_test)
        return f"{self.where}?{urllib.parse.urlencode([*common.items(), *self._pairs])}"

    def retry_delay(self, error: ZegoApiError, tries: int) -> float | None:
        """Seconds to wait before trying again after ``tries`` tries, or None: raise ``error``.

        Only what ZEGO did not act on is tried again (a code the product's return-code page gives
        for throttling or load, a request never sent), at most ``retries`` times, with
        exponential back-off and jitter, and never past the deadline.
        """
        if tries > self.retries or not (not error.sent or error.throttled):
            return None
        delay = _FIRST_DELAY * 2 ** (tries - 1) * (0.5 + secrets.SystemRandom().random() / 2)
        return delay if time.monotonic() + delay < self.deadline else None

    def remaining(self) -> float:
        """Seconds left before the deadline (0 when there are none)."""
        return max(self.deadline - time.monotonic(), 0.0)

    def timed_out(self) -> ZegoApiError:
        """The error of a call whose deadline came first (never tried again)."""
        return ZegoApiError(f"the call to {self.action} ran out of time (timeout)")


def _json_body(fields: Mapping[str, Any]) -> bytes:
    try:
        return json.dumps(fields, allow_nan=False).encode()
    except (TypeError, ValueError, RecursionError):
        raise TypeError(
            "params must be JSON: str keys; str, number, bool, list and dict values"
        ) from None
