"""check_token04: every rule of the table alone and combined; the payload parser; ZEGO's ID rules."""

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support import OTHER_SECRET, SECRET, body_bytes, seal_token

from src import check_room_id, check_stream_id, check_token04, check_user_id, make_kit_token, token04
from src.check import RULES, SEVERITY_ERROR, SEVERITY_WARNING, CheckReport
from src.token04 import RtcRoomPayload, parse_rtc_room_payload, rtc_room_payload

CTIME = 1_800_000_000
NOW = CTIME + 100
NO_PRIVILEGES = {"login_privilege": False, "publish_privilege": False}


def made(user_id="user1", payload="", app_id=1, lifetime=3600):
    """A token made at CTIME (a pinned clock, so `now` can be placed around it)."""
    members = {"app_id": app_id, "user_id": user_id, "nonce": 7, "ctime": CTIME, "expire": CTIME + lifetime,
               "payload": payload}  # fmt: skip
    return seal_token(body_bytes(**members), SECRET, expire=CTIME + lifetime)


def codes(report):
    return [finding.code for finding in report.findings]


def check(token, **kwargs):
    report = check_token04(token, kwargs.pop("secret", SECRET), **{"now": NOW, **kwargs})
    assert type(report) is CheckReport
    for finding in report.findings:
        assert finding.severity == RULES[finding.code][0]
        assert finding.code in report.checked
        assert finding.message and SECRET not in finding.message
    assert report.ok == all(finding.severity == SEVERITY_WARNING for finding in report.findings)
    return report


ROOM_PAYLOAD = rtc_room_payload("room1", login=True, publish=True, stream_ids=["s1"])

# Each rule, broken alone: (code, token, keyword arguments).
ALONE = [
    ("invalid-token", "04AAAA", {}),
    ("invalid-token", made(), {"secret": OTHER_SECRET}),
    ("expired", made(), {"now": CTIME + 3601}),
    ("issued-in-future", made(), {"now": CTIME - 61}),
    ("app-id-mismatch", made(), {"app_id": 2}),
    ("user-id-mismatch", made(), {"user_id": "user2"}),
    ("payload-invalid", made(payload="not json"), {}),
    ("payload-invalid", made(payload='{"room_id":"r","privilege":{"1":1},"stream_id_list":null}'), {}),
    ("no-privilege-payload", made(), {"login_privilege": True}),
    ("no-privilege-payload", made(), {"publish_privilege": True}),
    ("room-id-mismatch", made(payload=ROOM_PAYLOAD), {"room_id": "room2"}),
    ("login-denied", made(payload=rtc_room_payload("room1", login=False)), {"login_privilege": True}),
    ("publish-denied", made(payload=rtc_room_payload("", publish=False)), {"publish_privilege": True,
                                                                            "stream_id": "s"}),
    ("stream-id-not-allowed", made(payload=ROOM_PAYLOAD), {"publish_privilege": True, "stream_id": "s2"}),
    ("zim-payload", made(payload=ROOM_PAYLOAD), {"product": "zim"}),
    ("user-id-format", made(user_id="user 1"), {}),
    ("user-id-format", made(user_id="u" * 33), {"product": "zim"}),
    ("room-id-format", made(), {"room_id": "room 1"}),
    ("stream-id-format", made(), {"stream_id": "s.1"}),
]


@pytest.mark.parametrize(("code", "token", "kwargs"), ALONE, ids=[f"{c}-{n}" for n, (c, _, _) in enumerate(ALONE)])
def test_each_rule_alone(code, token, kwargs):
    report = check(token, **{**NO_PRIVILEGES, **kwargs})
    assert codes(report) == [code]
    assert report.ok is (RULES[code][0] == SEVERITY_WARNING)


def test_every_rule_of_the_table_is_exercised_alone():
    assert {code for code, _, _ in ALONE} == set(RULES)
    assert {severity for severity, _ in RULES.values()} == {SEVERITY_ERROR, SEVERITY_WARNING}


