"""A callback's fields: read from its body (JSON or form fields) or a mapping, and its signed
triple (signature, timestamp, nonce) in either naming convention, which is also its id in a log.
"""

from __future__ import annotations

import hashlib
import urllib.parse
from collections.abc import Mapping
from typing import Any

from .._values import as_int, as_text, parse_json_object, type_name
from ._errors import InvalidCallbackError

__all__ = ["MAX_CALLBACK_BYTES", "callback_fields", "signed_fields", "signed_text", "callback_id"]

MAX_CALLBACK_BYTES = 1024 * 1024
"""verify_callback refuses a larger body unread."""
_LOWER, _PASCAL = ("signature", "timestamp", "nonce"), ("Signature", "Timestamp", "Nonce")
_SIGNED_INT_LIMIT = 10**20  # a signed number beyond it is no timestamp or nonce ZEGO sends


def callback_fields(body: object) -> dict[str, Any]:
    """A callback's fields from its raw body (JSON or form-encoded) or a mapping."""
    if isinstance(body, Mapping):
        return dict(body)
    if not isinstance(body, (bytes, str)):
        raise InvalidCallbackError(
            f"body must be bytes, str or a mapping, not {type_name(body)}", "malformed"
        )
    if len(body) > MAX_CALLBACK_BYTES:
        raise InvalidCallbackError(
            f"the callback is larger than {MAX_CALLBACK_BYTES} bytes", "malformed"
        )
    text = _utf8(body) if isinstance(body, bytes) else str.__str__(body)
    fields = None
    if text is not None:
        fields = parse_json_object(text) if text.lstrip().startswith("{") else _form_fields(text)
    if fields is None:
        raise InvalidCallbackError(
            "the callback is neither a JSON object nor form fields", "malformed"
        )
    return fields


def _utf8(body: bytes) -> str | None:
    try:
        return body.decode()
    except UnicodeDecodeError:
        return None


def _form_fields(text: str) -> dict[str, Any] | None:
    """Form fields, each named once, else None."""
    try:
        pairs = urllib.parse.parse_qsl(text, keep_blank_values=True, strict_parsing=True)
    except ValueError:
        return None
    fields = dict(pairs)
    # A repeated name: which one would be signed?
    return fields if len(fields) == len(pairs) else None


def callback_id(fields: Mapping[str, Any]) -> str:
    """The id a callback log keeps for a callback: sha256 of its signed timestamp, nonce and
    signature, in hex.

    ``fields`` as verify_callback returned them. The same callback sent again,
    its timestamp a number or a string, has the same id; one that differs in
    anything signed has another. Raises InvalidCallbackError if they have none.
    """
    triple = "\n".join(signed_fields(dict(fields)))
    return hashlib.sha256(triple.encode()).hexdigest()


def signed_fields(fields: dict[str, Any]) -> tuple[str, str, str]:
    """The signature, and the timestamp and nonce as they are signed; InvalidCallbackError if any is
    missing."""
    if _LOWER[0] in fields and _PASCAL[0] in fields:
        raise InvalidCallbackError("the callback has both a signature and a Signature", "malformed")
    names = _PASCAL if _PASCAL[0] in fields else _LOWER
    if any(fields.get(name) is None for name in names):
        raise InvalidCallbackError(f"the callback has no {', '.join(names)}", "missing-field")
    signature = as_text(fields[names[0]])
    if signature is None or not signature.isascii():
        raise InvalidCallbackError("the callback's signature is not a hex string", "bad-signature")
    timestamp, nonce = signed_text(fields[names[1]]), signed_text(fields[names[2]])
    if timestamp is None or nonce is None:
        raise InvalidCallbackError(
            f"the callback's {names[1]} and {names[2]} must be non-empty strings or whole numbers",
            "malformed",
        )
    return signature, timestamp, nonce


def signed_text(value: object) -> str | None:
    """A timestamp or nonce as it is signed: an int's decimal digits, or non-empty text as it is;
    else None."""
    number = as_int(value)
    if number is not None:
        return str(number) if abs(number) < _SIGNED_INT_LIMIT else None
    return as_text(value) or None
