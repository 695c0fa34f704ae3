"""Callbacks: signed with the CallbackSecret, every body anyone can send refused as InvalidCallbackError."""

import json
import math
import time
import urllib.parse
from datetime import timedelta

import pytest
from cli_support import run_in_process
from hypothesis import given
from hypothesis import strategies as st
from support import SECRET

from src import ZegoProject, callback_signature, verify_callback
from src.server import CallbackLogError, InvalidCallbackError, MemoryCallbackLog
from src.server._callbacks import LOG_MARGIN, MAX_LOGGED_AGE
from src.server._fields import callback_id

CALLBACK_SECRET = "0123456789abcdef" * 2
OFFICIAL = "5bd59fd62953a8059fb7eaba95720f66d19e4517"  # the callback pages' example's signature


@pytest.mark.parametrize(
    ("timestamp", "nonce"), [(1470820198, 123412), ("1470820198", "123412"), (1470820198, "123412")]
)
def test_the_official_callback_signature_vector(timestamp, nonce):
    # The callback pages' example: nonce 123412, timestamp 1470820198, secret "secret".
    assert callback_signature("secret", timestamp, nonce) == OFFICIAL


def test_the_callback_secret_has_one_rule_wherever_it_is_given():
    # ZEGO's own example signs with "secret": every door takes it, and refuses what is not text.
    sent = int(time.time())
    signature = callback_signature("secret", sent, 123412)
    body = json.dumps({"timestamp": sent, "nonce": 123412, "signature": signature})
    now = {"now": sent}
    project = ZegoProject(1, SECRET, callback_secret="secret")
    from_env = ZegoProject.from_env(
        {"ZEGO_APP_ID": "1", "ZEGO_SERVER_SECRET": SECRET, "ZEGO_CALLBACK_SECRET": " secret\n"}
    )
    for verify in (project.verify_callback, from_env.verify_callback):
        assert verify(body, **now)["nonce"] == 123412
    assert verify_callback(body, "secret", **now)["nonce"] == 123412
    env = {"ZEGO_CALLBACK_SECRET": "secret"}
    result = run_in_process("verify-callback", stdin=body, env=env)
    assert result.returncode == 0, result.stderr
    spoiled = {"ZEGO_CALLBACK_SECRET": "secret\udcff"}  # an undecodable byte of the environment
    result = run_in_process("verify-callback", stdin=body, env=spoiled)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.endswith(
        "zego-token04: error: the secret in ZEGO_CALLBACK_SECRET must be non-empty text\n"
    )
    for refused in ("", "\ud800"):
        with pytest.raises(ValueError, match="callback_secret must be non-empty text"):
            ZegoProject(1, SECRET, callback_secret=refused)
        with pytest.raises(ValueError, match="secret must be non-empty text"):
            verify_callback(body, refused, **now)


# --- callbacks ------------------------------------------------------------------------------------------------

NOW = 1_700_000_000


def signed(fields, secret=CALLBACK_SECRET, names=("signature", "timestamp", "nonce")):
    """A callback's fields with its signature, under either of ZEGO's conventions."""
    timestamp, nonce = fields[names[1]], fields[names[2]]
    return {**fields, names[0]: callback_signature(secret, timestamp, nonce)}


RTC = signed(
    {"event": "room_create", "appid": 1, "room_id": "r1", "timestamp": NOW, "nonce": "8812"}
)
ZIM_STRING_TIME = signed({"event": "user_logout", "appid": "1", "timestamp": str(NOW), "nonce": 99})
AI_AGENT = signed(
    {"AppId": 1, "Event": "AgentStarted", "Timestamp": NOW * 1000 + 123, "Nonce": "n1"},
    names=("Signature", "Timestamp", "Nonce"),
)
BODIES = {
    "rtc-json-bytes": json.dumps(RTC).encode(),
    "rtc-json-str": json.dumps(RTC),
    "rtc-mapping": RTC,
    "rtc-form": urllib.parse.urlencode(RTC),
    "zim-string-timestamp": json.dumps(ZIM_STRING_TIME),
    "ai-agent-milliseconds": json.dumps(AI_AGENT).encode(),
}


@pytest.mark.parametrize("body", BODIES.values(), ids=BODIES.keys())
def test_a_callback_signed_with_the_callback_secret_is_taken(body):
    fields = verify_callback(body, CALLBACK_SECRET, max_age=300, now=NOW + 60)
    assert fields.get("event", fields.get("Event"))
    project = ZegoProject(1, SECRET, callback_secret=CALLBACK_SECRET)
    assert project.verify_callback(body, max_age=timedelta(minutes=5), now=NOW + 60) == fields


