"""Callback logs: each callback handled once, in memory and in a real redis-server that the tests stop,
pause (SIGSTOP) and restart; never refused as a replay when nobody handled it."""

import asyncio
import threading
import time

import pytest
from test_callbacks import CALLBACK_SECRET, NOW, RTC

from src import averify_callback, verify_callback
from src.errors import ZegoError
from src.server import (
    AsyncRedisCallbackLog,
    CallbackLog,
    CallbackLogError,
    InvalidCallbackError,
    MemoryCallbackLog,
    RedisCallbackLog,
    _callback_log,
)
from src.server._fields import callback_id


def verify(log, now=NOW):
    """verify_callback of RTC: "handled" (claimed), or the refusal's reason."""
    try:
        verify_callback(RTC, CALLBACK_SECRET, now=now, seen=log)
    except (InvalidCallbackError, CallbackLogError) as error:
        return error.reason
    return "handled"


@pytest.fixture
def short_claims(monkeypatch):
    monkeypatch.setattr(_callback_log, "CLAIM_SECONDS", 0.3)
    return 0.3


# --- in memory -------------------------------------------------------------------------------------------


def test_a_claim_is_in_progress_until_done_then_replayed():
    log = MemoryCallbackLog()
    assert verify(log) == "handled"
    assert verify(log) == "in-progress"  # a resend while the first is handled: answer 503
    log.done(RTC)
    assert verify(log) == "replayed"


def test_a_claim_nobody_finished_lapses_and_the_resend_is_handled(short_claims):
    log = MemoryCallbackLog()
    assert verify(log) == "handled"  # ... and the handler died, or the answer was a 503
    time.sleep(short_claims + 0.05)
    assert verify(log) == "handled"


def test_a_forgotten_claim_is_free_at_once():
    log = MemoryCallbackLog()
    assert verify(log) == "handled"
    log.forget(RTC)
    assert verify(log) == "handled"


def test_a_full_memory_log_refuses_rather_than_forget_a_live_entry():
    log = MemoryCallbackLog(max_entries=3)
    assert [log.claim(f"id{n}", 600) for n in range(3)] == ["claimed"] * 3
    with pytest.raises(CallbackLogError) as caught:
        log.claim("id3", 600)
    assert caught.value.reason == "full"
    assert log.claim("id0", 600) == "in-progress"  # still there


def test_a_full_memory_log_makes_room_from_entries_that_ended():
    log = MemoryCallbackLog(max_entries=2)
    log.claim("short", 0)
    log.claim("long", 600)
    assert log.claim("new", 600) == "claimed"
    assert len(log) == 2


