"""The asyncio transport, on httpx (``pip install 'zego-token04[async]'``): a client per event loop.

A client (its pool of kept-alive connections) belongs to the event loop it was
made on, so each loop that calls gets its own, reused by every call on that
loop until ``aclose()``. The deadline is ``asyncio.wait_for`` over the whole
exchange, so a cancelled or timed-out call leaves nothing running.
"""

from __future__ import annotations

import asyncio
import weakref
from typing import Any

from ._answers import MAX_RESPONSE_BYTES, connect_failure, location_host, read_answer, read_failure
from ._errors import ZegoApiError
from ._wire import ApiCall, ApiRequest

__all__ = ["AsyncClients", "asend", "httpx_module"]

_Answer = tuple[int, bytes, str]


def httpx_module() -> Any:
    """httpx, or ImportError naming the extra that installs it."""
    try:
        import httpx
    except ImportError:
        raise ImportError("acall_api needs httpx: pip install 'zego-token04[async]'") from None
    return httpx


class AsyncClients:
    """An httpx.AsyncClient for each event loop that calls, made on its first call."""

    def __init__(self) -> None:
        self._clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Any] = (
            weakref.WeakKeyDictionary()
        )

    def __repr__(self) -> str:
        return f"AsyncClients({len(self._clients)} open)"

    async def send(self, call: ApiCall, request: ApiRequest) -> _Answer:
        """The status, body and redirect host of the answer to ``request``; ZegoApiError if none
        came."""
        httpx = httpx_module()
        client = self._client(httpx)
        try:
            return await asyncio.wait_for(_exchange(client, request), call.remaining())
        except asyncio.TimeoutError:
            failure = call.timed_out()
        except (httpx.ConnectError, httpx.ConnectTimeout) as error:
            failure = connect_failure(error)
        except (httpx.HTTPError, httpx.InvalidURL, OSError) as error:
            failure = read_failure(error)
        raise failure  # outside the except: nothing chained

    async def aclose(self) -> None:
        """Close the client of the running event loop, if it has one."""
        client = self._clients.pop(asyncio.get_running_loop(), None)
        if client is not None:
            await client.aclose()

    def _client(self, httpx: Any) -> Any:
        loop = asyncio.get_running_loop()
        client = self._clients.get(loop)
        if client is None:
            client = self._clients[loop] = httpx.AsyncClient(
                follow_redirects=False, timeout=None, trust_env=True
            )
        return client


async def _exchange(client: Any, request: ApiRequest) -> tuple[int, bytes, str]:
    """Send the request and read the whole answer (at most MAX_RESPONSE_BYTES and one byte)."""
    async with client.stream(
        request.method, request.url, content=request.body, headers=request.headers
    ) as response:
        body = bytearray()
        async for chunk in response.aiter_raw():
            body += chunk
            if len(body) > MAX_RESPONSE_BYTES:
                break
        return response.status_code, bytes(body), location_host(response.headers.get("location"))


async def asend(clients: AsyncClients, call: ApiCall) -> dict[str, Any]:
    """``send`` for asyncio, over ``clients``."""
    tries = 0
    while True:
        tries += 1
        try:
            return read_answer(*await clients.send(call, call.request()))
        except ZegoApiError as error:
            delay = call.retry_delay(error, tries)
            if delay is None:
                raise
        await asyncio.sleep(delay)
