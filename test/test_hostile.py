"""The promises, tried by hostile input: lying subclasses, impostors, determinism, bounds.

Every public function takes str and int subclasses by their plain value and
calls none of their methods; generate_token04 never raises; decode_token04
raises only InvalidTokenError for anything about the token or the secret.
"""

import ast
import contextlib
import itertools
import json
import sys
import time
import warnings
from decimal import Decimal
from enum import Enum, IntEnum
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st
from support import EXPIRE, SECRET, Lie, LyingFloat, LyingInt, LyingStr, lying, make_token

from src import check_token04, decode_kit_token, make_kit_token, token04
from src.token04 import (
    InvalidTokenError,
    decode_token04,
    generate_token04,
    rtc_room_payload,
)


def test_the_lying_subclasses_do_lie():
    with pytest.raises(Lie):
        len(LyingStr("abc"))
    with pytest.raises(Lie):
        LyingStr("abc").encode("ascii")
    with pytest.raises(Lie):
        LyingInt(5) > 0  # noqa: B015
    with pytest.raises(Lie):
        float(LyingFloat(1.5))


# --- generate_token04 ---------------------------------------------------------------


GENERATE_CASES = [
    (1, "demo", SECRET, 3600, "", "cbc"),
    (4294967295, "用户", SECRET, 60, '{"room_id":"r"}', "gcm"),
    (0, "demo", SECRET, 3600, "", "cbc"),  # 1
    (1, "", SECRET, 3600, "", "cbc"),  # 3
    (1, "bad\ud800", SECRET, 3600, "", "cbc"),  # 3
    (1, "demo", "é" * 32, 3600, "", "cbc"),  # 5: the subclass's isascii() would say True
    (1, "demo", SECRET[:31], 3600, "", "cbc"),  # 5
    (1, "demo", SECRET, 0, "", "cbc"),  # 6
    (1, "demo", SECRET, 2**63, "", "cbc"),  # 6
    (1, "demo", SECRET, 60, "x\udfff", "cbc"),  # 7
    (1, "demo", SECRET, 60, "x" * 65500, "cbc"),  # 7: too large
    (1, "demo", SECRET, 60, "", "ecb"),  # 8
]


def outcome(info, secret):
    """What a TokenInfo says, without its random parts."""
    if info.error_code != 0:
        return (info.token, info.error_code, info.error_message)
    contents = decode_token04(info.token, str.__str__(secret), verify_expiry=False)
    return (contents.app_id, contents.user_id, contents.payload, contents.mode, contents.expire - contents.ctime)


@pytest.mark.parametrize("arguments", GENERATE_CASES, ids=lambda a: repr(a)[:40])
@pytest.mark.parametrize("position", range(6))
def test_generate_reads_a_lying_subclass_by_its_plain_value(arguments, position):
    hostile = list(arguments)
    hostile[position] = lying(hostile[position])
    *positional, mode = hostile
    plain = generate_token04(*arguments[:5], mode=arguments[5])
    assert outcome(generate_token04(*positional, mode=mode), arguments[2]) == outcome(plain, arguments[2])


def test_a_lying_secret_never_reaches_an_exception():
    secret = LyingStr("é" * 31 + "x")
    info = generate_token04(1, "demo", secret, 60, "")
    assert (info.token, info.error_code) == ("", token04.ERROR_CODE_SECRET_INVALID)
    assert "é" not in info.error_message


def test_int_subclasses_count_but_bool_does_not():
    class AppId(int):
        pass

    assert generate_token04(AppId(7), "u", SECRET, 60).error_code == 0
    assert generate_token04(True, "u", SECRET, 60).error_code == token04.ERROR_CODE_APP_ID_INVALID
    assert generate_token04(1, "u", SECRET, True).error_code == token04.ERROR_CODE_EFFECTIVE_TIME_IN_SECONDS_INVALID


