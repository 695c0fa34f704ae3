"""Property-based tests: generate never raises, decode raises only InvalidTokenError."""

import base64
import contextlib
import time

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from support import SECRET, load_vectors

from src import token04
from src._frame import canonical_base64
from src.errors import InvalidTokenError
from src.token04 import decode_token04, generate_token04

INT64_MAX = 2**63 - 1

# Text with any code point, lone surrogates included.
any_text = st.text(st.characters(exclude_categories=()))
anything = st.one_of(
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.none(),
    st.binary(),
    any_text,
    st.lists(st.integers() | any_text, max_size=3),
    st.dictionaries(any_text, st.integers() | any_text, max_size=3),
)
VALID = {
    "app_id": st.integers(min_value=1, max_value=2**32 - 1),
    "user_id": st.text(min_size=1),
    "secret": st.text(st.characters(min_codepoint=0, max_codepoint=127), min_size=32, max_size=32),
    "effective_time_in_seconds": st.integers(min_value=1, max_value=2**62),
    "payload": st.one_of(st.text(), st.none()),
    "mode": st.sampled_from(["cbc", "gcm"]),
}
# Near misses and arbitrary values for each argument (some may still be valid: the oracle decides).
INVALID = {
    "app_id": st.one_of(st.integers(max_value=0), st.integers(min_value=2**32), anything),
    "user_id": st.one_of(any_text, anything),
    "secret": st.one_of(st.text(min_size=30, max_size=34), any_text, anything),
    "effective_time_in_seconds": st.one_of(
        st.integers(max_value=0), st.integers(min_value=2**62), anything
    ),
    "payload": st.one_of(any_text, anything),
    "mode": anything,
}


@st.composite
def generate_arguments(draw):
    """Valid arguments, with none, one or several replaced by arbitrary values."""
    replaced = draw(st.sets(st.sampled_from(sorted(VALID)), max_size=len(VALID)))
    return {name: draw(INVALID[name] if name in replaced else VALID[name]) for name in VALID}


def is_text(value):
    if not isinstance(value, str):
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def is_secret(value):
    return isinstance(value, str) and len(value) == 32 and all(ord(c) < 128 for c in value)


def expected_code(app_id, user_id, secret, lifetime, payload, mode, ctime):
    """The rules of the specification, written out plainly as an oracle."""
    if type(app_id) is not int or not 1 <= app_id <= 2**32 - 1:
        return 1
    if not is_text(user_id) or user_id == "":
        return 3
    if not is_secret(secret):
        return 5
    if type(lifetime) is not int or lifetime <= 0 or ctime + lifetime > INT64_MAX:
        return 6
    if payload is not None and not is_text(payload):
        return 7
    if mode not in ("cbc", "gcm") or not isinstance(mode, str):
        return 8
    return 0


@given(generate_arguments())
@example(
    dict(app_id=-1, user_id="u", secret=SECRET, effective_time_in_seconds=1, payload="", mode="cbc")
)
@example(
    dict(
        app_id=2**32,
        user_id="u",
        secret=SECRET,
        effective_time_in_seconds=1,
        payload="",
        mode="cbc",
    )
)
@example(
    dict(
        app_id=1,
        user_id="u\ud800",
        secret=SECRET,
        effective_time_in_seconds=1,
        payload="",
        mode="cbc",
    )
)
@example(
    dict(
        app_id=1, user_id="u", secret="é" * 32, effective_time_in_seconds=1, payload="", mode="cbc"
    )
)
@example(
    dict(
        app_id=1,
        user_id="u",
        secret=SECRET,
        effective_time_in_seconds=2**63,
        payload="",
        mode="cbc",
    )
)
@example(
    dict(
        app_id=1,
        user_id="u",
        secret=SECRET,
        effective_time_in_seconds=1,
        payload={"r": 1},
        mode="cbc",
    )
)
@example(
    dict(
        app_id=1, user_id="u", secret=SECRET, effective_time_in_seconds=1, payload=b"p", mode="gcm"
    )
)
@example(
    dict(
        app_id=1,
        user_id="u",
        secret=SECRET,
        effective_time_in_seconds=1,
        payload="x" * 70000,
        mode="gcm",
    )
)
def test_generate_never_raises_and_its_tokens_decode_to_the_inputs(arguments):
    app_id, user_id, secret = arguments["app_id"], arguments["user_id"], arguments["secret"]
    lifetime, payload, mode = (
        arguments["effective_time_in_seconds"],
        arguments["payload"],
        arguments["mode"],
    )
    before = int(time.time())
    info = generate_token04(app_id, user_id, secret, lifetime, payload, mode=mode)
    after = int(time.time())
    assert isinstance(info.error_message, str)
    assert info.error_message
    if info.error_code != token04.ERROR_CODE_SUCCESS:
        assert info.token == ""
        expected = expected_code(app_id, user_id, secret, lifetime, payload, mode, before)
        if expected == 0:  # every argument is fine: only the body can be too large for the frame
            assert info.error_code == token04.ERROR_CODE_PAYLOAD_INVALID
            assert "at most 65519" in info.error_message
        else:
            assert info.error_code == expected
        if isinstance(secret, str) and len(secret) >= 8:
            assert secret not in info.error_message
        return
    assert expected_code(app_id, user_id, secret, lifetime, payload, mode, after) == 0
    contents = decode_token04(info.token, secret, verify_expiry=False)
    assert contents.app_id == app_id
    assert contents.user_id == user_id
    assert contents.payload == (payload or "")
    assert contents.mode == mode
    assert before <= contents.ctime <= after
    assert contents.expire == contents.ctime + lifetime


