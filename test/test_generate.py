"""generate_token04: known answers, round trips, validation, randomness."""

import ast
import json
import math
import time
from pathlib import Path

import pytest
from support import IV_ALPHABET, SECRET, load_vectors, open_token, stable_id

from src import _frame as token04_frame
from src import token04
from src.errors import TokenError

KNOWN_ANSWERS = load_vectors("known-answer-token04.json")


def pin(monkeypatch, *, ctime, nonce, iv):
    """Fix the clock (time.time, for generate_token04 without now=) and the randomness it draws."""
    monkeypatch.setattr(time, "time", lambda: ctime + 0.75)
    monkeypatch.setattr(token04.os, "urandom", lambda n: (nonce << 1).to_bytes(4, "big"))
    monkeypatch.setattr(token04, "new_iv", lambda mode: iv)


@pytest.mark.parametrize("vector", KNOWN_ANSWERS, ids=lambda v: v["user_id"])
def test_core_reproduces_upstream_known_answers(vector):
    contents = token04.Token04(
        vector["app_id"],
        vector["user_id"],
        vector["nonce"],
        vector["ctime"],
        vector["ctime"] + vector["effective"],
        vector["payload"],
        token04.MODE_CBC,
    )
    assert (
        token04.encode_token04(contents, vector["secret"], vector["iv"].encode("ascii"))
        == vector["token"]
    )


@pytest.mark.parametrize("vector", KNOWN_ANSWERS, ids=lambda v: v["user_id"])
def test_public_function_reproduces_known_answers_with_pinned_clock_and_randomness(
    monkeypatch, vector
):
    pin(
        monkeypatch,
        ctime=vector["ctime"] + 10**6,
        nonce=vector["nonce"],
        iv=vector["iv"].encode("ascii"),
    )
    arguments = (
        vector["app_id"],
        vector["user_id"],
        vector["secret"],
        vector["effective"],
        vector["payload"],
    )
    info = token04.generate_token04(
        *arguments, now=vector["ctime"] + 0.75
    )  # now= wins over the clock
    assert info.token == vector["token"]
    assert (info.error_code, info.error_message) == (token04.ERROR_CODE_SUCCESS, "success")
    monkeypatch.setattr(time, "time", lambda: vector["ctime"] + 0.75)
    info = token04.generate_token04(*arguments)
    assert info.token == vector["token"]
    assert (info.error_code, info.error_message) == (token04.ERROR_CODE_SUCCESS, "success")


def test_keyword_call_as_upstream():
    info = token04.generate_token04(
        app_id=1, user_id="demo", secret=SECRET, effective_time_in_seconds=3600, payload=""
    )
    assert info.error_code == 0 and info.token.startswith("04")


def test_payload_defaults_to_empty_and_none_means_empty():
    for info in (
        token04.generate_token04(1, "demo", SECRET, 3600),
        token04.generate_token04(1, "demo", SECRET, 3600, None),
    ):
        body, _ = open_token(info.token, SECRET)
        assert body["payload"] == ""


INPUTS = [
    (1, "demo", ""),
    (4294967295, "user_42", '{"room_id":"demo","privilege":{"1":1,"2":0},"stream_id_list":null}'),
    (
        123456789,
        "用户一号",
        '{"room_id":"房间1","privilege":{"1":1,"2":1},"stream_id_list":["s1","s2"]}',
    ),
    (7, 'q"uote\\back/slash<>&\n\t\x00', 'plain "text" with \\ and \x1f'),
    (99, "emoji😀", "😀" * 10),
]


@pytest.mark.parametrize("mode", [token04.MODE_CBC, token04.MODE_GCM])
@pytest.mark.parametrize(("app_id", "user_id", "payload"), INPUTS)
def test_round_trip_through_an_independent_aes(mode, app_id, user_id, payload):
    before = int(time.time())
    info = token04.generate_token04(app_id, user_id, SECRET, 7200, payload, mode=mode)
    after = int(time.time())
    assert info.error_code == 0, info.error_message
    body, frame = open_token(info.token, SECRET)
    assert list(body) == ["app_id", "user_id", "nonce", "ctime", "expire", "payload"]
    assert (body["app_id"], body["user_id"], body["payload"]) == (app_id, user_id, payload)
    assert before <= body["ctime"] <= after
    assert body["expire"] == body["ctime"] + 7200 == frame["expire"]
    assert 0 <= body["nonce"] < 2**31
    if mode == token04.MODE_GCM:
        assert (len(frame["iv"]), frame["trailer"]) == (12, b"\x01")
    else:
        assert len(frame["iv"]) == 16 and set(frame["iv"].decode("ascii")) <= set(IV_ALPHABET)
        assert frame["trailer"] == b""