plain_values = st.one_of(
    st.integers(min_value=-5, max_value=2**64),
    st.text(max_size=40),
    st.text(st.characters(max_codepoint=127), min_size=32, max_size=32),
    st.sampled_from(["cbc", "gcm", SECRET, ""]),
)


@given(
    st.tuples(
        st.integers(min_value=0, max_value=2**33) | plain_values,
        st.text(max_size=20) | plain_values,
        st.sampled_from([SECRET, SECRET[:31], "é" * 32]) | plain_values,
        st.integers(min_value=-1, max_value=2**63) | plain_values,
        st.text(max_size=20) | plain_values,
        st.sampled_from(["cbc", "gcm"]) | plain_values,
    ),
    st.sets(st.integers(min_value=0, max_value=5)),
)
def test_property_lying_subclasses_get_the_plain_values_answer(arguments, wrapped):
    hostile = [lying(value) if index in wrapped else value for index, value in enumerate(arguments)]
    plain = generate_token04(*arguments[:5], mode=arguments[5])
    hostile_info = generate_token04(*hostile[:5], mode=hostile[5])
    assert type(hostile_info) is token04.TokenInfo
    secret = arguments[2]
    assert outcome(hostile_info, secret) == outcome(plain, secret)


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
        {"app_id": 1, "user_id": user_id, "nonce": 2**31 - 1, "ctime": ctime, "expire": ctime + 60, "payload": ""},
        separators=(",", ":"),
        ensure_ascii=False,
    ).encode("utf-8")
    payload = "x" * (token04.MAX_BODY_BYTES - len(longest_nonce_body) + slack)
    answers = set()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(token04.time, "time", lambda: ctime + 0.5)
        for nonce in [*nonces, 0, 2**31 - 1]:
            patch.setattr(token04.os, "urandom", lambda n, nonce=nonce: (nonce * 2).to_bytes(4, "big") + bytes(n - 4))
            answers.add(generate_token04(1, user_id, SECRET, 60, payload, mode=mode).error_code)
    assert answers == {0 if slack <= 0 else token04.ERROR_CODE_PAYLOAD_INVALID}


# --- decode_token04 -----------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["cbc", "gcm"])
def test_decode_reads_a_lying_token_and_secret_by_their_plain_values(mode):
    token = generate_token04(1, "demo", SECRET, 3600, "p", mode=mode).token
    expected = decode_token04(token, SECRET)
    assert decode_token04(LyingStr(token), LyingStr(SECRET)) == expected
    assert decode_token04(token, SECRET, now=LyingFloat(time.time()), leeway=LyingInt(5)) == expected
    assert decode_token04(token, SECRET, now=LyingInt(int(time.time())), leeway=LyingFloat(0.5)) == expected


@pytest.mark.parametrize("token", [LyingStr("04AAAA"), LyingStr(""), LyingStr("x" * 100)], ids=["short", "empty", "x"])
def test_decode_refuses_lying_tokens_with_invalid_token_error_only(token):
    with pytest.raises(InvalidTokenError) as caught:
        decode_token04(token, LyingStr(SECRET))
    assert type(caught.value) is InvalidTokenError


def test_decode_reads_a_lying_malformed_secret_by_its_plain_value():
    with pytest.raises(ValueError, match="32 ASCII") as caught:
        decode_token04("04AAAA", LyingStr("é" * 32))  # the subclass's isascii() would say True
    assert not isinstance(caught.value, InvalidTokenError)


@given(st.one_of(st.text(max_size=60), st.binary(max_size=60).map(lambda b: "04" + b.hex())), st.booleans())
def test_property_decode_of_lying_strings_raises_only_invalid_token_error(text, lie_about_secret):
    secret = LyingStr(SECRET) if lie_about_secret else SECRET
    with contextlib.suppress(InvalidTokenError):
        decode_token04(LyingStr(text), secret)


# --- the layers on token04: kit tokens, the login check, the ID rules, the payload parser -----------

