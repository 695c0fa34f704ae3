"""The promises, tried by hostile input: lying subclasses, impostors, determinism, bounds.

Every public function takes str and int subclasses by their plain value and
calls none of their methods; generate_token04 never raises; decode_token04
raises only InvalidTokenError for anything about the token or the secret.
"""

import ast
import contextlib
import itertools
import json
import time
import warnings

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support import SECRET, body_bytes, seal_token

from src import check_room_id, check_stream_id, check_token04, check_user_id, decode_kit_token, make_kit_token, token04
from src.token04 import (
    InvalidTokenError,
    decode_token04,
    generate_token04,
    parse_rtc_room_payload,
    rtc_room_payload,
)


class Lie(Exception):
    """Raised by every method of the lying subclasses below."""


# Methods left alone: the ones that make an object, or that Python itself needs to keep it alive.
_LEFT_ALONE = {
    "__new__", "__init__", "__init_subclass__", "__subclasshook__", "__class__", "__getattribute__",
    "__setattr__", "__delattr__", "__doc__", "__getnewargs__", "__reduce__", "__reduce_ex__", "__sizeof__",
    "__dir__", "__class_getitem__",
}  # fmt: skip


def lying_subclass(base):
    """A subclass of `base` whose every other method raises Lie."""

    def raiser(name):
        def method(self, *args, **kwargs):
            raise Lie(name)

        return method

    methods = {name: raiser(name) for name in dir(base) if name not in _LEFT_ALONE}
    return type(f"Lying{base.__name__.title()}", (base,), methods)


LyingStr = lying_subclass(str)
LyingInt = lying_subclass(int)
LyingFloat = lying_subclass(float)


class Impostor:
    """Not a str, though isinstance(x, str) says it is."""

    @property
    def __class__(self):
        return str


class LyingMeta(type):
    @property
    def __name__(cls):
        raise Lie("__name__")


class NamelessClass(metaclass=LyingMeta):
    pass


def test_the_lying_subclasses_do_lie():
    with pytest.raises(Lie):
        len(LyingStr("abc"))
    with pytest.raises(Lie):
        LyingStr("abc").encode("ascii")
    with pytest.raises(Lie):
        LyingInt(5) > 0  # noqa: B015
    with pytest.raises(Lie):
        float(LyingFloat(1.5))
    assert isinstance(Impostor(), str)
    with pytest.raises(Lie):
        NamelessClass.__name__  # noqa: B018


# --- generate_token04 ---------------------------------------------------------------


def lying(value):
    """`value` as a lying subclass of its own type, where it has one."""
    if type(value) is str:
        return LyingStr(value)
    if type(value) is int:
        return LyingInt(value)
    return value


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


@pytest.mark.parametrize("position", range(6))
def test_generate_refuses_an_impostor_in_any_slot(position):
    arguments = [1, "demo", SECRET, 60, "", "cbc"]
    arguments[position] = Impostor()
    *positional, mode = arguments
    info = generate_token04(*positional, mode=mode)
    assert info.token == ""
    assert info.error_code == [1, 3, 5, 6, 7, 8][position]


plain_values = st.one_of(
    st.integers(min_value=-5, max_value=2**64),
    st.text(max_size=40),
    st.text(st.characters(max_codepoint=127), min_size=32, max_size=32),
    st.sampled_from(["cbc", "gcm", SECRET, ""]),
)


@settings(max_examples=300, deadline=None)
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


@settings(max_examples=200, deadline=None)
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


def a_token(**overrides):
    return generate_token04(1, "demo", SECRET, 3600, "p", **overrides).token


@pytest.mark.parametrize("mode", ["cbc", "gcm"])
def test_decode_reads_a_lying_token_and_secret_by_their_plain_values(mode):
    token = a_token(mode=mode)
    expected = decode_token04(token, SECRET)
    assert decode_token04(LyingStr(token), LyingStr(SECRET)) == expected
    assert decode_token04(token, SECRET, now=LyingFloat(time.time()), leeway=LyingInt(5)) == expected
    assert decode_token04(token, SECRET, now=LyingInt(int(time.time())), leeway=LyingFloat(0.5)) == expected


