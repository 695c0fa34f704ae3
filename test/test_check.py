"""check_token04: every rule of the table alone and combined; the payload parser; ZEGO's ID rules."""

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st
from support import MEMBERS, OTHER_SECRET, SECRET, make_token

from src import DecodeOptions, check_token04, make_kit_token
from src.check import RULES, SEVERITY_ERROR, SEVERITY_WARNING, CheckReport
from src.payload import rtc_room_payload

CTIME = MEMBERS["ctime"]
NOW = CTIME + 100
NO_PRIVILEGES = {"login_privilege": False, "publish_privilege": False}


def codes(report):
    return [finding.code for finding in report.findings]


def check(token, **kwargs):
    options = DecodeOptions(now=kwargs.pop("now", NOW), leeway=kwargs.pop("leeway", 0))
    report = check_token04(token, kwargs.pop("secret", SECRET), **kwargs, options=options)
    assert type(report) is CheckReport
    for finding in report.findings:
        zim_token03 = finding.code == "token03" and kwargs.get("product") == "zim"
        assert finding.severity == (SEVERITY_ERROR if zim_token03 else RULES[finding.code][0])
        assert finding.code in report.checked
        assert finding.message and SECRET not in finding.message
    assert report.ok == all(finding.severity == SEVERITY_WARNING for finding in report.findings)
    return report


ROOM_PAYLOAD = rtc_room_payload("room1", login=True, publish=True, stream_ids=["s1"])
TOKEN03_BODY = {
    "app_id": 1,
    "room_id": "room1",
    "user_id": "demo",
    "privilege": {"1": 1, "2": 0},
    "create_time": CTIME,
    "expire_time": CTIME + 3600,
    "nonce": 7,
}
TOKEN03 = make_token(
    body=json.dumps(TOKEN03_BODY).encode("utf-8"), frame_expire=CTIME + 3600, version="03"
)

# Each rule, broken alone: (code, token, keyword arguments).
ALONE = [
    ("invalid-token", "04AAAA", {}),
    ("invalid-token", make_token(), {"secret": OTHER_SECRET}),
    ("expired", make_token(), {"now": CTIME + 3601}),
    ("issued-in-future", make_token(), {"now": CTIME - 61}),
    ("app-id-mismatch", make_token(), {"app_id": 2}),
    ("user-id-mismatch", make_token(), {"user_id": "user2"}),
    ("payload-invalid", make_token(payload="not json"), {}),
    (
        "payload-invalid",
        make_token(payload='{"room_id":"r","privilege":{"1":1},"stream_id_list":null}'),
        {},
    ),
    ("no-privilege-payload", make_token(), {"login_privilege": True}),
    ("no-privilege-payload", make_token(), {"publish_privilege": True}),
    ("room-id-mismatch", make_token(payload=ROOM_PAYLOAD), {"room_id": "room2"}),
    (
        "login-denied",
        make_token(payload=rtc_room_payload("room1", login=False)),
        {"login_privilege": True},
    ),
    (
        "publish-denied",
        make_token(payload=rtc_room_payload("", publish=False)),
        {"publish_privilege": True, "stream_id": "s"},
    ),
    (
        "stream-id-not-allowed",
        make_token(payload=ROOM_PAYLOAD),
        {"publish_privilege": True, "stream_id": "s2"},
    ),
    ("zim-payload", make_token(payload=ROOM_PAYLOAD), {"product": "zim"}),
    ("user-id-format", make_token(user_id="user 1"), {}),
    ("user-id-format", make_token(user_id="u" * 33), {"product": "zim"}),
    ("room-id-format", make_token(), {"room_id": "room 1"}),
    ("stream-id-format", make_token(), {"stream_id": "s.1"}),
    ("token03", TOKEN03, {}),
    ("duration-too-short", make_token(), {"product": "zim", "now": CTIME + 3600 - 10}),
    ("duration-too-long", make_token(expire=CTIME + 25 * 24 * 3600), {"product": "zim"}),
    ("expire-beyond-2038", make_token(expire=2**31), {"product": "zim"}),
    ("secret-in-token", make_token(user_id="u" + SECRET), {}),
]