def test_body_is_compact_utf8_json_in_upstream_order():
    info = token04.generate_token04(5, "用户", SECRET, 60, "房间")
    _, frame = open_token(info.token, SECRET)
    text = frame["body"].decode("utf-8")
    members = json.loads(text)
    assert text == json.dumps(members, separators=(",", ":"), ensure_ascii=False)
    assert "用户" in text and "\\u" not in text


# Each bad argument and the code it must give. The other arguments are valid.
BAD_ARGUMENTS = [
    ("app_id", 0, 1),
    ("app_id", -1, 1),
    ("app_id", 2**32, 1),
    ("app_id", 2**64, 1),
    ("app_id", True, 1),
    ("app_id", 1.0, 1),
    ("app_id", "1", 1),
    ("app_id", None, 1),
    ("user_id", "", 3),
    ("user_id", None, 3),
    ("user_id", b"demo", 3),
    ("user_id", 42, 3),
    ("user_id", "bad\ud800", 3),
    ("secret", SECRET[:31], 5),
    ("secret", SECRET + "0", 5),
    ("secret", "", 5),
    ("secret", None, 5),
    ("secret", SECRET.encode("ascii"), 5),
    ("secret", "é" * 32, 5),
    ("secret", "\ud800" * 32, 5),
    ("effective_time_in_seconds", 0, 6),
    ("effective_time_in_seconds", -3600, 6),
    ("effective_time_in_seconds", 2**63, 6),
    ("effective_time_in_seconds", 2**63 - 1, 6),
    ("effective_time_in_seconds", 3600.0, 6),
    ("effective_time_in_seconds", True, 6),
    ("effective_time_in_seconds", "3600", 6),
    ("payload", {"room_id": "r"}, 7),
    ("payload", b"", 7),
    ("payload", 0, 7),
    ("payload", ["a"], 7),
    ("payload", "bad\udfff", 7),
    ("mode", "ecb", 8),
    ("mode", "CBC", 8),
    ("mode", None, 8),
    ("mode", ["gcm"], 8),
]
VALID = {
    "app_id": 1,
    "user_id": "demo",
    "secret": SECRET,
    "effective_time_in_seconds": 3600,
    "payload": "",
}


@pytest.mark.parametrize(("name", "value", "code"), BAD_ARGUMENTS, ids=lambda x: repr(x)[:30])
def test_bad_argument_is_refused_with_its_code(name, value, code):
    info = token04.generate_token04(**{**VALID, name: value})
    assert info.token == ""
    assert info.error_code == code
    assert name.split("_in_")[0] in info.error_message
    assert SECRET not in info.error_message


def test_error_code_constants_match_upstream():
    assert (
        token04.ERROR_CODE_SUCCESS,
        token04.ERROR_CODE_APP_ID_INVALID,
        token04.ERROR_CODE_USER_ID_INVALID,
        token04.ERROR_CODE_SECRET_INVALID,
        token04.ERROR_CODE_EFFECTIVE_TIME_IN_SECONDS_INVALID,
        token04.ERROR_CODE_PAYLOAD_INVALID,
    ) == (0, 1, 3, 5, 6, 7)


def test_a_refused_secret_is_not_echoed():
    for secret in ("s3cr3t-value-that-is-too-short", "x" * 33, "秘" * 32):
        info = token04.generate_token04(1, "demo", secret, 3600, "")
        assert (
            info.error_code == 5 and secret not in info.error_message and secret not in repr(info)
        )


@pytest.mark.parametrize(
    ("app_id", "ok"), [(0, False), (1, True), (2**32 - 1, True), (2**32, False)]
)
def test_app_id_boundaries(app_id, ok):
    info = token04.generate_token04(app_id, "demo", SECRET, 3600, "")
    assert (info.error_code == 0) is ok
    if ok:
        assert open_token(info.token, SECRET)[0]["app_id"] == app_id