@pytest.mark.parametrize(
    ("token", "secret"),
    [
        (LyingStr("04AAAA"), SECRET),
        (LyingStr(""), SECRET),
        (LyingStr("x" * 100), LyingStr(SECRET)),
        (Impostor(), SECRET),
        (NamelessClass(), SECRET),
        ("04AAAA", Impostor()),
        ("04AAAA", LyingStr("é" * 32)),
        ("04AAAA", NamelessClass()),
    ],
    ids=["lying-short", "lying-empty", "lying-both", "impostor", "nameless-class", "impostor-secret",
         "lying-non-ascii-secret", "nameless-secret"],
)  # fmt: skip
def test_decode_refuses_hostile_values_with_invalid_token_error_only(token, secret):
    with pytest.raises(InvalidTokenError) as caught:
        decode_token04(token, secret)
    assert type(caught.value) is InvalidTokenError


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=60), st.binary(max_size=60).map(lambda b: "04" + b.hex())), st.booleans())
def test_property_decode_of_lying_strings_raises_only_invalid_token_error(text, lie_about_secret):
    secret = LyingStr(SECRET) if lie_about_secret else SECRET
    with contextlib.suppress(InvalidTokenError):
        decode_token04(LyingStr(text), secret)


def test_an_overlong_token_is_refused_before_it_is_read():
    started = time.perf_counter()
    with pytest.raises(InvalidTokenError, match="longer than any token04"):
        decode_token04("04" + "A" * 50_000_000, SECRET)
    assert time.perf_counter() - started < 5  # not decoded: a generous bound, not a timing test
    assert token04.MAX_TOKEN_LENGTH == 87422


def test_the_longest_real_token_is_within_the_bound():
    payload = "x" * (token04.MAX_BODY_BYTES - 200)
    token = generate_token04(1, "demo", SECRET, 60, payload).token
    assert len(token) <= token04.MAX_TOKEN_LENGTH
    assert decode_token04(token, SECRET).payload == payload


EXPIRE = 1_700_003_600
MEMBERS = {"app_id": 1, "user_id": "demo", "nonce": 5, "ctime": EXPIRE - 3600, "expire": EXPIRE, "payload": ""}


@pytest.mark.parametrize("repeated", sorted(MEMBERS))
def test_a_body_with_a_member_named_twice_is_refused(repeated):
    text = body_bytes(**MEMBERS).decode("utf-8")[:-1] + f', "{repeated}": {json.dumps(MEMBERS[repeated])}}}'
    assert len(json.loads(text)) == 6  # a plain parser would take it, last one winning
    with pytest.raises(InvalidTokenError, match="each once"):
        decode_token04(seal_token(text.encode("utf-8"), SECRET, expire=EXPIRE), SECRET, verify_expiry=False)


def test_an_empty_cbc_ciphertext_is_refused_before_the_cipher_sees_it(monkeypatch):
    """pycryptodome 3.9 raised IndexError unpadding empty input; decode must not hand the cipher one."""

    class NoCipher:
        @staticmethod
        def new(*args, **kwargs):
            raise AssertionError("the cipher was asked to decrypt an empty ciphertext")

    monkeypatch.setattr(token04, "AES", NoCipher)
    empty = "04" + __import__("base64").b64encode(
        EXPIRE.to_bytes(8, "big") + (16).to_bytes(2, "big") + b"0123456789abcdef" + b"\x00\x00"
    ).decode("ascii")
    with pytest.raises(InvalidTokenError, match="does not decrypt"):
        decode_token04(empty, SECRET)


def test_a_negative_leeway_message_says_what_is_true():
    token = seal_token(body_bytes(**MEMBERS), SECRET, expire=EXPIRE)
    with pytest.raises(token04.ExpiredTokenError) as caught:
        decode_token04(token, SECRET, now=EXPIRE - 3600, leeway=-4000)
    message = str(caught.value)
    assert "3600 seconds from now" in message and "4000" in message
    assert "before now" not in message and "-3600" not in message


def test_a_huge_now_is_not_called_infinite():
    with pytest.raises(ValueError, match="no larger than a float holds") as caught:
        decode_token04(a_token(), SECRET, now=10**400)
    assert "finite" in str(caught.value)
    with pytest.raises(ValueError, match="no larger than a float holds"):
        decode_token04(a_token(), SECRET, leeway=-(10**400))


@pytest.mark.parametrize("verify_expiry", [1, "yes", None, LyingInt(1)], ids=["one", "yes", "none", "lying-int"])
def test_verify_expiry_must_be_a_bool(verify_expiry):
    with pytest.raises(TypeError, match="verify_expiry"):
        decode_token04(a_token(), SECRET, verify_expiry=verify_expiry)


# --- rtc_room_payload ----------------------------------------------------------------------