@pytest.mark.parametrize(
    ("code", "token", "kwargs"), ALONE, ids=[f"{c}-{n}" for n, (c, _, _) in enumerate(ALONE)]
)
def test_each_rule_alone(code, token, kwargs):
    report = check(token, **{**NO_PRIVILEGES, **kwargs})
    assert codes(report) == [code]
    assert report.ok is (RULES[code][0] == SEVERITY_WARNING)


def test_every_rule_of_the_table_is_exercised_alone():
    assert {code for code, _, _ in ALONE} == set(RULES)
    assert {severity for severity, _ in RULES.values()} == {SEVERITY_ERROR, SEVERITY_WARNING}


@pytest.mark.parametrize(
    ("code", "token", "kwargs"), ALONE, ids=[f"{c}-{n}" for n, (c, _, _) in enumerate(ALONE)]
)
def test_each_rule_passes_when_its_condition_is_mended(code, token, kwargs):
    """The same call with the one broken thing put right finds nothing."""
    mended = {
        "invalid-token": ({}, make_token()),
        "expired": ({"now": CTIME + 3600}, None),
        "issued-in-future": ({"now": CTIME - 60}, None),
        "app-id-mismatch": ({"app_id": 1}, None),
        "user-id-mismatch": ({"user_id": "demo"}, None),
        "payload-invalid": ({}, make_token(payload=ROOM_PAYLOAD)),
        "no-privilege-payload": ({}, make_token(payload=ROOM_PAYLOAD)),
        "room-id-mismatch": ({"room_id": "room1"}, None),
        "login-denied": ({}, make_token(payload=rtc_room_payload("room1"))),
        "publish-denied": ({}, make_token(payload=rtc_room_payload(""))),
        "stream-id-not-allowed": ({"stream_id": "s1"}, None),
        "zim-payload": ({}, make_token()),
        "user-id-format": ({}, make_token(user_id="user_1")),
        "room-id-format": ({"room_id": "room_1"}, None),
        "stream-id-format": ({"stream_id": "s_1"}, None),
        "token03": ({}, make_token()),
        "duration-too-short": ({"now": CTIME + 3600 - 30}, None),
        "duration-too-long": ({}, make_token(expire=CTIME + 24 * 24 * 3600 + 100)),
        "expire-beyond-2038": ({}, make_token(expire=CTIME + 24 * 24 * 3600 + 100)),
        "secret-in-token": ({}, make_token(user_id="u")),
    }[code]
    arguments = {**NO_PRIVILEGES, **kwargs, **mended[0]}
    arguments.pop("secret", None)
    report = check(mended[1] or token, **arguments)
    assert report.findings == (), report.findings
    assert report.ok
    assert code in report.checked


def test_rules_combine():
    token = make_token(
        user_id="user 1",
        payload=rtc_room_payload("room1", login=False, publish=False, stream_ids=["a"]),
    )
    report = check(
        token,
        app_id=9,
        user_id="other",
        room_id="room2",
        stream_id="b",
        now=CTIME + 4000,
        login_privilege=True,
        publish_privilege=True,
    )
    assert codes(report) == [
        "expired",
        "app-id-mismatch",
        "user-id-mismatch",
        "room-id-mismatch",
        "login-denied",
        "publish-denied",
        "stream-id-not-allowed",
    ]
    assert not report.ok
    assert report.contents.user_id == "user 1"


def test_a_warning_and_an_error_together():
    report = check(make_token(), app_id=2, login_privilege=True, now=CTIME - 1000)
    assert codes(report) == ["issued-in-future", "app-id-mismatch", "no-privilege-payload"]
    assert [f.severity for f in report.findings] == ["warning", "error", "warning"]
    assert not report.ok


