"""Callback logs: in memory for one process, in a real redis-server for several; a callback handled once."""

import socket
import threading

import pytest
from test_callbacks import CALLBACK_SECRET, NOW, RTC

from src import verify_callback
from src.errors import ZegoError
from src.server import (
    CallbackLog,
    CallbackLogError,
    InvalidCallbackError,
    MemoryCallbackLog,
    RedisCallbackLog,
)
from src.server._fields import callback_id


def test_a_memory_log_is_bounded_dropping_the_oldest():
    log = MemoryCallbackLog(max_entries=3)
    assert all(log.add(f"id{n}", 600) for n in range(5))
    assert len(log) == 3
    assert log.add("id0", 600)  # dropped, so new again
    assert not log.add("id4", 600)


def test_a_memory_log_forgets_an_entry_when_it_expires():
    log = MemoryCallbackLog()
    assert log.add("a", 0) and log.add("a", 600) and not log.add("a", 600)


def test_only_one_thread_enters_a_callback():
    log, results, start = MemoryCallbackLog(), [], threading.Barrier(8)

    def add():
        start.wait()
        results.append(log.add("same", 600))

    threads = [threading.Thread(target=add) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False] * 7 + [True]


def test_a_log_of_your_own_subclasses_callback_log():
    class Listed(CallbackLog):
        def __init__(self):
            self.ids = []

        def add(self, callback_id, ttl):
            if callback_id in self.ids:
                return False
            self.ids.append(callback_id)
            return True

        def remove(self, callback_id):
            self.ids.remove(callback_id)

    log = Listed()
    verify_callback(RTC, CALLBACK_SECRET, max_age=300, now=NOW, seen=log)
    assert log.ids == [callback_id(RTC)]
    log.forget(RTC)
    assert log.ids == []


# --- Redis, for real --------------------------------------------------------------------------------------------


@pytest.fixture
def redis_client(redis_url):
    import redis

    client = redis.Redis.from_url(redis_url, socket_timeout=5)
    client.flushdb()
    yield client
    client.close()


def test_a_redis_log_sets_each_callback_once_with_its_expiry(redis_client):
    log = RedisCallbackLog(redis_client, prefix="app:")
    assert verify_callback(RTC, CALLBACK_SECRET, max_age=300, now=NOW + 10, seen=log) == RTC
    (key,) = redis_client.keys("*")
    assert key.decode() == "app:" + callback_id(RTC)
    assert 300 <= redis_client.ttl(key) <= 24 * 3600
    with pytest.raises(InvalidCallbackError) as caught:
        verify_callback(RTC, CALLBACK_SECRET, max_age=300, now=NOW + 12, seen=log)
    assert caught.value.reason == "replayed"
    log.forget(RTC)
    assert redis_client.keys("*") == []
    assert verify_callback(RTC, CALLBACK_SECRET, max_age=300, now=NOW + 14, seen=log) == RTC


def test_two_logs_on_one_redis_let_one_worker_handle_a_callback(redis_url, redis_client):
    import redis

    clients = [redis.Redis.from_url(redis_url, socket_timeout=5) for _ in range(8)]
    results, start = [], threading.Barrier(len(clients))

    def worker(client):
        start.wait()
        try:
            verify_callback(
                RTC, CALLBACK_SECRET, max_age=300, now=NOW, seen=RedisCallbackLog(client)
            )
            results.append("handled")
        except InvalidCallbackError as error:
            results.append(error.reason)

    threads = [threading.Thread(target=worker, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for client in clients:
        client.close()
    assert sorted(results) == ["handled"] + ["replayed"] * 7


def test_an_unreachable_redis_never_accepts_the_callback():
    import redis
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    client = redis.Redis(
        port=port, socket_timeout=1, socket_connect_timeout=1, retry=Retry(NoBackoff(), 0)
    )
    with pytest.raises(CallbackLogError) as caught:
        verify_callback(RTC, CALLBACK_SECRET, max_age=300, now=NOW, seen=RedisCallbackLog(client))
    assert isinstance(caught.value, ZegoError) and not isinstance(
        caught.value, InvalidCallbackError
    )
    assert (caught.value.__context__, caught.value.__cause__) == (None, None)
    with pytest.raises(CallbackLogError):
        RedisCallbackLog(client).forget(RTC)
