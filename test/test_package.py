"""The package: every public name of every module at its root, and ZegoProject, the front door."""

import ast
import os
import re
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from support import OTHER_SECRET, SECRET, open_token

import src
from src import check, ids, kit, project, token03, token04
from src.project import TokenError, ZegoProject

MODULES = [token04, token03, kit, check, ids, project]


def public_names(module):
    """The names a module defines at its top level (assignments, functions, classes) not starting with "_"."""
    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(target.id for target in node.targets if isinstance(target, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return {name for name in names if not name.startswith("_")}


@pytest.mark.parametrize("module", MODULES, ids=lambda module: module.__name__)
def test_every_public_name_is_in_all_and_at_the_package_root(module):
    assert set(module.__all__) == public_names(module)
    for name in module.__all__:
        assert getattr(src, name) is getattr(module, name), name
        assert name in src.__all__


def test_the_constants_are_at_the_root():
    from src import ERROR_CODE_SUCCESS, MAX_APP_ID, MODE_GCM, PRIVILEGE_ENABLE, RULES, SEVERITY_ERROR  # noqa: F401

    assert (ERROR_CODE_SUCCESS, MODE_GCM, MAX_APP_ID) == (0, "gcm", 4294967295)


# --- ZegoProject ------------------------------------------------------------------------------------------


def test_a_project_makes_and_reads_its_tokens():
    zego = ZegoProject(7, SECRET)
    token = zego.token("user_42", ttl=timedelta(minutes=5))
    body, _ = open_token(token, SECRET)
    assert (body["app_id"], body["user_id"], body["payload"], body["expire"] - body["ctime"]) == (7, "user_42", "", 300)
    contents = zego.decode(token, leeway=timedelta(seconds=30))
    assert (contents.app_id, contents.user_id) == (7, "user_42")
    assert zego.check(token, user_id="user_42", login_privilege=False, publish_privilege=False).ok


def test_a_room_id_makes_a_privilege_token():
    zego = ZegoProject(1, SECRET)
    token = zego.token("u", room_id="room1", publish=False, stream_ids=["s1"])
    assert open_token(token, SECRET)[0]["payload"] == token04.rtc_room_payload(
        "room1", publish=False, stream_ids=["s1"]
    )
    assert zego.decode(zego.token("u", payload="p", mode="gcm")).mode == "gcm"
    with pytest.raises(ValueError, match="not both"):
        zego.token("u", room_id="r", payload="p")
    with pytest.raises(ValueError, match="go with room_id"):
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
    assert "effective_time_in_seconds" not in str(caught.value)  # named as this interface names it: ttl


@pytest.mark.parametrize(("ttl", "error"), [("60", TypeError), (True, TypeError), (timedelta(seconds=1.5), ValueError)])
def test_ttl_is_whole_seconds(ttl, error):
    with pytest.raises(error, match="ttl"):
        ZegoProject(1, SECRET).token("u", ttl=ttl)


def test_a_token_of_another_project_is_refused_by_decode():
    other = ZegoProject(2, SECRET).token("u")
    with pytest.raises(token04.InvalidTokenError, match="AppID 2, not this project's 1"):
        ZegoProject(1, SECRET).decode(other)


@pytest.mark.parametrize(
    ("app_id", "secret", "error", "words"),
    [
        (0, SECRET, ValueError, "app_id must be an int from 1"),
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
    assert (fields.app_id, fields.user_id, fields.room_id, fields.user_name) == (3, "u1", "room1", "Ann Lee")
    assert fields.token.expire - fields.token.ctime == 60


def test_the_project_module_is_not_imported_by_token04():
    source = Path(token04.__file__).read_text(encoding="utf-8")
    assert not re.search(r"^(from|import) \.", source, flags=re.M)
    assert "src.project" in sys.modules
