"""A blocking call's deadline below httpx: every step of the network bounded by the time left.

httpx's timeouts bound each read or write, not a whole call, and name resolution not at all.
``DeadlineBackend`` is the httpcore network backend of the blocking client's own transports:
it resolves a host on a thread of its own and waits for it no longer than the call may; it tries
each address with the time left; and its streams give every connect, TLS handshake, read and
write at most the time left before the deadline of the call under way (``within``), so that a
stalled handshake or an answer fed a byte at a time ends at the deadline.
"""

from __future__ import annotations

import contextlib
import contextvars
import ipaddress
import math
import socket
import ssl
import threading
import time
from collections.abc import Iterable, Iterator
from typing import Any

import httpcore

__all__ = ["DeadlineBackend", "within"]

_DEADLINE: contextvars.ContextVar[float] = contextvars.ContextVar("deadline", default=math.inf)
_SHORTEST = 0.001  # a step with no time left still gets a moment, and times out as itself


@contextlib.contextmanager
def within(deadline: float) -> Iterator[None]:
    """The network steps taken inside end by ``deadline`` (time.monotonic())."""
    token = _DEADLINE.set(deadline)
    try:
        yield
    finally:
        _DEADLINE.reset(token)


def _left(timeout: float | None) -> float:
    left = _DEADLINE.get() - time.monotonic()
    return max(min(left, math.inf if timeout is None else timeout), _SHORTEST)


class _DeadlineStream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _left(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _left(timeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        return _DeadlineStream(self._inner.start_tls(ssl_context, server_hostname, _left(timeout)))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class DeadlineBackend(httpcore.NetworkBackend):
    """httpcore's blocking backend, each step within the deadline of the call under way."""

    def __init__(self) -> None:
        self._inner = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        failure: Exception = httpcore.ConnectError(f"no address for {host}")
        for address in _addresses(host, port, _left(timeout)):
            try:
                stream = self._inner.connect_tcp(
                    address, port, _left(timeout), local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as error:
                failure = error  # the next address, if there is time left
            else:
                return _DeadlineStream(stream)
        raise failure

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        return _DeadlineStream(
            self._inner.connect_unix_socket(path, _left(timeout), socket_options)
        )

    def sleep(self, seconds: float) -> None:
        time.sleep(min(seconds, _left(seconds)))


def _addresses(host: str, port: int, timeout: float) -> list[str]:
    """The host's addresses, resolved on a thread of its own, waited for at most ``timeout``
    (a thread that outlives the wait ends with its lookup; none is kept: a fork finds none)."""
    with contextlib.suppress(ValueError):
        return [str(ipaddress.ip_address(host))]
    found: list[Any] = []

    def resolve() -> None:
        try:
            found.append(socket.getaddrinfo(host, port, 0, socket.SOCK_STREAM))
        except OSError as error:
            found.append(error)

    thread = threading.Thread(target=resolve, name="zego-resolver", daemon=True)
    thread.start()
    thread.join(timeout)
    if not found:
        raise httpcore.ConnectTimeout(f"resolving {host} took longer than the time left")
    if isinstance(found[0], OSError):
        raise httpcore.ConnectError(f"could not resolve {host}: {found[0]}")
    return list(dict.fromkeys(str(info[4][0]) for info in found[0]))
