"""ZegoProject: its credentials checked once, its tokens, from_env, and the secrets it never shows."""

import copy
import os
import pickle
from datetime import timedelta

import pytest
from support import OTHER_SECRET, SECRET, open_token

from src import DecodeOptions, kit
from src.errors import InvalidTokenError, TokenError
from src.payload import rtc_room_payload
from src.project import ZegoProject
from src.server import InvalidCallbackError


def test_a_project_makes_and_reads_its_tokens():
    zego = ZegoProject(7, SECRET)
    token = zego.token("user_42", ttl=timedelta(minutes=5))
    body, _ = open_token(token, SECRET)
    assert (body["app_id"], body["user_id"], body["payload"], body["expire"] - body["ctime"]) == (
        7,
        "user_42",
        "",
        300,
    )
    contents = zego.decode(token, DecodeOptions(leeway=timedelta(seconds=30)))
    assert (contents.app_id, contents.user_id) == (7, "user_42")
    assert zego.check(token, user_id="user_42", login_privilege=False, publish_privilege=False).ok


def test_a_room_id_makes_a_privilege_token():
    zego = ZegoProject(1, SECRET)
    token = zego.token("u", room_id="room1", publish=False, stream_ids=["s1"])
    assert open_token(token, SECRET)[0]["payload"] == rtc_room_payload(
        "room1", publish=False, stream_ids=["s1"]
    )
    assert zego.decode(zego.token("u", payload="p", mode="gcm")).mode == "gcm"
    with pytest.raises(TypeError, match="not both"):
        zego.token("u", room_id="r", payload="p")
    with pytest.raises(TypeError, match="go with room_id"):
        zego.token("u", publish=False)


@pytest.mark.parametrize(
    ("arguments", "code"),
    [({"user_id": ""}, 3), ({"user_id": "u", "ttl": 0}, 6), ({"user_id": "u", "mode": "ecb"}, 8)],
)
def test_a_token_that_cannot_be_made_raises_with_the_upstream_code(arguments, code):
    with pytest.raises(TokenError) as caught:
        ZegoProject(1, SECRET).token(**arguments)
    assert caught.value.error_code == code
    assert isinstance(caught.value, ValueError)
    assert "effective_time_in_seconds" not in str(
        caught.value
    )  # named as this interface names it: ttl


@pytest.mark.parametrize(
    ("ttl", "error"), [("60", TypeError), (True, TypeError), (timedelta(seconds=1.5), ValueError)]
)
def test_ttl_is_whole_seconds(ttl, error):
    with pytest.raises(error, match="ttl"):
        ZegoProject(1, SECRET).token("u", ttl=ttl)


def test_a_token_of_another_project_is_refused_by_decode():
    other = ZegoProject(2, SECRET).token("u")
    with pytest.raises(InvalidTokenError, match="AppID 2, not this project's 1"):
        ZegoProject(1, SECRET).decode(other)


@pytest.mark.parametrize(
    ("app_id", "secret", "error", "words"),
    [
        (0, SECRET, ValueError, "app_id must be a whole number from 1"),
        ("1", SECRET, TypeError, "app_id must be an int"),
        (1, SECRET[:31], ValueError, "secret must be"),
        (1, None, TypeError, "secret must be a str"),
    ],
)
def test_credentials_are_checked_once_in_the_constructor(app_id, secret, error, words):
    with pytest.raises(error, match=words) as caught:
        ZegoProject(app_id, secret)
    assert SECRET[:31] not in str(caught.value)


def test_from_env_reads_both_variables_and_names_the_one_that_is_wrong():
    zego = ZegoProject.from_env({"ZEGO_APP_ID": " 9 ", "ZEGO_SERVER_SECRET": OTHER_SECRET + "\n"})
    assert zego.app_id == 9
    assert open_token(zego.token("u"), OTHER_SECRET)[0]["app_id"] == 9
    for environ, name in [
        ({"ZEGO_SERVER_SECRET": SECRET}, "ZEGO_APP_ID"),
        ({"ZEGO_APP_ID": "-1", "ZEGO_SERVER_SECRET": SECRET}, "ZEGO_APP_ID"),
        ({"ZEGO_APP_ID": "4294967296", "ZEGO_SERVER_SECRET": SECRET}, "ZEGO_APP_ID"),
        ({"ZEGO_APP_ID": "0", "ZEGO_SERVER_SECRET": SECRET}, "ZEGO_APP_ID"),
        ({"ZEGO_APP_ID": "1"}, "ZEGO_SERVER_SECRET"),
        ({"ZEGO_APP_ID": "1", "ZEGO_SERVER_SECRET": SECRET[:31]}, "ZEGO_SERVER_SECRET"),
    ]:
        with pytest.raises(ValueError, match=name) as caught:
            ZegoProject.from_env(environ)
        assert SECRET[:31] not in str(caught.value)