FORGED = {
    "wrong-secret": (json.dumps(signed(dict(RTC), secret=SECRET)), "bad-signature"),
    "tampered-nonce": (json.dumps({**RTC, "nonce": "8813"}), "bad-signature"),
    "tampered-timestamp": (json.dumps({**RTC, "timestamp": NOW + 1}), "bad-signature"),
    "upper-case-signature": (
        json.dumps({**RTC, "signature": RTC["signature"].upper()}),
        "bad-signature",
    ),
    "no-signature": (
        json.dumps({k: v for k, v in RTC.items() if k != "signature"}),
        "missing-field",
    ),
    "signature-not-text": (json.dumps({**RTC, "signature": 5}), "bad-signature"),
    "not-json": (b"{not json", "malformed"),
    "a-list": ("[1, 2]", "malformed"),
    "not-utf8": (b"\xff\xfe", "malformed"),
    "bad-form": ("a=1&&b", "malformed"),
    "too-deep": ("[" * 100_000, "malformed"),
    "too-large": (b"{" + b" " * (1024 * 1024) + b"}", "malformed"),
    "not-a-body": (12345, "malformed"),
}


@pytest.mark.parametrize(("body", "reason"), FORGED.values(), ids=FORGED.keys())
def test_a_callback_not_proven_zegos_is_refused_saying_which_check_failed(body, reason):
    with pytest.raises(InvalidCallbackError) as caught:
        verify_callback(body, CALLBACK_SECRET, now=NOW)
    assert caught.value.reason == reason
    assert CALLBACK_SECRET not in str(caught.value) and RTC["signature"] not in str(caught.value)


@pytest.mark.parametrize(
    ("body", "now", "ok"),
    [
        (RTC, NOW + 300, True),
        (RTC, NOW + 301, False),  # replayed after max_age
        (RTC, NOW - 301, False),  # from a clock far ahead
        (AI_AGENT, NOW + 300, True),  # milliseconds read as such
        (AI_AGENT, NOW + 301, False),
        (ZIM_STRING_TIME, NOW + 301, False),
    ],
)
def test_max_age_refuses_an_old_callback_and_tells_milliseconds_from_seconds(body, now, ok):
    if ok:
        assert verify_callback(body, CALLBACK_SECRET, max_age=300, now=now)
        return
    with pytest.raises(InvalidCallbackError) as caught:
        verify_callback(body, CALLBACK_SECRET, max_age=300, now=now)
    assert caught.value.reason == "too-old"
    with pytest.raises(InvalidCallbackError):  # without max_age: 5 minutes
        verify_callback(body, CALLBACK_SECRET, now=now)
    assert verify_callback(body, CALLBACK_SECRET, max_age=3600, now=now)


def test_a_retried_callback_is_the_same_callback():
    # ZEGO resends an unanswered callback as it was (up to 5 times, after 2 .. 32 s): each verifies alike.
    assert (
        len(
            {
                json.dumps(verify_callback(RTC, CALLBACK_SECRET, max_age=120, now=NOW + d))
                for d in (2, 6, 14, 30, 62)
            }
        )
        == 1
    )


@pytest.mark.parametrize(
    ("secret", "error"), [(None, TypeError), ("", ValueError), (b"secret", TypeError)]
)
def test_a_malformed_callback_secret_is_the_callers_error(secret, error):
    with pytest.raises(error):
        verify_callback(RTC, secret)


def test_a_signed_callback_whose_timestamp_is_not_a_number_is_malformed_for_max_age():
    body = signed({"event": "x", "timestamp": "soon", "nonce": "n"})
    assert callback_signature(CALLBACK_SECRET, "soon", "n") == body["signature"]  # signed as sent
    with pytest.raises(InvalidCallbackError) as caught:
        verify_callback(body, CALLBACK_SECRET, max_age=60)
    assert caught.value.reason == "malformed"


def test_a_signature_is_what_the_documentation_writes():
    import hashlib

    parts = sorted([CALLBACK_SECRET, "1700000000", "abc"])
    expected = hashlib.sha1("".join(parts).encode()).hexdigest()  # noqa: S324 (ZEGO's scheme)
    assert callback_signature(CALLBACK_SECRET, 1700000000, "abc") == expected


@pytest.mark.parametrize(
    ("timestamp", "nonce", "error"),
    [
        ("", "n", ValueError),
        ("1", "\ud800", ValueError),
        (10**20, "n", ValueError),
        (1.5, "n", TypeError),
    ],
)
def test_a_value_that_cannot_be_signed_is_the_callers_error(timestamp, nonce, error):
    with pytest.raises(error):
        callback_signature(CALLBACK_SECRET, timestamp, nonce)


# --- every body a sender controls ---------------------------------------------------------------------------