arbitrary_tokens = st.one_of(
    any_text,
    any_text.map(lambda text: "04" + text),
    st.binary().map(lambda frame: "04" + base64.b64encode(frame).decode("ascii")),
    anything,
)


@given(token=arbitrary_tokens, secret=VALID["secret"])
def test_decode_of_arbitrary_input_raises_only_invalid_token_error(token, secret):
    with contextlib.suppress(InvalidTokenError):
        decode_token04(token, secret)


@given(token=arbitrary_tokens, secret=INVALID["secret"].filter(lambda value: not is_secret(value)))
def test_decode_with_a_malformed_secret_raises_only_type_or_value_error(token, secret):
    with pytest.raises((TypeError, ValueError)) as caught:
        decode_token04(token, secret)
    assert not isinstance(caught.value, InvalidTokenError)


SECRETS_BY_TOKEN = {v["token"]: v["secret"] for v in load_vectors("official-token04.json")[::7]}
for _mode in ("cbc", "gcm"):
    SECRETS_BY_TOKEN[generate_token04(1, "demo", SECRET, 3600, "p", mode=_mode).token] = SECRET
REAL_TOKENS = sorted(SECRETS_BY_TOKEN)
mutations = st.lists(
    st.one_of(
        st.tuples(st.just("flip"), st.integers(min_value=0), st.integers(min_value=0, max_value=7)),
        st.tuples(
            st.just("set"), st.integers(min_value=0), st.integers(min_value=0, max_value=255)
        ),
        st.tuples(st.just("truncate"), st.integers(min_value=0)),
        st.tuples(st.just("insert"), st.integers(min_value=0), st.binary(min_size=1, max_size=4)),
        st.tuples(st.just("append"), st.binary(min_size=1, max_size=4)),
    ),
    min_size=1,
    max_size=4,
)


def mutate(frame, steps):
    frame = bytearray(frame)
    for step in steps:
        kind = step[0]
        if kind in ("flip", "set") and frame:
            index = step[1] % len(frame)
            frame[index] = frame[index] ^ (1 << step[2]) if kind == "flip" else step[2]
        elif kind == "truncate":
            del frame[step[1] % (len(frame) + 1) :]
        elif kind == "insert":
            index = step[1] % (len(frame) + 1)
            frame[index:index] = step[2]
        elif kind == "append":
            frame += step[1]
    return bytes(frame)


@given(st.sampled_from(REAL_TOKENS), mutations)
def test_decode_of_mutated_real_frames_raises_only_invalid_token_error(token, steps):
    secret = SECRETS_BY_TOKEN[token]
    frame = base64.b64decode(token[2:])
    mutated = mutate(frame, steps)
    try:
        contents = decode_token04(
            "04" + base64.b64encode(mutated).decode("ascii"), secret, verify_expiry=False
        )
    except InvalidTokenError:
        return
    # Only an unchanged frame, or a CBC one (CBC is not authenticated), may survive.
    assert mutated == frame or contents.mode == "cbc"


# --- the canonical-base64 rule, against an independent reference ---------


def canonical_base64_reference(text):
    """base64's own reading: valid standard base64 that encodes back to exactly the text."""
    try:
        decoded = base64.b64decode(text, validate=True)
    except ValueError:  # binascii.Error, and a str that is not ASCII
        return None
    return decoded if base64.b64encode(decoded).decode("ascii") == text else None


@st.composite
def near_base64(draw):
    """Real base64 of some bytes, then a few characters inserted, replaced or deleted."""
    chars = list(base64.b64encode(draw(st.binary(max_size=40))).decode("ascii"))
    for _ in range(draw(st.integers(0, 3))):
        position = draw(st.integers(0, len(chars)))
        char = draw(st.sampled_from("AQgw+/=\n -_é\x00") | st.characters())
        operation = draw(st.sampled_from(["insert", "replace", "delete"]))
        if operation == "insert":
            chars.insert(position, char)
        elif chars:
            position = min(position, len(chars) - 1)
            if operation == "replace":
                chars[position] = char
            else:
                del chars[position]
    return "".join(chars)


def every_short_text(alphabet, max_length):
    texts = [""]
    for _ in range(max_length):
        texts += [
            text + char for text in texts[-(len(alphabet) ** len(texts[-1])) :] for char in alphabet
        ]
    return texts


def test_canonical_base64_agrees_with_the_reference_on_every_short_text():
    # Every text of up to 4 characters over the characters that matter at the edges (the spare
    # bits of "A" "Q" "g" "w", padding, whitespace, the urlsafe pair, non-ASCII, NUL), then
    # up to 8 over a smaller set, where padding lands in every place.
    texts = every_short_text("AQgB+/=\n -_é\x00", 4) + every_short_text("AQB/=", 8)
    assert len(texts) > 400_000
    for text in texts:
        assert canonical_base64(text) == canonical_base64_reference(text), repr(text)


@given(text=near_base64())
def test_property_canonical_base64_agrees_with_the_reference(text):
    assert canonical_base64(text) == canonical_base64_reference(text)
