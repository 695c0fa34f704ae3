"""ZEGOCLOUD UIKit kit tokens: a token04 and the login fields the UIKit logs in with.

A kit token is ``token04 + "#" + base64(JSON)``, the JSON being
``{"userID":…,"roomID":…,"userName":encodeURIComponent(name),"appID":…}`` in
that order, as the UIKit's ``generateKitTokenForProduction(appID, token,
roomID, userID, userName)`` makes it in the browser: ``JSON.stringify``'s
spelling, then ``btoa`` (standard base64 of the text's Latin-1 bytes).
"""

from __future__ import annotations

import binascii
import json
import math
import re
from typing import NamedTuple

from . import token04
from .token04 import InvalidTokenError, Token04

__all__ = [
    "KIT_SEPARATOR",
    "MAX_KIT_PART_LENGTH",
    "MAX_KIT_TOKEN_LENGTH",
    "KitToken",
    "make_kit_token",
    "decode_kit_token",
]

KIT_SEPARATOR = "#"
"""What stands between the token04 and the UIKit's login fields."""
MAX_KIT_PART_LENGTH = 16384
"""The longest login-field part decode_kit_token reads (the SDK's IDs and names take far less)."""
MAX_KIT_TOKEN_LENGTH = token04.MAX_TOKEN_LENGTH + len(KIT_SEPARATOR) + MAX_KIT_PART_LENGTH
"""decode_kit_token refuses a longer kit token unread."""


class KitToken(NamedTuple):
    """A decoded kit token: the token04's contents and the login fields beside it."""

    token: Token04
    """What the token04 holds (its app_id and user_id equal the fields below)."""
    app_id: int
    user_id: str
    room_id: str
    """The room the UIKit logs in to."""
    user_name: str
    """The display name, decoded from its encodeURIComponent form."""


def make_kit_token(token: str, app_id: int, room_id: str, user_id: str, user_name: str = "") -> str:
    """Wrap a server-made token04 as the UIKit's kit token.

    The result is identical, character for character, to what the UIKit's
    ``generateKitTokenForProduction(app_id, token, room_id, user_id,
    user_name)`` returns for the same values. Raises TypeError for an argument
    of the wrong type, and ValueError where the JavaScript throws: an ID with a
    character above U+00FF (``btoa`` takes Latin-1 only) or a name with a lone
    surrogate (``encodeURIComponent`` refuses it); also for an app_id outside
    1 .. 4294967295 and a token that is not a token04 (its frame is read,
    not decrypted: that needs the secret).
    """
    token_text = _str_argument(token, "token")
    fields = _fields_part(app_id, room_id, user_id, user_name)
    if KIT_SEPARATOR in token_text:
        raise ValueError(f'token must not contain "{KIT_SEPARATOR}": it would end where the kit fields begin')
    try:
        token04._read_frame(token_text, token04._VERSION)
    except InvalidTokenError as error:
        raise ValueError(f"token is not a token04 ({error}): pass the token generate_token04 made") from None
    return token_text + KIT_SEPARATOR + fields


def decode_kit_token(
    kit_token: str,
    secret: str,
    *,
    now: float | None = None,
    leeway: float = 0,
    verify_expiry: bool = True,
) -> KitToken:
    """Read a kit token: decode its token04 with ``secret`` and its login fields.

    Raises InvalidTokenError (ExpiredTokenError, as decode_token04 does) when
    the token04 is bad, when the login fields are not exactly what the UIKit
    writes, and when the fields' appID or userID differ from the token's: the
    UIKit would log in as someone the token is not for. ``now``, ``leeway`` and
    ``verify_expiry`` are decode_token04's, and like it a malformed secret
    raises TypeError or ValueError. A message that quotes an ID holding the
    secret reads ``<the secret>`` in its place.
    """
    secret = token04._require_secret(secret)
    token, fields = _split(kit_token)
    contents = token04.decode_token04(token, secret, now=now, leeway=leeway, verify_expiry=verify_expiry)
    kit = KitToken(contents, *fields)
    if kit.app_id != contents.app_id:
        raise InvalidTokenError(f"the kit's appID {kit.app_id} differs from the token's app_id {contents.app_id}")
    if kit.user_id != contents.user_id:
        kit_user, token_user = (token04._masked(user_id, secret) for user_id in (kit.user_id, contents.user_id))
        raise InvalidTokenError(
            f"the kit's userID {kit_user!r} differs from the token's user_id {token_user!r}:"
            " the UIKit would log in as a user the token is not for"
        )
    return kit


# The bytes encodeURIComponent leaves as they are (ECMAScript's uriUnreserved); it writes every other
# UTF-8 byte as %XX, in capitals.
_URI_UNRESERVED = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.!~*'()")


