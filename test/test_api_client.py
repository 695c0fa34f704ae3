"""The Server API client, sync and async, over real sockets against the suite's stand-in of ZEGO's API.

Connections are counted at the server; answers are drip-fed, redirected, malformed and refused with
Code 7 (QPS limit) by the stand-in's raw answers (fake_zego.py).
"""

import asyncio
import json
import socket
import subprocess
import sys
import threading
import time
import urllib.parse

import pytest
from fake_zego import FakeZego
from support import MADE_UP, ROOM, SECRET

from src import ZegoProject
from src.server import ZegoApiError, _wire, acall_api, call_api

pytest.importorskip("httpx")

ANSWER = json.dumps(
    {"Code": 0, "Message": "success", "RequestId": "r", "Data": {"UserCount": 3}}
).encode()


def raw(data, *, every=0.0):
    """A raw answer: `data` written as it is, a byte at a time `every` seconds apart if `every` is set."""

    def write(handler):
        try:
            for piece in [data[i : i + 1] for i in range(len(data))] if every else [data]:
                handler.wfile.write(piece)
                handler.wfile.flush()
                time.sleep(every)
        except OSError:
            pass  # the client hung up: that is the test passing

    return write


def http_answer(body=ANSWER, status="200 OK", headers=()):
    lines = [f"HTTP/1.1 {status}", f"Content-Length: {len(body)}", *headers, "", ""]
    return "\r\n".join(lines).encode() + body


@pytest.fixture
def fake():
    with FakeZego({1: SECRET}, answers={"DescribeUserNum": {"UserCount": 3}}) as server:
        yield server


def call(mode, action, *args, base_url=None, retries=2, **kwargs):
    """A project's call_api, or acall_api run on a new event loop (its client closed with it); an
    Action the catalogue does not know is called by its product and method."""
    args = (action, *args)
    if action != "DescribeUserNum" and action not in ("KickoutUser", "SendCustomCommand"):
        kwargs.update(MADE_UP)
    with ZegoProject(1, SECRET, base_url=base_url, retries=retries) as zego:
        if mode == "sync":
            return zego.call_api(*args, **kwargs)
        return asyncio.run(zego.acall_api(*args, **kwargs))


MODES = ["sync", "async"]


# --- connections reused ------------------------------------------------------------------------------------


def test_fifty_sequential_calls_use_one_connection(fake):
    with ZegoProject(1, SECRET, base_url=fake.url) as zego:
        for _ in range(50):
            assert zego.call_api("DescribeUserNum", ROOM)["Data"] == {"UserCount": 3}
    assert len(fake.requests) == 50 and fake.connections <= 2


def test_the_module_call_api_keeps_its_connection_too(fake):
    for _ in range(10):
        call_api(1, SECRET, "DescribeUserNum", ROOM, base_url=fake.url)
    assert fake.connections <= 2


def test_fifty_sequential_async_calls_use_one_connection(fake):
    async def run():
        async with ZegoProject(1, SECRET, base_url=fake.url) as zego:
            for _ in range(50):
                await zego.acall_api("DescribeUserNum", ROOM)

    asyncio.run(run())
    assert len(fake.requests) == 50 and fake.connections <= 2


