"""decode_token04: official vectors, round trips, every rejection, expiry, GCM integrity."""

import base64
import json
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support import OTHER_SECRET, SECRET, body_bytes, load_vectors, seal_token

from src import token04
from src.token04 import ExpiredTokenError, InvalidTokenError, decode_token04

OFFICIAL = load_vectors("official-token04.json")
EXPIRE = 1_700_003_600
GOOD_MEMBERS = {
    "app_id": 1,
    "user_id": "demo",
    "nonce": 5,
    "ctime": EXPIRE - 3600,
    "expire": EXPIRE,
    "payload": "",
}


def sealed(gcm=False, frame_expire=EXPIRE, **members):
    return seal_token(body_bytes(**{**GOOD_MEMBERS, **members}), SECRET, expire=frame_expire, gcm=gcm)


def frame_of(token):
    return bytearray(base64.b64decode(token[2:]))


def token_of(frame):
    return "04" + base64.b64encode(bytes(frame)).decode("ascii")


def rejects(token, secret=SECRET, match=None):
    with pytest.raises(InvalidTokenError, match=match) as caught:
        decode_token04(token, secret, verify_expiry=False)
    assert type(caught.value) is InvalidTokenError
    assert SECRET not in str(caught.value)
    return str(caught.value)


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
    assert {v["impl"] for v in OFFICIAL} == {"python", "nodejs", "go", "java", "php", "cpp", "gcm-node"}


ROUND_TRIP_INPUTS = [
    ("ascii", 1, "demo", ""),
    ("cjk", 123456789, "用户一号", '{"room_id":"房间1","privilege":{"1":1,"2":1},"stream_id_list":["s1"]}'),
    ("emoji", 99, "emoji😀🎉", "😀"),
    ("escaped", 7, 'q"uote\\back/slash<>&\n\t\x00\x7f', '"\\/\b\f\n\r\t\u2028'),
    ("max-app-id", 4294967295, "u", "x"),
]


@pytest.mark.parametrize("mode", ["cbc", "gcm"])
@pytest.mark.parametrize(("name", "app_id", "user_id", "payload"), ROUND_TRIP_INPUTS, ids=lambda x: str(x)[:12])
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
    assert decode_token04(sealed(payload=None), SECRET, verify_expiry=False).payload == ""


def test_java_style_negative_nonce_and_raw_iv_decode():
    token = seal_token(body_bytes(**{**GOOD_MEMBERS, "nonce": -(2**31)}), SECRET, expire=EXPIRE, iv=bytes(range(16)))
    assert decode_token04(token, SECRET, verify_expiry=False).nonce == -(2**31)


# --- rejections: the envelope ---------------------------------------------


@pytest.mark.parametrize("token", [None, 4, b"04AAAA", ["04"], 4.0])
def test_non_str_token(token):
    rejects(token, match="token must be a str")


@pytest.mark.parametrize("secret", [None, 123, SECRET.encode("ascii"), SECRET[:31], SECRET + "x", "é" * 32, ""])
def test_bad_secret(secret):
    rejects(sealed(), secret=secret, match="secret must be")


@pytest.mark.parametrize("prefix", ["", "03", "4", "05", " 04", "O4"])
def test_wrong_prefix(prefix):
    rejects(prefix + sealed()[2:], match='start with "04"')


@pytest.mark.parametrize(
    "mangle",
    [
        lambda b64: b64 + "!",  # not in the alphabet
        lambda b64: b64.rstrip("="),  # padding missing
        lambda b64: b64 + "=",  # too much padding
        lambda b64: b64[:10] + "\n" + b64[10:],  # whitespace
        lambda b64: b64[:10] + "é" + b64[10:],  # not ASCII
        lambda b64: b64.replace("+", "-").replace("/", "_") if ("+" in b64 or "/" in b64) else "-" + b64,  # urlsafe
        lambda b64: b64 + "AAAA" if not b64.endswith("=") else b64[:-1] + "A=",  # stray data/bits after the frame
    ],
    ids=["alphabet", "no-padding", "extra-padding", "whitespace", "non-ascii", "urlsafe", "after-padding"],
)
def test_bad_base64(mangle):
    token = sealed()
    rejects("04" + mangle(token[2:]))


