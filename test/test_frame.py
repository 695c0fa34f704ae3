"""The frame (_frame): base64, the binary frame, its length fields and trailer, AES-256-CBC and GCM."""

import base64
import json
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st
from support import (
    MEMBERS,
    OTHER_SECRET,
    SECRET,
    frame_of,
    make_token,
    rejects,
    token_of,
)

from src import _frame as frame_module
from src import token04
from src.errors import InvalidTokenError
from src.token04 import decode_token04


@pytest.mark.parametrize("token", [None, 4, b"04AAAA", ["04"], 4.0])
def test_non_str_token(token):
    rejects(token, match="token must be a str")


@pytest.mark.parametrize(
    "mangle",
    [
        lambda b64: b64 + "!",  # not in the alphabet
        lambda b64: b64.rstrip("="),  # padding missing
        lambda b64: b64 + "=",  # too much padding
        lambda b64: b64[:10] + "\n" + b64[10:],  # whitespace
        lambda b64: b64[:10] + "é" + b64[10:],  # not ASCII
        lambda b64: (
            b64.replace("+", "-").replace("/", "_") if ("+" in b64 or "/" in b64) else "-" + b64
        ),  # urlsafe
        lambda b64: (
            b64 + "AAAA" if not b64.endswith("=") else b64[:-1] + "A="
        ),  # stray data/bits after the frame
    ],
    ids=[
        "alphabet",
        "no-padding",
        "extra-padding",
        "whitespace",
        "non-ascii",
        "urlsafe",
        "after-padding",
    ],
)
def test_bad_base64(mangle):
    token = make_token()
    rejects("04" + mangle(token[2:]))


def test_non_canonical_base64_padding_bits():
    frame = frame_of(make_token())
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
    frame = frame_of(make_token())
    rejects(token_of(frame[:cut]), match="truncated|cut short")


def test_ciphertext_length_longer_than_the_data():
    frame = frame_of(make_token())
    frame[26:28] = (int.from_bytes(frame[26:28], "big") + 16).to_bytes(2, "big")
    rejects(token_of(frame), match="the token looks cut short")


def test_ciphertext_length_shorter_than_the_data():
    frame = frame_of(make_token())
    frame[26:28] = (int.from_bytes(frame[26:28], "big") - 16).to_bytes(2, "big")
    rejects(token_of(frame), match="unexpected bytes")


@pytest.mark.parametrize("trailer", [b"\x00", b"\x02", b"\x01\x01", b"\x01"])
def test_trailing_bytes_on_a_cbc_frame(trailer):
    rejects(token_of(frame_of(make_token()) + trailer), match="unexpected bytes")


@pytest.mark.parametrize("trailer", [b"\x02", b"\x01\x00"])
def test_gcm_frame_with_another_mode_byte(trailer):
    frame = frame_of(make_token(gcm=True))[:-1] + trailer
    rejects(token_of(frame), match="unexpected bytes")


@pytest.mark.parametrize("iv_size", [0, 8, 15, 17, 32, 65535])
def test_iv_length_neither_16_nor_12(iv_size):
    frame = frame_of(make_token())
    frame[8:10] = iv_size.to_bytes(2, "big")
    rejects(token_of(frame), match="IV length")


@pytest.mark.parametrize("gcm", [False, True])
def test_wrong_secret(gcm):
    rejects(make_token(gcm=gcm), secret=OTHER_SECRET, match="does not decrypt")


def test_cbc_ciphertext_not_a_whole_number_of_blocks():
    frame = frame_of(make_token())
    frame[26:28] = (int.from_bytes(frame[26:28], "big") - 1).to_bytes(2, "big")
    rejects(token_of(frame[:-1]), match="does not decrypt")


def test_an_empty_cbc_ciphertext_is_refused_before_the_cipher_sees_it(monkeypatch):
    """pycryptodome 3.9 raised IndexError unpadding empty input; decode must not hand the cipher one."""

    class NoCipher:
        block_size = 16

        @staticmethod
        def new(*args, **kwargs):
            raise AssertionError("the cipher was asked to decrypt an empty ciphertext")

    monkeypatch.setattr(frame_module, "AES", NoCipher)
    frame = frame_of(make_token())[:28]
    frame[26:28] = b"\x00\x00"
    rejects(token_of(frame), match="does not decrypt")


