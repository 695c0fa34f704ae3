"""The promises, tried by hostile input: odd values, enums, determinism, bounds, the secret never shown.

Arguments are checked with isinstance and read by their plain value: a str-mixed
enum, an IntEnum and a framework's safe string (markupsafe's Markup) count as
their value. Objects built to lie about what they are (a str subclass whose
methods raise or misreport) are out of scope, as the README says: the tests that
held the library to them were retired in issue 23, with the code that fought them.
generate_token04 never raises; decode_token04 raises only InvalidTokenError for
anything about the token.
"""

import json
import sys
import time
from decimal import Decimal
from enum import Enum, IntEnum
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st
from support import EXPIRE, SECRET, make_token, stable_id

from src import DecodeOptions, check_token04, decode_kit_token, make_kit_token, token04
from src.errors import InvalidTokenError
from src.payload import rtc_room_payload
from src.token04 import decode_token04, generate_token04

# --- generate_token04 ---------------------------------------------------------------


GENERATE_CASES = [  # arguments, and the code generate_token04 answers
    ((1, "demo", SECRET, 3600, "", "cbc"), 0),
    ((4294967295, "用户", SECRET, 60, '{"room_id":"r"}', "gcm"), 0),
    ((0, "demo", SECRET, 3600, "", "cbc"), 1),
    ((1, "", SECRET, 3600, "", "cbc"), 3),
    ((1, "bad\ud800", SECRET, 3600, "", "cbc"), 3),
    ((1, "demo", "é" * 32, 3600, "", "cbc"), 5),
    ((1, "demo", SECRET[:31], 3600, "", "cbc"), 5),
    ((1, "demo", SECRET, 0, "", "cbc"), 6),
    ((1, "demo", SECRET, 2**63, "", "cbc"), 6),
    ((1, "demo", SECRET, 60, "x\udfff", "cbc"), 7),
    ((1, "demo", SECRET, 60, "x" * 65500, "cbc"), 7),
    ((1, "demo", SECRET, 60, "", "ecb"), 8),
]


@pytest.mark.parametrize(("arguments", "code"), GENERATE_CASES, ids=lambda a: repr(a)[:40])
def test_generate_answers_every_refusal_with_its_code_and_never_raises(arguments, code):
    info = generate_token04(*arguments[:5], mode=arguments[5])
    assert type(info) is token04.TokenInfo
    assert (info.error_code, bool(info.token)) == (code, code == 0)
    assert SECRET not in info.error_message and "é" not in info.error_message


# --- the same input, the same answer --------------------------------------------------


@given(
    user_id=st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=30),
    slack=st.integers(min_value=-12, max_value=12),
    nonces=st.lists(st.integers(min_value=0, max_value=2**31 - 1), min_size=2, max_size=4),
    mode=st.sampled_from(["cbc", "gcm"]),
)
def test_property_whether_a_payload_fits_never_depends_on_the_nonce(user_id, slack, nonces, mode):
    """Payloads within a few bytes of the limit: every nonce gets the same answer, the documented one."""
    ctime = 1_700_000_000
    longest_nonce_body = json.dumps(
        {
            "app_id": 1,
            "user_id": user_id,
            "nonce": 2**31 - 1,
            "ctime": ctime,
            "expire": ctime + 60,
            "payload": "",
        },
        separators=(",", ":"),
        ensure_ascii=False,
    ).encode("utf-8")
    payload = "x" * (token04.MAX_BODY_BYTES - len(longest_nonce_body) + slack)
    answers = set()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(time, "time", lambda: ctime + 0.5)
        for nonce in [*nonces, 0, 2**31 - 1]:
            patch.setattr(
                token04.os,
                "urandom",
                lambda n, nonce=nonce: (nonce * 2).to_bytes(4, "big") + bytes(n - 4),
            )
            answers.add(generate_token04(1, user_id, SECRET, 60, payload, mode=mode).error_code)
    assert answers == {0 if slack <= 0 else token04.ERROR_CODE_PAYLOAD_INVALID}


