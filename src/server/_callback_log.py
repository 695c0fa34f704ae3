"""Callback logs: each ZEGO callback handled once, however often it comes, whichever worker.

    log = RedisCallbackLog(redis.Redis.from_url(url))  # or MemoryCallbackLog()
    event = zego.verify_callback(body, seen=log)  # claims it, or raises
    handle(event)
    log.done(event)  # from now on a resend is refused as "replayed"

An entry is a claim until ``done``. A claim lapses after ``CLAIM_SECONDS``, inside ZEGO's resend
schedule (2, 4, 8, 16, 32 s): a callback whose first delivery went wrong in any way is handled
when ZEGO sends it again, never refused as a replay when nobody handled it. A resend during a
live claim is a ``CallbackLogError`` ("in-progress": answer 503). Only a proven callback is
entered, so a stranger cannot fill a log; an entry lasts while max_age could take the callback,
and LOG_MARGIN more (at most a day).
"""

from __future__ import annotations

import contextlib
import secrets
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping
from typing import Any

from ._errors import CallbackLogError
from ._fields import callback_id

__all__ = ["CLAIM_SECONDS", "CLAIMED", "DONE", "IN_PROGRESS", "CallbackLog", "MemoryCallbackLog"]
__all__ += ["AsyncCallbackLog", "RedisCallbackLog", "AsyncRedisCallbackLog"]

CLAIM_SECONDS = 10
"""How long a claim holds a callback for the receiver that took it."""
CLAIMED, IN_PROGRESS, DONE = "claimed", "in-progress", "done"
_WAIT = 1.0  # seconds a Redis connect or answer may take; the log tries once more, then refuses


class CallbackLog(ABC):
    """Where callbacks are claimed and recorded as handled. Subclass it for your own store."""

    @abstractmethod
    def claim(self, callback_id: str, ttl: int) -> str:
        """Claim ``callback_id`` for CLAIM_SECONDS, atomically, the entry lasting ``ttl`` seconds:
        CLAIMED if it was free (never entered, or its claim lapsed), IN_PROGRESS if another holds
        it, DONE if it was handled. CallbackLogError if the log cannot be reached."""

    @abstractmethod
    def finish(self, callback_id: str) -> None:
        """Record ``callback_id`` as handled, for the rest of its entry's time."""

    @abstractmethod
    def release(self, callback_id: str) -> None:
        """Drop the entry of ``callback_id``, so that a resend is handled at once."""

    def done(self, callback: Mapping[str, Any]) -> None:
        """The callback (the fields verify_callback returned) was handled: a resend is replayed."""
        self.finish(callback_id(callback))

    def forget(self, callback: Mapping[str, Any]) -> None:
        """Handling the callback failed: a resend is handled at once."""
        self.release(callback_id(callback))


class AsyncCallbackLog(ABC):
    """``CallbackLog`` for asyncio: the same methods, awaited (``averify_callback`` takes it)."""

    @abstractmethod
    async def claim(self, callback_id: str, ttl: int) -> str: ...

    @abstractmethod
    async def finish(self, callback_id: str) -> None: ...

    @abstractmethod
    async def release(self, callback_id: str) -> None: ...

    async def done(self, callback: Mapping[str, Any]) -> None:
        await self.finish(callback_id(callback))

    async def forget(self, callback: Mapping[str, Any]) -> None:
        await self.release(callback_id(callback))