def test_from_env_defaults_to_the_process_environment(monkeypatch):
    monkeypatch.setenv("ZEGO_APP_ID", "5")
    monkeypatch.setenv("ZEGO_SERVER_SECRET", SECRET)
    assert ZegoProject.from_env().app_id == 5
    assert os.environ["ZEGO_APP_ID"] == "5"


def test_a_project_never_shows_its_secret():
    zego = ZegoProject(1, SECRET)
    for shown in (repr(zego), str(zego), f"{zego}", repr([zego])):
        assert SECRET not in shown
        assert "app_id=1" in shown
    assert not hasattr(zego, "__dict__")  # nothing that vars() or a serializer walks


def test_a_kit_token_from_the_project():
    zego = ZegoProject(3, SECRET)
    kit_token = zego.kit_token("u1", "room1", user_name="Ann Lee", ttl=60)
    fields = kit.decode_kit_token(kit_token, SECRET)
    assert (fields.app_id, fields.user_id, fields.room_id, fields.user_name) == (
        3,
        "u1",
        "room1",
        "Ann Lee",
    )
    assert fields.token.expire - fields.token.ctime == 60


def test_every_value_an_end_user_sends_is_a_token_error():
    zego = ZegoProject(1, SECRET)
    for call in (
        lambda: zego.token(""),
        lambda: zego.token("u\ud800"),
        lambda: zego.token("u", room_id="r\ud800"),
        lambda: zego.token("u", room_id="r", stream_ids=["s\udfff"]),
        lambda: zego.token("u", payload="x" * 70_000),
        lambda: zego.kit_token("u", "房间"),
        lambda: zego.kit_token("u", "r", user_name="n" * 100_000),
        lambda: zego.kit_token("用户", "r"),
    ):
        with pytest.raises(TokenError) as caught:
            call()
        assert caught.value.error_code in (3, 7) and caught.value.argument


def test_a_project_is_never_pickled_with_its_secrets():
    zego = ZegoProject(1, SECRET, callback_secret=OTHER_SECRET)
    attempts = (
        lambda: pickle.dumps(zego),
        lambda: zego.__reduce_ex__(2),
        lambda: pickle.dumps([zego], 5),
    )
    for attempt in (*attempts, lambda: zego.__getstate__()):
        with pytest.raises(TypeError, match="not pickled"):
            attempt()
    assert (
        copy.copy(zego) is zego and copy.deepcopy(zego) is zego
    )  # one project, its secrets not duplicated


def test_a_half_made_project_still_has_a_repr():
    half_made = ZegoProject.__new__(
        ZegoProject
    )  # as a traceback's capture_locals meets it when __init__ raised
    assert repr(half_made) == "ZegoProject(app_id=None, secret=<hidden>)"