# --- decode_token04 -----------------------------------------------------------------------


# --- the layers on token04: kit tokens, the login check, the ID rules, the payload parser -----------

LAYER_TOKEN = make_token(payload=rtc_room_payload("room1", publish=False, stream_ids=["s1"]))
LAYER_NOW = EXPIRE - 3000
LOGINS = {
    "sound": {"app_id": 1, "user_id": "demo", "room_id": "room1", "stream_id": "s1"},
    "every-mismatch": {"app_id": 2, "user_id": "de mo", "room_id": "room 2", "stream_id": "s 2"},
    "zim": {"user_id": "d" * 33, "product": "zim"},
}


@pytest.mark.parametrize("slot", ["token", "app_id", "user_id", "room_id", "stream_id"])
@pytest.mark.parametrize(
    "hostile",
    ["\ud800", -1, b"bytes", 1.5],
    ids=["surrogate", "negative", "bytes", "float"],
)
def test_check_takes_hostile_token_and_login_values_as_findings(slot, hostile):
    values = {"token": LAYER_TOKEN, "secret": SECRET, **LOGINS["sound"], slot: hostile}
    report = check_token04(
        values.pop("token"), values.pop("secret"), **values, options=DecodeOptions(now=LAYER_NOW)
    )
    assert not report.ok
    assert all(isinstance(finding.message, str) for finding in report.findings)


# --- a value that holds the secret is never shown ------------------------------------------------------

ASCII = st.characters(min_codepoint=0, max_codepoint=127)


@given(
    secret=st.text(ASCII, min_size=32, max_size=32),
    before=st.text(ASCII, max_size=8),
    after=st.text(ASCII, max_size=8),
    in_token=st.booleans(),
)
def test_property_no_finding_or_kit_refusal_shows_the_secret(secret, before, after, in_token):
    # check quotes no login value; a token that holds the secret is the one finding secret-in-token.
    value = before + secret + after
    other = {"user_id": "u", "room_id": "r", "stream_id": "s"}
    held = {name: value for name in other}
    token_ids, login = (held, other) if in_token else (other, held)
    payload = rtc_room_payload(token_ids["room_id"], stream_ids=[token_ids["stream_id"]])
    token = make_token(secret=secret, user_id=token_ids["user_id"], payload=payload)
    report = check_token04(token, secret, **login, options=DecodeOptions(now=EXPIRE - 100))
    codes = {finding.code for finding in report.findings}
    assert (
        codes == {"secret-in-token"}
        if in_token
        else {"user-id-mismatch", "room-id-mismatch"} <= codes
    )
    messages = [finding.message for finding in report.findings] + [repr(report)]
    assert not any(secret in message or json.dumps(secret)[1:-1] in message for message in messages)

    with pytest.raises(InvalidTokenError) as refusal:
        decode_kit_token(make_kit_token(token, 1, "r", login["user_id"]), secret, now=EXPIRE - 100)
    assert secret not in str(refusal.value) + repr(refusal.value)


# --- odd values: enums count by their value, everything else gets the documented refusal --------------


class Role(str, Enum):
    ADMIN = "admin"


class Project(IntEnum):
    DEMO = 1


class Plain(Enum):
    ONE = 1


ODD_VALUES = [None, b"demo", Decimal(1), Fraction(1, 1), 1.0, Plain.ONE, ["demo"], object()]


def test_int_subclasses_count_but_bool_does_not():
    class AppId(int):
        pass

    assert generate_token04(AppId(7), "u", SECRET, 60).error_code == 0
    assert generate_token04(True, "u", SECRET, 60).error_code == token04.ERROR_CODE_APP_ID_INVALID
    assert (
        generate_token04(1, "u", SECRET, True).error_code
        == token04.ERROR_CODE_EFFECTIVE_TIME_IN_SECONDS_INVALID
    )