@pytest.mark.parametrize(("code", "token", "kwargs"), ALONE, ids=[f"{c}-{n}" for n, (c, _, _) in enumerate(ALONE)])
def test_each_rule_passes_when_its_condition_is_mended(code, token, kwargs):
    """The same call with the one broken thing put right finds nothing."""
    mended = {
        "invalid-token": ({}, made()),
        "expired": ({"now": CTIME + 3600}, None),
        "issued-in-future": ({"now": CTIME - 60}, None),
        "app-id-mismatch": ({"app_id": 1}, None),
        "user-id-mismatch": ({"user_id": "user1"}, None),
        "payload-invalid": ({}, made(payload=ROOM_PAYLOAD)),
        "no-privilege-payload": ({}, made(payload=ROOM_PAYLOAD)),
        "room-id-mismatch": ({"room_id": "room1"}, None),
        "login-denied": ({}, made(payload=rtc_room_payload("room1"))),
        "publish-denied": ({}, made(payload=rtc_room_payload(""))),
        "stream-id-not-allowed": ({"stream_id": "s1"}, None),
        "zim-payload": ({}, made()),
        "user-id-format": ({}, made(user_id="user_1")),
        "room-id-format": ({"room_id": "room_1"}, None),
        "stream-id-format": ({"stream_id": "s_1"}, None),
    }[code]
    arguments = {**NO_PRIVILEGES, **kwargs, **mended[0]}
    arguments.pop("secret", None)
    report = check(mended[1] or token, **arguments)
    assert report.findings == (), report.findings
    assert report.ok
    assert code in report.checked


def test_rules_combine():
    token = made(user_id="user 1", payload=rtc_room_payload("room1", login=False, publish=False, stream_ids=["a"]))
    report = check(
        token, app_id=9, user_id="other", room_id="room2", stream_id="b", now=CTIME + 4000,
        login_privilege=True, publish_privilege=True,
    )  # fmt: skip
    assert codes(report) == [
        "expired", "app-id-mismatch", "user-id-mismatch", "room-id-mismatch", "login-denied",
        "publish-denied", "stream-id-not-allowed",
    ]  # fmt: skip
    assert not report.ok
    assert report.contents.user_id == "user 1"


def test_a_warning_and_an_error_together():
    report = check(made(), app_id=2, login_privilege=True, now=CTIME - 1000)
    assert codes(report) == ["issued-in-future", "app-id-mismatch", "no-privilege-payload"]
    assert [f.severity for f in report.findings] == ["warning", "error", "warning"]
    assert not report.ok


def test_a_sound_login_passes_every_rule_it_applies():
    report = check(
        made(payload=ROOM_PAYLOAD), app_id=1, user_id="user1", room_id="room1", stream_id="s1",
        login_privilege=True, publish_privilege=True,
    )  # fmt: skip
    assert report.ok and report.findings == ()
    assert set(report.checked) == set(RULES) - {"zim-payload"}
    assert report.contents.payload == ROOM_PAYLOAD


def test_leeway_widens_expired_and_in_future():
    assert check(made(), now=CTIME + 3630, leeway=30, **NO_PRIVILEGES).findings == ()
    assert codes(check(made(), now=CTIME + 3631, leeway=30, **NO_PRIVILEGES)) == ["expired"]
    assert check(made(), now=CTIME - 90, leeway=30, **NO_PRIVILEGES).findings == ()


def test_an_invalid_token_still_gets_its_id_checks():
    report = check("04AAAA", user_id="a b", room_id="r r", stream_id="s s")
    assert codes(report) == ["invalid-token", "user-id-format", "room-id-format", "stream-id-format"]
    assert report.contents is None


# --- kit tokens ------------------------------------------------------------------------------------------


def test_a_kit_token_brings_its_own_login_values():
    kit = make_kit_token(made(payload=rtc_room_payload("room1")), 1, "room2", "user1", "Ann")
    report = check(kit)
    assert codes(report) == ["room-id-mismatch", "no-privilege-payload"][:1]
    assert report.kit.room_id == "room2" and report.kit.user_name == "Ann"
    assert check(kit, room_id="room1").findings == ()