class MemoryCallbackLog(CallbackLog):
    """A log in this process's memory: for one process (with several, use RedisCallbackLog).

    Thread-safe, and never waits, so asyncio code may use it too. It holds at most
    ``max_entries`` live entries: when full, a new callback is refused (CallbackLogError,
    reason ``"full"``: answer 503) rather than a live entry forgotten.
    """

    def __init__(self, max_entries: int = 100_000) -> None:
        if not (isinstance(max_entries, int) and max_entries > 0):
            raise ValueError("max_entries must be an int above 0")
        self._max_entries = max_entries
        self._entries: dict[str, tuple[float, float]] = {}  # id: (entry's end, claim's end or 0)
        self._lock = threading.Lock()

    def claim(self, callback_id: str, ttl: int) -> str:
        now = time.monotonic()
        with self._lock:
            end, claimed_until = self._entries.get(callback_id, (now, 0.0))
            if end > now and claimed_until == 0:
                return DONE
            if end > now and claimed_until > now:
                return IN_PROGRESS
            if callback_id not in self._entries and len(self._entries) >= self._max_entries:
                self._purge(now)
            self._entries[callback_id] = (max(end, now + ttl), now + CLAIM_SECONDS)
        return CLAIMED

    def finish(self, callback_id: str) -> None:
        with self._lock:
            end, _ = self._entries.get(callback_id, (0.0, 0.0))
            if end > time.monotonic():
                self._entries[callback_id] = (end, 0.0)

    def release(self, callback_id: str) -> None:
        with self._lock:
            self._entries.pop(callback_id, None)

    def __len__(self) -> int:
        return len(self._entries)

    def _purge(self, now: float) -> None:
        self._entries = {key: entry for key, entry in self._entries.items() if entry[0] > now}
        if len(self._entries) >= self._max_entries:
            raise CallbackLogError(
                f"the callback log holds {self._max_entries} live entries; try later", "full"
            )


class _Redis:
    """What both Redis logs share: the client and how to read what Redis holds.

    The client is a copy of the caller's with the log's own bounds: a connect or an answer may
    take _WAIT seconds and is tried once more, so no step waits more than a few seconds, whatever
    Redis does (stalls, restarts, is paused). The caller's own timeouts and retries do not apply.
    """

    def __init__(self, client: Any, prefix: str, asyncio: bool) -> None:
        try:
            import redis
            import redis.asyncio
            import redis.asyncio.retry
            import redis.retry
            from redis.backoff import NoBackoff
        except ImportError:
            raise ImportError(
                "a Redis callback log needs redis-py: pip install '.[redis]'"
            ) from None
        kind = redis.asyncio.Redis if asyncio else redis.Redis
        if not isinstance(client, kind):
            raise TypeError(
                f"client must be a {'redis.asyncio.Redis' if asyncio else 'redis.Redis'}"
            )
        if not isinstance(prefix, str):
            raise TypeError("prefix must be a str")
        module: Any = redis.asyncio if asyncio else redis
        retry = (redis.asyncio.retry if asyncio else redis.retry).Retry(NoBackoff(), 1)
        settings = {**client.connection_pool.connection_kwargs, "socket_timeout": _WAIT}
        settings.update(socket_connect_timeout=_WAIT, retry=retry)
        connection_class = client.connection_pool.connection_class

        def made() -> Any:  # the client owns the pool: close() closes both
            return kind.from_pool(
                module.ConnectionPool(connection_class=connection_class, **settings)
            )

        # An asyncio pool is made on first use, inside the event loop that uses it (before 3.10,
        # asyncio's locks bind to the loop current where they are made).
        self._made, self._client = made, None if asyncio else made()
        self.prefix = prefix
        self.errors = (redis.RedisError, OSError)

    @property
    def client(self) -> Any:
        if self._client is None:
            self._client = self._made()
        return self._client

    def detach(self) -> Any:
        client, self._client = self._client, None  # to be closed; a next use makes another
        return client

    @staticmethod
    def claim_value() -> str:
        return f"claim {secrets.token_hex(8)} {time.time() + CLAIM_SECONDS:.3f}"

    @staticmethod
    def state(held: Any, mine: str) -> str | None:
        """What a held value says: CLAIMED (our own write, that redis-py tried again), DONE,
        IN_PROGRESS, or None for a lapsed claim, to take over."""
        text = held.decode() if isinstance(held, bytes) else str(held)
        if text == mine:
            return CLAIMED
        if text == DONE:
            return DONE
        try:
            lapsed = float(text.rpartition(" ")[2]) <= time.time()
        except ValueError:
            lapsed = True  # not a value of ours: take it over
        return None if lapsed else IN_PROGRESS

    @contextlib.contextmanager
    def reaching(self) -> Iterator[None]:
        """Redis's and the network's errors as CallbackLogError (answer 503: ZEGO sends again)."""
        try:
            yield
        except self.errors as error:
            reason = f"Redis did not answer ({type(error).__name__}); the callback was not accepted"
            raise CallbackLogError(reason, "unreachable") from None


