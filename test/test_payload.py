"""The privilege payload: rtc_room_payload builds it, parse_rtc_room_payload reads it."""

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st
from support import SECRET, LyingInt, LyingStr

from src import token04
from src.payload import RtcRoomPayload, parse_rtc_room_payload, rtc_room_payload
from src.token04 import decode_token04

# --- rtc_room_payload ---------------------------------------------------------------------------


def test_payload_builder_defaults():
    assert json.loads(rtc_room_payload("room1")) == {
        "room_id": "room1",
        "privilege": {"1": 1, "2": 1},
        "stream_id_list": None,
    }


@pytest.mark.parametrize(("login", "publish"), [(True, False), (False, True), (False, False)])
def test_payload_builder_privileges(login, publish):
    payload = json.loads(rtc_room_payload("r", login=login, publish=publish))
    assert payload["privilege"] == {"1": int(login), "2": int(publish)}  # ZEGO's keys and values


@pytest.mark.parametrize("stream_ids", [["s1", "s2"], ("s1",), [], iter(["a", "b"])])
def test_payload_builder_stream_ids(stream_ids):
    expected = list(stream_ids) if not hasattr(stream_ids, "__next__") else ["a", "b"]
    assert json.loads(rtc_room_payload("", stream_ids=stream_ids))["stream_id_list"] == expected


def test_payload_builder_output_is_the_documented_text():
    assert rtc_room_payload("房间", login=True, publish=False, stream_ids=["s"]) == (
        '{"room_id": "房间", "privilege": {"1": 1, "2": 0}, "stream_id_list": ["s"]}'
    )


def test_payload_builder_output_makes_a_token():
    payload = rtc_room_payload("room1", stream_ids=["s1"])
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
        ({"room_id": "r", "login": LyingInt(1)}, TypeError),
        ({"room_id": LyingStr("r\ud800")}, ValueError),
        ({"room_id": "r", "stream_ids": LyingStr("s")}, TypeError),
    ],
    ids=lambda x: "-".join(x) if isinstance(x, dict) else x.__name__,
)
def test_payload_builder_errors(kwargs, error):
    with pytest.raises(error):
        rtc_room_payload(**kwargs)


def test_payload_builder_reads_lying_strings_by_their_plain_values():
    expected = rtc_room_payload("房间", stream_ids=["s1"])
    assert rtc_room_payload(LyingStr("房间"), stream_ids=[LyingStr("s1")]) == expected
    assert rtc_room_payload("r", stream_ids=(s for s in ["a", "b"])) == rtc_room_payload(
        "r", stream_ids=["a", "b"]
    )


# --- parse_rtc_room_payload --------------------------------------------------------------------------


@given(
    room_id=st.text(st.characters(exclude_categories=("Cs",)), max_size=20),
    login=st.booleans(),
    publish=st.booleans(),
    stream_ids=st.none()
    | st.lists(st.text(st.characters(exclude_categories=("Cs",)), max_size=8), max_size=4),
)
def test_property_payload_round_trip(room_id, login, publish, stream_ids):
    parsed = parse_rtc_room_payload(
        rtc_room_payload(room_id, login=login, publish=publish, stream_ids=stream_ids)
    )
    assert parsed == RtcRoomPayload(
        room_id, login, publish, None if stream_ids is None else tuple(stream_ids)
    )
    rebuilt = rtc_room_payload(
        parsed.room_id, login=parsed.login, publish=parsed.publish, stream_ids=parsed.stream_ids
    )
    assert rebuilt == rtc_room_payload(room_id, login=login, publish=publish, stream_ids=stream_ids)


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
        ("[]", "not a JSON object"),
        ('"r"', "not a JSON object"),
        ('{"room_id":"r","privilege":{"1":1,"2":1}}', "exactly room_id, privilege, stream_id_list"),
        ('{"room_id":"r","privilege":{"1":1,"2":1},"stream_id_list":null,"x":1}', "exactly"),
        (
            '{"room_id":5,"privilege":{"1":1,"2":1},"stream_id_list":null}',
            "room_id is 5, not a string",
        ),
        ('{"room_id":"r","privilege":[1,1],"stream_id_list":null}', 'keys "1"'),
        ('{"room_id":"r","privilege":{"1":1},"stream_id_list":null}', 'keys "1"'),
        ('{"room_id":"r","privilege":{"1":1,"2":1,"3":1},"stream_id_list":null}', 'keys "1"'),
        ('{"room_id":"r","privilege":{"1":2,"2":1},"stream_id_list":null}', 'privilege "1" is 2'),
        (
            '{"room_id":"r","privilege":{"1":1,"2":true},"stream_id_list":null}',
            'privilege "2" is true',
        ),
        (
            '{"room_id":"r","privilege":{"1":1,"2":1.0},"stream_id_list":null}',
            'privilege "2" is 1.0',
        ),
        (
            '{"room_id":"r","privilege":{"1":1,"2":1},"stream_id_list":"s"}',
            "neither null nor a list",
        ),
        (
            '{"room_id":"r","privilege":{"1":1,"2":1},"stream_id_list":[1]}',
            "neither null nor a list",
        ),
        (
            '{"room_id":"r","room_id":"q","privilege":{"1":1,"2":1},"stream_id_list":null}',
            "each named once",
        ),
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


@pytest.mark.parametrize(
    "payload",
    [
        rtc_room_payload("r", stream_ids=["a"]),
        '{"room_id": "r", "privilege": {"1": 2, "2": 0}, "stream_id_list": null}',
    ],
)
def test_payload_parser_reads_a_lying_string_by_its_plain_value(payload):
    def answer(text):
        try:
            return parse_rtc_room_payload(text)
        except ValueError as error:
            return str(error)

    assert answer(LyingStr(payload)) == answer(payload)


def test_the_token_body_json_is_the_payload_json():
    """A payload made by json.dumps of the upstream dict (int keys) reads the same."""
    upstream = json.dumps({"room_id": "demo", "privilege": {1: 1, 2: 1}, "stream_id_list": None})
    assert parse_rtc_room_payload(upstream) == RtcRoomPayload("demo", True, True, None)
    assert parse_rtc_room_payload is parse_rtc_room_payload