def test_non_canonical_base64_padding_bits():
    frame = frame_of(sealed())
    assert len(frame) % 3 != 0  # the last base64 character has spare bits
    b64 = base64.b64encode(bytes(frame)).decode("ascii").rstrip("=")
    padding = "=" * (-len(b64) % 4)
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    last = alphabet.index(b64[-1])
    spare = alphabet[last ^ 1]  # flips the lowest spare bit: same frame bytes
    assert base64.b64decode(b64[:-1] + spare + padding) == bytes(frame)
    rejects("04" + b64[:-1] + spare + padding, match="base64")


@pytest.mark.parametrize("cut", [0, 1, 8, 9, 10, 25, 26, 27, 40])
def test_truncated_frame(cut):
    frame = frame_of(sealed())
    rejects(token_of(frame[:cut]), match="truncated|shorter")


def test_ciphertext_length_longer_than_the_data():
    frame = frame_of(sealed())
    frame[26:28] = (int.from_bytes(frame[26:28], "big") + 16).to_bytes(2, "big")
    rejects(token_of(frame), match="shorter than its ciphertext length")


def test_ciphertext_length_shorter_than_the_data():
    frame = frame_of(sealed())
    frame[26:28] = (int.from_bytes(frame[26:28], "big") - 16).to_bytes(2, "big")
    rejects(token_of(frame), match="unexpected bytes")


@pytest.mark.parametrize("trailer", [b"\x00", b"\x02", b"\x01\x01", b"\x01"])
def test_trailing_bytes_on_a_cbc_frame(trailer):
    rejects(token_of(frame_of(sealed()) + trailer), match="unexpected bytes")


@pytest.mark.parametrize("trailer", [b"", b"\x02", b"\x01\x00"])
def test_gcm_frame_without_its_mode_byte(trailer):
    frame = frame_of(sealed(gcm=True))[:-1] + trailer
    rejects(token_of(frame), match="unexpected bytes")


@pytest.mark.parametrize("iv_size", [0, 8, 15, 17, 32, 65535])
def test_iv_length_neither_16_nor_12(iv_size):
    frame = frame_of(sealed())
    frame[8:10] = iv_size.to_bytes(2, "big")
    rejects(token_of(frame), match="IV length")


@pytest.mark.parametrize("gcm", [False, True])
def test_wrong_secret(gcm):
    rejects(sealed(gcm=gcm), secret=OTHER_SECRET, match="does not decrypt")


def test_cbc_ciphertext_not_a_whole_number_of_blocks():
    frame = frame_of(sealed())
    frame[26:28] = (int.from_bytes(frame[26:28], "big") - 1).to_bytes(2, "big")
    rejects(token_of(frame[:-1]), match="does not decrypt")


def test_empty_ciphertext():
    frame = frame_of(sealed())[:28]
    frame[26:28] = b"\x00\x00"
    rejects(token_of(frame), match="does not decrypt")


def test_bad_cbc_padding():
    # Encrypt 32 bytes whose last byte is 0x11: with the pad block removed, that is not valid PKCS#7.
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    plaintext = b"x" * 31 + b"\x11"
    encryptor = Cipher(algorithms.AES(SECRET.encode("ascii")), modes.CBC(b"0123456789abcdef")).encryptor()
    ciphertext = encryptor.update(plaintext) + encryptor.finalize()
    frame = frame_of(sealed())[:26] + len(ciphertext).to_bytes(2, "big") + ciphertext
    rejects(token_of(frame), match="does not decrypt")


@pytest.mark.parametrize(
    "tail",
    [b"\x00", b"\x11", b"\xff", b"\x03\x03\x02\x03", b"\x01\x02", bytes([17]) * 16, b"\x10" * 15 + b"\x0f"],
    ids=["zero", "seventeen", "ff", "mixed", "short-run", "all-17", "one-off"],
)
def test_every_kind_of_bad_cbc_padding(tail):
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    plaintext = b"x" * (32 - len(tail)) + tail
    encryptor = Cipher(algorithms.AES(SECRET.encode("ascii")), modes.CBC(b"0123456789abcdef")).encryptor()
    ciphertext = encryptor.update(plaintext) + encryptor.finalize()
    frame = frame_of(sealed())[:26] + len(ciphertext).to_bytes(2, "big") + ciphertext
    rejects(token_of(frame), match="does not decrypt")


