"""The paste mistakes (_frame._paste): what a token that does not read is named, by what was done to it."""

import pytest
from support import (
    load_vectors,
    make_token,
    rejects,
)

KIT_TOKEN = load_vectors("uikit-kit-tokens.json")["for_test"][0]


@pytest.mark.parametrize("prefix", ["", "4", "05", "O4"])
def test_wrong_prefix(prefix):
    rejects(prefix + make_token()[2:], match='start with "04"')


@pytest.mark.parametrize("wrapped", [" {}", "{}\n", "\t{} ", "\r\n{}\r\n"])
def test_white_space_around_a_token_is_named_as_the_paste_mistake_it_is(wrapped):
    message = rejects(wrapped.format(make_token()), match="white space around it")
    assert "start with" not in message


@pytest.mark.parametrize("quote", ['"', "'"])
def test_a_token_in_quotes_is_named_and_not_repaired(quote):
    token = make_token()
    rejects(
        quote + token + quote,
        match="the token is in quotes: remove them .your client may be sending the JSON",
    )
    rejects(quote + token, match="in quotes")


def test_an_empty_token_is_named():
    rejects("", match="^the token is empty$")


def test_a_token03_is_named_with_the_function_that_reads_it():
    rejects(
        "03" + make_token()[2:],
        match="this is a token03, not a token04: read it with decode_token03",
    )


@pytest.mark.parametrize(
    "keep", [40, 41, 42, 80, -1], ids=["first-40", "first-41", "first-42", "first-80", "no-final-="]
)
def test_a_token_cut_short_is_named_with_both_lengths(keep):
    token = make_token()
    assert token.endswith("=") and not token.endswith(
        "=="
    )  # so "no-final-=" drops the padding, all of it
    cut = token[:keep]
    if keep == -1:
        rejects(cut, match='the token has lost the "=" padding at its end')
    else:
        rejects(
            cut,
            match=f"the token looks cut short: {len(cut)} characters, where its frame says {len(token)}",
        )


def test_a_garbled_token_of_the_right_length_is_not_called_cut_short():
    token = make_token()
    message = rejects(token[:-5] + "!!!!=")
    assert "cut short" not in message and "base64" in message


@pytest.mark.parametrize("lost", [1, 2, 3, 4])
def test_a_gcm_token_missing_its_last_characters_is_cut_short(lost):
    token = make_token(gcm=True)
    rejects(token[:-lost], match='cut short|lost the "=" padding')


def test_a_kit_token_is_refused_with_the_name_of_decode_kit_token():
    rejects(KIT_TOKEN["kit_token"], secret=KIT_TOKEN["secret"], match="decode_kit_token")


def token_with(*characters):
    """A token whose base64 has each of ``characters``: made with one user ID after another until it does."""
    return next(
        token
        for token in (make_token(user_id=f"user{n}") for n in range(1000))
        if all(c in token for c in characters)
    )


TOKEN_WITH_PLUS = token_with("+", "/", "=")


PASTE_MISTAKES = {
    "url-safe-without-padding": (
        TOKEN_WITH_PLUS.replace("+", "-").replace("/", "_").rstrip("="),
        "URL-safe base64",
    ),
    "plus-as-space": (TOKEN_WITH_PLUS.replace("+", " "), 'spaces where its "\\+" were'),
    "still-url-encoded": (
        TOKEN_WITH_PLUS.replace("+", "%2B").replace("=", "%3D"),
        "still URL-encoded",
    ),
    "wrapped": (TOKEN_WITH_PLUS[:60] + "\n" + TOKEN_WITH_PLUS[60:], "wrapped over several lines"),
    "wrapped-crlf": (
        TOKEN_WITH_PLUS[:60] + "\r\n" + TOKEN_WITH_PLUS[60:],
        "wrapped over several lines",
    ),
    "bearer": ("Bearer " + TOKEN_WITH_PLUS, 'starts with "Bearer "'),
    "padding-dropped": (TOKEN_WITH_PLUS.rstrip("="), 'lost the "=" padding'),
    "short-stub": ("04AB", "too short to be one"),
    "stub-of-40": ("04" + "A" * 38, "too short to be one|truncated"),
}


@pytest.mark.parametrize(("token", "words"), PASTE_MISTAKES.values(), ids=PASTE_MISTAKES.keys())
def test_what_a_web_stack_does_to_a_token_is_named(token, words):
    message = rejects(token, match=words)
    assert "cut short" not in message


def test_a_url_safe_token_without_padding_is_named_every_time():
    # A URL-safe token without its padding was called "cut short" 137 times in 300 before.
    for n in range(300):
        token = make_token(user_id=f"u{n}")
        urlsafe = token.replace("+", "-").replace("/", "_").rstrip("=")
        expected = "URL-safe base64" if urlsafe != token.rstrip("=") else 'lost the "=" padding'
        rejects(urlsafe, match=expected)
