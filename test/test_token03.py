"""decode_token03: tokens of the older format from two official generators, and every refusal."""

import json

import pytest
from support import EXPIRE, OTHER_SECRET, SECRET, load_vectors, make_token

from src import decode_token03
from src.errors import ExpiredTokenError, InvalidTokenError
from src.token03 import Token03
from src.token04 import decode_token04

GO = load_vectors("token03-go.json")["vectors"]
PYTHON = load_vectors("token03-python.json")["vectors"]
BODY = {
    "app_id": 1,
    "room_id": "room1",
    "user_id": "demo",
    "privilege": {"1": 1, "2": 0},
    "create_time": EXPIRE - 3600,
    "expire_time": EXPIRE,
    "nonce": 2**63 + 5,
}


def token03(**members):
    """A token03 sealed by pyca's AES, its body BODY with `members` over it (None leaves one out)."""
    body = {name: value for name, value in {**BODY, **members}.items() if value is not None}
    return make_token(body=json.dumps(body).encode("utf-8"), frame_expire=EXPIRE, version="03")


def rejects(token, match, secret=SECRET):
    with pytest.raises(InvalidTokenError, match=match) as caught:
        decode_token03(token, secret, verify_expiry=False)
    assert type(caught.value) is InvalidTokenError


@pytest.mark.parametrize(
    "vector", GO + PYTHON, ids=lambda vector: f"{len(vector)}-{vector['user_id']}"
)
def test_official_token03s_decode_to_their_inputs(vector):
    contents = decode_token03(vector["token"], vector["secret"], verify_expiry=False)
    privilege = vector["privilege"]
    expected = (
        vector["app_id"],
        vector["user_id"],
        vector["room_id"],
        privilege["1"] == 1,
        privilege["2"] == 1,
    )
    assert (
        contents.app_id,
        contents.user_id,
        contents.room_id,
        contents.login,
        contents.publish,
    ) == expected
    assert contents.expire - contents.ctime == vector["effective"]
    if "body" in vector:
        body = json.loads(vector["body"])
        assert (contents.nonce, contents.ctime, contents.expire) == (
            body["nonce"],
            body["create_time"],
            body["expire_time"],
        )


def test_both_generators_are_covered():
    assert len(GO) >= 2 and len(PYTHON) >= 2
    assert any(
        not vector["privilege"]["2"] for vector in GO
    )  # a publish privilege of 0 reads as False


def test_a_token03_reads_with_its_expiry_checked_like_a_token04():
    token = token03()
    assert decode_token03(token, SECRET, now=EXPIRE) == Token03(
        1, "demo", "room1", True, False, 2**63 + 5, EXPIRE - 3600, EXPIRE
    )
    with pytest.raises(ExpiredTokenError):
        decode_token03(token, SECRET, now=EXPIRE + 1)
    assert decode_token03(token, SECRET, now=EXPIRE + 30, leeway=30).expire == EXPIRE


@pytest.mark.parametrize(
    ("members", "match"),
    [
        ({"privilege": None}, "exactly the members"),
        ({"extra": 1}, "exactly the members"),
        ({"privilege": {"1": 1}}, 'keys "1" and "2"'),
        ({"privilege": {"1": 1, "2": 2}}, "each 0 or 1"),
        ({"privilege": {"1": True, "2": 0}}, "each 0 or 1"),
        ({"app_id": 0}, "app_id"),
        ({"user_id": ""}, "user_id"),
        ({"room_id": 5}, "room_id"),
        ({"nonce": 2**64}, "nonce"),
        ({"create_time": "0"}, "create_time"),
        ({"expire_time": EXPIRE + 1}, "differs"),
    ],
    ids=lambda value: repr(value)[:30],
)
def test_a_token03_body_is_refused_precisely(members, match):
    rejects(token03(**members), match)


def test_the_frame_rules_are_token04s():
    rejects(token03()[:-8], "cut short|base64")
    rejects(make_token(body=json.dumps(BODY).encode(), version="03", gcm=True), "CBC")
    with pytest.raises(InvalidTokenError, match="does not decrypt"):
        decode_token03(
            make_token(body=json.dumps(BODY).encode(), version="03", ctime=0), OTHER_SECRET
        )


def test_each_decoder_names_the_other():
    rejects(make_token(), "this is a token04, not a token03: read it with decode_token04")
    with pytest.raises(InvalidTokenError, match="read it with decode_token03"):
        decode_token04(token03(), SECRET)


@pytest.mark.parametrize(("secret", "error"), [(None, TypeError), (SECRET[:31], ValueError)])
def test_a_malformed_secret_is_the_callers_error(secret, error):
    with pytest.raises(error, match="secret must be"):
        decode_token03(token03(), secret)