@pytest.mark.parametrize("padding", [1, 15, 16])
def test_good_cbc_padding_of_every_length_is_taken(padding):
    body = body_bytes(**GOOD_MEMBERS)
    body = body[:-1] + b" " * ((-len(body) - padding) % 16) + b"}"  # whitespace: same JSON, chosen length
    assert (len(body) + padding) % 16 == 0
    assert decode_token04(seal_token(body, SECRET, expire=EXPIRE), SECRET, verify_expiry=False).user_id == "demo"


def test_gcm_tag_that_does_not_verify():
    frame = frame_of(sealed(gcm=True))
    frame[-2] ^= 0x80  # last byte of the tag
    rejects(token_of(frame), match="does not decrypt")


def test_gcm_ciphertext_shorter_than_a_tag():
    frame = frame_of(sealed(gcm=True))[:22] + b"\x00\x05" + b"abcde" + b"\x01"
    rejects(token_of(frame), match="does not decrypt")


# --- rejections: the body ---------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        b"\xff\xfe" + body_bytes(**GOOD_MEMBERS),  # not UTF-8
        json.dumps(GOOD_MEMBERS).encode("utf-16"),  # JSON, but not UTF-8
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
    rejects(seal_token(body, SECRET, expire=EXPIRE), match="JSON object")


@pytest.mark.parametrize("missing", sorted(set(GOOD_MEMBERS) - {"payload"}))
def test_body_missing_a_member(missing):
    members = {k: v for k, v in GOOD_MEMBERS.items() if k != missing}
    rejects(seal_token(body_bytes(**members), SECRET, expire=EXPIRE), match="exactly the members")


@pytest.mark.parametrize("missing", sorted(set(GOOD_MEMBERS) - {"payload"}))
def test_a_five_member_body_needs_all_five(missing):
    members = {k: v for k, v in GOOD_MEMBERS.items() if k not in (missing, "payload")}
    rejects(seal_token(body_bytes(**members, extra=1), SECRET, expire=EXPIRE), match="exactly the members")
    rejects(seal_token(body_bytes(**members), SECRET, expire=EXPIRE), match="exactly the members")


def test_the_uikit_five_member_body_reads_payload_as_empty():
    members = {k: v for k, v in GOOD_MEMBERS.items() if k != "payload"}
    contents = decode_token04(seal_token(body_bytes(**members), SECRET, expire=EXPIRE), SECRET, verify_expiry=False)
    assert (contents.user_id, contents.payload, contents.expire) == ("demo", "", EXPIRE)


@pytest.mark.parametrize("value", [5, None, "\udc00"], ids=["number", "null", "surrogate"])
def test_a_five_member_body_keeps_its_other_rules(value):
    members = {k: v for k, v in GOOD_MEMBERS.items() if k != "payload"}
    rejects(seal_token(body_bytes(**{**members, "user_id": value}), SECRET, expire=EXPIRE), match="user_id")


def test_body_with_an_extra_member():
    rejects(sealed(extra=1), match="exactly the members")


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
    rejects(sealed(**{member: value}), match=member)


@pytest.mark.parametrize("value", ["1700003600", 1700003600.0, None, 2**63])
def test_body_expire_of_the_wrong_type(value):
    rejects(sealed(expire=value), match="expire")


def test_frame_expire_that_differs_from_the_body():
    rejects(seal_token(body_bytes(**GOOD_MEMBERS), SECRET, expire=EXPIRE + 1), match="differs")


def test_messages_never_contain_the_secret():
    bad_tokens = ["", "04", "04!!", sealed()[:-8], sealed(app_id=0), sealed(gcm=True)[:-4] + "AAA="]
    for token in bad_tokens:
        assert SECRET not in rejects(token)
    assert OTHER_SECRET not in rejects(sealed(), secret=OTHER_SECRET)


# --- expiry -----------------------------------------------------------------


def test_expiry_boundary_without_leeway():
    token = sealed()
    assert decode_token04(token, SECRET, now=EXPIRE).expire == EXPIRE
    with pytest.raises(ExpiredTokenError, match="expired"):
        decode_token04(token, SECRET, now=EXPIRE + 1)
    with pytest.raises(ExpiredTokenError):
        decode_token04(token, SECRET, now=EXPIRE + 0.5)


