"""zego-token04: generate, decode and check ZEGO token04 authentication tokens.

Installed, the package is ``zego_token04``; from a checkout or a copy of
``src/``, it is ``src``, as upstream uses it::

    from zego_token04 import token04          # or: from src import token04
    info = token04.generate_token04(app_id, user_id, secret, 3600, "")

Everything public is also here: ``from zego_token04 import check_token04``.
"""

from .check import CheckReport, Finding, check_token04
from .ids import check_room_id, check_stream_id, check_user_id
from .kit import KitToken, decode_kit_token, make_kit_token
from .token04 import (
    ExpiredTokenError,
    InvalidTokenError,
    RtcRoomPayload,
    Token04,
    TokenInfo,
    decode_token04,
    generate_token04,
    parse_rtc_room_payload,
    rtc_room_payload,
)

__all__ = [
    "__version__",
    "generate_token04",
    "decode_token04",
    "rtc_room_payload",
    "parse_rtc_room_payload",
    "make_kit_token",
    "decode_kit_token",
    "check_token04",
    "check_user_id",
    "check_room_id",
    "check_stream_id",
    "TokenInfo",
    "Token04",
    "RtcRoomPayload",
    "KitToken",
    "CheckReport",
    "Finding",
    "InvalidTokenError",
    "ExpiredTokenError",
]

__version__ = "2.0.0"
