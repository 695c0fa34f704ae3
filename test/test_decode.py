"""decode_token04: official vectors, round trips, every refusal, expiry, GCM integrity."""

import json
import time

import pytest
from support import (
    EXPIRE,
    MEMBERS,
    OMIT,
    OTHER_SECRET,
    SECRET,
    load_vectors,
    make_token,
    rejects,
)

from src import token04
from src.errors import ExpiredTokenError, InvalidTokenError
from src.token04 import decode_token04

OFFICIAL = load_vectors("official-token04.json")


@pytest.mark.parametrize("vector", OFFICIAL, ids=lambda v: v["impl"])
def test_every_official_token_decodes_to_its_inputs(vector):
    contents = decode_token04(vector["token"], vector["secret"], verify_expiry=False)
    assert (contents.app_id, contents.user_id, contents.payload) == (
        vector["app_id"],
        vector["user_id"],
        vector["payload"],
    )
    assert contents.expire - contents.ctime == vector["effective"]
    assert contents.mode == ("gcm" if vector["impl"] == "gcm-node" else "cbc")
    assert -(2**31) <= contents.nonce < 2**31


def test_official_vectors_cover_every_generator():
    assert {v["impl"] for v in OFFICIAL} == {
        "python",
        "nodejs",
        "go",
        "java",
        "php",
        "cpp",
        "gcm-node",
    }


ROUND_TRIP_INPUTS = [
    ("ascii", 1, "demo", ""),
    (
        "cjk",
        123456789,
        "用户一号",
        '{"room_id":"房间1","privilege":{"1":1,"2":1},"stream_id_list":["s1"]}',
    ),
    ("emoji", 99, "emoji😀🎉", "😀"),
    ("escaped", 7, 'q"uote\\back/slash<>&\n\t\x00\x7f', '"\\/\b\f\n\r\t\u2028'),
    ("max-app-id", 4294967295, "u", "x"),
]


@pytest.mark.parametrize("mode", ["cbc", "gcm"])
@pytest.mark.parametrize(
    ("name", "app_id", "user_id", "payload"), ROUND_TRIP_INPUTS, ids=lambda x: str(x)[:12]
)
def test_generate_then_decode_round_trips(mode, name, app_id, user_id, payload):
    info = token04.generate_token04(app_id, user_id, SECRET, 600, payload, mode=mode)
    contents = decode_token04(info.token, SECRET)
    assert contents.app_id == app_id
    assert contents.user_id == user_id
    assert contents.payload == payload
    assert contents.expire == contents.ctime + 600
    assert contents.mode == mode


def test_token04_is_frozen():
    contents = decode_token04(token04.generate_token04(1, "demo", SECRET, 60).token, SECRET)
    with pytest.raises(AttributeError):
        contents.app_id = 2  # type: ignore[misc]


def test_null_payload_reads_as_empty_string():
    assert decode_token04(make_token(payload=None), SECRET, verify_expiry=False).payload == ""


def test_java_style_negative_nonce_and_raw_iv_decode():
    token = make_token(nonce=-(2**31), iv=bytes(range(16)))
    assert decode_token04(token, SECRET, verify_expiry=False).nonce == -(2**31)


# --- rejections: the body (the frame's refusals are test_frame's, the paste mistakes test_paste's)


@pytest.mark.parametrize(
    "body",
    [
        b"\xff\xfe" + json.dumps(MEMBERS).encode("utf-8"),  # not UTF-8
        json.dumps(MEMBERS).encode("utf-16"),  # JSON, but not UTF-8
        b"not json",
        b"",
        b"[1, 2, 3]",
        b'"a string"',
        b"null",
        b"[" * 20000 + b"]" * 20000,  # nesting deep enough to exhaust the recursion limit
    ],
    ids=["bad-utf8", "utf16", "not-json", "empty", "array", "string", "null", "deep"],
)
def test_body_that_is_not_a_utf8_json_object(body):
    rejects(make_token(body=body), match="JSON object")


@pytest.mark.parametrize("missing", sorted(set(MEMBERS) - {"payload"}))
def test_body_missing_a_member(missing):
    rejects(make_token(**{missing: OMIT}), match="exactly the members")


@pytest.mark.parametrize("missing", sorted(set(MEMBERS) - {"payload"}))
def test_a_five_member_body_needs_all_five(missing):
    rejects(make_token(payload=OMIT, extra=1, **{missing: OMIT}), match="exactly the members")
    rejects(make_token(payload=OMIT, **{missing: OMIT}), match="exactly the members")


def test_the_uikit_five_member_body_reads_payload_as_empty():
    contents = decode_token04(make_token(payload=OMIT), SECRET, verify_expiry=False)
    assert (contents.user_id, contents.payload, contents.expire) == ("demo", "", EXPIRE)


@pytest.mark.parametrize("value", [5, None, "\udc00"], ids=["number", "null", "surrogate"])
def test_a_five_member_body_keeps_its_other_rules(value):
    rejects(make_token(payload=OMIT, user_id=value), match="user_id")


def test_body_with_an_extra_member():
    rejects(make_token(extra=1), match="exactly the members")


@pytest.mark.parametrize("repeated", sorted(MEMBERS))
def test_a_body_with_a_member_named_twice_is_refused(repeated):
    text = json.dumps(MEMBERS)[:-1] + f', "{repeated}": {json.dumps(MEMBERS[repeated])}}}'
    assert len(json.loads(text)) == 6  # a plain parser would take it, last one winning
    rejects(make_token(body=text.encode("utf-8")), match="each once")