def test_expiry_boundary_with_leeway():
    token = sealed()
    assert decode_token04(token, SECRET, now=EXPIRE + 30, leeway=30).expire == EXPIRE
    with pytest.raises(ExpiredTokenError):
        decode_token04(token, SECRET, now=EXPIRE + 31, leeway=30)


def test_expired_is_an_invalid_token_and_a_value_error():
    with pytest.raises(InvalidTokenError):
        decode_token04(sealed(), SECRET, now=EXPIRE + 1)
    assert issubclass(ExpiredTokenError, InvalidTokenError)
    assert issubclass(InvalidTokenError, ValueError)


def test_verify_expiry_false_reads_an_expired_token():
    assert decode_token04(sealed(), SECRET, now=EXPIRE + 10**6, verify_expiry=False).user_id == "demo"


def test_now_defaults_to_the_clock(monkeypatch):
    token = sealed()
    monkeypatch.setattr(token04.time, "time", lambda: EXPIRE + 0.0)
    assert decode_token04(token, SECRET).expire == EXPIRE
    monkeypatch.setattr(token04.time, "time", lambda: EXPIRE + 1.0)
    with pytest.raises(ExpiredTokenError):
        decode_token04(token, SECRET)


@pytest.mark.parametrize(
    "options", [{"now": "now"}, {"leeway": "5"}, {"leeway": None}, {"now": [1]}, {"now": False}, {"leeway": True}]
)
def test_now_and_leeway_must_be_numbers(options):
    with pytest.raises(TypeError):
        decode_token04(sealed(), SECRET, **options)


@pytest.mark.parametrize(
    "options",
    [
        *({"now": float("nan")}, {"leeway": float("nan")}, {"leeway": float("inf")}, {"now": 10**400}),
        *({"now": Decimal("sNaN")}, {"leeway": Decimal("-Infinity")}),
    ],
)
def test_now_and_leeway_must_be_finite(options):
    with pytest.raises(ValueError, match="finite"):
        decode_token04(sealed(), SECRET, **options)


@pytest.mark.parametrize("kind", [int, float, Fraction, Decimal])
def test_now_and_leeway_may_be_any_real_numbers(kind):
    token = sealed()
    assert decode_token04(token, SECRET, now=kind(EXPIRE + 10), leeway=kind(10)).expire == EXPIRE
    with pytest.raises(ExpiredTokenError):
        decode_token04(token, SECRET, now=kind(EXPIRE + 11), leeway=kind(10))
    with pytest.raises(ExpiredTokenError):
        decode_token04(token, SECRET, now=kind(EXPIRE + 11), leeway=0.5)


def test_fresh_token_is_not_expired():
    info = token04.generate_token04(1, "demo", SECRET, 1)
    assert decode_token04(info.token, SECRET).expire >= 1


# --- GCM integrity ----------------------------------------------------------


def test_every_single_bit_flip_of_a_gcm_frame_is_rejected():
    token = token04.generate_token04(1, "demo", SECRET, 3600, "p", mode="gcm").token
    frame = frame_of(token)
    assert decode_token04(token, SECRET).payload == "p"
    for index in range(len(frame)):
        for bit in range(8):
            flipped = bytearray(frame)
            flipped[index] ^= 1 << bit
            with pytest.raises(InvalidTokenError):
                decode_token04(token_of(flipped), SECRET)


def test_every_single_bit_flip_of_a_gcm_token_string_is_rejected():
    token = token04.generate_token04(1, "demo", SECRET, 3600, "p", mode="gcm").token
    for index in range(len(token)):
        for bit in range(8):
            flipped = token[:index] + chr(ord(token[index]) ^ (1 << bit)) + token[index + 1 :]
            with pytest.raises(InvalidTokenError):
                decode_token04(flipped, SECRET)


# --- the privilege payload builder -----------------------------------------


def test_payload_builder_defaults():
    assert json.loads(token04.rtc_room_payload("room1")) == {
        "room_id": "room1",
        "privilege": {"1": 1, "2": 1},
        "stream_id_list": None,
    }