def test_a_sound_login_passes_every_rule_it_applies():
    report = check(
        make_token(payload=ROOM_PAYLOAD),
        app_id=1,
        user_id="demo",
        room_id="room1",
        stream_id="s1",
        login_privilege=True,
        publish_privilege=True,
    )
    assert report.ok and report.findings == ()
    zim_only = {"zim-payload", "duration-too-short", "duration-too-long", "expire-beyond-2038"}
    assert set(report.checked) == set(RULES) - zim_only
    assert report.contents.payload == ROOM_PAYLOAD


def test_leeway_widens_expired_and_in_future():
    assert check(make_token(), now=CTIME + 3630, leeway=30, **NO_PRIVILEGES).findings == ()
    assert codes(check(make_token(), now=CTIME + 3631, leeway=30, **NO_PRIVILEGES)) == ["expired"]
    assert check(make_token(), now=CTIME - 90, leeway=30, **NO_PRIVILEGES).findings == ()


def test_an_invalid_token_still_gets_its_id_checks():
    report = check("04AAAA", user_id="a b", room_id="r r", stream_id="s s")
    assert codes(report) == [
        "invalid-token",
        "user-id-format",
        "room-id-format",
        "stream-id-format",
    ]
    assert report.contents is None


# --- kit tokens ------------------------------------------------------------------------------------------


def test_a_kit_token_brings_its_own_login_values():
    kit = make_kit_token(make_token(payload=rtc_room_payload("room1")), 1, "room2", "demo", "Ann")
    report = check(kit)
    assert codes(report) == ["room-id-mismatch", "no-privilege-payload"][:1]
    assert report.kit.room_id == "room2" and report.kit.user_name == "Ann"
    assert check(kit, room_id="room1").findings == ()


def test_a_kit_token_for_another_user_is_an_invalid_token():
    # decode_kit_token refuses it (the UIKit would log in as someone else), and check reads it so.
    kit = make_kit_token(make_token(), 1, "room1", "mallory", "")
    report = check(kit, **NO_PRIVILEGES)
    assert codes(report) == ["invalid-token"]
    assert "userID differs" in report.findings[0].message


def test_a_malformed_kit_part_is_an_invalid_token():
    assert codes(check(make_token() + "#notbase64", **NO_PRIVILEGES)) == ["invalid-token"]


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
    ],
    ids=lambda x: repr(x)[:30],
)
def test_wrong_types_are_findings(kwargs, expected):
    token = kwargs.pop("token", make_token())
    assert codes(check(token, **NO_PRIVILEGES, **kwargs)) == expected


anything = st.one_of(
    st.none(),
    st.integers(),
    st.text(max_size=30),
    st.binary(max_size=8),
    st.floats(),
    st.booleans(),
)


@given(
    token=st.one_of(
        anything,
        st.sampled_from([make_token(), make_token(payload=ROOM_PAYLOAD), make_token() + "#e30="]),
    ),
    secret=st.sampled_from([SECRET, OTHER_SECRET]),
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
        token,
        secret,
        app_id=app_id,
        user_id=user_id,
        room_id=room_id,
        stream_id=stream_id,
        product=product,
        login_privilege=privileges[0],
        publish_privilege=privileges[1],
        options=DecodeOptions(now=NOW),
    )
    assert len(set(report.checked)) == len(report.checked)
    assert all(f.code in RULES for f in report.findings)


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"product": "express"}, ValueError),
        ({"product": None}, TypeError),
        ({"login_privilege": 1}, TypeError),
        ({"options": DecodeOptions(now="now")}, TypeError),
        ({"options": DecodeOptions(verify_expiry=1)}, TypeError),
        ({"secret": None}, TypeError),
        ({"secret": "x"}, ValueError),
        ({"secret": "é" * 32}, ValueError),
    ],
    ids=[
        "product",
        "no-product",
        "privilege",
        "now",
        "verify-expiry",
        "no-secret",
        "short-secret",
        "non-ascii-secret",
    ],
)
def test_the_callers_own_settings_raise(kwargs, error):
    arguments = {"secret": SECRET, **kwargs}
    for token in (make_token(), "not a token"):
        with pytest.raises(error):
            check_token04(token, **arguments)


# --- token03, and ZIM's rules for the validity left -------------------------------------------------------