@pytest.mark.parametrize(
    ("member", "value"),
    [
        ("app_id", 0),
        ("app_id", -1),
        ("app_id", 2**32),
        ("app_id", "1"),
        ("app_id", 1.0),
        ("app_id", True),
        ("app_id", None),
        ("user_id", ""),
        ("user_id", 5),
        ("user_id", None),
        ("user_id", ["demo"]),
        ("user_id", "\ud800"),
        ("nonce", 2**31),
        ("nonce", -(2**31) - 1),
        ("nonce", "5"),
        ("nonce", 5.5),
        ("nonce", False),
        ("ctime", 1.5),
        ("ctime", "0"),
        ("ctime", 2**63),
        ("ctime", None),
        ("payload", 5),
        ("payload", {"room_id": "r"}),
        ("payload", ["x"]),
        ("payload", "\udc00"),
    ],
    ids=lambda x: repr(x)[:20],
)
def test_body_member_of_the_wrong_type_or_range(member, value):
    rejects(make_token(**{member: value}), match=member)


@pytest.mark.parametrize("value", ["1700003600", 1700003600.0, None, 2**63])
def test_body_expire_of_the_wrong_type(value):
    rejects(make_token(expire=value), match="expire")


def test_frame_expire_that_differs_from_the_body():
    rejects(make_token(frame_expire=EXPIRE + 1), match="differs")


def test_messages_never_contain_the_secret():
    bad_tokens = [
        "",
        "04",
        "04!!",
        make_token()[:-8],
        make_token(app_id=0),
        make_token(gcm=True)[:-4] + "AAA=",
    ]
    for token in bad_tokens:
        assert SECRET not in rejects(token)
    assert OTHER_SECRET not in rejects(make_token(), secret=OTHER_SECRET)


# --- expiry -----------------------------------------------------------------


def test_expiry_boundary_without_leeway():
    token = make_token()
    assert decode_token04(token, SECRET, now=EXPIRE).expire == EXPIRE
    with pytest.raises(ExpiredTokenError, match="expired"):
        decode_token04(token, SECRET, now=EXPIRE + 1)
    with pytest.raises(ExpiredTokenError):
        decode_token04(token, SECRET, now=EXPIRE + 0.5)


def test_expiry_boundary_with_leeway():
    token = make_token()
    assert decode_token04(token, SECRET, now=EXPIRE + 30, leeway=30).expire == EXPIRE
    with pytest.raises(ExpiredTokenError):
        decode_token04(token, SECRET, now=EXPIRE + 31, leeway=30)


def test_expired_is_an_invalid_token_and_a_value_error():
    with pytest.raises(InvalidTokenError):
        decode_token04(make_token(), SECRET, now=EXPIRE + 1)
    assert issubclass(ExpiredTokenError, InvalidTokenError)
    assert issubclass(InvalidTokenError, ValueError)


def test_verify_expiry_false_reads_an_expired_token():
    assert (
        decode_token04(make_token(), SECRET, now=EXPIRE + 10**6, verify_expiry=False).user_id
        == "demo"
    )


def test_now_defaults_to_the_clock(monkeypatch):
    token = make_token()
    monkeypatch.setattr(time, "time", lambda: EXPIRE + 0.0)
    assert decode_token04(token, SECRET).expire == EXPIRE
    monkeypatch.setattr(time, "time", lambda: EXPIRE + 1.0)
    with pytest.raises(ExpiredTokenError):
        decode_token04(token, SECRET)


def test_a_negative_leeway_message_says_what_is_true():
    with pytest.raises(ExpiredTokenError) as caught:
        decode_token04(make_token(), SECRET, now=EXPIRE - 3600, leeway=-4000)
    message = str(caught.value)
    assert "3600 seconds from now" in message and "4000" in message
    assert "before now" not in message and "-3600" not in message


def test_a_fresh_token_is_valid_until_its_expire_and_not_after(monkeypatch):
    monkeypatch.setattr(time, "time", lambda: EXPIRE - 0.25)
    token = token04.generate_token04(1, "demo", SECRET, 1).token
    contents = decode_token04(token, SECRET)  # the clock read again, pinned: same second
    assert contents.expire == contents.ctime + 1 == EXPIRE
    assert decode_token04(token, SECRET, now=EXPIRE).user_id == "demo"
    with pytest.raises(ExpiredTokenError):
        decode_token04(token, SECRET, now=EXPIRE + 0.5)


# --- GCM integrity ----------------------------------------------------------


def test_expires_at_is_an_aware_utc_datetime():
    contents = decode_token04(make_token(), SECRET, verify_expiry=False)
    assert contents.expires_at.tzinfo is not None
    assert contents.expires_at.timestamp() == EXPIRE
    huge = decode_token04(make_token(expire=2**62, frame_expire=2**62), SECRET, verify_expiry=False)
    assert huge.expires_at.year == 9999


def test_an_expired_token_error_carries_what_the_token_holds():
    with pytest.raises(ExpiredTokenError) as caught:
        decode_token04(make_token(), SECRET, now=EXPIRE + 10)
    assert caught.value.contents == decode_token04(make_token(), SECRET, verify_expiry=False)
