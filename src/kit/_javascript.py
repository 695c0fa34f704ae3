"""The browser's functions, as the UIKit's generator and reader use them on a kit token's fields:
atob, btoa's Latin-1 rule, JSON.parse, JSON.stringify, encodeURIComponent, decodeURIComponent.
Each refuses what the browser refuses, with the error the kit raises for it.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import urllib.parse

from .._values import require_str
from ..errors import InvalidTokenError, TokenError
from ..token04 import ERROR_CODE_PAYLOAD_INVALID

KIT_SEPARATOR = "#"
"""What stands between the token04 and the UIKit's login fields."""
# encodeURIComponent leaves these as they are and writes every other UTF-8 byte as %XX.
_URI_UNRESERVED = "-_.!~*'()"
_BROKEN_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")


def atob(part: str) -> bytes:
    """The browser's atob: standard base64, white space dropped, the "=" padding optional."""
    encoded = "".join(part.split()).rstrip("=")
    try:
        return base64.b64decode(encoded + "=" * (-len(encoded) % 4), validate=True)
    except (ValueError, binascii.Error):
        raise InvalidTokenError(f'the kit fields after "{KIT_SEPARATOR}" are not base64') from None


def _refuse_constant(name: str) -> object:
    raise ValueError("not JSON")  # JSON.parse refuses NaN and Infinity; Python's json takes them


_json_decoder = json.JSONDecoder(parse_constant=_refuse_constant)


def json_parse(data: bytes) -> object:
    try:
        # A repeated name: the last one, as JSON.parse.
        return _json_decoder.decode(data.decode("latin-1"))
    except (ValueError, RecursionError):
        raise InvalidTokenError(f'the kit fields after "{KIT_SEPARATOR}" are not JSON') from None


def decode_uri_component(encoded: str) -> str:
    """decodeURIComponent(userName): %XX escapes read as UTF-8; a broken one is refused, as
    JavaScript does."""
    try:
        name = (
            None
            if _BROKEN_ESCAPE.search(encoded)
            else urllib.parse.unquote(encoded, errors="strict")
        )
    except UnicodeDecodeError:  # escapes that are not UTF-8
        name = None
    if name is None:
        raise InvalidTokenError(
            "the kit's userName is not percent-encoded UTF-8 (a broken % escape)"
        )
    return name


def javascript_string(value: object, name: str) -> str:
    """A str argument as JavaScript holds it: surrogate pairs joined into the characters they
    make."""
    return (
        require_str(value, name)
        .encode("utf-16-le", "surrogatepass")
        .decode("utf-16-le", "surrogatepass")
    )


def latin1_field(value: object, name: str, error_code: int) -> str:
    """An ID for the kit fields, refused unless the UIKit's btoa can write it (Latin-1)."""
    text = javascript_string(value, name)
    if not all(
        character <= "\xff" or "\ud800" <= character <= "\udfff" for character in text
    ):  # a lone one: \u
        raise TokenError(
            name, "must be characters up to U+00FF: the UIKit's btoa refuses others", error_code
        )
    return text


def encode_uri_component(text: str) -> str:
    """JavaScript's encodeURIComponent: UTF-8, %XX in capitals; a lone surrogate is refused, as
    there."""
    try:
        return urllib.parse.quote(text, safe=_URI_UNRESERVED, errors="strict")
    except UnicodeEncodeError:
        raise TokenError(
            "user_name",
            "has a lone surrogate: encodeURIComponent refuses it",
            ERROR_CODE_PAYLOAD_INVALID,
        ) from None


def stringify(fields: dict[str, object]) -> str:
    """JSON.stringify: no spaces, non-ASCII as itself, a lone surrogate as a \\u escape."""
    text = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
    return "".join(f"\\u{ord(c):04x}" if "\ud800" <= c <= "\udfff" else c for c in text)
