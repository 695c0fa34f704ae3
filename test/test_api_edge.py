"""The Server API's edge, configured once: a fake ZEGO through httpx.MockTransport, the environment's
proxies and CA bundle, a deadline that holds whatever the network does, and a credential that never
reaches a log, a warning or an error tracker (sentry-sdk as users start it)."""

import asyncio
import contextlib
import gc
import hashlib
import json
import logging
import os
import signal
import socket
import threading
import time
import urllib.parse
import warnings

import pytest
from fake_zego import FakeZego
from support import MADE_UP, ROOM, SECRET

from src import ZegoProject, acall_api, api_url, call_api
from src.server import ZegoApiError, _client

httpx = pytest.importorskip("httpx")

MODES = ["sync", "async"]
OK = {"Code": 0, "Message": "success", "RequestId": "r", "Data": {"UserCount": 3}}


def run(zego, mode, *args, **kwargs):
    if args[0] != "DescribeUserNum" and args[1:] != (ROOM,):
        kwargs.update(MADE_UP)
    if mode == "sync":
        return zego.call_api(*args, **kwargs)
    return asyncio.run(zego.acall_api(*args, **kwargs))


def timed(zego, mode, *args, **kwargs):
    """How long the call took (its loop's shutdown aside: asyncio.run waits for the resolver's thread)."""

    kwargs.update(MADE_UP)

    async def awaited():
        started = time.monotonic()
        with pytest.raises(ZegoApiError, match="timeout"):
            await zego.acall_api(*args, **kwargs)
        return time.monotonic() - started

    if mode == "async":
        return asyncio.run(awaited())
    started = time.monotonic()
    with pytest.raises(ZegoApiError, match="timeout"):
        zego.call_api(*args, **kwargs)
    return time.monotonic() - started


def signature_of(query):
    text = query["AppId"] + query["SignatureNonce"] + SECRET + query["Timestamp"]
    return hashlib.md5(text.encode()).hexdigest()  # noqa: S324 (ZEGO's scheme)


# --- configured once; a fake ZEGO through MockTransport ---------------------------------------------------


def test_a_mock_transport_serves_call_api_and_acall_api_alike():
    seen = []

    def zego_api(request):
        seen.append(request)
        return httpx.Response(200, json=OK)

    zego = ZegoProject(1, SECRET, region="sgp", transport=httpx.MockTransport(zego_api))
    assert zego.call_api("DescribeUserNum", {"RoomId": ["r1", "r2"]}) == OK
    assert asyncio.run(zego.acall_api("DescribeUserNum", {"RoomId": ["r1"]})) == OK
    for request, rooms in zip(seen, (["r1", "r2"], ["r1"])):
        query = dict(urllib.parse.parse_qsl(request.url.query.decode()))
        assert request.url.host == "rtc-api-sgp.zego.im" and request.method == "GET"
        assert query["Signature"] == signature_of(query) and query["Action"] == "DescribeUserNum"
        assert urllib.parse.parse_qs(request.url.query.decode())["RoomId[]"] == rooms


def test_a_call_may_shorten_the_projects_timeout_and_nothing_else_per_call():
    zego = ZegoProject(
        1, SECRET, transport=httpx.MockTransport(lambda r: httpx.Response(200, json=OK))
    )
    assert zego.call_api("A", timeout=1, **MADE_UP) == OK
    with pytest.raises(TypeError):
        zego.call_api("A", base_url="http://127.0.0.1:9/")


SETTINGS_REFUSED = [
    ({"region": "mars"}, ValueError),
    ({"timeout": 0}, ValueError),
    ({"timeout": -1}, ValueError),
    ({"timeout": float("inf")}, ValueError),
    ({"timeout": float("nan")}, ValueError),
    ({"timeout": 1e10}, ValueError),
    ({"timeout": "10"}, TypeError),
    ({"retries": -1}, ValueError),
    ({"retries": 11}, ValueError),
    ({"base_url": "http://127.0.0.1:9/#part"}, ValueError),
    ({"base_url": "http://127.0.0.1:9/räume"}, ValueError),
    ({"base_url": "http://127.0.0.1:9/a b"}, ValueError),
    ({"base_url": "http://127.0.0.1:99999/"}, ValueError),
    ({"transport": "http://proxy/"}, TypeError),
]