def test_a_token03_is_an_error_for_zim_and_its_contents_are_still_checked():
    report = check(TOKEN03, product="zim", user_id="demo", app_id=2)
    assert [(finding.code, finding.severity) for finding in report.findings] == [
        ("token03", SEVERITY_ERROR),
        ("app-id-mismatch", SEVERITY_ERROR),
    ]
    assert "ZIM's SDK refuses it" in report.findings[0].message


def test_a_token03s_own_privileges_are_held_against_the_login():
    report = check(
        TOKEN03, room_id="room2", stream_id="s", login_privilege=True, publish_privilege=True
    )
    assert codes(report) == ["token03", "room-id-mismatch", "publish-denied"]
    assert (
        report.contents.room_id == "room1" and report.contents.login and not report.contents.publish
    )


def test_a_one_hour_token_ten_seconds_before_it_expires_is_too_short_for_zim():
    report = check(make_token(), product="zim", now=CTIME + 3600 - 10)
    (finding,) = report.findings
    assert finding.code == "duration-too-short"
    assert (
        "10 s of validity left" in finding.message
        and "30 s" in finding.message
        and "6000108" in finding.message
    )
    assert "tokenWillExpire" in finding.message  # what the newer SDKs do instead of refusing
    assert not report.ok  # an error: ZIM's SDK 2.22 and older refuse the login
    assert (
        codes(check(make_token(), now=CTIME + 3600 - 10, **NO_PRIVILEGES)) == []
    )  # RTC has no such rule


def test_a_token_with_more_than_24_days_left_is_too_long_for_zim_with_both_numbers():
    report = check(make_token(expire=CTIME + 30 * 24 * 3600), product="zim", now=CTIME)
    (finding,) = report.findings
    assert finding.code == "duration-too-long"
    assert (
        f"{30 * 24 * 3600} s of validity left" in finding.message and "24 days" in finding.message
    )
    assert "6000109" in finding.message and not report.ok


@pytest.mark.parametrize("lifetime", [20 * 365 * 24 * 3600, 2**40])
def test_a_token_that_expires_after_2038_is_refused_by_zim_and_said_why(lifetime):
    # ZIM's web SDK reads the expire as a signed 32-bit number: past 2**31 - 1 it reads as expired.
    report = check(make_token(expire=CTIME + lifetime), product="zim", now=CTIME)
    (finding,) = report.findings
    assert (finding.code, finding.severity) == ("expire-beyond-2038", SEVERITY_ERROR)
    assert "32-bit" in finding.message and "6000106" in finding.message
    assert check(make_token(expire=2**31 - 1), product="zim", now=2**31 - 1000).findings == ()
    assert (
        codes(check(make_token(expire=CTIME + lifetime), now=CTIME, **NO_PRIVILEGES)) == []
    )  # RTC reads it exactly


def test_a_token_that_holds_the_secret_is_one_finding_and_none_of_its_content():
    for token in (
        make_token(user_id=SECRET),
        make_token(payload='{"k": "' + SECRET + '"}'),
    ):
        report = check(token, user_id="someone", room_id="r", stream_id="s")
        assert codes(report) == ["secret-in-token"]
        assert (report.contents, report.kit, bool(report)) == (None, None, False)


def test_an_expired_token_is_not_also_too_short():
    assert codes(check(make_token(), product="zim", now=CTIME + 3601)) == ["expired"]


def test_a_finding_reads_as_one_sentence_without_chained_colons():
    report = check_token04('"' + make_token() + '"', SECRET)
    (finding,) = report.findings
    assert finding.code == "invalid-token" and "in quotes: remove them" in finding.message
    assert finding.message.count(": ") == 1  # the problem's own; the remedy follows a semicolon


def test_a_basic_token_is_not_said_to_meet_a_project_that_verifies_privileges():
    report = check_token04(make_token(), SECRET)
    (finding,) = [f for f in report.findings if f.code == "no-privilege-payload"]
    assert finding.severity == "warning" and "if the project verifies privileges" in finding.problem