@pytest.mark.parametrize(("login", "publish"), [(True, False), (False, True), (False, False)])
def test_payload_builder_privileges(login, publish):
    payload = json.loads(token04.rtc_room_payload("r", login=login, publish=publish))
    assert payload["privilege"] == {
        str(token04.PRIVILEGE_KEY_LOGIN): token04.PRIVILEGE_ENABLE if login else token04.PRIVILEGE_DISABLE,
        str(token04.PRIVILEGE_KEY_PUBLISH): token04.PRIVILEGE_ENABLE if publish else token04.PRIVILEGE_DISABLE,
    }


def test_payload_builder_constants():
    assert (
        token04.PRIVILEGE_KEY_LOGIN,
        token04.PRIVILEGE_KEY_PUBLISH,
        token04.PRIVILEGE_ENABLE,
        token04.PRIVILEGE_DISABLE,
    ) == (1, 2, 1, 0)


@pytest.mark.parametrize("stream_ids", [["s1", "s2"], ("s1",), [], iter(["a", "b"])])
def test_payload_builder_stream_ids(stream_ids):
    expected = list(stream_ids) if not hasattr(stream_ids, "__next__") else ["a", "b"]
    assert json.loads(token04.rtc_room_payload("", stream_ids=stream_ids))["stream_id_list"] == expected


def test_payload_builder_output_is_the_documented_text():
    assert token04.rtc_room_payload("房间", login=True, publish=False, stream_ids=["s"]) == (
        '{"room_id": "房间", "privilege": {"1": 1, "2": 0}, "stream_id_list": ["s"]}'
    )


def test_payload_builder_output_makes_a_token():
    payload = token04.rtc_room_payload("room1", stream_ids=["s1"])
    info = token04.generate_token04(1, "demo", SECRET, 60, payload)
    assert decode_token04(info.token, SECRET).payload == payload


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"room_id": None}, TypeError),
        ({"room_id": 1}, TypeError),
        ({"room_id": b"room"}, TypeError),
        ({"room_id": "r\ud800"}, ValueError),
        ({"room_id": "r", "stream_ids": "s1"}, TypeError),
        ({"room_id": "r", "stream_ids": b"s1"}, TypeError),
        ({"room_id": "r", "stream_ids": 5}, TypeError),
        ({"room_id": "r", "stream_ids": ["s1", 2]}, TypeError),
        ({"room_id": "r", "stream_ids": [None]}, TypeError),
        ({"room_id": "r", "stream_ids": ["\udfff"]}, ValueError),
        ({"room_id": "r", "login": 1}, TypeError),
        ({"room_id": "r", "publish": "no"}, TypeError),
    ],
    ids=lambda x: repr(x)[:40],
)
def test_payload_builder_errors(kwargs, error):
    with pytest.raises(error):
        token04.rtc_room_payload(**kwargs)


@settings(max_examples=400, deadline=None)
@given(
    st.one_of(
        st.binary(min_size=16, max_size=16),
        st.integers(min_value=1, max_value=16).flatmap(  # valid paddings, then one byte changed
            lambda n: st.tuples(st.binary(min_size=16 - n, max_size=16 - n), st.just(n), st.integers(0, 15))
        ).map(lambda t: bytearray(t[0] + bytes([t[1]]) * t[1])),
    ),
    st.integers(min_value=0, max_value=255),
    st.booleans(),
)
def test_property_cbc_padding_is_judged_as_pyca_judges_it(last_block, new_byte, change):
    from cryptography.hazmat.primitives import padding
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    last_block = bytearray(last_block)
    if change:
        last_block[new_byte % 16] = new_byte
    plaintext = b"x" * 16 + bytes(last_block)
    unpadder = padding.PKCS7(128).unpadder()
    try:
        unpadder.update(plaintext)
        unpadder.finalize()
        valid = True
    except ValueError:
        valid = False
    encryptor = Cipher(algorithms.AES(SECRET.encode("ascii")), modes.CBC(b"0123456789abcdef")).encryptor()
    ciphertext = encryptor.update(plaintext) + encryptor.finalize()
    frame = frame_of(sealed())[:26] + len(ciphertext).to_bytes(2, "big") + ciphertext
    message = rejects(token_of(frame))  # never a valid body, so always refused: but at which step?
    assert ("does not decrypt" in message) is not valid