def _is_kit_token(value: object) -> bool:
    """True for a str that holds the kit separator: a kit token, or nothing else that decodes."""
    text = token04._as_str(value)
    return text is not None and KIT_SEPARATOR in text


def _split(kit_token: object) -> tuple[str, tuple[int, str, str, str]]:
    """A kit token's token04 (not yet decoded) and its login fields (appID, userID, roomID, userName)."""
    text = token04._as_str(kit_token)
    if text is None:
        raise InvalidTokenError(f"kit token must be a str, not {token04._type_name(kit_token)}")
    if len(text) > MAX_KIT_TOKEN_LENGTH:
        raise InvalidTokenError(f"kit token is longer than any kit token ({MAX_KIT_TOKEN_LENGTH} characters)")
    token, separator, rest = text.partition(KIT_SEPARATOR)
    fields_text = rest.partition(KIT_SEPARATOR)[0]  # the UIKit reads split("#")[1]
    if not separator:
        raise InvalidTokenError(
            f'not a kit token: no "{KIT_SEPARATOR}" after the token04 (read a plain token04 with decode_token04)'
        )
    if len(fields_text) > MAX_KIT_PART_LENGTH:
        raise InvalidTokenError(f"the kit fields are longer than {MAX_KIT_PART_LENGTH} characters")
    return token, _read_fields(fields_text)


def _read_fields(text: str) -> tuple[int, str, str, str]:
    """The login fields after "#" (appID, userID, roomID, userName) as the UIKit reads them.

    The UIKit reads ``JSON.parse(atob(part))``, then ``1*appID`` and
    ``decodeURIComponent(userName)``: so does this, and it refuses only what
    gives no login the SDK can make (InvalidTokenError): base64 or JSON the
    UIKit cannot read, an appID that does not read as an AppID, a userID or
    roomID that is not a string, a userName decodeURIComponent throws on.
    (An appID written as a one-element array, which JavaScript reads as its
    element, is refused here.)
    """
    data = _atob(text)
    if data is None:
        raise InvalidTokenError(
            f'the kit fields after "{KIT_SEPARATOR}" are not base64 (the UIKit\'s atob refuses them)'
        )
    try:
        fields = _json_parse(data.decode("latin-1"))
    except (ValueError, RecursionError):
        fields = None
    if type(fields) is not dict:
        raise InvalidTokenError(f'the kit fields after "{KIT_SEPARATOR}" are not a JSON object')
    user_id, room_id = _id_field(fields, "userID"), _id_field(fields, "roomID")
    return (
        _app_id_field(fields.get("appID", _MISSING)),
        user_id,
        room_id,
        _user_name_field(fields.get("userName", _MISSING)),
    )


_MISSING = object()  # a member the kit fields do not have: JavaScript's undefined
_BASE64_CHARACTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
# ECMAScript's WhiteSpace and LineTerminator, which Number() strips from a string before reading it.
_JAVASCRIPT_SPACE = "\t\n\v\f\r \u00a0\u1680\u2028\u2029\u202f\u205f\u3000\ufeff" + "".join(
    map(chr, range(0x2000, 0x200B))
)
_JAVASCRIPT_DECIMAL = re.compile(r"[+-]?(?:Infinity|(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)")
_JAVASCRIPT_RADIX = {"x": 16, "o": 8, "b": 2}
_JAVASCRIPT_INTEGER = re.compile(r"0([xXoObB])([0-9A-Fa-f]+)")
_ESCAPE_RUN = re.compile(r"(?:%[0-9A-Fa-f]{2})+")


def _refuse_constant(name: str) -> object:
    raise ValueError(f"{name} is not JSON")  # JSON.parse refuses NaN and Infinity; Python's json takes them


_json_parse = json.JSONDecoder(parse_constant=_refuse_constant).decode  # a repeated name: the last one, as JSON.parse


def _atob(text: str) -> bytes | None:
    """The browser's atob (forgiving base64): ASCII whitespace dropped, padding optional, spare bits ignored."""
    data = text.translate({ord(space): None for space in "\t\n\f\r "})
    if len(data) % 4 == 0 and data.endswith("="):
        data = data[:-2] if data.endswith("==") else data[:-1]
    if len(data) % 4 == 1 or not _BASE64_CHARACTERS.issuperset(data):
        return None
    return binascii.a2b_base64(data + "=" * (-len(data) % 4))


def _app_id_field(value: object) -> int:
    """The AppID the UIKit logs in with, 1*appID, when that is an AppID."""
    number = _javascript_number(value)
    app_id = int(number) if math.isfinite(number) and number.is_integer() else None
    if token04._app_id_value(app_id) is None:
        shown = "missing" if value is _MISSING else f"read as {number:g} by the UIKit"
        raise InvalidTokenError(f"the kit's appID is not an AppID ({token04._APP_ID_RULE}): it is {shown}")
    return app_id  # type: ignore[return-value]