HOSTILE_VALUES = {
    "empty": '""',
    "lone-surrogate": '"\\ud800"',
    "surrogate-pair-halves": '"12\\udfff34"',
    "huge-int": "1" + "0" * 400,
    "negative-huge-int": "-" + "9" * 30,
    "float": "1700000000.5",
    "exponent": "1.7e9",
    "nan": "NaN",
    "infinity": "-Infinity",
    "list": "[1700000000]",
    "object": '{"a": 1}',
    "true": "true",
    "null": "null",
}


def raw_json(names, signature, timestamp, nonce):
    """A JSON body whose signed fields are written as given (raw JSON text), in one naming convention."""
    members = [f'"{names[0]}": {signature}', f'"{names[1]}": {timestamp}', f'"{names[2]}": {nonce}']
    return "{" + ", ".join(['"event": "room_create"', *members]) + "}"


CONVENTIONS = {
    "lower": ("signature", "timestamp", "nonce"),
    "pascal": ("Signature", "Timestamp", "Nonce"),
}


@pytest.mark.parametrize("names", CONVENTIONS.values(), ids=CONVENTIONS.keys())
@pytest.mark.parametrize("slot", [0, 1, 2], ids=["signature", "timestamp", "nonce"])
@pytest.mark.parametrize("value", HOSTILE_VALUES.values(), ids=HOSTILE_VALUES.keys())
def test_any_value_in_a_signed_field_is_refused_as_an_invalid_callback(names, slot, value):
    fields = ['"' + "0" * 40 + '"', str(NOW), '"8812"']
    fields[slot] = value
    body = raw_json(names, *fields)
    for carrier in (body, body.encode("utf-8", "surrogatepass")):
        with pytest.raises(InvalidCallbackError) as caught:
            verify_callback(carrier, CALLBACK_SECRET, max_age=300, now=NOW)
        assert caught.value.reason in ("malformed", "missing-field", "bad-signature")


@pytest.mark.parametrize(
    "form",
    [
        "timestamp=&nonce=1&signature=" + "0" * 40,
        "timestamp=1&nonce=&signature=x",
        "nonce=1&nonce=2&signature=x",
    ],
)
def test_a_form_body_with_empty_or_repeated_signed_fields_is_refused(form):
    with pytest.raises(InvalidCallbackError):
        verify_callback(form, CALLBACK_SECRET, now=NOW)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(st.characters(codec=None)),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=8,
)
SIGNED_NAMES = st.sampled_from(
    ["signature", "timestamp", "nonce", "Signature", "Timestamp", "Nonce", "event"]
)


@st.composite
def hostile_bodies(draw):
    """What a stranger can POST: bytes, a JSON object of any values under the signed names, a form, a mapping."""
    fields = draw(st.dictionaries(SIGNED_NAMES, JSON_VALUES, max_size=7))
    kind = draw(st.sampled_from(["bytes", "json", "json-bytes", "form", "mapping"]))
    if kind == "bytes":
        return draw(st.binary(max_size=200))
    if kind == "mapping":
        return fields
    if kind == "form":
        return urllib.parse.urlencode({name: str(value) for name, value in fields.items()})
    text = json.dumps(
        fields
    )  # NaN and Infinity as Python writes them; surrogates as \\ud800 escapes
    return text.encode() if kind == "json-bytes" else text


@given(body=hostile_bodies())
def test_nothing_a_sender_controls_escapes_invalid_callback_error(body):
    with pytest.raises(InvalidCallbackError) as caught:
        verify_callback(body, CALLBACK_SECRET, max_age=300, now=NOW)
    assert CALLBACK_SECRET not in str(caught.value)


def test_a_body_with_both_conventions_is_refused():
    both = {**RTC, **AI_AGENT}
    with pytest.raises(InvalidCallbackError) as caught:
        verify_callback(both, CALLBACK_SECRET, now=NOW)
    assert caught.value.reason == "malformed"


# --- what the signature proves --------------------------------------------------------------------------------


def test_the_signature_proves_the_timestamp_and_nonce_only():
    # room_id is not signed: a changed one verifies (HTTPS protects it on the way); a changed nonce does not.
    changed = verify_callback({**RTC, "room_id": "room2"}, CALLBACK_SECRET, now=NOW)
    assert changed["room_id"] == "room2"
    with pytest.raises(InvalidCallbackError):
        verify_callback({**RTC, "nonce": "8813"}, CALLBACK_SECRET, now=NOW)


# --- handled once: the callback log ---------------------------------------------------------------------------