def test_threads_share_a_project(fake):
    results = []
    with ZegoProject(1, SECRET, base_url=fake.url) as zego:

        def work():
            results.extend(zego.call_api("DescribeUserNum", ROOM)["Code"] for _ in range(10))

        threads = [threading.Thread(target=work) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert results == [0] * 80 and fake.connections <= 80


def test_close_closes_the_kept_connection_and_the_project_stays_usable(fake):
    zego = ZegoProject(1, SECRET, base_url=fake.url)
    zego.call_api("DescribeUserNum", ROOM)
    zego.close()
    zego.call_api("DescribeUserNum", ROOM)
    zego.close()
    assert fake.connections == 2


def test_a_connection_the_server_closed_is_not_used_again():
    answers = {"Once": raw(http_answer(headers=["Connection: close"])), "DescribeUserNum": {}}
    with FakeZego({1: SECRET}, answers=answers) as server:
        zego = ZegoProject(1, SECRET, base_url=server.url)
        zego.call_api("Once", **MADE_UP)
        assert zego.call_api("DescribeUserNum", ROOM)["Code"] == 0
        zego.close()
    assert server.connections == 2


# --- a deadline for the whole call ----------------------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("where", ["status line", "headers", "body"])
def test_a_drip_fed_answer_is_cut_at_the_deadline(mode, where):
    answer = http_answer(b" " * 400 + ANSWER)
    start = {
        "status line": 0,
        "headers": answer.index(b"\r\n") + 2,
        "body": answer.index(b"\r\n\r\n") + 4,
    }[where]

    def drip(handler):
        raw(answer[:start])(handler)
        raw(answer[start:], every=0.05)(handler)

    with FakeZego({1: SECRET}, answers={"Slow": drip}) as server:
        started = time.monotonic()
        with pytest.raises(ZegoApiError) as caught:
            call(mode, "Slow", base_url=server.url, timeout=0.25)
        elapsed = time.monotonic() - started
    assert 0.2 < elapsed < 0.25 + 0.25 and (caught.value.code, caught.value.status) == (0, 0)


@pytest.mark.parametrize("mode", MODES)
def test_a_timeout_after_sending_is_never_retried(mode):
    with FakeZego(
        {1: SECRET}, answers={"SendCustomCommand": lambda handler: time.sleep(1.5)}
    ) as server:
        with pytest.raises(ZegoApiError):
            call(
                mode,
                "SendCustomCommand",
                {"RoomId": "r", "FromUserId": "u", "MessageContent": "hi"},
                base_url=server.url,
                timeout=0.25,
                retries=2,
            )
        assert len(server.requests) == 1


# --- no redirects -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    "status", ["301 Moved Permanently", "302 Found", "307 Temporary Redirect", "308 Permanent"]
)
def test_a_redirect_is_refused_and_the_other_server_sees_nothing(mode, status):
    with FakeZego({1: SECRET}) as elsewhere:
        other = elsewhere.url.replace("127.0.0.1", "localhost")

        def redirect(handler):
            location = (
                other + "?" + urllib.parse.urlsplit(handler.path).query
            )  # the query copied, Signature too
            raw(http_answer(b"", status=status, headers=[f"Location: {location}"]))(handler)

        with FakeZego({1: SECRET}, answers={"DescribeUserNum": redirect}) as server:
            with pytest.raises(ZegoApiError) as caught:
                call(mode, "DescribeUserNum", ROOM, base_url=server.url)
            signature = server.requests[0]["query"]["Signature"][0]
        assert elsewhere.requests == []
    assert caught.value.status == int(status[:3]) and "localhost" in str(caught.value)
    assert signature not in str(caught.value) and "Signature" not in str(caught.value)


# --- every failure a ZegoApiError --------------------------------------------------------------------------------

MALFORMED = {
    "not-http": b"SSH-2.0-OpenSSH_9.2\r\n\r\n",
    "101": b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\nxx",
    "long-header": b"HTTP/1.1 200 OK\r\nX-Long: " + b"a" * 70_000 + b"\r\n\r\n",
    "many-headers": b"HTTP/1.1 200 OK\r\n" + b"X-A: 1\r\n" * 150 + b"\r\n",
    "bad-chunk": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"
    + ANSWER
    + b"\r\n0\r\n\r\n",
    "cut-chunk": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n400\r\n" + ANSWER,
    "cut-body": http_answer(ANSWER + b"x" * 100)[:-100],
    "not-json": http_answer(b"<html>bad gateway</html>"),
    "deep-json": http_answer(b"[" * 100_000 + b"]" * 100_000),
    "nan-code": http_answer(b'{"Code": NaN}'),
    "not-utf8": http_answer(b'{"Code": 0, "Message": "\xff"}'),
    "empty": b"",
    "code-0-http-500": http_answer(ANSWER, status="500 Internal Server Error"),
}


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("answer", MALFORMED.values(), ids=MALFORMED.keys())
def test_a_malformed_answer_is_a_zego_api_error(mode, answer):
    with (
        FakeZego({1: SECRET}, answers={"DescribeUserNum": raw(answer)}) as server,
        pytest.raises(ZegoApiError) as caught,
    ):
        call(mode, "DescribeUserNum", ROOM, base_url=server.url, timeout=5)
    assert caught.value.code == 0 or caught.value.status == 500
    assert (
        caught.value.__cause__,
        caught.value.__suppress_context__ or caught.value.__context__ is None,
    ) == (
        None,
        True,
    )


