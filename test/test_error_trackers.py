"""What an error tracker captures of a failing call holds no spelling of the secret.

Sentry's Python SDK, initialised with its defaults, records the local variables of every frame of an
exception it captures and hides only those its scrubber names (``secret``, ``token``, ``password``,
...). A local such as ``key = secret.encode()`` would be sent as it is. Each raising path of each
public function (and the command line's main(), run in-process) is captured here through a transport
that keeps the events, and every event is searched for the secret as text, as bytes' repr and as hex.
"""

import contextlib
import json
import re
import sys
import traceback

import pytest
from hypothesis import HealthCheck, given, settings
from support import EXPIRE, OTHER_SECRET, ROOM, SECRET, frame_of, make_token, token_of
from test_callbacks import hostile_bodies

from src import (
    DecodeOptions,
    ZegoProject,
    check_token04,
    cli,
    decode_kit_token,
    decode_token04,
    make_kit_token,
    read_token,
    token04,
    verify_callback,
)
from src import _frame as frame_module
from src.errors import InvalidTokenError, ZegoError

sentry_sdk = pytest.importorskip("sentry_sdk")
from sentry_sdk.transport import Transport  # noqa: E402

# Every secret these tests use, and the spellings of each that a captured value could take.
SPELLINGS = [
    spelling
    for secret in (SECRET, OTHER_SECRET)
    for spelling in (
        secret,
        repr(secret.encode("ascii")),
        secret.encode("ascii").hex(),
        json.dumps(secret)[1:-1],
    )
]


class Kept(Transport):
    """A transport that keeps what it would send."""

    def __init__(self, options=None):
        super().__init__(options)
        self.events = []

    def capture_envelope(self, envelope):
        for item in envelope.items:
            if item.type == "event":
                self.events.append(item.payload.json)


@contextlib.contextmanager
def tracking():
    """Sentry as a user starts it, keeping what it would send."""
    kept = Kept()
    # The defaults: include_local_variables on, send_default_pii off, the default scrubber.
    sentry_sdk.init(dsn="https://key@errors.invalid/1", transport=kept)
    try:
        yield kept
    finally:
        sentry_sdk.get_client().close()
        sentry_sdk.get_global_scope().set_client(None)


@pytest.fixture
def tracker():
    with tracking() as kept:
        yield kept


LIBRARY = ("src", "zego_token04")


def captured(tracker, call):
    """What the tracker sends of the library's own frames (their local variables) and of the exceptions
    (their messages) for the exception `call` raises. The test's own frames hold the secret, of course."""
    with pytest.raises((ValueError, TypeError, RuntimeError, Broken, ZegoError)) as caught:
        call()
    sentry_sdk.capture_exception(caught.value)
    sentry_sdk.flush()
    (event,) = tracker.events
    exceptions = event["exception"]["values"]
    frames = [
        frame
        for exception in exceptions
        for frame in exception.get("stacktrace", {}).get("frames", [])
    ]
    ours = [frame for frame in frames if frame.get("module", "").split(".")[0] in LIBRARY]
    assert ours and all("vars" in frame for frame in ours)  # the library's locals were captured
    return json.dumps(
        [[exception.get("value") for exception in exceptions], [frame["vars"] for frame in ours]]
    )


GCM_TOKEN = make_token(gcm=True)
TAMPERED_GCM = frame_of(GCM_TOKEN)
TAMPERED_GCM[-2] ^= 1
TOKEN_FOR_DEMO = make_token()

DECODE_FAILURES = {
    "not-a-str": (None, SECRET),
    "too-long": ("04" + "A" * 90_000, SECRET),
    "prefix": ("05AAAA", SECRET),
    "base64": ("04AA!A", SECRET),
    "kit-token": (TOKEN_FOR_DEMO + "#e30=", SECRET),
    "iv-length": (token_of(b"\x00" * 8 + b"\x00\x05" + b"\x00" * 30), SECRET),
    "truncated": (token_of(frame_of(TOKEN_FOR_DEMO)[:20]), SECRET),
    "wrong-secret-cbc": (make_token(ctime=4_000_000_000, expire=4_000_000_060), OTHER_SECRET),
    "wrong-secret-gcm": (GCM_TOKEN, OTHER_SECRET),
    "tampered-gcm": (token_of(TAMPERED_GCM), SECRET),
    "bad-padding": (make_token(body=b"x" * 31 + b"\x11", pkcs7=False), SECRET),
    "body-not-json": (make_token(body=b"not json"), SECRET),
    "body-member": (make_token(app_id=0), SECRET),
    "expire-differs": (make_token(frame_expire=EXPIRE + 1), SECRET),
    "expired": (TOKEN_FOR_DEMO, SECRET),
    "malformed-secret": (TOKEN_FOR_DEMO, "x" + SECRET),
}


@pytest.mark.parametrize(("token", "secret"), DECODE_FAILURES.values(), ids=DECODE_FAILURES.keys())
def test_decode_token04_failures_carry_no_secret(tracker, token, secret):
    text = captured(tracker, lambda: decode_token04(token, secret, now=EXPIRE + 1))
    assert not any(spelling in text for spelling in SPELLINGS)


