"""ZEGOCLOUD UIKit kit tokens: a token04 and the login fields the UIKit logs in with.

A kit token is ``token04 + "#" + base64(JSON)``, the JSON being
``{"userID":…,"roomID":…,"userName":encodeURIComponent(name),"appID":…}``, as
the UIKit's ``generateKitTokenForProduction(appID, token, roomID, userID,
userName)`` makes it in the browser: ``JSON.stringify``'s spelling, then
``btoa`` (standard base64 of the text's Latin-1 bytes).

``decode_kit_token`` reads the fields as real generators write them: members
in any order, extra members ignored, ``appID`` a JSON number or a string of
decimal digits, ``userName`` percent-encoded (either case). Where the UIKit's
own reader would take something stranger (``"0x10"`` as an appID), this one
refuses it.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import urllib.parse
from typing import NamedTuple

from ._frame import MAX_TOKEN_LENGTH, read_frame
from ._values import (
    APP_ID_RULE,
    Seconds,
    app_id_value,
    parse_whole_number,
    read_options,
    require_app_id,
    require_secret,
    require_str,
    type_name,
)
from .errors import InvalidTokenError, TokenError
from .token04 import (
    ERROR_CODE_PAYLOAD_INVALID,
    ERROR_CODE_USER_ID_INVALID,
    VERSION,
    Token04,
    decode_token04,
)

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
"""The longest login-field part read or made (the SDK's IDs and names take far less)."""
MAX_KIT_TOKEN_LENGTH = MAX_TOKEN_LENGTH + len(KIT_SEPARATOR) + MAX_KIT_PART_LENGTH
"""decode_kit_token refuses a longer kit token unread."""

# encodeURIComponent leaves these as they are and writes every other UTF-8 byte as %XX.
_URI_UNRESERVED = "-_.!~*'()"
_BROKEN_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")


class KitToken(NamedTuple):
    """A decoded kit token: the token04's contents and the login fields beside it."""

    token: Token04
    """What the token04 holds (its app_id and user_id equal the fields below)."""
    app_id: int
    """The AppID of the login fields."""
    user_id: str
    """The userID of the login fields."""
    room_id: str
    """The room the UIKit logs in to."""
    user_name: str
    """The display name, decoded from its encodeURIComponent form."""

    @property
    def expire(self) -> int:
        """The token04's expire (Unix seconds)."""
        return self.token.expire


def make_kit_token(token: str, app_id: int, room_id: str, user_id: str, user_name: str = "") -> str:
    """Wrap a server-made token04 as the UIKit's kit token.

    The result is identical, character for character, to what the UIKit's
    ``generateKitTokenForProduction(app_id, token, room_id, user_id,
    user_name)`` returns for the same values. Raises TypeError for an argument
    of the wrong type, ValueError for an app_id that is not an AppID,
    InvalidTokenError if ``token`` is not a token04 (its frame is read, not
    decrypted), and TokenError (``argument`` names it) for a value the UIKit
    cannot carry: an ID with a character above U+00FF (``btoa`` takes Latin-1
    only), a name with a lone surrogate, or fields longer than
    MAX_KIT_PART_LENGTH (decode_kit_token would refuse them).
    """
    token_text = require_str(token, "token")
    fields = {
        "userID": _latin1_field(user_id, "user_id", ERROR_CODE_USER_ID_INVALID),
        "roomID": _latin1_field(room_id, "room_id", ERROR_CODE_PAYLOAD_INVALID),
        "userName": _encode_uri_component(_javascript_string(user_name, "user_name")),
        "appID": require_app_id(app_id),
    }
    if KIT_SEPARATOR in token_text:
        raise InvalidTokenError(
            f'token must not contain "{KIT_SEPARATOR}": pass the token generate_token04 made'
        )
    read_frame(token_text, VERSION)
    part = base64.b64encode(_stringify(fields).encode("latin-1")).decode("ascii")
    if len(part) > MAX_KIT_PART_LENGTH:
        raise TokenError(
            f"the kit fields would be longer than {MAX_KIT_PART_LENGTH} characters: shorten "
            "the IDs or user_name",
            ERROR_CODE_PAYLOAD_INVALID,
            "user_name",
        )
    return token_text + KIT_SEPARATOR + part


def decode_kit_token(
    token: str,
    secret: str,
    *,
    now: Seconds | None = None,
    leeway: Seconds = 0,
    verify_expiry: bool = True,
    mode: str | None = None,
) -> KitToken:
    """Read a kit token: decode its token04 with ``secret``, and its login fields.

    Raises InvalidTokenError when the token04 is bad, when the login fields are not a kit's, and
    when the fields' appID or userID differ from the token's: the UIKit would log in as
    someone the token is not for; then ExpiredTokenError (carrying the
    KitToken) when it has expired. ``now``, ``leeway``, ``verify_expiry`` and
    ``mode`` are decode_token04's; like it, a malformed secret raises TypeError
    or ValueError.
    """
    options = read_options(now, leeway, verify_expiry, mode)
    secret = require_secret(secret)
    if not isinstance(token, str):
        raise InvalidTokenError(f"kit token must be a str, not {type_name(token)}")
    if len(token) > MAX_KIT_TOKEN_LENGTH:
        raise InvalidTokenError(
            f"kit token is longer than any kit token ({MAX_KIT_TOKEN_LENGTH} characters)"
        )
    token, separator, fields = str.__str__(token).partition(KIT_SEPARATOR)
    if not separator:
        raise InvalidTokenError(
            f'not a kit token: no "{KIT_SEPARATOR}" after the token04 (read it with decode_token04)'
        )
    kit = KitToken(
        decode_token04(token, secret, verify_expiry=False, mode=options.mode),
        *_read_fields(fields.partition(KIT_SEPARATOR)[0]),  # the UIKit reads split("#")[1]
    )
    if kit.app_id != kit.token.app_id:
        raise InvalidTokenError(
            f"the kit's appID {kit.app_id} differs from the token's app_id {kit.token.app_id}"
        )
    if kit.user_id != kit.token.user_id:
        raise InvalidTokenError(
            "the kit's userID differs from the token's user_id: the UIKit would log in as "
            "another user"
        )
    return options.unexpired(kit)


def _read_fields(part: str) -> tuple[int, str, str, str]:
    """The login fields after "#" (appID, userID, roomID, userName), each as the UIKit reads it."""
    if len(part) > MAX_KIT_PART_LENGTH:
        raise InvalidTokenError(f"the kit fields are longer than {MAX_KIT_PART_LENGTH} characters")
    fields = _json_parse(_atob(part))
    if not isinstance(fields, dict):
        raise InvalidTokenError(f'the kit fields after "{KIT_SEPARATOR}" are not a JSON object')
    for name in ("userID", "roomID", "userName"):
        if name not in fields:
            raise InvalidTokenError(f"the kit fields have no {name}")
        if not isinstance(fields[name], str):
            raise InvalidTokenError(f"the kit's {name} is not a string")
    return (
        _app_id_field(fields.get("appID")),
        fields["userID"],
        fields["roomID"],
        _user_name(fields["userName"]),
    )


def _atob(part: str) -> bytes:
    """The browser's atob: standard base64, white space dropped, the "=" padding optional."""
    encoded = "".join(part.split()).rstrip("=")
    try:
        return base64.b64decode(encoded + "=" * (-len(encoded) % 4), validate=True)
    except (ValueError, binascii.Error):
        raise InvalidTokenError(f'the kit fields after "{KIT_SEPARATOR}" are not base64') from None


def _refuse_constant(name: str) -> object:
    raise ValueError("not JSON")  # JSON.parse refuses NaN and Infinity; Python's json takes them


_json_decoder = json.JSONDecoder(parse_constant=_refuse_constant)


def _json_parse(data: bytes) -> object:
    try:
        # A repeated name: the last one, as JSON.parse.
        return _json_decoder.decode(data.decode("latin-1"))
    except (ValueError, RecursionError):
        raise InvalidTokenError(f'the kit fields after "{KIT_SEPARATOR}" are not JSON') from None


def _app_id_field(value: object) -> int:
    """The kit's appID: a JSON number, or a string of decimal digits, that is an AppID."""
    number = parse_whole_number(value) if isinstance(value, str) else value
    if isinstance(number, float) and number.is_integer():
        number = int(number)
    if isinstance(number, bool) or app_id_value(number) is None:
        raise InvalidTokenError(f"the kit's appID is not an AppID ({APP_ID_RULE})")
    return number  # type: ignore[return-value]


def _user_name(encoded: str) -> str:
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


def _javascript_string(value: object, name: str) -> str:
    """A str argument as JavaScript holds it: surrogate pairs joined into the characters they
    make."""
    return (
        require_str(value, name)
        .encode("utf-16-le", "surrogatepass")
        .decode("utf-16-le", "surrogatepass")
    )


def _latin1_field(value: object, name: str, error_code: int) -> str:
    """An ID for the kit fields, refused unless the UIKit's btoa can write it (Latin-1)."""
    text = _javascript_string(value, name)
    if not all(
        character <= "\xff" or "\ud800" <= character <= "\udfff" for character in text
    ):  # a lone one: \u
        raise TokenError(
            f"{name} must be characters up to U+00FF: the UIKit's btoa refuses others",
            error_code,
            name,
        )
    return text


def _encode_uri_component(text: str) -> str:
    """JavaScript's encodeURIComponent: UTF-8, %XX in capitals; a lone surrogate is refused, as
    there."""
    try:
        return urllib.parse.quote(text, safe=_URI_UNRESERVED, errors="strict")
    except UnicodeEncodeError:
        raise TokenError(
            "user_name has a lone surrogate: encodeURIComponent refuses it",
            ERROR_CODE_PAYLOAD_INVALID,
            "user_name",
        ) from None


def _stringify(fields: dict[str, object]) -> str:
    """JSON.stringify: no spaces, non-ASCII as itself, a lone surrogate as a \\u escape."""
    text = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
    return "".join(f"\\u{ord(c):04x}" if "\ud800" <= c <= "\udfff" else c for c in text)