def _javascript_number(value: object) -> float:
    """What JavaScript's 1*value is for a JSON value (NaN for what is not a number)."""
    if value is None or isinstance(value, bool):
        return float(bool(value))
    if isinstance(value, (int, float)):
        try:
            return float(value)
        except OverflowError:
            return math.inf
    if not isinstance(value, str):
        return math.nan  # missing, an object, an array
    text = value.strip(_JAVASCRIPT_SPACE)
    if not text:
        return 0.0
    if _JAVASCRIPT_DECIMAL.fullmatch(text):
        return float(text)
    radix = _JAVASCRIPT_INTEGER.fullmatch(text)
    try:
        return float(int(radix.group(2), _JAVASCRIPT_RADIX[radix.group(1).lower()])) if radix else math.nan
    except (ValueError, OverflowError):
        return math.nan


def _id_field(fields: dict[str, object], name: str) -> str:
    value = fields.get(name, _MISSING)
    if value is _MISSING:
        raise InvalidTokenError(f"the kit fields have no {name}")
    if type(value) is not str:
        raise InvalidTokenError(f"the kit's {name} is not a string (the SDK logs in with string IDs)")
    return value


def _user_name_field(value: object) -> str:
    """decodeURIComponent(userName), as the UIKit shows it: a missing one reads "undefined", as there."""
    if value is _MISSING or value is None or isinstance(value, bool):
        text = {_MISSING: "undefined", None: "null", True: "true", False: "false"}[value]
    elif type(value) is int and abs(value) < 10**21:  # below 1e21 JavaScript writes an integer's digits
        text = str(value)
    elif type(value) is str:
        text = value
    else:
        raise InvalidTokenError("the kit's userName is not text")
    try:
        return _decode_uri_component(text)
    except ValueError:
        raise InvalidTokenError(
            "the kit's userName is not as decodeURIComponent reads it (a broken % escape)"
        ) from None


def _fields_part(app_id: object, room_id: object, user_id: object, user_name: object) -> str:
    """The login fields as the UIKit writes them after "#": JSON.stringify's spelling, then btoa."""
    if token04._as_int(app_id) is None:
        raise TypeError(f"app_id must be an int, not {token04._type_name(app_id)}")
    app_id_value = token04._app_id_value(app_id)
    if app_id_value is None:
        raise ValueError(f"app_id must be {token04._APP_ID_RULE}")
    fields = {
        "userID": _as_javascript(_str_argument(user_id, "user_id")),
        "roomID": _as_javascript(_str_argument(room_id, "room_id")),
        "userName": _encode_uri_component(_str_argument(user_name, "user_name")),
        "appID": app_id_value,
    }
    try:
        data = _stringify(fields).encode("latin-1")
    except UnicodeEncodeError:
        raise ValueError(
            "user_id and room_id must be characters up to U+00FF: the UIKit's btoa refuses any other"
        ) from None
    return binascii.b2a_base64(data, newline=False).decode("ascii")


def _str_argument(value: object, name: str) -> str:
    text = token04._as_str(value)
    if text is None:
        raise TypeError(f"{name} must be a str, not {token04._type_name(value)}")
    return text


def _as_javascript(text: str) -> str:
    """The string JavaScript holds for `text`: surrogate pairs joined into the characters they make."""
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")


def _encode_uri_component(text: str) -> str:
    """JavaScript's encodeURIComponent: UTF-8, %XX in capitals; a lone surrogate is a ValueError."""
    try:
        data = _as_javascript(text).encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("user_name has a lone surrogate: encodeURIComponent refuses it") from None
    return "".join(chr(byte) if byte in _URI_UNRESERVED else f"%{byte:02X}" for byte in data)


def _decode_uri_component(text: str) -> str:
    """JavaScript's decodeURIComponent: each run of %XX read as UTF-8, everything else as it is.

    ValueError where JavaScript throws URIError: a "%" without two hex digits after it, or escapes
    that are not UTF-8.
    """
    if "%" in _ESCAPE_RUN.sub("", text):
        raise ValueError("a % without two hex digits")
    return _ESCAPE_RUN.sub(lambda run: bytes.fromhex(run.group().replace("%", "")).decode("utf-8"), text)


def _stringify(fields: dict[str, object]) -> str:
    """JSON.stringify: no spaces, non-ASCII as itself, a lone surrogate as a \\u escape."""
    text = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
    return "".join(f"\\u{ord(c):04x}" if "\ud800" <= c <= "\udfff" else c for c in text)
