"""read_token chooses the reader; holds_secret is the one rule for a secret inside a token's content."""

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st
from support import OTHER_SECRET, SECRET, make_token

from src import (
    DecodeOptions,
    InvalidTokenError,
    KitToken,
    Token03,
    Token04,
    ZegoProject,
    check_token04,
    make_kit_token,
    read_token,
    token04,
)
from src.check._report import describe, holds_secret

# --- read_token: the one place that chooses -----------------------------------------------------------------


def test_read_token_chooses_the_reader_by_the_token():
    token = make_token()
    assert type(read_token(token, SECRET, DecodeOptions(verify_expiry=False))) is Token04
    kit = make_kit_token(token, 1, "room1", "demo")
    assert type(read_token(kit, SECRET, DecodeOptions(verify_expiry=False))) is KitToken
    with open("test/vectors/token03-go.json", encoding="utf-8") as vectors:
        vector = json.load(vectors)["vectors"][0]
    assert (
        type(read_token(vector["token"], vector["secret"], DecodeOptions(verify_expiry=False)))
        is Token03
    )


def test_one_options_value_is_passed_along_by_every_reader():
    token = make_token()  # made at a fixed moment, long past: expired now
    past = token04.decode_token04(token, SECRET, verify_expiry=False).ctime + 10
    options = DecodeOptions(now=past, mode="cbc")
    assert read_token(token, SECRET, options).ctime == past - 10
    assert ZegoProject(1, SECRET).decode(token, options).ctime == past - 10
    assert check_token04(token, SECRET, options=options).ok
    with pytest.raises(InvalidTokenError):  # the mode pins the cipher for every reader
        read_token(token, SECRET, options._replace(mode="gcm"))
    wrong = {"now": past}
    for read in (
        lambda: read_token(token, SECRET, wrong),
        lambda: ZegoProject(1, SECRET).decode(token, wrong),
        lambda: check_token04(token, SECRET, options=wrong),
    ):
        with pytest.raises(TypeError, match="options must be a DecodeOptions"):
            read()


def test_describe_is_json_ready_and_nests_a_kit_tokens_token04():
    kit = read_token(
        make_kit_token(make_token(), 1, "room1", "demo", "Ann"),
        SECRET,
        DecodeOptions(verify_expiry=False),
    )
    document = json.loads(json.dumps(describe(kit)))
    assert (document["format"], document["user_name"], document["token"]["format"]) == (
        "kittoken",
        "Ann",
        "token04",
    )
    assert document["token"]["expires_at"].endswith("Z")


# --- holds_secret: any member, any depth, as it is written --------------------------------------------------------

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=10),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=10,
)


def spellings(document):
    """The same JSON written as generators write it: Python's, ASCII-escaped, PHP's \\/, Go's \\u003c."""
    compact = json.dumps(document, ensure_ascii=False)
    yield compact
    yield json.dumps(document)
    yield compact.replace("/", "\\/")
    yield compact.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    yield json.dumps(document, ensure_ascii=True).encode().decode("ascii")


def everything_escaped(text):
    return "".join(f"\\u{ord(c):04x}" for c in text)


@given(document=JSON_VALUES, as_name=st.booleans(), around=st.text(max_size=4))
def test_property_the_secret_anywhere_in_a_payload_is_found_however_it_is_spelled(
    document, as_name, around
):
    planted = {around + SECRET + around: 1} if as_name else [around + SECRET + around]
    payload = {"outer": [document, {"deeper": planted}]}
    for text in spellings(payload):
        assert holds_secret(text, SECRET), text  # a hex secret reads the same in each
    assert holds_secret(json.dumps(json.dumps(payload)), SECRET)  # JSON inside JSON


@given(document=JSON_VALUES)
def test_property_a_payload_without_the_secret_is_not_said_to_hold_it(document):
    for text in spellings(document):
        assert not holds_secret(text, SECRET)


def test_a_decoded_token_is_searched_in_every_field_and_its_nested_token():
    assert holds_secret(token04.Token04(1, "u" + SECRET, 1, 2, 3, "", "cbc"), SECRET)
    payload = json.dumps({"k": SECRET})
    assert holds_secret(token04.Token04(1, "u", 1, 2, 3, payload, "cbc"), SECRET)
    kit = KitToken(token04.Token04(1, "u", 1, 2, 3, "", "cbc"), 1, "u", "room", "name " + SECRET)
    assert holds_secret(kit, SECRET) and not holds_secret(kit._replace(user_name="n"), SECRET)
    assert not holds_secret(token04.Token04(1, "u", 1, 2, 3, "", "cbc"), OTHER_SECRET)


@pytest.mark.parametrize("depth", [10, 1000, 100_000])
def test_a_deep_payload_is_read_in_time_linear_in_its_length(depth):
    # No walk over the structure: escapes are undone over the text, a bounded number of rounds.
    payload = "[" * depth + json.dumps(SECRET) + "]" * depth
    assert holds_secret(payload, SECRET)
    assert not holds_secret("[" * depth + "]" * depth, SECRET)


def test_a_secret_written_with_escapes_is_no_longer_looked_for():
    # Retired (issue 39): the 8 rounds of unescaping. A secret is found as it is written.
    escaped = json.dumps({"k": SECRET}).replace(SECRET, everything_escaped(SECRET))
    assert not holds_secret(escaped, SECRET)


def test_the_package_root_lists_its_names():
    import src

    assert set(src.__all__) <= set(dir(src))
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        src.nothing  # noqa: B018