KIT_FAILURES = {
    "no-separator": (TOKEN_FOR_DEMO, EXPIRE),
    "fields": (TOKEN_FOR_DEMO + "#e30=", EXPIRE),
    "user-mismatch": (make_kit_token(TOKEN_FOR_DEMO, 1, "room1", "mallory"), EXPIRE),
    "app-mismatch": (make_kit_token(TOKEN_FOR_DEMO, 2, "room1", "demo"), EXPIRE),
    "expired": (make_kit_token(TOKEN_FOR_DEMO, 1, "room1", "demo"), EXPIRE + 1),
}


@pytest.mark.parametrize(("kit_token", "now"), KIT_FAILURES.values(), ids=KIT_FAILURES.keys())
def test_decode_kit_token_failures_carry_no_secret(tracker, kit_token, now):
    text = captured(tracker, lambda: decode_kit_token(kit_token, SECRET, now=now))
    assert not any(spelling in text for spelling in SPELLINGS)


CHECK_FAILURES = {
    "malformed-secret": {"secret": SECRET[:31]},
    "product": {"product": "express"},
    "now": {"options": DecodeOptions(now="now")},
    "leeway": {"options": DecodeOptions(leeway=float("nan"))},
}


@pytest.mark.parametrize("arguments", CHECK_FAILURES.values(), ids=CHECK_FAILURES.keys())
def test_check_token04_failures_carry_no_secret(tracker, arguments):
    arguments = {"secret": SECRET, "user_id": "demo", **arguments}
    text = captured(tracker, lambda: check_token04(TOKEN_FOR_DEMO, **arguments))
    assert not any(spelling in text for spelling in SPELLINGS)


class Broken(Exception):
    """Raised from deep inside a call that never raises on its own."""


def broken(*args, **kwargs):
    raise Broken


def test_generate_token04_frames_carry_no_secret(tracker, monkeypatch):
    # generate_token04 never raises; an exception from the cipher (or a MemoryError) would pass every frame.
    monkeypatch.setattr(frame_module.AES, "new", broken)
    text = captured(tracker, lambda: token04.generate_token04(1, "demo", SECRET, 3600, "p"))
    assert not any(spelling in text for spelling in SPELLINGS)


@pytest.mark.parametrize("command", ["generate", "decode", "check"])
def test_the_command_lines_frames_carry_no_secret(tracker, monkeypatch, command):
    monkeypatch.setenv("ZEGO_SERVER_SECRET", SECRET)
    monkeypatch.setattr(frame_module.AES, "new", broken)
    monkeypatch.setattr(sys, "stdout", sys.__stdout__)
    arguments = {
        "generate": ["generate", "--app-id", "1", "--user-id", "demo", "--json"],
        "decode": ["decode", TOKEN_FOR_DEMO],
        "check": ["check", TOKEN_FOR_DEMO, "--user-id", "demo", "--json"],
    }[command]
    text = captured(tracker, lambda: cli.main(arguments))
    assert not any(spelling in text for spelling in SPELLINGS)


LEAKY_STEP = """
def leaky_decrypt(frame, secret, version):
    key = secret.encode("ascii")  # the kind of local this file guards against
    raise RuntimeError(len(key))
"""


def test_the_search_would_find_a_secret_held_in_a_local(tracker, monkeypatch):
    library_module = {"__name__": "src.leaky"}  # a frame the tracker takes for the library's
    exec(LEAKY_STEP, library_module)  # noqa: S102
    monkeypatch.setattr(token04, "decrypt", library_module["leaky_decrypt"])
    text = captured(tracker, lambda: decode_token04(TOKEN_FOR_DEMO, SECRET))
    assert any(spelling in text for spelling in SPELLINGS)


# --- the surfaces added since: ZegoProject, the paste of a secret where a token goes, the server side ---------

CALLBACK_SECRET = "c" * 16 + "0123456789abcdef"
SPELLINGS += [CALLBACK_SECRET, CALLBACK_SECRET.encode().hex()]

PROJECT_FAILURES = {
    "constructor-app-id": lambda: ZegoProject(0, SECRET, callback_secret=CALLBACK_SECRET),
    "constructor-callback-secret": lambda: ZegoProject(
        1, SECRET, callback_secret=CALLBACK_SECRET + "\ud800"
    ),
    "from-env-app-id-unset": lambda: ZegoProject.from_env({"ZEGO_SERVER_SECRET": SECRET}),
    "from-env-app-id-1x": lambda: ZegoProject.from_env(
        {"ZEGO_APP_ID": "1x", "ZEGO_SERVER_SECRET": SECRET}
    ),
    "from-env-quoted": lambda: ZegoProject.from_env(
        {"ZEGO_APP_ID": "1", "ZEGO_SERVER_SECRET": f'"{SECRET}"'}
    ),
    "from-env-callback": lambda: ZegoProject.from_env(
        {
            "ZEGO_APP_ID": "1",
            "ZEGO_SERVER_SECRET": SECRET,
            "ZEGO_CALLBACK_SECRET": f"{CALLBACK_SECRET}\udcff",  # an undecodable byte
        }
    ),
    "from-env-not-text": lambda: ZegoProject.from_env(
        {"ZEGO_APP_ID": 1234, "ZEGO_SERVER_SECRET": SECRET}
    ),
    "token": lambda: ZegoProject(1, SECRET).token(""),
    "decode": lambda: ZegoProject(1, SECRET).decode(TOKEN_FOR_DEMO),
    "check": lambda: ZegoProject(1, SECRET).check(TOKEN_FOR_DEMO, options=DecodeOptions(now="now")),
    "kit-token": lambda: ZegoProject(1, SECRET).kit_token("u", "房间"),
    "verify-callback": lambda: ZegoProject(
        1, SECRET, callback_secret=CALLBACK_SECRET
    ).verify_callback({"signature": "0" * 40, "timestamp": 1, "nonce": 2}),
    "call-api-unreachable": lambda: ZegoProject(1, SECRET, base_url="http://127.0.0.1:9/").call_api(
        "DescribeUserNum", ROOM
    ),
}