def test_a_frameworks_safe_string_counts_by_its_value():
    markupsafe = pytest.importorskip("markupsafe")
    user_id = markupsafe.Markup("<b>u</b>")  # its own methods escape what they are given
    contents = decode_token04(generate_token04(1, user_id, SECRET, 60).token, SECRET)
    assert (contents.user_id, type(contents.user_id)) == ("<b>u</b>", str)


def test_enum_members_count_by_their_value():
    info = generate_token04(Project.DEMO, Role.ADMIN, SECRET, 60, Role.ADMIN)
    contents = decode_token04(info.token, SECRET)
    assert (contents.app_id, contents.user_id, contents.payload) == (1, "admin", "admin")
    assert type(contents.user_id) is str and type(contents.app_id) is int
    report = check_token04(
        info.token, SECRET, app_id=Project.DEMO, user_id=Role.ADMIN, product="rtc"
    )
    assert "app-id-mismatch" not in [finding.code for finding in report.findings]
    assert "user-id-mismatch" not in [finding.code for finding in report.findings]
    assert make_kit_token(info.token, Project.DEMO, Role.ADMIN, Role.ADMIN) == make_kit_token(
        info.token, 1, "admin", "admin"
    )


@pytest.mark.parametrize("value", ODD_VALUES, ids=lambda value: type(value).__name__)
@pytest.mark.parametrize("position", range(6))
def test_generate_gives_an_odd_value_its_error_code(value, position):
    arguments = [1, "demo", SECRET, 60, "", "cbc"]
    arguments[position] = value
    info = generate_token04(*arguments[:5], mode=arguments[5])
    if position == 4 and value is None:
        assert info.error_code == 0  # None is the documented "no payload"
    else:
        assert (info.token, info.error_code) == ("", [1, 3, 5, 6, 7, 8][position])


@pytest.mark.parametrize("value", ODD_VALUES, ids=lambda value: type(value).__name__)
def test_decode_and_check_give_an_odd_value_the_documented_error(value):
    with pytest.raises(InvalidTokenError):
        decode_token04(value, SECRET)
    with pytest.raises(TypeError):
        decode_token04(LAYER_TOKEN, value)
    for slot in ("app_id", "user_id", "room_id", "stream_id"):
        if value is not None:
            assert not check_token04(
                LAYER_TOKEN, SECRET, options=DecodeOptions(now=LAYER_NOW), **{slot: value}
            ).ok
    assert [finding.code for finding in check_token04(value, SECRET).findings] == ["invalid-token"]
    with pytest.raises(TypeError):
        make_kit_token(LAYER_TOKEN, value, "room1", "demo")
    with pytest.raises(TypeError):
        rtc_room_payload(value)


@pytest.mark.parametrize(
    "value", [Decimal("NaN"), Plain.ONE, "1", None, b"1", object()], ids=stable_id
)
def test_now_and_leeway_give_an_odd_value_type_or_value_error(value):
    for options in ({"now": value}, {"leeway": value}):
        if value is None and "now" in options:
            continue  # None is the documented "now"
        with pytest.raises((TypeError, ValueError)) as caught:
            decode_token04(LAYER_TOKEN, SECRET, **options)
        assert not isinstance(caught.value, InvalidTokenError)


@pytest.mark.parametrize(
    "app_id", [10**5000, -(10**5000), 2**64], ids=["huge", "huge-negative", "2**64"]
)
def test_a_huge_login_app_id_is_a_finding_never_an_exception(app_id):
    limit = getattr(sys, "set_int_max_str_digits", None)
    previous = sys.get_int_max_str_digits() if limit else None
    try:
        if limit:
            limit(640)  # the lowest the interpreter allows
        report = check_token04(
            LAYER_TOKEN, SECRET, app_id=app_id, options=DecodeOptions(now=LAYER_NOW)
        )
    finally:
        if limit:
            limit(previous)
    (finding,) = [finding for finding in report.findings if finding.code == "app-id-mismatch"]
    assert "is not an AppID" in finding.message and len(finding.message) < 200
