"""ZegoProject: one ZEGO project's AppID and ServerSecret, checked once, and the tokens made and read with them.

    zego = ZegoProject.from_env()  # ZEGO_APP_ID, ZEGO_SERVER_SECRET
    token = zego.token("user_42", room_id="room1")
    contents = zego.decode(token)

It raises where ``generate_token04`` returns codes: a bad argument is a
``TokenError`` (a ``ValueError`` carrying upstream's ``error_code``). Its
``repr()`` and ``str()`` show the AppID, never the secret.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from datetime import timedelta

from . import check, kit, token04

__all__ = ["APP_ID_ENV", "SECRET_ENV", "TokenError", "ZegoProject"]

APP_ID_ENV = "ZEGO_APP_ID"
"""The environment variable ZegoProject.from_env (and the command line) reads the AppID from."""
SECRET_ENV = "ZEGO_SERVER_SECRET"
"""The environment variable ZegoProject.from_env (and the command line) reads the ServerSecret from."""


class TokenError(ValueError):
    """An argument the token cannot be made with; ``error_code`` is generate_token04's (ERROR_CODE_*)."""

    def __init__(self, message: str, error_code: int) -> None:
        super().__init__(message)
        self.error_code = error_code


class ZegoProject:
    """A ZEGO project: its AppID and ServerSecret, checked once, here.

    Raises TypeError or ValueError, naming the argument, for an ``app_id``
    that is not an int from 1 to 4294967295 or a ``secret`` that is not a str
    of 32 ASCII characters; the secret is never shown.
    """

    __slots__ = ("_secret", "app_id")

    def __init__(self, app_id: int, secret: str) -> None:
        if token04._as_int(app_id) is None:
            raise TypeError(f"app_id must be an int, not {token04._type_name(app_id)}")
        app_id_value = token04._app_id_value(app_id)
        if app_id_value is None:
            raise ValueError(f"app_id must be {token04._APP_ID_RULE}")
        self.app_id: int = app_id_value
        """The project's AppID."""
        self._secret = token04._require_secret(secret)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> ZegoProject:
        """The project named by ZEGO_APP_ID and ZEGO_SERVER_SECRET in ``environ`` (default: os.environ).

        ValueError, naming the variable, if one is missing or malformed.
        """
        environ = os.environ if environ is None else environ
        app_id = _whole_number(environ.get(APP_ID_ENV, "").strip())
        if app_id is None or token04._app_id_value(app_id) is None:
            raise ValueError(f"{APP_ID_ENV} must be set to your AppID, a whole number from 1 to {token04.MAX_APP_ID}")
        secret = token04._plain_secret(environ.get(SECRET_ENV, "").strip())
        if secret is None:
            raise ValueError(f"{SECRET_ENV} must be set to your ServerSecret, {token04.SECRET_LENGTH} ASCII characters")
        return cls(app_id, secret)

    def __repr__(self) -> str:
        return f"ZegoProject(app_id={self.app_id}, secret=<hidden>)"

    def token(
        self,
        user_id: str,
        *,
        ttl: int | timedelta = 3600,
        room_id: str | None = None,
        login: bool = True,
        publish: bool = True,
        stream_ids: Iterable[str] | None = None,
        payload: str | None = None,
        mode: str = token04.MODE_CBC,
    ) -> str:
        """A token04 for ``user_id``, valid for ``ttl`` (whole seconds, or a timedelta of them).

        A ``room_id`` makes a privilege token (``login``, ``publish`` and
        ``stream_ids`` as ``rtc_room_payload`` takes them); ``payload`` is any
        other payload. Raises TokenError (a ValueError with the upstream
        ``error_code``) for an argument the token cannot be made with, and
        TypeError or ValueError for the privilege arguments.
        """
        if room_id is not None:
            if payload is not None:
                raise ValueError("give room_id (a privilege token) or payload, not both")
            payload = token04.rtc_room_payload(room_id, login=login, publish=publish, stream_ids=stream_ids)
        elif not (login is True and publish is True and stream_ids is None):
            raise ValueError("login, publish and stream_ids go with room_id")
        info = token04.generate_token04(self.app_id, user_id, self._secret, _ttl_seconds(ttl), payload, mode=mode)
        if info.error_code == token04.ERROR_CODE_EFFECTIVE_TIME_IN_SECONDS_INVALID:
            raise TokenError("ttl must be more than 0 seconds, and its expire time a 64-bit number", info.error_code)
        if info.error_code != token04.ERROR_CODE_SUCCESS:
            raise TokenError(info.error_message, info.error_code)
        return info.token

    def decode(
        self,
        token: str,
        *,
        leeway: token04.Seconds = 0,
        now: token04.Seconds | None = None,
        verify_expiry: bool = True,
    ) -> token04.Token04:
        """What ``token`` holds, as decode_token04 reads it; InvalidTokenError too if it is for another AppID."""
        contents = token04.decode_token04(token, self._secret, now=now, leeway=leeway, verify_expiry=verify_expiry)
        if contents.app_id != self.app_id:
            raise token04.InvalidTokenError(
                f"the token is for AppID {contents.app_id}, not this project's {self.app_id}"
            )
        return contents

    def check(self, token: str, **login: object) -> check.CheckReport:
        """check_token04 for this project: ``login`` as check_token04 takes it, app_id this project's."""
        login.setdefault("app_id", self.app_id)
        return check.check_token04(token, self._secret, **login)  # type: ignore[arg-type]

    def kit_token(self, user_id: str, room_id: str, *, user_name: str = "", ttl: int | timedelta = 3600) -> str:
        """A UIKit kit token: a token for ``user_id`` wrapped with the login fields of ``room_id``."""
        return kit.make_kit_token(self.token(user_id, ttl=ttl), self.app_id, room_id, user_id, user_name)


def _whole_number(text: str) -> int | None:
    """ASCII decimal digits (no sign, space, underscore or other scripts' digits) as an int, else None."""
    return int(text) if 0 < len(text) <= 20 and text.isascii() and text.isdigit() else None


def _ttl_seconds(ttl: object) -> int:
    """A lifetime as whole seconds: an int (not bool), or a timedelta of whole seconds."""
    if isinstance(ttl, timedelta):
        seconds, rest = divmod(ttl, timedelta(seconds=1))
        if rest:
            raise ValueError("ttl must be a whole number of seconds")
        return int(seconds)
    whole = token04._as_int(ttl)
    if whole is None:
        raise TypeError(f"ttl must be an int of seconds or a timedelta, not {token04._type_name(ttl)}")
    return whole
