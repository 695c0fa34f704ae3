"""The Server API over httpx: one Client, and one AsyncClient per event loop, configured once.

Every request is signed by the transport at the bottom of the client (``_Signing``): the request
that httpx logs, that its event hooks and error trackers' integrations see, is the unsigned one.
Proxies and the CA bundle come from the environment as httpx reads them.

The deadline covers the whole call, name resolution included: the blocking client's transports
take every step within it (``_deadline``), an asyncio call runs under ``asyncio.wait_for``.
"""

from __future__ import annotations

import asyncio
import functools
import os
import ssl
import threading
import time
import weakref
from collections.abc import AsyncIterator, Iterable
from typing import Any, Union

from ._answers import MAX_RESPONSE_BYTES, connect_failure, location_host, read_answer, read_failure
from ._errors import ZegoApiError
from ._wire import ApiCall

try:
    import httpx

    from ._deadline import DeadlineBackend, within
except ImportError:
    raise ImportError(
        "the Server API client needs httpx, the api extra: pip install httpx (in a checkout: "
        "pip install '.[api]')"
    ) from None

__all__ = ["HttpClients", "checked_transport"]

_CALL = "zego_token04.call"  # the request extension that takes the call to the signing transport
_HEADERS = {"Accept": "application/json", "Accept-Encoding": "identity"}
_Outcome = Union[dict[str, Any], ZegoApiError]
# What the network, the environment or a transport raises for them (a bug raises as it is).
_FAILURES = (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError, OSError, ValueError)


def checked_transport(transport: object) -> Any:
    """``transport`` if it is an httpx transport (sync, async or both), else TypeError."""
    if transport is None or isinstance(transport, (httpx.BaseTransport, httpx.AsyncBaseTransport)):
        return transport
    raise TypeError("transport must be an httpx transport (httpx.MockTransport, HTTPTransport...)")


class _SignedRequest(httpx.Request):
    def __repr__(self) -> str:
        return f"<Request({self.method!r}, signed URL hidden)>"


def _signed(request: httpx.Request) -> httpx.Request:
    call: ApiCall = request.extensions[_CALL]
    return _SignedRequest(
        request.method,
        call.signed_url(),
        headers=request.headers,
        stream=request.stream,
        extensions=request.extensions,
    )