@pytest.mark.parametrize(("setting", "error"), SETTINGS_REFUSED)
def test_a_setting_that_cannot_be_used_is_refused_when_the_project_is_made(setting, error):
    (name,) = setting
    with pytest.raises(error, match=name):
        ZegoProject(1, SECRET, **setting)


@pytest.mark.parametrize(
    ("setting", "error"), [case for case in SETTINGS_REFUSED if "transport" not in case[0]]
)
def test_the_module_functions_refuse_the_same_settings_before_anything_is_sent(
    setting, error, monkeypatch
):
    (name,) = setting
    monkeypatch.setattr(_client, "shared_clients", lambda: pytest.fail("the call was made"))
    with pytest.raises(error, match=name):
        call_api(1, SECRET, "DescribeUserNum", ROOM, **setting)
    with pytest.raises(error, match=name):
        asyncio.run(acall_api(1, SECRET, "DescribeUserNum", ROOM, **setting))
    if name in ("region", "base_url"):
        with pytest.raises(error, match=name):
            api_url(1, SECRET, "DescribeUserNum", ROOM, **setting)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("timeout", [0, -1, float("inf"), 1e10, 86401])
def test_a_calls_timeout_is_checked_before_anything_is_signed(mode, timeout):
    sent = []
    transport = httpx.MockTransport(
        lambda request: sent.append(request) or httpx.Response(200, json=OK)
    )
    with pytest.raises(ValueError, match="timeout"):
        run(ZegoProject(1, SECRET, transport=transport), mode, "A", timeout=timeout)
    assert sent == []


def test_a_transport_of_one_kind_serves_its_own_mode_only():
    zego = ZegoProject(1, SECRET, transport=httpx.HTTPTransport())
    with pytest.raises(TypeError, match="transport"):
        asyncio.run(zego.acall_api("A", **MADE_UP))


def test_anything_a_transport_raises_is_a_zego_api_error():
    def broken(request):
        raise httpx.ConnectError("refused")

    zego = ZegoProject(1, SECRET, retries=0, transport=httpx.MockTransport(broken))
    for mode in MODES:
        with pytest.raises(ZegoApiError) as caught:
            run(zego, mode, "A")
        assert caught.value.sent is False and caught.value.code == 0


# --- the environment, as httpx reads it ---------------------------------------------------------------------


@pytest.fixture
def clean_environment(monkeypatch):
    for name in (
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "NO_PROXY",
        "SSL_CERT_FILE",
        "SSL_CERT_DIR",
    ):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    return monkeypatch


@pytest.mark.parametrize("mode", MODES)
def test_the_environments_proxy_carries_signed_requests_in_both_modes(mode, clean_environment):
    with FakeZego({1: SECRET}, answers={"DescribeUserNum": {"UserCount": 5}}) as proxy:
        clean_environment.setenv("HTTP_PROXY", proxy.url)
        zego = ZegoProject(1, SECRET, base_url="http://zego-api.invalid/")
        answer = run(zego, mode, "DescribeUserNum", ROOM)
        zego.close()
    assert answer["Data"] == {"UserCount": 5}  # the stand-in checked the Signature
    assert proxy.requests[0]["headers"]["Host"] == "zego-api.invalid"  # asked of the proxy


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    "environment",
    [{"SSL_CERT_FILE": "/nonexistent/ca.pem"}, {"ALL_PROXY": "socks5://127.0.0.1:9"}],
    ids=["ca-bundle", "socks-proxy"],
)
def test_an_environment_that_cannot_be_used_is_a_zego_api_error(
    mode, environment, clean_environment
):
    for name, value in environment.items():
        clean_environment.setenv(name, value)
    with pytest.raises(ZegoApiError, match="set up"):
        run(ZegoProject(1, SECRET, base_url="https://127.0.0.1:9/"), mode, "A")


# --- a deadline that is a deadline ------------------------------------------------------------------------------