def test_payload_builder_reads_lying_strings_by_their_plain_values():
    expected = rtc_room_payload("房间", stream_ids=["s1"])
    assert rtc_room_payload(LyingStr("房间"), stream_ids=[LyingStr("s1")]) == expected
    assert rtc_room_payload("r", stream_ids=(s for s in ["a", "b"])) == rtc_room_payload("r", stream_ids=["a", "b"])


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"room_id": Impostor()}, TypeError),
        ({"room_id": NamelessClass()}, TypeError),
        ({"room_id": LyingStr("r\ud800")}, ValueError),
        ({"room_id": "r", "stream_ids": LyingStr("s")}, TypeError),
        ({"room_id": "r", "stream_ids": [Impostor()]}, TypeError),
        ({"room_id": "r", "stream_ids": NamelessClass()}, TypeError),
        ({"room_id": "r", "login": LyingInt(1)}, TypeError),
    ],
    ids=["impostor-room", "nameless-room", "surrogate-room", "lying-str-streams", "impostor-stream",
         "nameless-streams", "lying-int-login"],
)  # fmt: skip
def test_payload_builder_refuses_hostile_values_with_type_or_value_error(kwargs, error):
    with pytest.raises(error):
        rtc_room_payload(**kwargs)


# --- the layers on token04: kit tokens, the login check, the ID rules, the payload parser -----------

LAYER_TOKEN = seal_token(
    body_bytes(**{**MEMBERS, "payload": rtc_room_payload("room1", publish=False, stream_ids=["s1"])}),
    SECRET,
    expire=EXPIRE,
)
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


@pytest.mark.parametrize("slot", ["token", "secret", "app_id", "user_id", "room_id", "stream_id"])
@pytest.mark.parametrize(
    "hostile",
    [Impostor(), NamelessClass(), LyingStr("\ud800"), LyingInt(-1)],
    ids=["impostor", "nameless", "surrogate", "negative"],
)
def test_check_takes_hostile_token_and_login_values_as_findings(slot, hostile):
    values = {"token": LAYER_TOKEN, "secret": SECRET, **LOGINS["sound"], slot: hostile}
    report = check_token04(values.pop("token"), values.pop("secret"), **values, now=LAYER_NOW)
    assert not report.ok
    assert all(isinstance(finding.message, str) for finding in report.findings)


@pytest.mark.parametrize("value", ["user_1", "user 1", "ü" * 40, "", "s-1", "r" * 300])
@pytest.mark.parametrize("product", ["rtc", "zim"])
def test_id_rules_read_lying_subclasses_by_their_plain_values(value, product):
    assert check_user_id(LyingStr(value), LyingStr(product)) == check_user_id(value, product)
    assert check_room_id(LyingStr(value)) == check_room_id(value)
    assert check_stream_id(LyingStr(value)) == check_stream_id(value)


@pytest.mark.parametrize(
    ("product", "error"),
    [("express", ValueError), (Impostor(), TypeError), (None, TypeError)],
    ids=["unknown", "impostor", "none"],
)
def test_an_unknown_product_is_the_callers_error(product, error):
    with pytest.raises(error, match="product"):
        check_user_id("u", product)
    with pytest.raises(error, match="product"):
        check_token04(LAYER_TOKEN, SECRET, product=product)


@pytest.mark.parametrize(
    "payload",
    [
        rtc_room_payload("r", stream_ids=["a"]),
        '{"room_id": "r", "privilege": {"1": 2, "2": 0}, "stream_id_list": null}',
    ],
)
def test_payload_parser_reads_a_lying_string_by_its_plain_value(payload):
    def answer(text):
        try:
            return parse_rtc_room_payload(text)
        except ValueError as error:
            return str(error)

    assert answer(LyingStr(payload)) == answer(payload)


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


@settings(max_examples=300, deadline=None)
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
    body = body_bytes(**{**MEMBERS, "user_id": token_ids["user_id"], "payload": payload})
    token = seal_token(body, secret, expire=EXPIRE)
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
    token = seal_token(body_bytes(**MEMBERS), secret, expire=EXPIRE)
    report = check_token04(token, secret, user_id=secret + "a" * 31, now=EXPIRE - 100)
    (mismatch,) = [finding.message for finding in report.findings if finding.code == "user-id-mismatch"]
    assert SHOWN_AS in mismatch
    assert_never_shown(secret, [mismatch])


def test_a_malformed_secret_is_not_looked_for():
    # A secret that is not 32 ASCII characters decodes nothing; messages are not searched for it,
    # which would otherwise turn every "e" of a message into the marker for secret "e".
    assert token04._without_secret("the secret", "e") == "the secret"
    assert token04._without_secret(f"x{SECRET}x", SECRET) == f"x{SHOWN_AS}x"
