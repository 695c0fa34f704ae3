"""The blocking transport, on the standard library's http.client: a connection kept alive per host.

A call takes the idle connection for its host, if there is one and the server
has not closed it, or opens its own; after a whole answer it leaves its
connection idle for the next call (one per host: a second is closed). The
deadline covers everything: the connect gets the time left, and a watchdog
timer shuts the socket down when the time is up, whatever phase the exchange
is in (a server that feeds its answer a byte at a time included).
"""

from __future__ import annotations

import contextlib
import http.client
import select
import socket
import ssl
import threading
import time
import urllib.parse
import weakref
from typing import Any

from ._answers import MAX_RESPONSE_BYTES, connect_failure, location_host, read_answer, read_failure
from ._errors import ZegoApiError
from ._wire import ApiCall, ApiRequest

__all__ = ["Connections", "send"]

_Origin = tuple[str, str, int]
_Answer = tuple[int, bytes, str]


class Connections:
    """Kept-alive HTTP connections, one idle per host; thread-safe. ``close()`` closes the idle
    ones."""

    def __init__(self) -> None:
        self._idle: dict[_Origin, http.client.HTTPConnection] = {}
        self._lock = threading.Lock()
        self._tls: ssl.SSLContext | None = None
        # Garbage collected, or at exit: closed quietly.
        weakref.finalize(self, _close_all, self._idle)

    def __repr__(self) -> str:
        return f"Connections({len(self._idle)} idle)"

    def send(self, call: ApiCall, request: ApiRequest) -> _Answer:
        """The status, body and redirect host of the answer to ``request``; ZegoApiError if none
        came."""
        origin = _origin(request.url)
        connection = self._take(origin) or self._connect(origin, call)
        cut = threading.Event()
        watchdog = threading.Timer(call.deadline - time.monotonic(), _cut, (connection, cut))
        watchdog.daemon = True
        watchdog.start()
        failure: ZegoApiError | None = None
        try:
            status, body, redirect_host, reusable = _exchange(connection, request)
        except (OSError, http.client.HTTPException, ValueError) as error:
            failure = read_failure(error)
        finally:
            watchdog.cancel()
        if cut.is_set():  # what was read before the cut is not the whole answer, whatever it is
            failure = call.timed_out()
        if failure is not None:
            connection.close()
            raise failure  # outside the except: no chained error holds the signed URL
        self._give_back(origin, connection) if reusable else connection.close()
        return status, body, redirect_host

    def close(self) -> None:
        with self._lock:
            _close_all(self._idle)

    def _take(self, origin: _Origin) -> http.client.HTTPConnection | None:
        with self._lock:
            connection = self._idle.pop(origin, None)
        if connection is not None and not _still_open(connection):
            connection.close()
            return None
        return connection

    def _give_back(self, origin: _Origin, connection: http.client.HTTPConnection) -> None:
        with self._lock:
            extra, self._idle[origin] = self._idle.get(origin), connection
        if extra is not None:
            extra.close()

    def _connect(self, origin: _Origin, call: ApiCall) -> http.client.HTTPConnection:
        scheme, host, port = origin
        timeout = call.remaining()
        if scheme == "https":
            self._tls = self._tls or ssl.create_default_context()
            connection: http.client.HTTPConnection = http.client.HTTPSConnection(
                host, port, timeout=timeout, context=self._tls
            )
        else:
            connection = http.client.HTTPConnection(host, port, timeout=timeout)
        try:
            connection.connect()
        except OSError as error:
            failure = connect_failure(error)
        else:
            return connection
        connection.close()
        raise failure


def _close_all(idle: dict[_Origin, http.client.HTTPConnection]) -> None:
    for connection in idle.values():
        connection.close()
    idle.clear()


def _origin(url: str) -> _Origin:
    parts = urllib.parse.urlsplit(url)
    default = 443 if parts.scheme == "https" else 80
    return parts.scheme, parts.hostname or "", parts.port or default


def _exchange(
    connection: http.client.HTTPConnection, request: ApiRequest
) -> tuple[int, bytes, str, bool]:
    """Send the request and read the whole answer (at most MAX_RESPONSE_BYTES and one byte)."""
    parts = urllib.parse.urlsplit(request.url)
    connection.request(
        request.method, f"{parts.path or '/'}?{parts.query}", request.body, request.headers
    )
    response = connection.getresponse()
    body = response.read(MAX_RESPONSE_BYTES + 1)
    if (
        response.length and len(body) <= MAX_RESPONSE_BYTES
    ):  # the connection closed short of Content-Length
        raise http.client.IncompleteRead(b"")
    reusable = response.isclosed() and not response.will_close and len(body) <= MAX_RESPONSE_BYTES
    return response.status, body, location_host(response.getheader("Location")), reusable


def _still_open(connection: http.client.HTTPConnection) -> bool:
    """Whether an idle connection can take a request: open, and nothing (a close) waiting to be
    read."""
    if connection.sock is None:
        return False
    try:
        readable, _, _ = select.select([connection.sock], [], [], 0)
    except (OSError, ValueError):
        return False
    return not readable


def _cut(connection: http.client.HTTPConnection, cut: threading.Event) -> None:
    cut.set()
    sock = connection.sock
    if sock is not None:
        with contextlib.suppress(OSError):  # closed already
            # The plain socket's: wakes a blocked read.
            socket.socket.shutdown(sock, socket.SHUT_RDWR)


def send(connections: Connections, call: ApiCall) -> dict[str, Any]:
    """Make the call over ``connections``, trying again as ``call.retry_delay`` says."""
    tries = 0
    while True:
        tries += 1
        try:
            return read_answer(*connections.send(call, call.request()))
        except ZegoApiError as error:
            delay = call.retry_delay(error, tries)
            if delay is None:
                raise
        time.sleep(delay)