@pytest.mark.parametrize("mode", MODES)
def test_a_huge_answer_is_refused(mode):
    from src.server._answers import MAX_RESPONSE_BYTES

    body = b'{"Code": 0, "Data": "' + b"x" * MAX_RESPONSE_BYTES + b'"}'
    with (
        FakeZego({1: SECRET}, answers={"Big": raw(http_answer(body))}) as server,
        pytest.raises(ZegoApiError) as caught,
    ):
        call(mode, "Big", base_url=server.url, timeout=30)
    assert caught.value.code == 0


# --- retries ------------------------------------------------------------------------------------------------------

QPS = {"Code": 206, "Message": "app qps limit"}  # RTC's room signalling: over the AppID's QPS
ROOM_QPS = {"Code": 207, "Message": "room qps limit"}


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("refusal", [QPS, ROOM_QPS], ids=["app-qps", "room-qps"])
def test_a_refusal_zego_did_not_act_on_is_tried_again(mode, refusal):
    with FakeZego(
        {1: SECRET}, answers={"DescribeUserNum": [refusal, refusal, {"UserCount": 1}]}
    ) as server:
        answer = call(mode, "DescribeUserNum", ROOM, base_url=server.url)
    assert answer["Data"] == {"UserCount": 1} and len(server.requests) == 3
    nonces = {request["query"]["SignatureNonce"][0] for request in server.requests}
    assert len(nonces) == 3  # each try signed afresh


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(("retries", "tries"), [(0, 1), (1, 2), (2, 3)])
def test_retries_are_counted(mode, retries, tries):
    with (
        FakeZego({1: SECRET}, answers={"DescribeUserNum": [QPS]}) as server,
        pytest.raises(ZegoApiError) as caught,
    ):
        call(mode, "DescribeUserNum", ROOM, base_url=server.url, retries=retries)
    assert caught.value.code == 206 and len(server.requests) == tries
    assert caught.value.throttled and caught.value.rate_limit == {"limit": [10, 1], "test": [1, 1]}


def test_a_retry_waits_the_first_delay_jittered_then_twice_as_long(monkeypatch):
    monkeypatch.setattr(_wire, "_FIRST_DELAY", 0.2)  # conftest shortens it for the other tests
    with FakeZego({1: SECRET}, answers={"DescribeUserNum": [QPS]}) as server:
        started = time.monotonic()
        with pytest.raises(ZegoApiError):
            call("sync", "DescribeUserNum", ROOM, base_url=server.url, retries=2)
        waited = time.monotonic() - started
    assert len(server.requests) == 3
    assert 0.1 + 0.2 <= waited < 0.2 + 0.4 + 0.25  # half to all of 0.2 s, then of 0.4 s


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    "code", [1, 2, 3, 7, 100000005]
)  # RTC's 1 is "Request failed": it may have run
def test_any_other_refusal_is_never_retried(mode, code):
    kick = {"RoomId": "r", "UserId": ["u"]}
    with (
        FakeZego({1: SECRET}, answers={"KickoutUser": [{"Code": code}, {}]}) as server,
        pytest.raises(ZegoApiError) as caught,
    ):
        call(mode, "KickoutUser", kick, base_url=server.url)
    assert caught.value.code == code and len(server.requests) == 1
    assert not caught.value.throttled


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.parametrize("mode", MODES)
def test_a_connection_refused_before_sending_is_tried_again(mode):
    port = free_port()
    server = FakeZego({1: SECRET}, answers={"DescribeUserNum": {"UserCount": 2}}, port=port)
    threading.Timer(0.1, server.__enter__).start()  # the server comes up after the first try
    try:
        answer = call(mode, "DescribeUserNum", ROOM, base_url=f"http://127.0.0.1:{port}/")
    finally:
        time.sleep(0.1)
        server.__exit__()
    assert answer["Data"] == {"UserCount": 2}