def test_a_callback_in_the_log_is_refused_as_replayed():
    log = MemoryCallbackLog()
    assert verify_callback(RTC, CALLBACK_SECRET, max_age=300, now=NOW + 1, seen=log) == RTC
    log.done(RTC)
    for replay in (
        RTC,
        json.dumps(RTC),
        urllib.parse.urlencode(RTC),
        {**RTC, "timestamp": str(NOW)},
    ):
        with pytest.raises(InvalidCallbackError) as caught:
            verify_callback(replay, CALLBACK_SECRET, max_age=300, now=NOW + 2, seen=log)
        assert caught.value.reason == "replayed"


@pytest.mark.parametrize(
    "change",
    [
        lambda callback: {
            **callback,
            "nonce": "unsigned",
            "timestamp": 1,
        },  # the other convention's names
        lambda callback: {**callback, "Event": "RoomClosed", "Extra": "x"},
    ],
    ids=["added-lower-case-members", "changed-unsigned-members"],
)
def test_a_replay_with_unsigned_members_changed_is_still_replayed(change):
    log = MemoryCallbackLog()
    log.done(verify_callback(AI_AGENT, CALLBACK_SECRET, max_age=300, now=NOW, seen=log))
    with pytest.raises(InvalidCallbackError) as caught:
        verify_callback(change(AI_AGENT), CALLBACK_SECRET, max_age=300, now=NOW, seen=log)
    assert caught.value.reason == "replayed"
    assert len(log) == 1


def test_a_forged_callback_never_enters_the_log():
    log = MemoryCallbackLog()
    for body, _ in FORGED.values():
        with pytest.raises(InvalidCallbackError):
            verify_callback(body, CALLBACK_SECRET, max_age=300, now=NOW, seen=log)
    with pytest.raises(InvalidCallbackError):
        verify_callback(RTC, CALLBACK_SECRET, max_age=300, now=NOW + 301, seen=log)  # too old
    assert len(log) == 0


def test_a_forgotten_callback_is_handled_again():
    log = MemoryCallbackLog()
    event = verify_callback(RTC, CALLBACK_SECRET, max_age=300, now=NOW, seen=log)
    log.forget(event)  # the handler failed: ZEGO's retry must be handled
    assert verify_callback(RTC, CALLBACK_SECRET, max_age=300, now=NOW + 2, seen=log) == RTC


class Recording(MemoryCallbackLog):
    def __init__(self):
        super().__init__()
        self.ttls = []

    def claim(self, callback_id, ttl):
        self.ttls.append(ttl)
        return super().claim(callback_id, ttl)


@pytest.mark.parametrize(
    ("max_age", "age"),
    [(300, 0), (300, 299), (60, -30), (MAX_LOGGED_AGE, 0), (MAX_LOGGED_AGE, -MAX_LOGGED_AGE)],
)
def test_the_log_keeps_a_callback_as_long_as_max_age_would_take_it(max_age, age):
    log = Recording()
    verify_callback(RTC, CALLBACK_SECRET, max_age=max_age, now=NOW + age, seen=log)
    (ttl,) = log.ttls
    assert ttl >= max_age + LOG_MARGIN or ttl == 24 * 3600  # at least max_age and ZEGO's retries
    assert (
        ttl >= math.ceil(max_age - age) + LOG_MARGIN or ttl == 24 * 3600
    )  # while max_age would take it
    assert ttl <= 24 * 3600


@pytest.mark.parametrize(
    ("max_age", "error"),
    [(None, TypeError), (MAX_LOGGED_AGE + 1, ValueError), (timedelta(days=1), ValueError)],
)
def test_max_age_is_one_a_log_can_outlast(max_age, error):
    with pytest.raises(error, match="max_age"):
        verify_callback(RTC, CALLBACK_SECRET, max_age=max_age, now=NOW)


def test_the_id_is_the_signed_triple():
    assert callback_id(RTC) == callback_id({**RTC, "timestamp": str(NOW), "room_id": "other"})
    assert callback_id(RTC) != callback_id(ZIM_STRING_TIME)
    assert len(callback_id(RTC)) == 64 and RTC["signature"] not in callback_id(RTC)


def test_the_project_verifies_with_its_log():
    zego, log = ZegoProject(1, SECRET, callback_secret=CALLBACK_SECRET), MemoryCallbackLog()
    assert zego.verify_callback(RTC, max_age=300, now=NOW, seen=log) == RTC
    with pytest.raises(CallbackLogError) as caught:  # a resend while the first is handled
        zego.verify_callback(RTC, max_age=300, now=NOW, seen=log)
    assert caught.value.reason == "in-progress"
    log.done(RTC)
    with pytest.raises(InvalidCallbackError, match="log") as caught:
        zego.verify_callback(RTC, max_age=300, now=NOW, seen=log)
    assert caught.value.reason == "replayed"