class _Signing(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Signs each request as it leaves, below every log line and hook of the client."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return self._inner.handle_request(_signed(request))  # type: ignore[no-any-return]

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self._inner.handle_async_request(_signed(request))  # type: ignore[no-any-return]

    def close(self) -> None:
        self._inner.close()

    async def aclose(self) -> None:
        await self._inner.aclose()


def _client(kind: Any, transport: Any) -> Any:
    """A new httpx client of ``kind`` that signs below all its transports; ZegoApiError if the
    environment cannot make one (a proxy it cannot use, a CA bundle it cannot read)."""
    try:
        tls = _tls(os.environ.get("SSL_CERT_FILE"), os.environ.get("SSL_CERT_DIR"))
        client = kind(transport=transport, verify=tls, follow_redirects=False, timeout=None)
    except (ImportError, OSError, ValueError, httpx.HTTPError, ssl.SSLError) as error:
        failure = ZegoApiError(f"the HTTP client could not be set up: {type(error).__name__}")
    else:
        # httpx has no public seam below its log line but the transports: the environment's
        # proxies are mounts of their own, so each one is wrapped too.
        client._transport = _Signing(_bounded(client._transport, transport))
        client._mounts = {key: t and _Signing(_bounded(t)) for key, t in client._mounts.items()}
        return client
    raise failure


@functools.lru_cache(maxsize=4)
def _tls(cafile: str | None, capath: str | None) -> ssl.SSLContext:
    """One TLS context for the clients of a CA bundle (the variables httpx reads, as the cache's
    key): making one reads the whole bundle, some 20 ms."""
    return httpx.create_ssl_context(verify=True, trust_env=True)


def _bounded(made: Any, given: Any = None) -> Any:
    """A blocking transport httpx made, its network steps within the call's deadline."""
    if made is not given and isinstance(made, httpx.HTTPTransport):
        made._pool._network_backend = DeadlineBackend()  # httpcore's seam: no public one above
    return made


class HttpClients:
    """The HTTP clients of one owner (a ZegoProject, or the module's functions), made on first use.

    Thread-safe: threads share the blocking client, and each event loop has its own.
    """

    def __init__(self, transport: Any = None) -> None:
        self._transport, self._lock = transport, threading.Lock()
        self._blocking: Any = None
        self._loops: weakref.WeakKeyDictionary[Any, Any] = weakref.WeakKeyDictionary()

    def send(self, call: ApiCall) -> dict[str, Any]:
        """Make the call: ZEGO's answer, or ZegoApiError by the deadline."""
        outcome = _tries(self._blocking_client(), call)
        if isinstance(outcome, ZegoApiError):
            raise outcome  # made, not raised, below: its traceback starts here
        return outcome

    async def asend(self, call: ApiCall) -> dict[str, Any]:
        """``send`` for asyncio, on the running loop's client."""
        client = await self._async_client()
        try:
            outcome = await asyncio.wait_for(_atries(client, call), call.remaining())
        except asyncio.TimeoutError:
            outcome = call.timed_out()
        if isinstance(outcome, ZegoApiError):
            raise outcome
        return outcome

    def close(self) -> None:
        """Close the blocking client (a next call makes another)."""
        with self._lock:
            made, self._blocking = self._blocking, None
        if made is not None:
            made.close()

    async def aclose(self) -> None:
        """Close the running loop's client (a next call makes another)."""
        kept = self._loops.get(asyncio.get_running_loop())
        if kept is not None:
            await kept[1].aclose()

    def _blocking_client(self) -> Any:
        with self._lock:
            if self._blocking is None:
                transport = _of_kind(self._transport, httpx.BaseTransport)
                self._blocking = _client(httpx.Client, transport)
                weakref.finalize(self, self._blocking.close)  # an owner never closed: at its end
            return self._blocking

    async def _async_client(self) -> Any:
        loop = asyncio.get_running_loop()
        kept = self._loops.get(loop)
        if kept is None:
            transport = _of_kind(self._transport, httpx.AsyncBaseTransport)
            client = _client(httpx.AsyncClient, transport)
            kept = self._loops[loop] = (client, _kept(client, self._loops))
            await kept[1].__anext__()
        return kept[0]


async def _kept(client: Any, loops: weakref.WeakKeyDictionary[Any, Any]) -> AsyncIterator[None]:
    """Holds ``client`` for its event loop: the loop closes it when it shuts its async generators
    down (asyncio.run does), or aclose() does."""
    try:
        yield
    finally:
        loops.pop(asyncio.get_running_loop(), None)
        await client.aclose()


def _of_kind(transport: Any, kind: type) -> Any:
    if transport is None or isinstance(transport, kind):
        return transport
    mode = "call_api" if kind is httpx.BaseTransport else "acall_api"
    raise TypeError(f"transport: {mode} needs an {kind.__module__}.{kind.__name__}")


def _tries(client: Any, call: ApiCall) -> _Outcome:
    tries = 0
    while True:
        tries += 1
        outcome = _try(client, call)
        if isinstance(outcome, dict) or (delay := call.retry_delay(outcome, tries)) is None:
            return outcome
        time.sleep(delay)


async def _atries(client: Any, call: ApiCall) -> _Outcome:
    tries = 0
    while True:
        tries += 1
        outcome = await _atry(client, call)
        if isinstance(outcome, dict) or (delay := call.retry_delay(outcome, tries)) is None:
            return outcome
        await asyncio.sleep(delay)


def _request(client: Any, call: ApiCall) -> Any:
    timeout = call.remaining()
    return client.build_request(
        call.method,
        call.url,
        content=call.body,
        headers=_HEADERS if call.body is None else {**_HEADERS, "Content-Type": "application/json"},
        timeout=timeout,
        extensions={_CALL: call},
    )


def _try(client: Any, call: ApiCall) -> _Outcome:
    try:
        with within(call.deadline):
            response = client.send(_request(client, call), stream=True)
            try:
                body = _whole(_raw(response), call)
            finally:
                response.close()
    except _FAILURES as error:
        return _failure(error, call)
    return _answer(response, body, call)


async def _atry(client: Any, call: ApiCall) -> _Outcome:
    try:
        response = await client.send(_request(client, call), stream=True)
        try:
            body = bytearray(response.content if response.is_stream_consumed else b"")
            async for chunk in _araw(response):
                body += chunk
                if len(body) > MAX_RESPONSE_BYTES:
                    break
        finally:
            await response.aclose()
    except _FAILURES as error:
        return _failure(error, call)
    return _answer(response, bytes(body), call)


def _raw(response: Any) -> Iterable[bytes]:
    """The body's bytes as they came (never decompressed); a fake's body, made whole, as it is."""
    return [response.content] if response.is_stream_consumed else response.iter_raw()


async def _araw(response: Any) -> AsyncIterator[bytes]:
    if not response.is_stream_consumed:
        async for chunk in response.aiter_raw():
            yield chunk


def _whole(chunks: Iterable[bytes], call: ApiCall) -> bytes | None:
    """The body, at most MAX_RESPONSE_BYTES and one byte; None if the deadline came first."""
    body = bytearray()
    for chunk in chunks:
        body += chunk
        if call.remaining() == 0:
            return None
        if len(body) > MAX_RESPONSE_BYTES:
            break
    return bytes(body)


def _answer(response: Any, body: bytes | None, call: ApiCall) -> _Outcome:
    if body is None:
        return call.timed_out()
    redirect = location_host(response.headers.get("location"))
    try:
        return read_answer(response.status_code, body, redirect, call.throttles, call.rate_limit)
    except ZegoApiError as error:
        return error


def _failure(error: Exception, call: ApiCall) -> ZegoApiError:
    if call.remaining() == 0:
        return call.timed_out()
    if isinstance(error, (httpx.ConnectError, httpx.ConnectTimeout, httpx.ProxyError)):
        return connect_failure(error)
    if isinstance(error, httpx.TimeoutException):  # its timeout was the time left
        return call.timed_out()
    return read_failure(error)
