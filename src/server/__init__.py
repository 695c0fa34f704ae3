"""ZEGO's server side: sign Server API requests, call the Server API, verify ZEGO's callbacks.

Server API: every request carries the common parameters ``Action``, ``AppId``,
``SignatureNonce``, ``Timestamp`` (Unix seconds), ``SignatureVersion`` "2.0"
and ``Signature`` = md5(AppId + SignatureNonce + ServerSecret + Timestamp), in
the query string; business parameters go in the query too (GET; a list as
``Key[]=a&Key[]=b``) or in a JSON body (POST).

Callbacks: ZEGO signs each one with the project's CallbackSecret (not the
ServerSecret): ``signature`` = sha1 of the sorted, concatenated CallbackSecret,
``timestamp`` and ``nonce``, in hex.

Secrets are held only in parameters named ``secret``, which error trackers
hide; no message shows one.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from typing import Any

from ..errors import CallbackLogError, ZegoApiError
from ..values import as_int, require_app_id, require_secret, require_str, seconds
from .callback_log import CallbackLog, MemoryCallbackLog, RedisCallbackLog
from .callbacks import MAX_CALLBACK_BYTES, callback_id, callback_signature, verify_callback

__all__ = [
    "SIGNATURE_VERSION",
    "REGIONS",
    "MAX_CALLBACK_BYTES",
    "MAX_RESPONSE_BYTES",
    "api_base_url",
    "api_signature",
    "api_params",
    "api_url",
    "call_api",
    "callback_signature",
    "verify_callback",
    "callback_id",
    "CallbackLog",
    "MemoryCallbackLog",
    "RedisCallbackLog",
    "CallbackLogError",
]

SIGNATURE_VERSION = "2.0"
"""The Server API's SignatureVersion."""
REGIONS = ("sha", "hkg", "fra", "lax", "bom", "sgp")
"""The regional hosts' names (not every product has every region: see the product's page)."""
MAX_RESPONSE_BYTES = 16 * 1024 * 1024
"""call_api reads at most this much of a response."""

# What to do about the codes users meet, by ZEGO's Code.
_ADVICE = {
    100000004: "the signature expired: this server's clock is more than 10 minutes off; set it right (NTP)",
    100000005: "the signature is wrong: check the ServerSecret, and send the nonce and timestamp that were signed",
    100000016: "IsTest is set wrongly for this project: make the ZegoProject with is_test=False (or True)",
    100000017: "the service is not enabled for this AppID: enable it in ZEGO's console",
}


def api_base_url(product: str = "rtc", region: str | None = None) -> str:
    """The Server API's host for ``product`` ("rtc", "zim", ...), in ``region`` (None: the global host)."""
    if not (isinstance(product, str) and product.replace("-", "").isalnum()):
        raise ValueError("product must be a product's name, such as rtc or zim")
    if region is not None and region not in REGIONS:
        raise ValueError(f"region must be None or one of {', '.join(REGIONS)}")
    return f"https://{product}-api{'' if region is None else '-' + region}.zego.im/"


def api_signature(app_id: int, signature_nonce: str, secret: str, timestamp: int | str) -> str:
    """A Server API request's Signature: md5(AppId + SignatureNonce + ServerSecret + Timestamp), lower-case hex.

    ``secret`` is the ServerSecret. Raises TypeError or ValueError for arguments of the wrong kind.
    """
    text = f"{require_app_id(app_id)}{_text(signature_nonce, 'signature_nonce')}"
    return hashlib.md5(
        (text + require_secret(secret) + _decimal(timestamp)).encode(), usedforsecurity=False
    ).hexdigest()


def api_params(
    app_id: int,
    secret: str,
    action: str,
    *,
    nonce: str | None = None,
    timestamp: int | None = None,
    is_test: bool | None = None,
) -> dict[str, str]:
    """The common parameters of one Server API request, signed: a fresh nonce (from ``secrets``) and the
    current time unless given; ``IsTest`` only when ``is_test`` is not None."""
    nonce = secrets.token_hex(8) if nonce is None else _text(nonce, "nonce")
    stamp = _decimal(int(time.time()) if timestamp is None else timestamp)
    params = {"Action": _text(action, "action"), "AppId": str(require_app_id(app_id)), "SignatureNonce": nonce}
    params.update(Timestamp=stamp, SignatureVersion=SIGNATURE_VERSION)
    params["Signature"] = api_signature(app_id, nonce, secret, stamp)
    if is_test is not None:
        params["IsTest"] = "true" if is_test else "false"
    return params