@pytest.mark.parametrize("mode", MODES)
def test_a_refused_connection_without_retries_fails_at_once(mode):
    with pytest.raises(ZegoApiError) as caught:
        call(
            mode,
            "A",
            base_url=f"http://127.0.0.1:{free_port()}/",
            retries=0,
        )
    assert (caught.value.code, caught.value.status) == (0, 0)


# --- arguments refused before signing ---------------------------------------------------------------------------

BAD_BASE_URLS = [
    "http://127.0.0.1:9/ ",
    "\thttp://127.0.0.1:9/",
    "http://127.0.0.1:9/\n",
    "notaurl",
    "ftp://x/",
]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("base_url", BAD_BASE_URLS)
def test_a_bad_base_url_is_refused_before_signing(mode, base_url):
    with pytest.raises(ValueError, match="base_url") as caught:
        call(mode, "A", base_url=base_url)
    assert "Signature" not in str(caught.value) and SECRET not in str(caught.value)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    ("params", "error"),
    [
        ({"RoomId": "\ud800"}, TypeError),
        ({"\udfff": "1"}, ValueError),
        ({"Signature": "x"}, ValueError),
    ],
)
def test_a_parameter_that_cannot_be_sent_is_refused_before_signing(mode, params, error):
    with pytest.raises(error, match="params"):
        call(mode, "A", params, base_url="http://127.0.0.1:9/")


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_none_is_left_out(fake, method):
    with ZegoProject(1, SECRET, base_url=fake.url) as zego:
        zego.call_api(
            "DescribeUserNum" if method == "GET" else "Later",
            {"CustomReason": None, "RoomId": ["r"]},
            **({} if method == "GET" else {"method": method, "product": "rtc"}),
        )
    (request,) = fake.requests
    assert "CustomReason" not in request["query"]
    assert b"CustomReason" not in request["body"]


# --- async: the same answers, the loop never blocked ---------------------------------------------------------


def test_fifty_concurrent_async_calls_leave_the_loop_free():
    answers = {"DescribeUserNum": {"UserCount": 3}, "Slow": raw(http_answer(), every=0.005)}
    with FakeZego({1: SECRET}, answers=answers) as server:

        async def run():
            gaps, stop = [], asyncio.Event()

            async def ticker():
                last = time.monotonic()
                while not stop.is_set():
                    await asyncio.sleep(0.01)
                    now = time.monotonic()
                    gaps.append(now - last)
                    last = now

            task = asyncio.ensure_future(ticker())
            async with ZegoProject(1, SECRET, base_url=server.url) as zego:
                calls = [zego.acall_api("DescribeUserNum", ROOM) for _ in range(50)]
                answers = await asyncio.gather(*calls, zego.acall_api("Slow", **MADE_UP))
            stop.set()
            await task
            return answers, gaps

        answers, gaps = asyncio.run(run())
    assert [answer["Code"] for answer in answers] == [0] * 51
    assert len(gaps) > 10 and max(gaps) < 0.5


def test_a_cancelled_async_call_leaves_nothing_running():
    with FakeZego({1: SECRET}, answers={"Slow": lambda handler: time.sleep(2)}) as server:

        async def run():
            async with ZegoProject(1, SECRET, base_url=server.url) as zego:
                task = asyncio.ensure_future(zego.acall_api("Slow", timeout=5, **MADE_UP))
                await asyncio.sleep(0.2)
                task.cancel()
                with pytest.raises(asyncio.CancelledError):
                    await task
                return await zego.acall_api("DescribeUserNum", ROOM)

        assert asyncio.run(run())["Code"] == 0


def test_the_module_acall_api_takes_the_same_arguments(fake):
    answer = asyncio.run(
        acall_api(1, SECRET, "DescribeUserNum", {"RoomId": ["a", "b"]}, base_url=fake.url)
    )
    assert answer["Data"] == {"UserCount": 3} and fake.requests[0]["query"]["RoomId[]"] == [
        "a",
        "b",
    ]