LAYER_TOKEN = make_token(payload=rtc_room_payload("room1", publish=False, stream_ids=["s1"]))
LAYER_NOW = EXPIRE - 3000
LOGINS = {
    "sound": {"app_id": 1, "user_id": "demo", "room_id": "room1", "stream_id": "s1"},
    "every-mismatch": {"app_id": 2, "user_id": "de mo", "room_id": "room 2", "stream_id": "s 2"},
    "zim": {"user_id": "d" * 33, "product": "zim"},
}


def test_kit_tokens_read_lying_subclasses_by_their_plain_values():
    arguments = (LAYER_TOKEN, 1, "room1", "demo", "Ann Lee")
    kit_token = make_kit_token(*arguments)
    assert make_kit_token(*map(lying, arguments)) == kit_token
    assert make_kit_token(LAYER_TOKEN, 1, "room1", "demo", user_name=LyingStr("Ann Lee")) == kit_token
    decoded = decode_kit_token(kit_token, SECRET, now=LAYER_NOW)
    assert decode_kit_token(LyingStr(kit_token), LyingStr(SECRET), now=LyingInt(LAYER_NOW)) == decoded


@pytest.mark.parametrize("kit", [False, True], ids=["token", "kit-token"])
@pytest.mark.parametrize("login", LOGINS.values(), ids=LOGINS.keys())
def test_check_reads_lying_subclasses_by_their_plain_values(login, kit):
    token = make_kit_token(LAYER_TOKEN, 1, "room1", "demo") if kit else LAYER_TOKEN
    report = check_token04(token, SECRET, **login, now=LAYER_NOW)
    lying_login = {name: lying(value) for name, value in login.items()}
    assert check_token04(lying(token), lying(SECRET), **lying_login, now=lying(LAYER_NOW), leeway=lying(0)) == report


@pytest.mark.parametrize("slot", ["token", "app_id", "user_id", "room_id", "stream_id"])
@pytest.mark.parametrize(
    "hostile",
    [LyingStr("\ud800"), LyingInt(-1), b"bytes", 1.5],
    ids=["surrogate", "negative", "bytes", "float"],
)
def test_check_takes_hostile_token_and_login_values_as_findings(slot, hostile):
    values = {"token": LAYER_TOKEN, "secret": SECRET, **LOGINS["sound"], slot: hostile}
    report = check_token04(values.pop("token"), values.pop("secret"), **values, now=LAYER_NOW)
    assert not report.ok
    assert all(isinstance(finding.message, str) for finding in report.findings)


# --- a value that holds the secret is quoted without it -------------------------------------------

SHOWN_AS = "<the secret>"
ASCII = st.characters(min_codepoint=0, max_codepoint=127)


def quoted_strings(message):
    """Every span of `message` between two quotes that reads as a Python string literal, read."""
    quotes = [at for at, character in enumerate(message) if character in "'\""]
    for start, end in itertools.combinations(quotes, 2):
        if message[start] == message[end]:
            with contextlib.suppress(ValueError, SyntaxError), warnings.catch_warnings():
                warnings.simplefilter("ignore")  # spans of prose hold escapes Python warns about
                value = ast.literal_eval(message[start : end + 1])
                if isinstance(value, str):
                    yield value


def assert_never_shown(secret, messages):
    for message in messages:
        assert secret not in message
        assert json.dumps(secret)[1:-1] not in message
        assert not any(secret in value for value in quoted_strings(message)), message