def test_effective_time_boundaries(monkeypatch):
    ctime = 1_700_000_000
    pin(monkeypatch, ctime=ctime, nonce=1, iv=b"0123456789abcdef")
    longest = 2**63 - 1 - ctime
    info = token04.generate_token04(1, "demo", SECRET, longest, "")
    assert info.error_code == 0
    body, frame = open_token(info.token, SECRET)
    assert body["expire"] == frame["expire"] == 2**63 - 1
    assert token04.generate_token04(1, "demo", SECRET, longest + 1, "").error_code == 6
    assert token04.generate_token04(1, "demo", SECRET, 1, "").error_code == 0
    assert token04.generate_token04(1, "demo", SECRET, 0, "").error_code == 6


@pytest.mark.parametrize("nonce", [0, 12345, 2**31 - 1])
@pytest.mark.parametrize(("mode", "iv"), [("cbc", b"0123456789abcdef"), ("gcm", b"0123456789ab")])
def test_largest_body_that_fits_and_the_first_that_does_not(monkeypatch, mode, iv, nonce):
    """The limit is measured with a 10-digit nonce, so it is the same whatever nonce is drawn."""
    ctime = 1_700_000_000
    pin(monkeypatch, ctime=ctime, nonce=nonce, iv=iv)
    longest_nonce_body = json.dumps(
        {
            "app_id": 1,
            "user_id": "demo",
            "nonce": 2**31 - 1,
            "ctime": ctime,
            "expire": ctime + 60,
            "payload": "",
        },
        separators=(",", ":"),
    )
    largest_payload = "x" * (token04.MAX_BODY_BYTES - len(longest_nonce_body))
    info = token04.generate_token04(1, "demo", SECRET, 60, largest_payload, mode=mode)
    assert info.error_code == 0, info.error_message
    body, frame = open_token(info.token, SECRET)
    assert (body["payload"], body["nonce"]) == (largest_payload, nonce)
    assert len(frame["body"]) == 65519 - 10 + len(str(nonce))
    if nonce == 2**31 - 1:
        assert frame["ciphertext_size"] == (65520 if mode == "cbc" else 65535)

    refused = token04.generate_token04(1, "demo", SECRET, 60, largest_payload + "x", mode=mode)
    assert (refused.token, refused.error_code) == ("", token04.ERROR_CODE_PAYLOAD_INVALID)
    assert "65519" in refused.error_message


def test_multibyte_payload_is_measured_in_utf8_bytes():
    info = token04.generate_token04(
        1, "demo", SECRET, 60, "😀" * 16380
    )  # 65520 bytes of payload alone
    assert info.error_code == token04.ERROR_CODE_PAYLOAD_INVALID


def test_iv_is_16_characters_of_0_to_z_and_nonce_31_bits():
    ivs, nonces = set(), set()
    for _ in range(200):
        _, frame = open_token(token04.generate_token04(1, "demo", SECRET, 60, "").token, SECRET)
        body = json.loads(frame["body"])
        assert len(frame["iv"]) == 16 and set(frame["iv"].decode("ascii")) <= set(IV_ALPHABET)
        assert 0 <= body["nonce"] <= 2**31 - 1
        ivs.add(frame["iv"])
        nonces.add(body["nonce"])
    assert len(ivs) == 200
    assert len(nonces) >= 199  # a repeat among 200 draws from 2**31 has odds of about 1e-5


def test_iv_has_at_least_80_bits_of_entropy():
    _, frame = open_token(token04.generate_token04(1, "demo", SECRET, 60, "").token, SECRET)
    assert math.log2(len(IV_ALPHABET)) * len(frame["iv"]) >= 80
    assert len(set(IV_ALPHABET)) == 36


def test_iv_drops_the_bytes_that_would_bias_it(monkeypatch):
    # Every other random byte is 255, which would map to "3" if taken modulo 36; byte 1 maps to "1".
    monkeypatch.setattr(token04.os, "urandom", lambda n: bytes([255, 1] * n)[:n])
    _, frame = open_token(token04.generate_token04(1, "demo", SECRET, 60, "").token, SECRET)
    assert frame["iv"] == b"1" * 16
    # every usable byte value (0 .. 251) maps to each character exactly 7 times
    first_characters = []
    for byte in range(256):
        monkeypatch.setattr(token04.os, "urandom", lambda n, byte=byte: bytes([byte, 1] * n)[:n])
        first_characters.append(token04_frame.new_iv(token04.MODE_CBC)[0])
    assert {c: first_characters[:252].count(c) for c in IV_ALPHABET.encode()} == dict.fromkeys(
        IV_ALPHABET.encode(), 7
    )
    assert first_characters[252:] == [ord("1")] * 4  # dropped: the next byte, 1, stands first


