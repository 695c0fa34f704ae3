"""Server API requests signed: the Signature, the common parameters, a signed URL. No I/O.

Every request carries ``Action``, ``AppId``, ``SignatureNonce``, ``Timestamp``
(Unix seconds), ``SignatureVersion`` "2.0" and ``Signature`` =
md5(AppId + SignatureNonce + ServerSecret + Timestamp), in the query string;
the action's own parameters go in the query too (GET; a list as
``Key[]=a&Key[]=b``, a None left out) or in a JSON body (POST).
"""

from __future__ import annotations

import hashlib
import secrets
import time
import urllib.parse
from collections.abc import Mapping
from typing import Any

from .._values import (
    as_int,
    as_str,
    as_text,
    require_app_id,
    require_secret,
    require_str,
    type_name,
)
from ._rules import plan

__all__ = [
    "SIGNATURE_VERSION",
    "REGIONS",
    "api_signature",
    "api_params",
    "api_url",
    "signed_params",
    "checked_base_url",
    "checked_region",
    "query_pairs",
]

SIGNATURE_VERSION = "2.0"
"""The Server API's SignatureVersion."""
REGIONS = ("sha", "hkg", "fra", "lax", "bom", "sgp")
"""The regional hosts' names (not every product has every region: see the product's page)."""

_COMMON = {
    "Action",
    "AppId",
    "SignatureNonce",
    "Timestamp",
    "SignatureVersion",
    "Signature",
    "IsTest",
}


BASE_URL_RULE = (
    "base_url must be an http:// or https:// URL with a host, in ASCII, with no query, no "
    "fragment and no white space"
)


def checked_base_url(base_url: object) -> str:
    """``base_url``, if it is an http or https URL with a host, in ASCII, with no query, no
    fragment and no white space; else ValueError."""
    text = as_text(require_str(base_url, "base_url")) or ""
    plain = text.isascii() and text.isprintable() and not any(c in text for c in " ?#")
    if not (plain and _http_url_with_host(text)):
        raise ValueError(BASE_URL_RULE)
    return text


def checked_region(region: object) -> str | None:
    """None, or the name of a product's regional hosts (one of REGIONS); else ValueError."""
    name = None if region is None else as_str(region)
    if region is not None and name not in REGIONS:
        raise ValueError(f"region must be None or one of {', '.join(REGIONS)}")
    return name


def _http_url_with_host(text: str) -> bool:
    try:
        parts = urllib.parse.urlsplit(text)
        # .port raises ValueError for a port out of range
        return parts.scheme in ("http", "https") and bool(parts.hostname) and parts.port != 0
    except ValueError:  # a malformed IPv6 literal, a port that is not a number
        return False


def api_signature(app_id: int, signature_nonce: str, secret: str, timestamp: int | str) -> str:
    """A Server API request's Signature: md5(AppId + SignatureNonce + ServerSecret + Timestamp),
    lower-case hex.

    ``secret`` is the ServerSecret. Raises TypeError or ValueError for arguments of the wrong kind.
    """
    app, nonce = require_app_id(app_id), _text(signature_nonce, "signature_nonce")
    return _md5(f"{app}{nonce}{require_secret(secret)}{_decimal(timestamp)}")


def api_params(
    app_id: int,
    secret: str,
    action: str,
    *,
    nonce: str | None = None,
    timestamp: int | None = None,
    is_test: bool | None = None,
) -> dict[str, str]:
    """The common parameters of one Server API request, signed: a fresh nonce (from ``secrets``) and
    the current time unless given; ``IsTest`` only when ``is_test`` is not None."""
    nonce = secrets.token_hex(8) if nonce is None else _text(nonce, "nonce")
    stamp = _decimal(int(time.time()) if timestamp is None else timestamp)
    app, action = require_app_id(app_id), _text(action, "action")
    return signed_params(app, require_secret(secret), action, is_test, nonce, stamp)


def signed_params(
    app_id: int,
    secret: str,
    action: str,
    is_test: bool | None,
    nonce: str | None = None,
    stamp: str | None = None,
) -> dict[str, str]:
    """api_params of arguments already checked (a fresh nonce and the time unless given)."""
    nonce = secrets.token_hex(8) if nonce is None else nonce
    stamp = str(int(time.time())) if stamp is None else stamp
    params = {"Action": action, "AppId": str(app_id), "SignatureNonce": nonce, "Timestamp": stamp}
    params.update(
        SignatureVersion=SIGNATURE_VERSION, Signature=_md5(f"{app_id}{nonce}{secret}{stamp}")
    )
    if is_test is not None:
        params["IsTest"] = "true" if is_test else "false"
    return params


def _md5(text: str) -> str:
    return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()


def api_url(
    app_id: int,
    secret: str,
    action: str,
    params: Mapping[str, Any] | None = None,
    *,
    product: str | None = None,
    region: str | None = None,
    base_url: str | None = None,
    is_test: bool | None = None,
) -> str:
    """A signed request URL for ``action``, at its host (in ``region``; or ``base_url``): the
    common parameters, then ``params`` (see query_pairs), checked as call_api checks them.

    For curl, ZEGO's online link checker, or your own HTTP client. A POST Action's parameters go
    in a JSON body, not in the URL: they are refused here (ValueError). It is a credential for
    10 minutes: log it no more than the secret. Raises TypeError or ValueError, before signing,
    for a base_url or params that cannot be sent.
    """
    method, region = None if product is None else "GET", checked_region(region)
    route = plan(action, params, product=product, method=method, region=region)
    if route.body:
        raise ValueError(f"params: {action} is POST, and its parameters go in a JSON body")
    where = route.host + "/" if base_url is None else checked_base_url(base_url)
    common = api_params(app_id, secret, action, is_test=is_test)
    return f"{where}?{urllib.parse.urlencode([*common.items(), *query_pairs(route.query)])}"


def query_pairs(params: Mapping[str, Any] | None) -> list[tuple[str, str]]:
    """An action's parameters as query pairs: a list or tuple as ``Key[]`` pairs, a bool as
    true/false, a None left out. TypeError or ValueError, naming the parameter, for one that
    cannot be sent."""
    if params is None:
        return []
    if not isinstance(params, Mapping):
        raise TypeError(f"params must be a mapping, not {type_name(params)}")
    pairs = []
    for key, value in params.items():
        name = _param_name(key)
        items = value if isinstance(value, (list, tuple)) else [value]
        suffix = "[]" if isinstance(value, (list, tuple)) else ""
        pairs += [(name + suffix, _query_value(item, name)) for item in items if item is not None]
    return pairs


def _param_name(key: object) -> str:
    name = as_text(key)
    if not name or not name.isprintable():
        raise ValueError("params: each name must be non-empty, printable text")
    if name.removesuffix("[]") in _COMMON:
        raise ValueError(
            f"params must not hold {name!r}: it is a common parameter, set by the library"
        )
    return name


def _query_value(value: object, name: str) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    number = as_int(value)
    text = str(number) if number is not None else as_text(value)
    if text is None:
        raise TypeError(
            f"params[{name!r}] must be text (no lone surrogate), a number, a bool or a list of them"
        )
    return text


def _text(value: object, name: str) -> str:
    text = as_text(require_str(value, name))
    if not text:
        raise ValueError(f"{name} must be non-empty text")
    return text


def _decimal(value: object, name: str = "timestamp") -> str:
    """A timestamp or nonce as it is signed: an int's decimal digits, or a str as it is."""
    number = as_int(value)
    if number is not None:
        return str(number)
    return _text(value, name)