def test_a_kit_token_for_another_user_is_a_user_id_mismatch():
    kit = make_kit_token(made(), 1, "room1", "mallory", "")
    assert codes(check(kit, **NO_PRIVILEGES)) == ["user-id-mismatch"]


def test_a_malformed_kit_part_is_an_invalid_token():
    assert codes(check(made() + "#notbase64", **NO_PRIVILEGES)) == ["invalid-token"]


# --- it never raises for the token or the login values ----------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"app_id": "1"}, ["app-id-mismatch"]),
        ({"app_id": True}, ["app-id-mismatch"]),
        ({"user_id": 5}, ["user-id-format"]),
        ({"room_id": b"room"}, ["room-id-format"]),
        ({"stream_id": ["s"]}, ["stream-id-format"]),
        ({"token": None}, ["invalid-token"]),
        ({"secret": None}, ["invalid-token"]),
        ({"secret": "x"}, ["invalid-token"]),
    ],
    ids=lambda x: repr(x)[:30],
)
def test_wrong_types_are_findings(kwargs, expected):
    token = kwargs.pop("token", made())
    assert codes(check(token, **NO_PRIVILEGES, **kwargs)) == expected


anything = st.one_of(st.none(), st.integers(), st.text(max_size=30), st.binary(max_size=8), st.floats(), st.booleans())


@settings(max_examples=300, deadline=None)
@given(
    token=st.one_of(anything, st.sampled_from([made(), made(payload=ROOM_PAYLOAD), made() + "#e30="])),
    secret=st.one_of(anything, st.just(SECRET)),
    app_id=anything,
    user_id=anything,
    room_id=anything,
    stream_id=anything,
    product=st.sampled_from(["rtc", "zim"]),
    privileges=st.tuples(st.booleans(), st.booleans()),
)
def test_property_check_never_raises_for_token_or_login_values(
    token, secret, app_id, user_id, room_id, stream_id, product, privileges
):
    report = check_token04(
        token, secret, app_id=app_id, user_id=user_id, room_id=room_id, stream_id=stream_id, product=product,
        login_privilege=privileges[0], publish_privilege=privileges[1], now=NOW,
    )  # fmt: skip
    assert len(set(report.checked)) == len(report.checked)
    assert all(f.code in RULES for f in report.findings)


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [({"product": "express"}, ValueError), ({"login_privilege": 1}, TypeError), ({"now": "now"}, TypeError)],
    ids=["product", "privilege", "now"],
)
def test_the_callers_own_settings_raise(kwargs, error):
    with pytest.raises(error):
        check_token04(made(), SECRET, **kwargs)


# --- parse_rtc_room_payload --------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(
    room_id=st.text(st.characters(exclude_categories=("Cs",)), max_size=20),
    login=st.booleans(),
    publish=st.booleans(),
    stream_ids=st.none() | st.lists(st.text(st.characters(exclude_categories=("Cs",)), max_size=8), max_size=4),
)
def test_property_payload_round_trip(room_id, login, publish, stream_ids):
    parsed = parse_rtc_room_payload(rtc_room_payload(room_id, login=login, publish=publish, stream_ids=stream_ids))
    assert parsed == RtcRoomPayload(room_id, login, publish, None if stream_ids is None else tuple(stream_ids))
    assert rtc_room_payload(parsed.room_id, login=parsed.login, publish=parsed.publish, stream_ids=parsed.stream_ids) \
        == rtc_room_payload(room_id, login=login, publish=publish, stream_ids=stream_ids)  # fmt: skip


@pytest.mark.parametrize(
    "payload",
    [
        '{"room_id":"r","privilege":{"1":1,"2":0},"stream_id_list":null}',  # compact, as Go writes it
        '{"privilege":{"2":0,"1":1},"stream_id_list":null,"room_id":"r"}',  # another member order
        '{ "room_id" : "r", "privilege" : { "1" : 1 , "2" : 0 }, "stream_id_list" : null }',
    ],
)
def test_payload_parser_reads_what_the_generators_write(payload):
    assert parse_rtc_room_payload(payload) == RtcRoomPayload("r", True, False, None)