def test_without_httpx_acall_api_names_the_extra():
    script = (
        "import sys, asyncio; sys.modules['httpx'] = None\n"
        "from src import ZegoProject\n"
        "zego = ZegoProject(1, 'fa94dd0f974cf2e293728a526b028271')\n"
        "print(zego.token('u')[:2])\n"
        "try:\n"
        "    asyncio.run(zego.acall_api('DescribeUserNum', {'RoomId': ['r']}))\n"
        "except ImportError as error:\n"
        "    print(error)\n"
    )
    result = subprocess.run(
        [sys.executable, "-X", "dev", "-W", "error", "-c", script],
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.splitlines()[0] == "04" and "httpx, the api extra" in result.stdout


# --- what an error tracker records of each failure --------------------------------------------------------------


def echoing_redirect(handler):
    """A redirector that copies the query, Signature and all, into its Location."""
    query = urllib.parse.urlsplit(handler.path).query
    raw(http_answer(b"", status="302 Found", headers=[f"Location: http://localhost:1/?{query}"]))(
        handler
    )


SENTRY_CASES = {
    "redirect": echoing_redirect,
    "refused": {"Code": 100000005, "Message": "signature wrong"},
    "qps-exhausted": [QPS],
    "drip": raw(http_answer(), every=0.05),
    "not-http": raw(MALFORMED["not-http"]),
    "long-header": raw(MALFORMED["long-header"]),
    "cut-chunk": raw(MALFORMED["cut-chunk"]),
    "not-json": raw(MALFORMED["not-json"]),
}


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("answer", SENTRY_CASES.values(), ids=SENTRY_CASES.keys())
def test_no_failure_puts_the_secret_or_a_signature_in_the_tracker(mode, answer):
    from test_error_trackers import SPELLINGS, captured, tracking

    with FakeZego({1: SECRET}, answers={"A": answer}) as server, tracking() as kept:
        text = captured(kept, lambda: call(mode, "A", base_url=server.url, timeout=0.25))
    signatures = [request["query"]["Signature"][0] for request in server.requests]
    assert signatures and not any(signature in text for signature in signatures)
    assert not any(spelling in text for spelling in SPELLINGS) and "Signature=" not in text


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    "arguments",
    [
        {"base_url": f"http://127.0.0.1:{free_port()}/", "retries": 0},
        {"base_url": "http://127.0.0.1:9/ "},
        {"base_url": "http://127.0.0.1:9/", "params": {"RoomId": "\ud800"}},
    ],
    ids=["unreachable", "base-url", "surrogate"],
)
def test_no_refusal_of_the_callers_arguments_puts_the_secret_in_the_tracker(mode, arguments):
    from test_error_trackers import SPELLINGS, captured, tracking

    with tracking() as kept:
        text = captured(kept, lambda: call(mode, "A", **arguments))
    assert not any(spelling in text for spelling in SPELLINGS) and "Signature=" not in text


def test_clients_share_one_tls_context_for_each_ca_bundle(monkeypatch):
    # Reading the CA bundle takes some 20 ms: a project made per request must not pay it each time.
    import ssl

    import certifi

    from src.server import _http

    made = []
    real = ssl.create_default_context
    monkeypatch.setattr(
        ssl, "create_default_context", lambda *a, **k: made.append(k) or real(*a, **k)
    )
    _http._tls.cache_clear()
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    with FakeZego({1: SECRET}, answers={"DescribeUserNum": {}}) as server:
        for bundle in (None, None, certifi.where(), certifi.where()):
            if bundle:
                monkeypatch.setenv("SSL_CERT_FILE", bundle)
            with ZegoProject(1, SECRET, base_url=server.url) as zego:
                zego.call_api("DescribeUserNum", ROOM)
    assert [call.get("cafile") for call in made] == [certifi.where(), certifi.where()]
    assert _http._tls.cache_info().currsize == 2  # one without SSL_CERT_FILE, one with it
