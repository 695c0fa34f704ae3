"""zego-token04: make, read and check ZEGO token04s; sign Server API requests; verify callbacks.

Installed, the package is ``zego_token04``; from a checkout or a copy of
``src/``, it is ``src``, as upstream uses it::

    from zego_token04 import ZegoProject       # the front door
    zego = ZegoProject.from_env()              # ZEGO_APP_ID, ZEGO_SERVER_SECRET
    token = zego.token("user_42", room_id="room1")

    from zego_token04 import token04           # upstream's function, as it was
    info = token04.generate_token04(app_id, user_id, secret, 3600, "")

The root holds what users call and catch; limits, modes' details, privilege
keys and rule tables stay in their modules (``zego_token04.check.RULES``).
Each name is imported when first used (PEP 562): ``from src import token04``
loads the token code alone, as upstream's one file did.
"""

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "3.0.0"

# Each module, and the root's names that live in it: imported the first time one is used.
_HOMES = {
    "project": "ZegoProject",
    "errors": "ZegoError InvalidTokenError ExpiredTokenError TokenError",
    "_values": "DecodeOptions",
    "server": "ZegoApiError ZegoBatchError InvalidCallbackError CallbackLogError api_signature "
    "api_params "
    "api_url call_api acall_api callback_signature verify_callback averify_callback "
    "CallbackLog AsyncCallbackLog MemoryCallbackLog RedisCallbackLog AsyncRedisCallbackLog",
    "token04": "TokenInfo Token04 MODE_CBC MODE_GCM generate_token04 decode_token04 "
    "ERROR_CODE_SUCCESS ERROR_CODE_APP_ID_INVALID ERROR_CODE_USER_ID_INVALID "
    "ERROR_CODE_SECRET_INVALID ERROR_CODE_EFFECTIVE_TIME_IN_SECONDS_INVALID "
    "ERROR_CODE_PAYLOAD_INVALID ERROR_CODE_MODE_INVALID",
    "token03": "Token03 decode_token03",
    "kit": "KitToken make_kit_token decode_kit_token",
    "payload": "RtcRoomPayload rtc_room_payload parse_rtc_room_payload",
    "check": "read_token check_token04 CheckReport Finding check_user_id check_room_id "
    "check_stream_id",
}
_HOME = {name: home for home, names in _HOMES.items() for name in names.split()}

# The same names, as type checkers read them (a literal list).
__all__ = ["__version__", "token04", "ZegoProject"]
__all__ += ["ZegoError", "InvalidTokenError", "ExpiredTokenError", "TokenError"]
__all__ += ["ZegoApiError", "ZegoBatchError", "InvalidCallbackError", "CallbackLogError"]
__all__ += ["TokenInfo", "Token04", "Token03", "KitToken", "MODE_CBC", "MODE_GCM"]
__all__ += ["generate_token04", "decode_token04", "decode_token03", "read_token", "DecodeOptions"]
__all__ += ["make_kit_token", "decode_kit_token"]
__all__ += ["RtcRoomPayload", "rtc_room_payload", "parse_rtc_room_payload"]
__all__ += ["check_token04", "CheckReport", "Finding"]
__all__ += ["check_user_id", "check_room_id", "check_stream_id"]
__all__ += ["api_signature", "api_params", "api_url", "call_api", "acall_api"]
__all__ += ["callback_signature", "verify_callback", "averify_callback"]
__all__ += ["CallbackLog", "AsyncCallbackLog", "MemoryCallbackLog", "RedisCallbackLog"]
__all__ += ["AsyncRedisCallbackLog"]
__all__ += ["ERROR_CODE_SUCCESS", "ERROR_CODE_APP_ID_INVALID", "ERROR_CODE_USER_ID_INVALID"]
__all__ += ["ERROR_CODE_SECRET_INVALID", "ERROR_CODE_EFFECTIVE_TIME_IN_SECONDS_INVALID"]
__all__ += ["ERROR_CODE_PAYLOAD_INVALID", "ERROR_CODE_MODE_INVALID"]


def __getattr__(name: str) -> Any:
    if name == "token04":  # the submodule upstream's users import
        return importlib.import_module(".token04", __name__)
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_HOME[name]}", __name__), name)
    globals()[name] = value  # the next use finds it here
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


# What type checkers read; at run time, __getattr__ imports each name when first used.
if TYPE_CHECKING:
    from . import token04
    from ._values import DecodeOptions
    from .check import (
        CheckReport,
        Finding,
        check_room_id,
        check_stream_id,
        check_token04,
        check_user_id,
        read_token,
    )
    from .errors import ExpiredTokenError, InvalidTokenError, TokenError, ZegoError
    from .kit import KitToken, decode_kit_token, make_kit_token
    from .payload import RtcRoomPayload, parse_rtc_room_payload, rtc_room_payload
    from .project import ZegoProject
    from .server import (
        AsyncCallbackLog,
        AsyncRedisCallbackLog,
        CallbackLog,
        CallbackLogError,
        InvalidCallbackError,
        MemoryCallbackLog,
        RedisCallbackLog,
        ZegoApiError,
        ZegoBatchError,
        acall_api,
        api_params,
        api_signature,
        api_url,
        averify_callback,
        call_api,
        callback_signature,
        verify_callback,
    )
    from .token03 import Token03, decode_token03
    from .token04 import (
        ERROR_CODE_APP_ID_INVALID,
        ERROR_CODE_EFFECTIVE_TIME_IN_SECONDS_INVALID,
        ERROR_CODE_MODE_INVALID,
        ERROR_CODE_PAYLOAD_INVALID,
        ERROR_CODE_SECRET_INVALID,
        ERROR_CODE_SUCCESS,
        ERROR_CODE_USER_ID_INVALID,
        MODE_CBC,
        MODE_GCM,
        Token04,
        TokenInfo,
        decode_token04,
        generate_token04,
    )