@contextlib.contextmanager
def silent_server():
    """A server that accepts and never says a word (a TLS handshake stalls on it)."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(8)
        yield server.getsockname()[1]


@pytest.mark.parametrize("mode", MODES)
def test_slow_name_resolution_is_inside_the_deadline(mode, monkeypatch):
    real = socket.getaddrinfo

    def slow(host, *args, **kwargs):
        if host in ("slow.invalid", b"slow.invalid"):
            time.sleep(1)
            host = "127.0.0.1"
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", slow)
    zego = ZegoProject(1, SECRET, base_url="http://slow.invalid:9/", timeout=0.25)
    assert timed(zego, mode, "A") < 0.25 + 0.25


@contextlib.contextmanager
def unanswered_addresses(count):
    """Loopback addresses on one port whose listeners' backlogs are full: a connect hangs there."""
    listeners, fillers = [], []
    try:
        for n in range(count):
            listener = socket.socket()
            listener.bind((f"127.0.0.{n + 2}", listeners[0].getsockname()[1] if listeners else 0))
            listener.listen(0)
            filler = socket.create_connection(listener.getsockname(), timeout=1)
            listeners.append(listener)
            fillers.append(filler)
        yield [listener.getsockname() for listener in listeners]
    finally:
        for sock in listeners + fillers:
            sock.close()


@pytest.mark.parametrize("mode", MODES)
def test_several_unanswered_addresses_are_inside_the_deadline(mode, monkeypatch):
    with unanswered_addresses(3) as addresses:
        found = [(socket.AF_INET, socket.SOCK_STREAM, 6, "", address) for address in addresses]
        real = socket.getaddrinfo
        monkeypatch.setattr(
            socket,
            "getaddrinfo",
            lambda host, *args, **kwargs: (
                found
                if host in ("several.invalid", b"several.invalid")
                else real(host, *args, **kwargs)
            ),
        )
        port = addresses[0][1]
        zego = ZegoProject(1, SECRET, base_url=f"http://several.invalid:{port}/", timeout=0.25)
        assert timed(zego, mode, "A") < 0.25 + 0.25


@pytest.mark.parametrize("mode", MODES)
def test_a_stalled_tls_handshake_is_inside_the_deadline(mode):
    with silent_server() as port:
        zego = ZegoProject(1, SECRET, base_url=f"https://127.0.0.1:{port}/", timeout=0.25)
        assert timed(zego, mode, "A") < 0.25 + 0.25


# --- the credential stays in ------------------------------------------------------------------------------------


class Everything:
    """Every log record of every logger, at DEBUG, as a handler formats it; every warning."""

    def __enter__(self):
        self.lines, self.handler = [], logging.Handler(logging.DEBUG)
        self.handler.emit = lambda record: self.lines.append(logging.Formatter().format(record))
        root = logging.getLogger()
        self.level, root.level = root.level, logging.DEBUG
        root.addHandler(self.handler)
        self.warnings = warnings.catch_warnings(record=True)
        self.caught = self.warnings.__enter__()
        warnings.simplefilter("always")
        return self

    def __exit__(self, *exc):
        self.warnings.__exit__(*exc)
        logging.getLogger().removeHandler(self.handler)
        logging.getLogger().level = self.level
        self.lines += [str(warning.message) for warning in self.caught]


class Interrupted(Exception):
    """What a signal handler raises mid-call (Celery's soft time limit, say)."""


@contextlib.contextmanager
def interrupted_after(seconds):
    def interrupt(signum, frame):
        raise Interrupted

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def sentry_started():
    """sentry-sdk as users start it: default integrations, tracing on; every envelope kept."""
    sentry_sdk = pytest.importorskip("sentry_sdk")
    from sentry_sdk.transport import Transport

    class Kept(Transport):
        def __init__(self, options=None):
            super().__init__(options)
            self.envelopes = []

        def capture_envelope(self, envelope):
            self.envelopes.append(
                [
                    item.payload.json or item.payload.bytes.decode("utf-8", "replace")
                    for item in envelope.items
                ]
            )

    kept = Kept()
    sentry_sdk.init(dsn="https://key@errors.invalid/1", transport=kept, traces_sample_rate=1.0)
    return sentry_sdk, kept


