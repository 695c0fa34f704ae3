"""Calling ZEGO's Server API: ``call_api`` (blocking) and ``acall_api`` (asyncio), the same in all
else.

Both build each try with ``ApiCall`` and read the answer with ``read_answer``
(``_wire``); they differ only in the transport that moves the bytes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._async import AsyncClients, asend
from ._sync import Connections, send
from ._wire import ApiCall

__all__ = ["call_api", "acall_api"]

_SHARED = Connections()  # the module's call_api keeps its connections alive too


def call_api(
    app_id: int,
    secret: str,
    action: str,
    params: Mapping[str, Any] | None = None,
    *,
    product: str = "rtc",
    region: str | None = None,
    base_url: str | None = None,
    method: str = "GET",
    timeout: float = 10,
    retries: int = 2,
    is_test: bool | None = None,
) -> dict[str, Any]:
    """Call one Server API action over HTTPS (TLS verified); return ZEGO's JSON answer.

    ``params`` are the action's own parameters: in the query for GET (a list as
    ``Key[]=a&Key[]=b``, a None left out), as a JSON body for POST. ``base_url``
    replaces the product's host (a proxy, a test server). ``timeout`` is a
    deadline in seconds for the whole call, retries included. ``retries`` is how
    many times a try that ZEGO did not act on is made again (Code 1 busy, Code 7
    over the QPS limit, a connection that failed before the request went out),
    with exponential backoff and jitter; nothing else is ever sent twice.
    Connections are kept alive between calls (one idle per host).

    The answer is returned whole, with ``Data`` and, for ZIM's batch calls,
    ``ErrorList`` (per-item failures under ``Code`` 0: look at it). Raises
    ZegoApiError for a non-zero ``Code`` (with ``code``, ``request_id`` and what
    to do), a redirect, and every HTTP or network failure (``code`` 0), so one
    ``except ZegoApiError`` catches them all; TypeError or ValueError, before
    anything is signed, for arguments that cannot be sent.
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
    return send(_SHARED, call)


async def acall_api(
    app_id: int,
    secret: str,
    action: str,
    params: Mapping[str, Any] | None = None,
    *,
    product: str = "rtc",
    region: str | None = None,
    base_url: str | None = None,
    method: str = "GET",
    timeout: float = 10,
    retries: int = 2,
    is_test: bool | None = None,
) -> dict[str, Any]:
    """``call_api`` for asyncio, on httpx (``pip install 'zego-token04[async]'``; ImportError
    without it).

    The same arguments, answer and errors. This function opens a client for the
    one call; ``ZegoProject.acall_api`` keeps one per event loop, reused.
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
    clients = AsyncClients()
    try:
        return await asend(clients, call)
    finally:
        await clients.aclose()