class RedisCallbackLog(CallbackLog):
    """A log in Redis (6.2 or newer), shared by every worker and host.

    ``client`` is a ``redis.Redis`` (``pip install '.[redis]'``; for asyncio, use
    AsyncRedisCallbackLog); the log makes its own connections with its settings and short
    timeouts of its own. Keys are ``prefix`` and the callback's id. Handled once needs a Redis
    that keeps what it is told: no eviction (``maxmemory-policy noeviction``), and persistence
    across restarts (``appendonly yes``); else an evicted or restarted log forgets callbacks
    handled, and their resends are handled again.
    """

    def __init__(self, client: Any, *, prefix: str = "zego-token04:callback:") -> None:
        self._redis = _Redis(client, prefix, asyncio=False)

    def claim(self, callback_id: str, ttl: int) -> str:
        with self._redis.reaching():
            return self._claim(self._redis.prefix + callback_id, ttl)

    def finish(self, callback_id: str) -> None:
        with self._redis.reaching():
            self._redis.client.set(self._redis.prefix + callback_id, DONE, xx=True, keepttl=True)

    def release(self, callback_id: str) -> None:
        with self._redis.reaching():
            self._redis.client.delete(self._redis.prefix + callback_id)

    def close(self) -> None:
        """Close the log's own connections (a next use opens others)."""
        client = self._redis.detach()
        if client is not None:
            client.close()

    def _claim(self, key: str, ttl: int) -> str:
        client, mine = self._redis.client, self._redis.claim_value()
        for _ in range(2):  # the entry may end between two steps: then one more round
            if client.set(key, mine, nx=True, ex=ttl):
                return CLAIMED
            held = client.get(key)
            state = None if held is None else self._redis.state(held, mine)
            if state is not None:
                return state
            if held is not None:  # a lapsed claim: take it over, unless another resend did
                taken = client.set(key, mine, xx=True, keepttl=True, get=True) == held
                return CLAIMED if taken else IN_PROGRESS
        return IN_PROGRESS


class AsyncRedisCallbackLog(AsyncCallbackLog):
    """RedisCallbackLog for asyncio: ``client`` is a ``redis.asyncio.Redis``; the same entries,
    so both kinds of log may share one Redis."""

    def __init__(self, client: Any, *, prefix: str = "zego-token04:callback:") -> None:
        self._redis = _Redis(client, prefix, asyncio=True)

    async def claim(self, callback_id: str, ttl: int) -> str:
        with self._redis.reaching():
            return await self._claim(self._redis.prefix + callback_id, ttl)

    async def finish(self, callback_id: str) -> None:
        key = self._redis.prefix + callback_id
        with self._redis.reaching():
            await self._redis.client.set(key, DONE, xx=True, keepttl=True)

    async def release(self, callback_id: str) -> None:
        with self._redis.reaching():
            await self._redis.client.delete(self._redis.prefix + callback_id)

    async def aclose(self) -> None:
        """Close the log's own connections (a next use opens others)."""
        client = self._redis.detach()
        if client is not None:
            await client.aclose()

    async def _claim(self, key: str, ttl: int) -> str:
        client, mine = self._redis.client, self._redis.claim_value()
        for _ in range(2):
            if await client.set(key, mine, nx=True, ex=ttl):
                return CLAIMED
            held = await client.get(key)
            state = None if held is None else self._redis.state(held, mine)
            if state is not None:
                return state
            if held is not None:
                taken = await client.set(key, mine, xx=True, keepttl=True, get=True) == held
                return CLAIMED if taken else IN_PROGRESS
        return IN_PROGRESS