@pytest.mark.parametrize(
    ("variables", "name", "words"),
    [
        ({"ZEGO_APP_ID": 1234}, "ZEGO_APP_ID", "must be a string, not int"),
        ({"ZEGO_SERVER_SECRET": b"x" * 32}, "ZEGO_SERVER_SECRET", "must be a string, not bytes"),
        ({"ZEGO_SERVER_SECRET": f'"{SECRET}"'}, "ZEGO_SERVER_SECRET", "in quotes"),
        ({"ZEGO_SERVER_SECRET": f"'{SECRET}'"}, "ZEGO_SERVER_SECRET", "in quotes"),
        (
            {"ZEGO_SERVER_SECRET": f"ZEGO_SERVER_SECRET={SECRET}"},
            "ZEGO_SERVER_SECRET",
            "NAME=value",
        ),
        (
            {"ZEGO_CALLBACK_SECRET": " \n"},
            "ZEGO_CALLBACK_SECRET",
            "must be non-empty text",
        ),
        ({"ZEGO_CALLBACK_SECRET": {"a": 1}}, "ZEGO_CALLBACK_SECRET", "must be a string"),
    ],
)
def test_from_env_refuses_with_the_error_it_documents_naming_the_variable(variables, name, words):
    environ = {"ZEGO_APP_ID": "1", "ZEGO_SERVER_SECRET": SECRET, **variables}
    with pytest.raises(ValueError, match=name) as caught:
        ZegoProject.from_env(environ)
    assert words in str(caught.value)
    assert SECRET not in str(caught.value) and SECRET[:31] not in str(caught.value)


@pytest.mark.parametrize("environ", [[("ZEGO_APP_ID", "1")], 5, "ZEGO_APP_ID=1"])
def test_from_env_of_something_not_a_mapping_is_a_type_error(environ):
    with pytest.raises(TypeError, match="environ"):
        ZegoProject.from_env(environ)


@pytest.mark.parametrize(
    ("app_id", "unset"), [(None, True), ("  ", True), ("abc", False), ("0", False)]
)
def test_from_env_says_set_only_of_an_app_id_that_is_not(app_id, unset):
    environ = {"ZEGO_SERVER_SECRET": SECRET, **({} if app_id is None else {"ZEGO_APP_ID": app_id})}
    with pytest.raises(ValueError, match="ZEGO_APP_ID") as caught:
        ZegoProject.from_env(environ)
    assert ("must be set" in str(caught.value)) == unset


def test_from_env_reads_the_callback_secret_when_it_is_set():
    environ = {"ZEGO_APP_ID": "1", "ZEGO_SERVER_SECRET": SECRET}
    with pytest.raises(ValueError, match="no callback_secret"):
        ZegoProject.from_env(environ).verify_callback({})
    zego = ZegoProject.from_env({**environ, "ZEGO_CALLBACK_SECRET": f" {OTHER_SECRET}\n"})
    with pytest.raises(InvalidCallbackError):
        zego.verify_callback({"signature": "0" * 40, "timestamp": 1, "nonce": 1})
    assert OTHER_SECRET not in repr(zego)


@pytest.mark.parametrize(
    ("arguments", "argument", "code"),
    [
        ({"user_id": "a b"}, "user_id", 3),
        ({"user_id": "x" * 65}, "user_id", 3),
        ({"user_id": "用户"}, "user_id", 3),
        ({"user_id": "u", "room_id": "房间"}, "room_id", 7),
        ({"user_id": "u", "room_id": "r" * 129}, "room_id", 7),
        ({"user_id": "u", "room_id": "r", "stream_ids": iter(["s1", "s.1"])}, "stream_ids", 7),
    ],
)
def test_token_refuses_an_id_every_zego_sdk_refuses(arguments, argument, code):
    with pytest.raises(TokenError) as caught:
        ZegoProject(1, SECRET).token(**arguments)
    assert (caught.value.argument, caught.value.error_code) == (argument, code)


@pytest.mark.parametrize(
    "arguments",
    [
        {"user_id": "a/b"},  # only the web SDK refuses "/"
        {"user_id": "x" * 64},  # RTC takes 64 bytes (ZIM 32: check_token04 says so for ZIM)
        {"user_id": "u", "room_id": "it's"},  # only the native SDKs refuse "'"
        {"user_id": "u", "room_id": ""},  # any room
        {"user_id": "u", "room_id": "r", "stream_ids": iter(["s1", "s-2"])},
    ],
)
def test_token_takes_an_id_some_zego_sdk_takes(arguments):
    assert ZegoProject(1, SECRET).token(**arguments).startswith("04")


@pytest.mark.parametrize(
    "arguments", [{"user_id": 42}, {"user_id": "u", "room_id": "r", "stream_ids": "abc"}]
)
def test_token_arguments_of_the_wrong_type_are_type_errors(arguments):
    with pytest.raises(TypeError):
        ZegoProject(1, SECRET).token(**arguments)