@pytest.mark.parametrize(
    ("payload", "match"),
    [
        ("", "not a JSON object"),
        ("[]", "an array, not a JSON object"),
        ('"r"', "a string, not a JSON object"),
        ('{"room_id":"r","privilege":{"1":1,"2":1}}', "exactly room_id, privilege, stream_id_list"),
        ('{"room_id":"r","privilege":{"1":1,"2":1},"stream_id_list":null,"x":1}', "exactly"),
        ('{"room_id":5,"privilege":{"1":1,"2":1},"stream_id_list":null}', "room_id is a number"),
        ('{"room_id":"r","privilege":[1,1],"stream_id_list":null}', 'keys "1"'),
        ('{"room_id":"r","privilege":{"1":1},"stream_id_list":null}', 'keys "1"'),
        ('{"room_id":"r","privilege":{"1":1,"2":1,"3":1},"stream_id_list":null}', 'keys "1"'),
        ('{"room_id":"r","privilege":{"1":2,"2":1},"stream_id_list":null}', 'privilege "1" is 2'),
        ('{"room_id":"r","privilege":{"1":1,"2":true},"stream_id_list":null}', 'privilege "2" is true'),
        ('{"room_id":"r","privilege":{"1":1,"2":1.0},"stream_id_list":null}', 'privilege "2" is 1.0'),
        ('{"room_id":"r","privilege":{"1":1,"2":1},"stream_id_list":"s"}', "neither null nor a list"),
        ('{"room_id":"r","privilege":{"1":1,"2":1},"stream_id_list":[1]}', "neither null nor a list"),
        ('{"room_id":"r","room_id":"q","privilege":{"1":1,"2":1},"stream_id_list":null}', "each named once"),
    ],
    ids=lambda x: x[:40],
)
def test_payload_parser_refuses_anything_else_precisely(payload, match):
    with pytest.raises(ValueError, match=match):
        parse_rtc_room_payload(payload)


@pytest.mark.parametrize("payload", [None, 5, b"{}"], ids=repr)
def test_payload_parser_takes_only_text(payload):
    with pytest.raises(TypeError):
        parse_rtc_room_payload(payload)


# --- the ID rules on their own ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("function", "good", "bad"),
    [
        (check_user_id, ["u", "a" * 64, "~!@#$%^&*()_+=-`;',.<>/\\", "0"], ["", "a" * 65, "a b", "é", "a:b", "a\n"]),
        (check_room_id, ["r", "r" * 128, "~!@#$%^&*()_+=-`;,.<>\\"], ["", "r" * 129, "r/1", "r'1", "房间", "r?"]),
        (check_stream_id, ["s", "s" * 256, "a-b_c"], ["", "s" * 257, "s.1", "s 1", "s/1", "流"]),
    ],
    ids=["user", "room", "stream"],
)
def test_id_rules(function, good, bad):
    for value in good:
        assert function(value) is None, value
    for value in bad:
        assert isinstance(function(value), str), value


def test_user_id_rules_depend_on_the_product():
    assert check_user_id("u" * 32, "zim") is None
    assert "at most 32" in check_user_id("u" * 33, "zim")
    assert check_user_id("u" * 33, "rtc") is None
    with pytest.raises(ValueError, match="product"):
        check_user_id("u", "express")


def test_id_rule_messages_say_what_is_wrong():
    assert check_user_id("a b!é") == (
        "user_id has characters the SDK refuses (' ' 'é'); it takes ASCII letters, digits and ~!@#$%^&*()_+=-`;',.<>/\\"
    )
    assert check_room_id(5) == "room_id must be a str, not int"
    assert check_stream_id("s" * 300) == "stream_id is 300 bytes; the SDK takes at most 256"
    assert "bytes" in check_user_id("é" * 40)


def test_the_token_body_json_is_the_payload_json():
    """A payload made by json.dumps of the upstream dict (int keys) reads the same."""
    upstream = json.dumps({"room_id": "demo", "privilege": {1: 1, 2: 1}, "stream_id_list": None})
    assert parse_rtc_room_payload(upstream) == RtcRoomPayload("demo", True, True, None)
    assert token04.parse_rtc_room_payload is parse_rtc_room_payload