def test_an_overlong_token_is_refused_before_it_is_read():
    started = time.perf_counter()
    rejects("04" + "A" * 50_000_000, match="longer than any token")
    assert time.perf_counter() - started < 5  # not decoded: a generous bound, not a timing test
    assert frame_module.MAX_TOKEN_LENGTH == 87422


def test_the_longest_real_token_is_within_the_bound():
    payload = "x" * (token04.MAX_BODY_BYTES - 200)
    token = token04.generate_token04(1, "demo", SECRET, 60, payload).token
    assert len(token) <= frame_module.MAX_TOKEN_LENGTH
    assert decode_token04(token, SECRET).payload == payload


@pytest.mark.parametrize(
    "tail",
    [
        b"\x00",
        b"\x11",
        b"\xff",
        b"\x03\x03\x02\x03",
        b"\x01\x02",
        bytes([17]) * 16,
        b"\x10" * 15 + b"\x0f",
    ],
    ids=["zero", "seventeen", "ff", "mixed", "short-run", "all-17", "one-off"],
)
def test_every_kind_of_bad_cbc_padding(tail):
    rejects(make_token(body=b"x" * (32 - len(tail)) + tail, pkcs7=False), match="does not decrypt")


@pytest.mark.parametrize("padding", [1, 15, 16])
def test_good_cbc_padding_of_every_length_is_taken(padding):
    body = json.dumps(MEMBERS).encode("utf-8")
    body = (
        body[:-1] + b" " * ((-len(body) - padding) % 16) + b"}"
    )  # whitespace: same JSON, chosen length
    assert (len(body) + padding) % 16 == 0
    assert decode_token04(make_token(body=body), SECRET, verify_expiry=False).user_id == "demo"


def test_gcm_tag_that_does_not_verify():
    frame = frame_of(make_token(gcm=True))
    frame[-2] ^= 0x80  # last byte of the tag
    rejects(token_of(frame), match="does not decrypt")


def test_gcm_ciphertext_shorter_than_a_tag():
    frame = frame_of(make_token(gcm=True))[:22] + b"\x00\x05" + b"abcde" + b"\x01"
    rejects(token_of(frame), match="does not decrypt")


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


@given(
    st.one_of(
        st.binary(min_size=16, max_size=16),
        st.integers(min_value=1, max_value=16)
        .flatmap(  # valid paddings, then one byte changed
            lambda n: st.tuples(
                st.binary(min_size=16 - n, max_size=16 - n), st.just(n), st.integers(0, 15)
            )
        )
        .map(lambda t: bytearray(t[0] + bytes([t[1]]) * t[1])),
    ),
    st.integers(min_value=0, max_value=255),
    st.booleans(),
)
def test_property_cbc_padding_is_judged_as_pyca_judges_it(last_block, new_byte, change):
    from cryptography.hazmat.primitives import padding

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
    message = rejects(
        make_token(body=plaintext, pkcs7=False)
    )  # never a valid body, so always refused: but where?
    assert ("does not decrypt" in message) is not valid


@pytest.mark.parametrize("mode", ["gcm", "cbc"])
def test_decode_can_be_pinned_to_one_mode(mode, monkeypatch):
    other = "cbc" if mode == "gcm" else "gcm"
    pinned = make_token(gcm=mode == "gcm")
    assert decode_token04(pinned, SECRET, mode=mode, verify_expiry=False).mode == mode
    with pytest.raises(InvalidTokenError, match=f"only {other.upper()} tokens are taken here"):
        decode_token04(pinned, SECRET, mode=other, verify_expiry=False)
    decrypted = []
    monkeypatch.setattr(frame_module, "decrypt", lambda *args: decrypted.append(args))
    monkeypatch.setattr(token04, "decrypt", lambda *args: decrypted.append(args))
    with pytest.raises(InvalidTokenError):
        decode_token04(pinned, SECRET, mode=other, verify_expiry=False)
    assert decrypted == []  # refused before anything was decrypted
    with pytest.raises(ValueError, match="mode must be"):
        decode_token04(pinned, SECRET, mode="ecb")
