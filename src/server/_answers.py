"""What a Server API call's answer, or its failure, becomes: ZEGO's JSON, or a ZegoApiError
whose message says what to do and never holds the request (its Signature, its signed URL).
"""

from __future__ import annotations

import socket
import ssl
import urllib.parse
from collections.abc import Iterator
from typing import Any

from .._values import as_int, as_text, parse_json_object
from ._errors import ZegoApiError, ZegoBatchError

__all__ = [
    "MAX_RESPONSE_BYTES",
    "location_host",
    "read_answer",
    "connect_failure",
    "read_failure",
]

MAX_RESPONSE_BYTES = 16 * 1024 * 1024
"""An answer larger than this is refused (a transport reads at most one byte more)."""
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


def location_host(url: object) -> str:
    """The host of a URL (a Location header's, say), never its query; "" if it has none."""
    text = as_text(url)
    try:
        host = urllib.parse.urlsplit(text).hostname if text else None
    except ValueError:  # a malformed IPv6 literal
        host = None
    return host if host and host.isprintable() else ""


def read_answer(
    status: int,
    body: bytes,
    redirect_host: str = "",
    throttles: frozenset[int] = frozenset(),
    rate_limit: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """ZEGO's JSON answer; ZegoApiError for a redirect, a refusal (Code not 0), or an answer not
    ZEGO's; ZegoBatchError for one with per-item failures (``ErrorList``) under Code 0.

    ``redirect_host`` is the host of a 3xx's Location (see location_host): the Server API never
    redirects, and the request is not sent on. ``throttles`` are the product's codes for a
    request refused for its rate or load; ``rate_limit`` the Action's documented limit.
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
    if code != 0 or not 200 <= status < 300:
        raise _refusal(answer, code, status, code in throttles, rate_limit)
    failures = _failures(answer)
    if failures:
        raise ZegoBatchError(
            f"ZEGO took the call, but {len(failures)} item(s) failed: see failures",
            answer,
            failures,
        )
    return answer


def _refusal(
    answer: dict[str, Any], code: int, status: int, throttled: bool, limit: dict[str, Any] | None
) -> ZegoApiError:
    advice = f": {_ADVICE[code]}" if code in _ADVICE else ""
    if throttled:
        advice += ": over the Action's rate limit, or ZEGO is busy (tried again)"
    message = f"ZEGO refused the call: {code} {_shown(answer.get('Message'))}{advice}"
    request_id = _shown(answer.get("RequestId"))
    return ZegoApiError(message, code, request_id, status, throttled=throttled, rate_limit=limit)


def _failures(answer: dict[str, Any]) -> list[Any]:
    """The per-item failures of a batch answer: its ErrorList, or its Data's."""
    data = answer.get("Data")
    failures = answer.get("ErrorList") or (
        data.get("ErrorList") if isinstance(data, dict) else None
    )
    return failures if isinstance(failures, list) else []


def connect_failure(error: BaseException) -> ZegoApiError:
    """What a connection that could not be made becomes: not sent, so tried again, unless TLS
    refused it (a certificate does not get better by trying again)."""
    refused_by_tls = any(isinstance(cause, ssl.SSLError) for cause in _causes(error))
    return ZegoApiError(f"could not reach ZEGO's Server API: {_reason(error)}", sent=refused_by_tls)


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