@pytest.mark.parametrize("call", PROJECT_FAILURES.values(), ids=PROJECT_FAILURES.keys())
def test_zego_projects_failures_carry_no_secret(tracker, call):
    text = captured(tracker, call)
    assert not any(spelling in text for spelling in SPELLINGS)


@pytest.mark.parametrize("name", ["ZEGO_APP_ID", "ZEGO_SERVER_SECRET"])
def test_from_env_of_the_process_environment_carries_no_secret(tracker, monkeypatch, name):
    monkeypatch.setenv("ZEGO_APP_ID", "1")
    monkeypatch.setenv("ZEGO_SERVER_SECRET", SECRET)
    monkeypatch.setenv("ZEGO_CALLBACK_SECRET", CALLBACK_SECRET)
    monkeypatch.setenv(name, f'"{SECRET}"' if name == "ZEGO_SERVER_SECRET" else "1x")
    text = captured(tracker, ZegoProject.from_env)
    assert not any(spelling in text for spelling in SPELLINGS)


@pytest.mark.parametrize("call", PROJECT_FAILURES.values(), ids=PROJECT_FAILURES.keys())
def test_a_traceback_with_its_locals_shows_a_secret_only_in_a_variable_named_secret(call):
    # TracebackException(capture_locals=True) scrubs nothing: it shows every local, a half-made ZegoProject
    # too (whose repr once raised). Only a parameter named "secret" may hold one; no mapping, no copy.
    with pytest.raises(Exception) as caught:  # noqa: PT011 (each raises its own documented error)
        call()
    shown = "".join(
        traceback.TracebackException.from_exception(caught.value, capture_locals=True).format()
    )
    leaks = [
        line for line in shown.splitlines() if any(s in line for s in (SECRET, CALLBACK_SECRET))
    ]
    assert all(re.match(r"\s+secret = ", line) for line in leaks), leaks


PASTED = {
    "decode": lambda: decode_token04(SECRET, SECRET),
    "decode-04-secret": lambda: decode_token04("04" + SECRET, SECRET),
    "kit": lambda: decode_kit_token(SECRET + "#e30=", SECRET),
    "read": lambda: read_token(SECRET, OTHER_SECRET),
    "check": lambda: check_token04(SECRET, SECRET, options=DecodeOptions(now="now")),
}


@pytest.mark.parametrize("call", PASTED.values(), ids=PASTED.keys())
def test_a_secret_pasted_where_a_token_goes_is_not_captured(tracker, call):
    text = captured(tracker, call)
    assert not any(spelling in text for spelling in SPELLINGS)


def test_a_gcm_refusal_keeps_no_cipher_alive():
    with pytest.raises(InvalidTokenError) as caught:
        decode_token04(token_of(TAMPERED_GCM), SECRET)
    assert (caught.value.__context__, caught.value.__cause__) == (None, None)


# --- callbacks: bodies anyone can POST -------------------------------------------------------------------------

LONE_SURROGATES = {
    "timestamp": '{"signature": "%s", "timestamp": "\\ud800", "nonce": "1"}' % ("0" * 40),
    "nonce": '{"signature": "%s", "timestamp": 1700000000, "nonce": "\\udfff"}' % ("0" * 40),
    "pascal": '{"Signature": "%s", "Timestamp": "1", "Nonce": "a\\ud800b"}' % ("0" * 40),
}


@pytest.mark.parametrize("body", LONE_SURROGATES.values(), ids=LONE_SURROGATES.keys())
def test_a_forged_callback_with_a_lone_surrogate_puts_no_secret_in_the_tracker(tracker, body):
    zego = ZegoProject(1, SECRET, callback_secret=CALLBACK_SECRET)
    text = captured(tracker, lambda: zego.verify_callback(body.encode(), max_age=300))
    assert not any(spelling in text for spelling in SPELLINGS)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(body=hostile_bodies())
def test_no_body_a_stranger_sends_puts_the_callback_secret_in_the_tracker(body):
    with tracking() as kept:
        text = captured(
            kept, lambda: verify_callback(body, CALLBACK_SECRET, max_age=300, now=1_700_000_000)
        )
    assert not any(spelling in text for spelling in SPELLINGS)
