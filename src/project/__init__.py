"""ZegoProject: one ZEGO project's AppID and secrets, checked once, and all that is done with them.

    zego = ZegoProject.from_env()  # ZEGO_APP_ID, ZEGO_SERVER_SECRET (ZEGO_CALLBACK_SECRET)
    token = zego.token("user_42", room_id="room1")
    contents = zego.decode(token)

It raises where ``generate_token04`` returns codes (``TokenError``, with ``error_code`` and
``argument``). No secret is shown, in a repr or a message; a ZegoProject is never pickled.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from datetime import timedelta
from typing import TYPE_CHECKING, Any, NoReturn

from .._values import (
    DecodeOptions,
    as_int,
    read_options,
    require_app_id,
    require_callback_secret,
    require_secret,
    require_str,
    type_name,
)
from ..check import CheckReport, check_token04
from ..check._sdk import refuse_ids
from ..errors import InvalidTokenError, TokenError
from ..kit import make_kit_token
from ..payload import rtc_room_payload
from ..server import (
    AsyncCallbackLog,
    CallbackLog,
    MemoryCallbackLog,
    averify_callback,
    verify_callback,
)
from ..server._callbacks import DEFAULT_MAX_AGE
from ..server._client import ApiClient
from ..server._wire import checked_settings
from ..token04 import (
    ERROR_CODE_EFFECTIVE_TIME_IN_SECONDS_INVALID,
    MODE_CBC,
    Token04,
    decode_token04,
    make_token04,
)
from ._environment import CALLBACK_SECRET_ENV, Credentials, checked_credentials, read_credentials

if TYPE_CHECKING:  # generated with the catalogue: the Actions and their parameters, as types
    from ..server._actions import ACallApi, CallApi

__all__ = ["ZegoProject"]


class ZegoProject:
    """A ZEGO project: its AppID, ServerSecret and (optional) CallbackSecret, checked once, here.

    Raises TypeError or ValueError, naming the argument, for an ``app_id`` that is not an int
    from 1 to 4294967295, a secret that is not a str of 32 ASCII characters, or a setting that
    cannot be used; no secret is ever shown. The Server API's settings: ``is_test`` (its
    ``IsTest``; None: not sent, only projects made before 2021-11-17 need it), ``region`` (the
    regional hosts: ``"sgp"``...), ``base_url`` (every call goes there: a proxy, a test server),
    ``timeout`` (seconds a call may take, all in all), ``retries``, and ``transport`` (an httpx
    transport: ``httpx.MockTransport(handler)`` fakes ZEGO in tests). The project keeps its
    connections alive: ``close()``, ``await aclose()``, ``with`` and ``async with`` close them.
    """

    __slots__ = ("_api", "_callback_secret", "_secret", "app_id")
    app_id: int
    """The project's AppID."""

    def __init__(
        self,
        app_id: int,
        secret: str,
        *,
        callback_secret: str | None = None,
        is_test: bool | None = None,
        region: str | None = None,
        base_url: str | None = None,
        timeout: float = 10,
        retries: int = 2,
        transport: Any = None,
    ) -> None:
        # Kept as Fernet keeps its keys: on objects whose repr hides them (Credentials, then
        # self), the parameters gone before anything is checked and can raise.
        credentials = Credentials(app_id, secret, callback_secret)
        del secret, callback_secret
        self.app_id = require_app_id(credentials.app_id)
        self._secret = require_secret(credentials.secret)
        self._callback_secret = None
        if credentials.callback_secret is not None:
            self._callback_secret = require_callback_secret(
                credentials.callback_secret, "callback_secret"
            )
        settings = checked_settings(region, base_url, timeout, retries, is_test)
        self._api = ApiClient(self.app_id, self._secret, settings, transport)

    @classmethod
    def from_env(cls, environ: Mapping[str, object] | None = None, **settings: Any) -> ZegoProject:
        """The project named by ZEGO_APP_ID, ZEGO_SERVER_SECRET and (if set) ZEGO_CALLBACK_SECRET;
        ``settings`` are the Server API's (``region``, ``base_url``, ``timeout``...).

        ``environ`` defaults to os.environ. Raises ValueError, naming the variable, if one is
        missing or malformed (white space around it is taken off; a secret in quotes is named as
        such); TypeError if ``environ`` is not a mapping.
        """
        credentials = read_credentials(os.environ if environ is None else environ)
        environ = None  # it holds the secrets: not kept in a frame an error tracker records
        credentials = checked_credentials(credentials)
        return cls(
            credentials.app_id,  # type: ignore[arg-type]
            credentials.secret,  # type: ignore[arg-type]
            callback_secret=credentials.callback_secret,  # type: ignore[arg-type]
            **settings,
        )

    def __repr__(self) -> str:
        return f"ZegoProject(app_id={getattr(self, 'app_id', None)}, secret=<hidden>)"

    def __reduce_ex__(self, protocol: Any) -> NoReturn:
        raise TypeError(_NOT_PICKLED)

    def __getstate__(self) -> NoReturn:  # Python 3.11's default would return the secrets
        raise TypeError(_NOT_PICKLED)

    def __copy__(self) -> ZegoProject:
        return self

    def __deepcopy__(self, memo: Any) -> ZegoProject:
        return self

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
        mode: str = MODE_CBC,
    ) -> str:
        """A token04 for ``user_id``, valid for ``ttl`` (whole seconds, or a timedelta of them).

        A ``room_id`` makes a privilege token (``login``, ``publish`` and
        ``stream_ids`` as ``rtc_room_payload`` takes them); ``payload`` is any
        other payload. Raises TokenError (``error_code``, ``argument``) for a
        value the token cannot be made with, and for an ID every ZEGO SDK refuses
        (what every SDK refuses): every value an end user can send (IDs,
        payload) is refused so. TypeError for arguments of the wrong type.
        """
        if stream_ids is not None and not isinstance(stream_ids, (str, bytes)):
            stream_ids = tuple(stream_ids)  # read twice: for the payload, and for the SDKs' rules
        if room_id is not None:
            if payload is not None:
                raise TypeError("give room_id (a privilege token) or payload, not both")
            payload = rtc_room_payload(room_id, login=login, publish=publish, stream_ids=stream_ids)
        elif not (login is True and publish is True and stream_ids is None):
            raise TypeError("login, publish and stream_ids go with room_id")
        refuse_ids(require_str(user_id, "user_id"), room_id, stream_ids)
        return make_token04(
            self.app_id, user_id, self._secret, _ttl_seconds(ttl), payload, mode=mode
        )

    def decode(self, token: str, options: DecodeOptions = DecodeOptions()) -> Token04:
        """What ``token`` holds, as decode_token04 reads it with ``options``; InvalidTokenError
        too if it is for another AppID."""
        contents = decode_token04(token, self._secret, **read_options(options)._asdict())
        if contents.app_id != self.app_id:
            raise InvalidTokenError(
                f"the token is for AppID {contents.app_id}, not this project's {self.app_id}"
            )
        return contents

    def check(self, token: str, **login: Any) -> CheckReport:
        """check_token04 for this project: ``login`` as check_token04 takes it."""
        login.setdefault("app_id", self.app_id)
        return check_token04(token, self._secret, **login)

    def verify_callback(
        self,
        body: bytes | str | Mapping[str, Any],
        *,
        max_age: float | timedelta = DEFAULT_MAX_AGE,
        now: float | None = None,
        seen: CallbackLog | None = None,
    ) -> dict[str, Any]:
        """verify_callback with this project's CallbackSecret (ValueError if it has none)."""
        secret = self._callback_secret_or_refuse()
        return verify_callback(body, secret, max_age=max_age, now=now, seen=seen)

    async def averify_callback(
        self,
        body: bytes | str | Mapping[str, Any],
        *,
        max_age: float | timedelta = DEFAULT_MAX_AGE,
        now: float | None = None,
        seen: AsyncCallbackLog | MemoryCallbackLog | None = None,
    ) -> dict[str, Any]:
        """verify_callback for asyncio (see server.averify_callback)."""
        secret = self._callback_secret_or_refuse()
        return await averify_callback(body, secret, max_age=max_age, now=now, seen=seen)

    def _callback_secret_or_refuse(self) -> str:
        if self._callback_secret is None:
            raise ValueError(f"this ZegoProject has no callback_secret: set {CALLBACK_SECRET_ENV}")
        return self._callback_secret

    def kit_token(
        self, user_id: str, room_id: str, *, user_name: str = "", ttl: int | timedelta = 3600
    ) -> str:
        """A UIKit kit token: a token for ``user_id`` wrapped with the login fields of ``room_id``.

        Raises TokenError, as token() does, for a value the UIKit cannot carry.
        """
        return make_kit_token(
            self.token(user_id, ttl=ttl), self.app_id, room_id, user_id, user_name
        )

    def api_params(
        self, action: str, *, nonce: str | None = None, timestamp: int | None = None
    ) -> dict[str, str]:
        """The signed common parameters of one Server API request, for your own HTTP client (see
        server.api_params)."""
        return self._api.api_params(action, nonce, timestamp)

    def api_url(
        self, action: str, params: Mapping[str, Any] | None = None, *, product: str | None = None
    ) -> str:
        """A signed GET request URL, for curl or your own HTTP client (see server.api_url)."""
        return self._api.api_url(action, params, product)

    if TYPE_CHECKING:  # each Action with its own parameters, as types (server/_actions.pyi)
        call_api: CallApi
        acall_api: ACallApi
    else:

        def call_api(self, action, params=None, *, product=None, method=None, timeout=None):
            """ZEGO's answer to one Server API call, as server.call_api makes it with the
            project's settings; ``timeout`` (seconds, the whole call) is the project's unless
            given, ``product`` and ``method`` only for an Action newer than the catalogue."""
            return self._api.clients().send(
                self._api.call(action, params, product, method, timeout)
            )

        async def acall_api(self, action, params=None, *, product=None, method=None, timeout=None):
            """``call_api`` for asyncio: the same arguments, answer and errors."""
            call = self._api.call(action, params, product, method, timeout)
            return await self._api.clients().asend(call)

    def close(self) -> None:
        """Close call_api's connections (the project stays usable)."""
        self._api.close()

    async def aclose(self) -> None:
        """Close the running event loop's client, and call_api's connections."""
        await self._api.aclose()

    def __enter__(self) -> ZegoProject:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    async def __aenter__(self) -> ZegoProject:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()


_NOT_PICKLED = "a ZegoProject holds its secrets and is not pickled: make it where it is used"


def _ttl_seconds(ttl: object) -> int:
    """A lifetime as whole seconds: an int (not bool), or a timedelta of whole seconds."""
    if isinstance(ttl, timedelta):
        seconds, rest = divmod(ttl, timedelta(seconds=1))
        if rest:
            raise TokenError(
                "ttl",
                "must be a whole number of seconds",
                ERROR_CODE_EFFECTIVE_TIME_IN_SECONDS_INVALID,
            )
        return int(seconds)
    whole = as_int(ttl)
    if whole is None:
        raise TypeError(f"ttl must be an int of seconds or a timedelta, not {type_name(ttl)}")
    return whole
