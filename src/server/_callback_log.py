"""Callback logs: each ZEGO callback handled once, however often it is sent and whichever worker it
reaches.

    log = RedisCallbackLog(redis.Redis.from_url(url, socket_timeout=2))  # or MemoryCallbackLog()
    event = zego.verify_callback(body, max_age=300, seen=log)  # "replayed" if it is in the log
    try:
        handle(event)
    except Exception:
        log.forget(event)  # ZEGO's retry will be handled
        raise

verify_callback enters a callback in the log only once its signature and age
are proven, so a stranger cannot fill it. An entry lasts max_age, and as long
as max_age could still take the callback, plus LOG_MARGIN: never more than a day.
"""

from __future__ import annotations

import threading
import time
from abc import ABC, abstractmethod
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

from ._errors import CallbackLogError
from ._fields import callback_id

__all__ = ["CallbackLog", "MemoryCallbackLog", "RedisCallbackLog"]


class CallbackLog(ABC):
    """Where the callbacks already handled are kept. Subclass it to keep them in your own store."""

    @abstractmethod
    def add(self, callback_id: str, ttl: int) -> bool:
        """Enter ``callback_id`` for ``ttl`` seconds, atomically: True if it was not there, False if
        it was.

        Raises CallbackLogError if the log cannot be reached.
        """

    @abstractmethod
    def remove(self, callback_id: str) -> None:
        """Take ``callback_id`` out, if it is there; CallbackLogError if the log cannot be
        reached."""

    def forget(self, callback: Mapping[str, Any]) -> None:
        """Take a callback out of the log (the fields verify_callback returned), so that a resent
        one is handled."""
        self.remove(callback_id(callback))


class MemoryCallbackLog(CallbackLog):
    """A log in this process's memory: for one process (with several workers or hosts, use
    RedisCallbackLog).

    Thread-safe. It holds at most ``max_entries``; past that the oldest are dropped.
    """

    def __init__(self, max_entries: int = 100_000) -> None:
        if not (isinstance(max_entries, int) and max_entries > 0):
            raise ValueError("max_entries must be an int above 0")
        self._max_entries = max_entries
        self._expiries: OrderedDict[str, float] = OrderedDict()
        self._lock = threading.Lock()

    def add(self, callback_id: str, ttl: int) -> bool:
        now = time.monotonic()
        with self._lock:
            if self._expiries.get(callback_id, now) > now:
                return False
            self._expiries[callback_id] = now + ttl
            self._expiries.move_to_end(callback_id)
            while self._expiries and (
                len(self._expiries) > self._max_entries
                or next(iter(self._expiries.values())) <= now
            ):
                self._expiries.popitem(last=False)
        return True

    def remove(self, callback_id: str) -> None:
        with self._lock:
            self._expiries.pop(callback_id, None)

    def __len__(self) -> int:
        return len(self._expiries)


class RedisCallbackLog(CallbackLog):
    """A log in Redis, shared by every worker and host: ``SET key 1 NX EX ttl``, one atomic step.

    ``client`` is a redis-py ``Redis`` (``pip install 'zego-token04[redis]'``); give it
    a ``socket_timeout``, so that an unreachable Redis is a CallbackLogError soon.
    Keys are ``prefix`` and the callback's id.
    """

    def __init__(self, client: Any, *, prefix: str = "zego-token04:callback:") -> None:
        try:
            from redis.exceptions import RedisError
        except ImportError:
            raise ImportError(
                "RedisCallbackLog needs redis-py: pip install 'zego-token04[redis]'"
            ) from None
        if not isinstance(prefix, str):
            raise TypeError("prefix must be a str")
        self._client, self._prefix, self._errors = client, prefix, (RedisError, OSError)

    def add(self, callback_id: str, ttl: int) -> bool:
        return bool(self._call(self._client.set, self._prefix + callback_id, 1, nx=True, ex=ttl))

    def remove(self, callback_id: str) -> None:
        self._call(self._client.delete, self._prefix + callback_id)

    def _call(self, command: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except self._errors as error:
            failure = (
                f"Redis did not answer ({type(error).__name__}); the callback was not accepted"
            )
        # Outside the except: no chained error holds the client's state.
        raise CallbackLogError(failure)
