"""Calling ZEGO's Server API: a project's client (its credentials and settings, checked once)
and the module's functions, ``call_api`` (blocking) and ``acall_api`` (asyncio).

ZegoProject holds one ``ApiClient``, as httpx's ``Client`` holds its settings: the region,
the base URL, the timeout, the retries and the transport. A call names its Action, its
parameters and at most a shorter timeout. The module's functions take the settings with each
call and share one set of HTTP clients, kept alive. Nothing here imports httpx until a call is
made.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, NoReturn

from ._signing import api_params, api_url
from ._wire import ApiCall, ApiSettings, checked_settings

if TYPE_CHECKING:
    from ._http import HttpClients

__all__ = ["ApiClient", "call_api", "acall_api", "shared_clients"]


class ApiClient:
    """A project's Server API client: its settings (checked_settings) and transport, and the
    HTTP clients, made on first use."""

    __slots__ = ("_app_id", "_clients", "_lock", "_secret", "_transport", "settings")
    _clients: HttpClients | None

    def __init__(self, app_id: int, secret: str, settings: ApiSettings, transport: Any) -> None:
        if transport is not None:
            from ._http import checked_transport

            transport = checked_transport(transport)
        self._transport, self._clients, self._lock = transport, None, threading.Lock()
        self._app_id, self._secret, self.settings = app_id, secret, settings

    def __repr__(self) -> str:
        return f"ApiClient(app_id={self._app_id}, region={self.settings.region!r}, secret=<hidden>)"

    def __reduce_ex__(self, protocol: Any) -> NoReturn:
        raise TypeError("an ApiClient holds the ServerSecret and is not pickled")

    def api_params(self, action: str, nonce: str | None, timestamp: int | None) -> dict[str, str]:
        is_test = self.settings.is_test
        return api_params(
            self._app_id, self._secret, action, nonce=nonce, timestamp=timestamp, is_test=is_test
        )

    def api_url(self, action: str, params: Mapping[str, Any] | None, product: str | None) -> str:
        region, base_url, _, _, is_test = self.settings
        return api_url(
            self._app_id,
            self._secret,
            action,
            params,
            product=product,
            region=region,
            base_url=base_url,
            is_test=is_test,
        )

    def call(
        self,
        action: str,
        params: Mapping[str, Any] | None,
        product: str | None,
        method: str | None,
        timeout: float | None,
    ) -> ApiCall:
        """One call with these settings (``timeout``: the settings' unless given)."""
        return ApiCall(
            self._app_id,
            self._secret,
            action,
            params,
            self.settings,
            product=product,
            method=method,
            timeout=timeout,
        )

    def clients(self) -> HttpClients:
        """The HTTP clients (ImportError naming the extra without httpx)."""
        from ._http import HttpClients

        with self._lock:
            if self._clients is None:
                self._clients = HttpClients(self._transport)
            return self._clients

    def close(self) -> None:
        if self._clients is not None:
            self._clients.close()

    async def aclose(self) -> None:
        self.close()
        if self._clients is not None:
            await self._clients.aclose()


_SHARED: list[HttpClients] = []
_LOCK = threading.Lock()


def shared_clients() -> HttpClients:
    """The module's clients (ImportError naming the extra without httpx)."""
    from ._http import HttpClients

    with _LOCK:
        if not _SHARED:
            _SHARED.append(HttpClients())
        return _SHARED[0]


def call_api(
    app_id: int,
    secret: str,
    action: str,
    params: Mapping[str, Any] | None = None,
    *,
    product: str | None = None,
    region: str | None = None,
    base_url: str | None = None,
    method: str | None = None,
    timeout: float = 10,
    retries: int = 2,
    is_test: bool | None = None,
) -> dict[str, Any]:
    """Call one Server API action over HTTPS (TLS verified); return ZEGO's JSON answer.

    ``params`` are the action's own parameters: in the query for GET (a list as
    ``Key[]=a&Key[]=b``, a None left out), as a JSON body for POST. ``base_url``
    replaces the product's host (a proxy, a test server). ``timeout`` is a deadline
    in seconds for the whole call (name resolution, retries and their back-off
    included). ``retries`` is how many times a try that ZEGO did not act on is made
    again (Code 1 busy, Code 7 over the QPS limit, a connection that could not be
    made), with exponential back-off and jitter; nothing else is sent twice.
    Needs httpx (``pip install '.[api]'``; ImportError naming the extra without it);
    proxies and the CA bundle come from the environment, as httpx reads them.

    The answer is returned whole, with ``Data`` and, for ZIM's batch calls,
    ``ErrorList`` (per-item failures under ``Code`` 0: look at it). Raises
    ZegoApiError for a non-zero ``Code`` (with ``code``, ``request_id`` and what
    to do), a redirect, and every HTTP, network or environment failure (``code``
    0), so one ``except ZegoApiError`` catches them all; TypeError or ValueError,
    naming the argument, before anything is signed, for arguments that cannot be sent.
    """
    settings = checked_settings(region, base_url, timeout, retries, is_test)
    call = ApiCall(app_id, secret, action, params, settings, product=product, method=method)
    return shared_clients().send(call)


async def acall_api(
    app_id: int,
    secret: str,
    action: str,
    params: Mapping[str, Any] | None = None,
    *,
    product: str | None = None,
    region: str | None = None,
    base_url: str | None = None,
    method: str | None = None,
    timeout: float = 10,
    retries: int = 2,
    is_test: bool | None = None,
) -> dict[str, Any]:
    """``call_api`` for asyncio: the same arguments, answer and errors.

    The module keeps one client for each event loop that calls, closed when the loop
    shuts down (as ``asyncio.run`` does at its end).
    """
    settings = checked_settings(region, base_url, timeout, retries, is_test)
    call = ApiCall(app_id, secret, action, params, settings, product=product, method=method)
    return await shared_clients().asend(call)