def test_only_one_thread_claims_a_callback():
    log, results, start = MemoryCallbackLog(), [], threading.Barrier(8)

    def claim():
        start.wait()
        results.append(log.claim("same", 600))

    threads = [threading.Thread(target=claim) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["claimed"] + ["in-progress"] * 7


def test_a_log_of_your_own_subclasses_callback_log():
    class Listed(CallbackLog):
        def __init__(self):
            self.entries = {}

        def claim(self, callback_id, ttl):
            return self.entries.setdefault(callback_id, "claimed") and (
                "claimed" if self.entries[callback_id] == "new" else self.entries[callback_id]
            )

        def finish(self, callback_id):
            self.entries[callback_id] = "done"

        def release(self, callback_id):
            self.entries.pop(callback_id, None)

    log = Listed()
    verify_callback(RTC, CALLBACK_SECRET, now=NOW, seen=log)
    log.done(RTC)
    assert log.entries == {callback_id(RTC): "done"}
    assert verify(log) == "replayed"


# --- Redis, for real ---------------------------------------------------------------------------------------


@pytest.fixture
def redis_client(redis_url):
    import redis

    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    yield client
    client.close()


def test_a_redis_log_claims_then_records_with_the_entrys_whole_time(redis_client):
    log = RedisCallbackLog(redis_client, prefix="app:")
    assert verify_callback(RTC, CALLBACK_SECRET, max_age=300, now=NOW + 10, seen=log) == RTC
    (key,) = redis_client.keys("*")
    assert key.decode() == "app:" + callback_id(RTC)
    assert 300 <= redis_client.ttl(key) <= 24 * 3600
    assert verify(log) == "in-progress"
    log.done(RTC)
    assert redis_client.get(key) == b"done" and redis_client.ttl(key) >= 300
    assert verify(log) == "replayed"
    log.forget(RTC)
    assert redis_client.keys("*") == []
    assert verify(log) == "handled"


def test_a_lapsed_redis_claim_is_taken_over_by_one_resend_only(
    redis_url, redis_client, short_claims
):
    import redis

    log = RedisCallbackLog(redis_client)
    assert verify(log) == "handled"
    time.sleep(short_claims + 0.05)
    clients = [redis.Redis.from_url(redis_url) for _ in range(8)]
    results, start = [], threading.Barrier(len(clients))

    def resend(client):
        start.wait()
        results.append(verify(RedisCallbackLog(client)))

    threads = [threading.Thread(target=resend, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for client in clients:
        client.close()
    assert sorted(results) == ["handled"] + ["in-progress"] * 7


def test_a_claim_that_landed_while_the_client_timed_out_is_not_a_replay(redis_server, short_claims):
    # Redis stalls: the SET reaches it, the client gives up, the receiver answers 503. ZEGO resends.
    import redis

    client = redis.Redis.from_url(redis_server.url)
    log = RedisCallbackLog(client)
    assert verify(log) == "handled"  # a first callback, to open the connection
    log.done(RTC)
    other = {**RTC, "nonce": "7"}
    from test_callbacks import signed

    other = signed(other)
    redis_server.pause()
    try:
        with pytest.raises(CallbackLogError) as caught:
            verify_callback(other, CALLBACK_SECRET, now=NOW, seen=log)
    finally:
        redis_server.resume()
    assert caught.value.reason == "unreachable"
    results = []
    for _ in range(40):  # ZEGO's resends, sped up
        try:
            verify_callback(other, CALLBACK_SECRET, now=NOW, seen=log)
            results.append("handled")
            break
        except CallbackLogError as error:
            results.append(error.reason)
        time.sleep(0.05)
    assert results[-1] == "handled" and "replayed" not in results
    client.close()


def test_a_paused_redis_holds_a_callback_a_few_seconds_at_most(redis_server):
    import redis

    client = redis.Redis.from_url(redis_server.url)  # redis-py's defaults: 5 s timeouts, 3 retries
    log = RedisCallbackLog(client)
    redis_server.pause()
    started = time.monotonic()
    try:
        with pytest.raises(CallbackLogError):
            verify_callback(RTC, CALLBACK_SECRET, now=NOW, seen=log)
    finally:
        redis_server.resume()
    assert time.monotonic() - started < 8  # redis-py's own defaults wait 25 s
    client.close()


def test_a_restarted_redis_is_used_again(redis_server):
    import redis

    client = redis.Redis.from_url(redis_server.url)
    log = RedisCallbackLog(client)
    assert verify(log) == "handled"
    redis_server.stop()
    assert verify(log) == "unreachable"
    redis_server.start()  # without persistence: what it held is gone (docs/server.md says so)
    assert verify(log) == "handled"
    client.close()


def test_an_unreachable_redis_is_a_log_error_with_nothing_chained(redis_server):
    import redis

    client = redis.Redis.from_url(redis_server.url)
    redis_server.stop()
    with pytest.raises(CallbackLogError) as caught:
        verify_callback(RTC, CALLBACK_SECRET, now=NOW, seen=RedisCallbackLog(client))
    assert isinstance(caught.value, ZegoError)
    assert not isinstance(caught.value, InvalidCallbackError)
    assert caught.value.__cause__ is None and caught.value.__suppress_context__
    for call in (RedisCallbackLog(client).forget, RedisCallbackLog(client).done):
        with pytest.raises(CallbackLogError):
            call(RTC)


def test_a_client_of_the_wrong_kind_is_refused_when_the_log_is_made(redis_url):
    import redis
    import redis.asyncio

    async def made():  # inside an event loop: before 3.10 redis.asyncio's pool needs one
        return redis.asyncio.Redis.from_url(redis_url)

    sync_client, async_client = redis.Redis.from_url(redis_url), asyncio.run(made())
    with pytest.raises(TypeError, match=r"redis\.Redis"):
        RedisCallbackLog(async_client)
    with pytest.raises(TypeError, match=r"redis\.asyncio"):
        AsyncRedisCallbackLog(sync_client)
    with pytest.raises(TypeError, match="client"):
        RedisCallbackLog("redis://localhost")
    with pytest.raises(TypeError, match="averify_callback"):
        verify_callback(RTC, CALLBACK_SECRET, now=NOW, seen=AsyncRedisCallbackLog(async_client))
    asyncio.run(async_client.aclose())
    with pytest.raises(TypeError, match="block"):
        asyncio.run(
            averify_callback(RTC, CALLBACK_SECRET, now=NOW, seen=RedisCallbackLog(sync_client))
        )
    sync_client.close()


# --- asyncio -----------------------------------------------------------------------------------------------


def test_the_async_log_claims_and_records_as_the_sync_one_does(redis_url, redis_client):
    import redis.asyncio

    async def main():
        client = redis.asyncio.Redis.from_url(redis_url)
        log = AsyncRedisCallbackLog(client)
        results = []
        for _ in range(2):
            try:
                await averify_callback(RTC, CALLBACK_SECRET, now=NOW, seen=log)
                results.append("handled")
            except CallbackLogError as error:
                results.append(error.reason)
        await log.done(RTC)
        with pytest.raises(InvalidCallbackError) as caught:
            await averify_callback(RTC, CALLBACK_SECRET, now=NOW, seen=log)
        await log.aclose()
        await client.aclose()
        return results, caught.value.reason

    assert asyncio.run(main()) == (["handled", "in-progress"], "replayed")
    assert verify(RedisCallbackLog(redis_client)) == "replayed"  # the same entries


def test_a_paused_redis_never_blocks_the_event_loop(redis_server):
    import redis.asyncio

    async def main():
        client = redis.asyncio.Redis.from_url(redis_server.url)
        log = AsyncRedisCallbackLog(client)
        ticks = 0

        async def ticker():
            nonlocal ticks
            while True:
                ticks += 1
                await asyncio.sleep(0.05)

        task = asyncio.create_task(ticker())
        redis_server.pause()
        try:
            with pytest.raises(CallbackLogError):
                await averify_callback(RTC, CALLBACK_SECRET, now=NOW, seen=log)
        finally:
            redis_server.resume()
            task.cancel()
        await log.aclose()
        await client.aclose()
        return ticks

    assert asyncio.run(main()) >= 10  # the loop ticked on for the second or more it waited


def test_a_memory_log_serves_asyncio_too():
    log = MemoryCallbackLog()
    asyncio.run(averify_callback(RTC, CALLBACK_SECRET, now=NOW, seen=log))
    log.done(RTC)
    assert verify(log) == "replayed"