@given(
    secret=st.text(ASCII, min_size=32, max_size=32),
    before=st.text(ASCII, max_size=8),
    after=st.text(ASCII, max_size=8),
    in_token=st.booleans(),
)
def test_property_no_finding_or_kit_refusal_shows_the_secret(secret, before, after, in_token):
    value = before + secret + after
    other = {"user_id": "u", "room_id": "r", "stream_id": "s"}
    held = {name: value for name in other}
    token_ids, login = (held, other) if in_token else (other, held)
    payload = rtc_room_payload(token_ids["room_id"], stream_ids=[token_ids["stream_id"]])
    token = make_token(secret=secret, user_id=token_ids["user_id"], payload=payload)
    report = check_token04(token, secret, **login, now=EXPIRE - 100)
    quoting = {"user-id-mismatch", "room-id-mismatch", "stream-id-not-allowed"}  # these quote the IDs
    assert quoting <= {finding.code for finding in report.findings}
    assert all(SHOWN_AS in finding.message for finding in report.findings if finding.code in quoting)
    assert_never_shown(secret, [finding.message for finding in report.findings])

    with pytest.raises(InvalidTokenError) as refusal:
        decode_kit_token(make_kit_token(token, 1, "r", login["user_id"]), secret, now=EXPIRE - 100)
    assert SHOWN_AS in str(refusal.value)
    assert_never_shown(secret, [str(refusal.value), repr(refusal.value)])


def test_a_secret_that_the_marker_completes_is_still_not_shown():
    # The marker ends with ">": once the secret ">aaa…" is replaced in ">aaa…aaa…", the marker and the
    # rest spell the secret again; the replacing goes on until none is left.
    secret = ">" + "a" * 31
    token = make_token(secret=secret)
    report = check_token04(token, secret, user_id=secret + "a" * 31, now=EXPIRE - 100)
    (mismatch,) = [finding.message for finding in report.findings if finding.code == "user-id-mismatch"]
    assert SHOWN_AS in mismatch
    assert_never_shown(secret, [mismatch])


# --- odd values: enums count by their value, everything else gets the documented refusal --------------


class Role(str, Enum):
    ADMIN = "admin"


class Project(IntEnum):
    DEMO = 1


class Plain(Enum):
    ONE = 1


ODD_VALUES = [None, b"demo", Decimal(1), Fraction(1, 1), 1.0, Plain.ONE, ["demo"], object()]


def test_enum_members_count_by_their_value():
    info = generate_token04(Project.DEMO, Role.ADMIN, SECRET, 60, Role.ADMIN)
    contents = decode_token04(info.token, SECRET)
    assert (contents.app_id, contents.user_id, contents.payload) == (1, "admin", "admin")
    assert type(contents.user_id) is str and type(contents.app_id) is int
    report = check_token04(info.token, SECRET, app_id=Project.DEMO, user_id=Role.ADMIN, product="rtc")
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
            assert not check_token04(LAYER_TOKEN, SECRET, now=LAYER_NOW, **{slot: value}).ok
    assert [finding.code for finding in check_token04(value, SECRET).findings] == ["invalid-token"]
    with pytest.raises(TypeError):
        make_kit_token(LAYER_TOKEN, value, "room1", "demo")
    with pytest.raises(TypeError):
        rtc_room_payload(value)


@pytest.mark.parametrize("value", [Decimal("NaN"), Plain.ONE, "1", None, b"1", object()], ids=repr)
def test_now_and_leeway_give_an_odd_value_type_or_value_error(value):
    for options in ({"now": value}, {"leeway": value}):
        if value is None and "now" in options:
            continue  # None is the documented "now"
        with pytest.raises((TypeError, ValueError)) as caught:
            decode_token04(LAYER_TOKEN, SECRET, **options)
        assert not isinstance(caught.value, InvalidTokenError)


@pytest.mark.parametrize("app_id", [10**5000, -(10**5000), 2**64], ids=["huge", "huge-negative", "2**64"])
def test_a_huge_login_app_id_is_a_finding_never_an_exception(app_id):
    limit = getattr(sys, "set_int_max_str_digits", None)
    previous = sys.get_int_max_str_digits() if limit else None
    try:
        if limit:
            limit(640)  # the lowest the interpreter allows
        report = check_token04(LAYER_TOKEN, SECRET, app_id=app_id, now=LAYER_NOW)
    finally:
        if limit:
            limit(previous)
    (finding,) = [finding for finding in report.findings if finding.code == "app-id-mismatch"]
    assert "is not an AppID" in finding.message and len(finding.message) < 200
