"""Calling ZEGO's Server API from a function: ``call_api`` (blocking) and ``acall_api`` (asyncio).

Each is thin over the same machinery as ZegoProject's methods (``_http``): the module keeps one
set of clients, made on first use and reused by every call, so its connections are kept alive.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ._wire import ApiCall

if TYPE_CHECKING:
    from ._http import HttpClients

__all__ = ["call_api", "acall_api", "shared_clients"]

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
    call = ApiCall(
        app_id,
        secret,
        action,
        params,
        product=product,
        region=region,
        base_url=base_url,
        method=method,
        timeout=timeout,
        retries=retries,
        is_test=is_test,
    )
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
    call = ApiCall(
        app_id,
        secret,
        action,
        params,
        product=product,
        region=region,
        base_url=base_url,
        method=method,
        timeout=timeout,
        retries=retries,
        is_test=is_test,
    )
    return await shared_clients().asend(call)