def api_url(
    app_id: int,
    secret: str,
    action: str,
    params: Mapping[str, Any] | None = None,
    *,
    product: str = "rtc",
    region: str | None = None,
    base_url: str | None = None,
    is_test: bool | None = None,
) -> str:
    """A signed GET request URL: the common parameters, then ``params`` (a list as ``Key[]=a&Key[]=b``).

    For curl, ZEGO's online link checker, or your own HTTP client. It is a
    credential for 10 minutes: log it no more than the secret.
    """
    pairs = [*api_params(app_id, secret, action, is_test=is_test).items(), *_query_pairs(params or {})]
    return (base_url or api_base_url(product, region)) + "?" + urllib.parse.urlencode(pairs)


def call_api(
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
    is_test: bool | None = None,
) -> dict[str, Any]:
    """Call one Server API action over HTTPS (TLS verified, ``timeout`` seconds); return ZEGO's JSON answer.

    ``params`` are the action's own parameters: in the query for GET (a list as
    ``Key[]=a&Key[]=b``), as a JSON body for POST. ``base_url`` replaces the
    product's host (a proxy, a test server). The answer is returned whole, with
    ``Data`` and, for ZIM's batch calls, ``ErrorList`` (per-item failures under
    ``Code`` 0: look at it). Raises ZegoApiError for a non-zero ``Code`` (with
    ``code``, ``request_id`` and what to do), and for every HTTP or network
    failure (``code`` 0), so one ``except ZegoApiError`` catches them all.
    """
    if method not in ("GET", "POST"):
        raise ValueError('method must be "GET" or "POST"')
    where: dict[str, Any] = {"product": product, "region": region, "base_url": base_url, "is_test": is_test}
    # The signed URL is held by no variable (an error tracker records them), only by the Request.
    request = urllib.request.Request(  # noqa: S310 (https, or the caller's own base_url)
        api_url(app_id, secret, action, params if method == "GET" else None, **where),
        data=None if method == "GET" else json.dumps(dict(params or {})).encode(),
        method=method,
        headers={"Content-Type": "application/json"},
    )
    return _answer(*_send(request, seconds(timeout, "timeout")))


def _query_pairs(params: Mapping[str, Any]) -> list[tuple[str, str]]:
    pairs = []
    for key, value in params.items():
        for item in value if isinstance(value, (list, tuple)) else [value]:
            pairs.append((f"{key}[]" if isinstance(value, (list, tuple)) else key, _query_value(item)))
    return pairs


def _query_value(value: object) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def _send(request: urllib.request.Request, timeout: float) -> tuple[int, bytes]:
    """The HTTP status and body of a request's answer; ZegoApiError if none came."""
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (https, or the caller's base_url)
            return response.status, response.read(MAX_RESPONSE_BYTES + 1)
    except urllib.error.HTTPError as error:
        return error.code, error.read(MAX_RESPONSE_BYTES + 1)
    except (urllib.error.URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", None) or error
        raise ZegoApiError(f"could not reach ZEGO's Server API: {reason}") from None


def _answer(status: int, body: bytes) -> dict[str, Any]:
    """ZEGO's JSON answer, or ZegoApiError for a refusal (Code not 0) or an answer that is not ZEGO's."""
    try:
        answer = json.loads(body) if len(body) <= MAX_RESPONSE_BYTES else None
    except (ValueError, RecursionError):
        answer = None
    if not isinstance(answer, dict) or as_int(answer.get("Code")) is None:
        raise ZegoApiError(f"HTTP {status}: the answer is not a Server API answer (no JSON with a Code)", status=status)
    code, message, request_id = answer["Code"], str(answer.get("Message", "")), str(answer.get("RequestId", ""))
    if code != 0:
        advice = f": {_ADVICE[code]}" if code in _ADVICE else ""
        raise ZegoApiError(f"ZEGO refused the call: {code} {message}{advice}", code, request_id, status)
    return answer


def _text(value: object, name: str) -> str:
    text = require_str(value, name)
    if not text:
        raise ValueError(f"{name} must not be empty")
    return text


def _decimal(value: object, name: str = "timestamp") -> str:
    """A timestamp or nonce as it is signed: an int's decimal digits, or a str as it is."""
    number = as_int(value)
    if number is not None:
        return str(number)
    return _text(value, name)
