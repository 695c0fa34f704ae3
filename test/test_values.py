"""The library's reading of its arguments (_values), as the decoders use it: the secret, now, leeway, verify_expiry."""

from datetime import timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from support import (
    EXPIRE,
    SECRET,
    make_token,
    stable_id,
)

from src.errors import ExpiredTokenError, InvalidTokenError
from src.token04 import decode_token04


@pytest.mark.parametrize(
    ("secret", "error"),
    [
        *((secret, TypeError) for secret in (None, 123, SECRET.encode("ascii"))),
        *((secret, ValueError) for secret in (SECRET[:31], SECRET + "x", "é" * 32, "")),
    ],
    ids=["none", "int", "bytes", "short", "long", "non-ascii", "empty"],
)
def test_a_malformed_secret_is_the_callers_error_not_the_tokens(secret, error):
    for token in (make_token(), "not a token", None):
        with pytest.raises(error, match="secret must be") as caught:
            decode_token04(token, secret)
        assert not isinstance(caught.value, InvalidTokenError)


class FloatLike:
    """Has __float__, as numpy's bool does, but is no number."""

    def __float__(self):
        return 1.0


@pytest.mark.parametrize(
    "options",
    [
        *(
            {"now": "now"},
            {"leeway": "5"},
            {"leeway": None},
            {"now": [1]},
            {"now": False},
            {"leeway": True},
        ),
        *({"now": FloatLike()}, {"leeway": complex(1)}),
    ],
    ids=stable_id,
)
def test_now_and_leeway_must_be_numbers(options):
    with pytest.raises(TypeError, match="number of seconds or a timedelta"):
        decode_token04(make_token(), SECRET, **options)


@pytest.mark.parametrize(
    "options",
    [
        *({"now": float("nan")}, {"leeway": float("nan")}, {"leeway": float("inf")}),
        *({"now": Decimal("sNaN")}, {"leeway": Decimal("-Infinity")}),
    ],
)
def test_now_and_leeway_must_be_finite(options):
    with pytest.raises(ValueError, match="finite"):
        decode_token04(make_token(), SECRET, **options)


def test_a_huge_now_is_not_called_infinite():
    with pytest.raises(ValueError, match="no larger than a float holds") as caught:
        decode_token04(make_token(), SECRET, now=10**400)
    assert "finite" in str(caught.value)
    with pytest.raises(ValueError, match="no larger than a float holds"):
        decode_token04(make_token(), SECRET, leeway=-(10**400))


@pytest.mark.parametrize("kind", [int, float, Fraction, Decimal])
def test_now_and_leeway_may_be_any_real_numbers(kind):
    token = make_token()
    assert decode_token04(token, SECRET, now=kind(EXPIRE + 10), leeway=kind(10)).expire == EXPIRE
    with pytest.raises(ExpiredTokenError):
        decode_token04(token, SECRET, now=kind(EXPIRE + 11), leeway=kind(10))
    with pytest.raises(ExpiredTokenError):
        decode_token04(token, SECRET, now=kind(EXPIRE + 11), leeway=0.5)


def test_leeway_may_be_a_timedelta():
    token = make_token()
    assert (
        decode_token04(token, SECRET, now=EXPIRE + 10, leeway=timedelta(seconds=10)).expire
        == EXPIRE
    )
    with pytest.raises(ExpiredTokenError, match="leeway 10 s"):
        decode_token04(token, SECRET, now=EXPIRE + 11, leeway=timedelta(seconds=10))
    with pytest.raises(ExpiredTokenError, match="less than the 60 s of validity"):
        decode_token04(token, SECRET, now=EXPIRE - 30, leeway=-timedelta(minutes=1))


@pytest.mark.parametrize("verify_expiry", [1, "yes", None], ids=["one", "yes", "none"])
def test_verify_expiry_must_be_a_bool(verify_expiry):
    with pytest.raises(TypeError, match="verify_expiry"):
        decode_token04(make_token(), SECRET, verify_expiry=verify_expiry)
