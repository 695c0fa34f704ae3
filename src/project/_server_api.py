"""ZegoProject's Server API methods: calls signed with its ServerSecret, and the connections kept.

``ServerApi`` is ZegoProject's base class; ZegoProject holds the attributes it reads.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from ..server._async import AsyncClients, asend
from ..server._signing import api_params, api_url
from ..server._sync import Connections, send
from ..server._wire import ApiCall

__all__ = ["ServerApi"]

_Project = TypeVar("_Project", bound="ServerApi")


class ServerApi:
    """A project's Server API methods (``call_api``, ``acall_api``, ``api_url``,
    ``api_params``) and the connections they keep (``close``, ``aclose``, ``with``,
    ``async with``)."""

    __slots__ = ()
    app_id: int
    is_test: bool | None
    _secret: str
    _connections: Connections
    _async_clients: AsyncClients

    def api_params(
        self, action: str, *, nonce: str | None = None, timestamp: int | None = None
    ) -> dict[str, str]:
        """The signed common parameters of one Server API request, for your own HTTP client (see
        server.api_params)."""
        return api_params(
            self.app_id,
            self._secret,
            action,
            nonce=nonce,
            timestamp=timestamp,
            is_test=self.is_test,
        )

    def api_url(
        self,
        action: str,
        params: Mapping[str, Any] | None = None,
        *,
        product: str = "rtc",
        region: str | None = None,
        base_url: str | None = None,
    ) -> str:
        """A signed GET request URL, for curl or your own HTTP client (see
        zego_token04.server.api_url)."""
        return api_url(
            self.app_id,
            self._secret,
            action,
            params,
            product=product,
            region=region,
            base_url=base_url,
            is_test=self.is_test,
        )

    def call_api(
        self,
        action: str,
        params: Mapping[str, Any] | None = None,
        *,
        product: str = "rtc",
        region: str | None = None,
        base_url: str | None = None,
        method: str = "GET",
        timeout: float = 10,
        retries: int = 2,
    ) -> dict[str, Any]:
        """Call one Server API action and return ZEGO's answer; ZegoApiError if it fails (see
        server.call_api).

        The project keeps its connections alive between calls; ``close()`` (or
        ``with``) closes them.
        """
        call = ApiCall(
            self.app_id,
            self._secret,
            action,
            params,
            product=product,
            region=region,
            base_url=base_url,
            method=method,
            timeout=timeout,
            retries=retries,
            is_test=self.is_test,
        )
        return send(self._connections, call)

    async def acall_api(
        self,
        action: str,
        params: Mapping[str, Any] | None = None,
        *,
        product: str = "rtc",
        region: str | None = None,
        base_url: str | None = None,
        method: str = "GET",
        timeout: float = 10,
        retries: int = 2,
    ) -> dict[str, Any]:
        """``call_api`` for asyncio, on httpx (``pip install 'zego-token04[async]'``; ImportError
        without it).

        The project keeps a client for each event loop that calls; ``await
        aclose()`` (or ``async with``) closes the running loop's.
        """
        call = ApiCall(
            self.app_id,
            self._secret,
            action,
            params,
            product=product,
            region=region,
            base_url=base_url,
            method=method,
            timeout=timeout,
            retries=retries,
            is_test=self.is_test,
        )
        return await asend(self._async_clients, call)

    def close(self) -> None:
        """Close the connections call_api keeps alive (the project stays usable: a next call opens
        one)."""
        self._connections.close()

    async def aclose(self) -> None:
        """Close the client acall_api keeps for the running event loop, and call_api's
        connections."""
        self.close()
        await self._async_clients.aclose()

    def __enter__(self: _Project) -> _Project:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    async def __aenter__(self: _Project) -> _Project:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()
