"""The package: a small core with a public seam, a root of what users call and catch, and ZegoProject."""

import ast
import copy
import importlib
import os
import pickle
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from support import OTHER_SECRET, SECRET, open_token

import src
from src import kit, token04
from src.errors import (
    ExpiredTokenError,
    InvalidCallbackError,
    InvalidTokenError,
    TokenError,
    ZegoApiError,
    ZegoError,
)
from src.project import ZegoProject

PACKAGE = Path(src.__file__).parent
SOURCES = sorted(PACKAGE.rglob("*.py"))


def module_name(path):
    """The module a source file is, under src: src.token04, src.server.callbacks."""
    return ".".join(["src", *path.relative_to(PACKAGE).with_suffix("").parts])


CORE = {"errors", "values", "_frame", "_body", "_paste", "payload", "token04"}


def defined_names(path):
    """The names a module defines at its top level (assignments, functions, classes) not starting with "_"."""
    names = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(target.id for target in node.targets if isinstance(target, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return {name for name in names if not name.startswith("_")}


def sibling_imports(path):
    """(module, name) for each name a module imports from a sibling: ``from .module import name``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        (node.module or alias.name, alias.name)  # from . import payload: the module payload
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.level >= 1
        for alias in node.names
    ]


@pytest.mark.parametrize(
    "path", [p for p in SOURCES if p.stem not in ("__init__", "__main__", "cli")], ids=str
)
def test_every_module_lists_what_it_defines_in_all(path):
    module = importlib.import_module(module_name(path))
    assert defined_names(path) <= set(module.__all__)
    assert all(hasattr(module, name) for name in module.__all__)


@pytest.mark.parametrize("path", SOURCES, ids=str)
def test_no_module_uses_a_siblings_private_names(path):
    private = [
        f"{module}.{name}"
        for module, name in sibling_imports(path)
        if name.startswith("_") and name[1] != "_"
    ]
    assert private == []
    tree = ast.parse(path.read_text(encoding="utf-8"))
    modules = {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.level >= 1 and node.module is None
        for alias in node.names
    }
    reached = [
        node.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id in modules
        and node.attr.startswith("_")
        and not node.attr.startswith("__")
    ]
    assert reached == []


def test_the_core_depends_on_nothing_built_on_it():
    for path in SOURCES:
        if path.stem in CORE:
            assert {module for module, _ in sibling_imports(path)} <= CORE, path.stem


def test_the_root_holds_at_most_40_names_each_a_real_one():
    assert len(src.__all__) <= 40
    assert len(set(src.__all__)) == len(src.__all__)
    for name in src.__all__:
        assert not name.startswith("_") or name == "__version__"
        assert getattr(src, name) is not None
    assert {
        "ZegoProject",
        "generate_token04",
        "decode_token04",
        "check_token04",
        "verify_callback",
    } <= set(src.__all__)


def test_limits_rules_and_keys_stay_importable_from_their_modules():
    from src.check import RULES, SEVERITY_ERROR
    from src.payload import PRIVILEGE_ENABLE
    from src.token04 import ERROR_CODE_SUCCESS, MAX_BODY_BYTES, MODE_GCM
    from src.values import MAX_APP_ID

    assert (ERROR_CODE_SUCCESS, MODE_GCM, MAX_APP_ID, PRIVILEGE_ENABLE) == (0, "gcm", 4294967295, 1)
    assert "expired" in RULES and SEVERITY_ERROR == "error" and MAX_BODY_BYTES == 65519


# --- one family of errors --------------------------------------------------------------------------------

ERRORS = [
    InvalidTokenError("bad"),
    ExpiredTokenError("old", token04.Token04(1, "u", 5, 10, 20, "", "cbc")),
    TokenError("no", 3, "user_id"),
    InvalidCallbackError("forged", "bad-signature"),
    ZegoApiError("refused", 100000005, "req-1", 200),
]


@pytest.mark.parametrize("error", ERRORS, ids=lambda error: type(error).__name__)
def test_every_error_is_in_the_family_and_survives_pickle_and_copy(error):
    assert isinstance(error, ZegoError)
    for twin in (pickle.loads(pickle.dumps(error)), copy.copy(error), copy.deepcopy(error)):  # noqa: S301 (our own)
        assert type(twin) is type(error)
        assert (str(twin), vars(twin)) == (str(error), vars(error))


def test_a_refusal_in_a_worker_process_arrives_as_itself():
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=1) as pool, pytest.raises(TokenError) as caught:
        pool.submit(_make_a_token_for, "").result(timeout=60)
    assert (caught.value.error_code, caught.value.argument) == (
        token04.ERROR_CODE_USER_ID_INVALID,
        "user_id",
    )


def _make_a_token_for(user_id):
    return ZegoProject(1, SECRET).token(user_id)


def test_a_malformed_secret_is_not_a_bad_token():
    with pytest.raises(ValueError, match="32 ASCII") as caught:
        token04.decode_token04("04AAAA", SECRET[:31])
    assert not isinstance(caught.value, ZegoError)
    assert isinstance(InvalidTokenError("x"), ValueError) and issubclass(
        ExpiredTokenError, InvalidTokenError
    )


# --- ZegoProject ------------------------------------------------------------------------------------------


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
            {"ZEGO_CALLBACK_SECRET": SECRET[:31]},
            "ZEGO_CALLBACK_SECRET",
            "32 ASCII characters, not 31",
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


def test_making_and_reading_a_token_loads_no_paste_diagnosis_until_one_fails():
    script = (
        "import sys\n"
        "from src import token04\n"
        f"info = token04.generate_token04(1, 'u', {SECRET!r}, 3600)\n"
        f"token04.decode_token04(info.token, {SECRET!r})\n"
        "print('src._paste' in sys.modules)\n"
        "try:\n"
        f"    token04.decode_token04(' ' + info.token, {SECRET!r})\n"
        "except token04.InvalidTokenError:\n"
        "    print('src._paste' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        cwd=PACKAGE.parent,
    )
    assert result.stdout.split() == ["False", "True"]


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


def test_making_a_token_loads_only_the_core():
    script = (
        "import sys\n"
        "from src import token04\n"
        f"assert token04.generate_token04(1, 'u', {SECRET!r}, 3600).error_code == 0\n"
        "print(' '.join(sorted(m for m in sys.modules if m.split('.')[0] == 'src')))\n"
        "token04.rtc_room_payload('r')\n"
        "print('src.payload' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        cwd=PACKAGE.parent,
    )
    loaded, payload_after = result.stdout.split("\n")[:2]
    assert loaded.split() == [
        "src",
        "src._body",
        "src._frame",
        "src.errors",
        "src.token04",
        "src.values",
    ]
    assert payload_after == "True"  # upstream's payload names still there, loaded when asked for