def test_randomness_comes_from_os_urandom(monkeypatch):
    monkeypatch.setattr(token04.os, "urandom", lambda n: bytes(n))
    info = token04.generate_token04(1, "demo", SECRET, 60, "")
    body, frame = open_token(info.token, SECRET)
    assert body["nonce"] == 0 and frame["iv"] == b"0" * 16
    info = token04.generate_token04(1, "demo", SECRET, 60, "", mode="gcm")
    body, frame = open_token(info.token, SECRET)
    assert body["nonce"] == 0 and frame["iv"] == bytes(12)


def test_no_random_module_in_src():
    for path in Path(token04.__file__).parent.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                assert all(alias.name != "random" for alias in node.names), path
            elif isinstance(node, ast.ImportFrom):
                assert node.module != "random", path


def test_token_info_is_a_named_triple():
    token, code, message = token04.generate_token04(1, "demo", SECRET, 60, "")
    assert token.startswith("04") and (code, message) == (0, "success")


@pytest.mark.parametrize("now", ["soon", float("nan"), object()], ids=stable_id)
def test_a_now_that_is_not_a_time_is_refused_with_code_6(now):
    info = token04.generate_token04(1, "demo", SECRET, 60, "", now=now)
    assert (info.token, info.error_code) == (
        "",
        token04.ERROR_CODE_EFFECTIVE_TIME_IN_SECONDS_INVALID,
    )
    assert "now" in info.error_message


# --- make_token04: the raising core generate_token04 wraps ---------------------------------------

UPSTREAM_TO_CORE = {"effective_time_in_seconds": "ttl"}


@pytest.mark.parametrize(("name", "value", "code"), BAD_ARGUMENTS, ids=lambda x: repr(x)[:30])
def test_make_token04_raises_what_generate_token04_returns(name, value, code):
    arguments = {
        UPSTREAM_TO_CORE.get(key, key): given for key, given in {**VALID, name: value}.items()
    }
    with pytest.raises(TokenError) as caught:
        token04.make_token04(**arguments)
    argument = UPSTREAM_TO_CORE.get(name, name)
    assert (caught.value.error_code, caught.value.argument) == (code, argument)
    assert argument in str(caught.value) and SECRET not in str(caught.value)
    assert caught.value.error_code == token04.generate_token04(**{**VALID, name: value}).error_code


def test_make_token04_makes_the_token_generate_token04_would():
    token = token04.make_token04(1, "demo", SECRET, 3600, "", now=1_700_000_000)
    contents = token04.decode_token04(token, SECRET, now=1_700_000_000)
    assert (contents.app_id, contents.user_id, contents.ctime, contents.expire) == (
        1,
        "demo",
        1_700_000_000,
        1_700_003_600,
    )


@pytest.mark.parametrize(("now", "error"), [("now", TypeError), (float("nan"), ValueError)])
def test_make_token04_refuses_a_now_that_is_no_time_as_the_callers_error(now, error):
    with pytest.raises(error, match="now"):
        token04.make_token04(1, "demo", SECRET, 3600, now=now)
    assert token04.generate_token04(1, "demo", SECRET, 3600, now=now).error_code == 6


def test_a_refusal_is_a_value_worded_at_each_edge():
    from src.errors import TokenError
    from src.token04 import ERROR_CODE_EFFECTIVE_TIME_IN_SECONDS_INVALID, make_token04

    with pytest.raises(TokenError) as caught:
        make_token04(1, "u", SECRET, 0)
    error = caught.value
    assert (error.argument, error.error_code) == (
        "ttl",
        ERROR_CODE_EFFECTIVE_TIME_IN_SECONDS_INVALID,
    )
    assert str(error) == f"ttl {error.rule}" and error.rule.startswith("must be")
    info = token04.generate_token04(1, "u", SECRET, 0, "")
    assert info.error_message == f"effective_time_in_seconds {error.rule}"  # upstream's name