def calls_as_users_make_them(mode, server, port):
    """Successful, refused, failing and interrupted calls, each under a transaction."""
    outcomes = []
    zego = ZegoProject(1, SECRET, base_url=server.url, timeout=3)
    silent = ZegoProject(1, SECRET, base_url=f"http://127.0.0.1:{port}/", timeout=3)
    for project in (zego, zego, silent):  # answered, refused, interrupted
        try:
            if project is silent:
                with interrupted_after(0.3):
                    outcomes.append(run(project, mode, "DescribeUserNum", ROOM))
            else:
                outcomes.append(run(project, mode, "DescribeUserNum", ROOM))
        except (ZegoApiError, Interrupted) as error:
            outcomes.append(error)
    zego.close()
    silent.close()
    return outcomes


@pytest.mark.parametrize("mode", MODES)
def test_no_log_warning_or_error_tracker_record_holds_the_credential(mode):
    sentry_sdk, kept = sentry_started()
    answers = {"DescribeUserNum": [{"UserCount": 3}, {"Code": 100000005}]}
    try:
        with (
            FakeZego({1: SECRET}, answers=answers) as server,
            silent_server() as port,
            Everything() as seen,
        ):
            with sentry_sdk.start_transaction(name="calls"):
                outcomes = calls_as_users_make_them(mode, server, port)
            for outcome in outcomes:
                if isinstance(outcome, BaseException):
                    sentry_sdk.capture_exception(outcome)
            sentry_sdk.capture_message("after the calls")  # it carries the breadcrumbs
            sentry_sdk.flush()
    finally:
        sentry_sdk.get_client().close()
        sentry_sdk.get_global_scope().set_client(None)
    assert isinstance(outcomes[0], dict) and isinstance(outcomes[-1], Interrupted)
    sent = json.dumps(kept.envelopes) + "\n".join(seen.lines)
    assert "DescribeUserNum" in sent and "vars" in sent  # what was looked in holds the calls
    credentials = [
        request["query"][name][0]
        for request in server.requests
        for name in ("Signature", "SignatureNonce")
    ]
    assert credentials and not any(credential in sent for credential in credentials)
    assert SECRET not in sent and "Signature=" not in sent and "SignatureNonce=" not in sent


# --- clients live as long as their owner ---------------------------------------------------------------------


def open_descriptors():
    gc.collect()
    return len(os.listdir("/proc/self/fd"))


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="counts /proc/self/fd")
def test_a_project_lets_each_event_loops_client_go_with_its_loop():
    with FakeZego({1: SECRET}, answers={"DescribeUserNum": {}}) as server:
        zego = ZegoProject(1, SECRET, base_url=server.url)
        asyncio.run(zego.acall_api("DescribeUserNum", ROOM))
        before = open_descriptors()
        for _ in range(30):
            asyncio.run(zego.acall_api("DescribeUserNum", ROOM))
        assert open_descriptors() <= before + 2
    assert server.connections == 31  # one client a loop, closed with it


def test_the_module_acall_api_reuses_its_client_on_a_loop():
    with FakeZego({1: SECRET}, answers={"DescribeUserNum": {}}) as server:

        async def twenty():
            for _ in range(20):
                await acall_api(1, SECRET, "DescribeUserNum", ROOM, base_url=server.url)

        asyncio.run(twenty())
    assert len(server.requests) == 20 and server.connections == 1


def test_threads_and_loops_share_nothing_they_should_not():
    with FakeZego({1: SECRET}, answers={"DescribeUserNum": {}}) as server:
        zego, results = ZegoProject(1, SECRET, base_url=server.url), []

        def in_a_thread():
            results.append(asyncio.run(zego.acall_api("DescribeUserNum", ROOM))["Code"])
            results.append(zego.call_api("DescribeUserNum", ROOM)["Code"])

        threads = [threading.Thread(target=in_a_thread) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        zego.close()
    assert results == [0] * 8
