"""The zego-token04 command, driven as a subprocess through both entry points."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from support import CONSOLE_SCRIPT, OTHER_SECRET, SECRET, body_bytes, needs_install, open_token, seal_token

from src import __version__, token04

ROOT = Path(__file__).resolve().parent.parent

ENTRY_POINTS = [
    pytest.param([sys.executable, "-m", "src"], id="python-m-src"),
    pytest.param([str(CONSOLE_SCRIPT)], id="console-script", marks=needs_install),
]


class Cli:
    def __init__(self, command):
        self.command = command
        self.outputs = []  # everything any run printed, for the secret check

    def __call__(self, *args, secret=SECRET, app_id=None, stdin=None):
        env = {k: v for k, v in os.environ.items() if not k.startswith("ZEGO_")}
        if secret is not None:
            env["ZEGO_SERVER_SECRET"] = secret
        if app_id is not None:
            env["ZEGO_APP_ID"] = app_id
        result = subprocess.run(
            [*self.command, *args],
            cwd=ROOT,
            env=env,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        self.outputs.append(result.stdout + result.stderr)
        return result


@pytest.fixture(params=ENTRY_POINTS)
def cli(request):
    runner = Cli(request.param)
    yield runner
    for output in runner.outputs:
        assert SECRET not in output
        assert OTHER_SECRET not in output


def assert_usage_error(result, *words):
    """Exit 2, nothing on stdout, and stderr with a usage line and each of `words`."""
    assert result.returncode == 2
    assert result.stdout == ""
    assert "usage:" in result.stderr
    for word in words:
        assert word in result.stderr


def generated(cli, *args, **kwargs):
    result = cli("generate", *args, **kwargs)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return result.stdout


# --- generate ---------------------------------------------------------------


def test_generate_prints_the_token_and_a_newline_only(cli):
    stdout = generated(cli, "--user-id", "u", "--app-id", "1")
    assert re.fullmatch(r"04[A-Za-z0-9+/]+=*\n", stdout)
    body, frame = open_token(stdout.strip(), SECRET)
    assert (body["app_id"], body["user_id"], body["payload"]) == (1, "u", "")
    assert body["expire"] - body["ctime"] == 3600
    assert frame["trailer"] == b""


def test_generate_app_id_falls_back_to_the_environment(cli):
    token = generated(cli, "--user-id", "u", app_id="2913569222").strip()
    assert open_token(token, SECRET)[0]["app_id"] == 2913569222
    token = generated(cli, "--user-id", "u", "--app-id", "5", app_id="2913569222").strip()
    assert open_token(token, SECRET)[0]["app_id"] == 5


@pytest.mark.parametrize("app_id", [None, "", "abc"])
def test_generate_without_a_usable_app_id_is_a_usage_error(cli, app_id):
    result = cli("generate", "--user-id", "u", app_id=app_id)
    assert_usage_error(result, "ZEGO_APP_ID")


def test_generate_ttl(cli):
    token = generated(cli, "--user-id", "u", "--app-id", "1", "--ttl", "60").strip()
    body, _ = open_token(token, SECRET)
    assert body["expire"] - body["ctime"] == 60


def test_generate_payload_is_passed_as_given(cli):
    payload = '{"room_id":"房间","privilege":{"1":1,"2":0},"stream_id_list":null}'
    token = generated(cli, "--user-id", "u", "--app-id", "1", "--payload", payload).strip()
    assert open_token(token, SECRET)[0]["payload"] == payload


def test_generate_room_privileges(cli):
    token = generated(
        cli, "--user-id", "u", "--app-id", "1", "--room-id", "room1", "--no-publish",
        "--stream-id", "s1", "--stream-id", "s2",
    ).strip()  # fmt: skip
    payload = open_token(token, SECRET)[0]["payload"]
    assert payload == token04.rtc_room_payload("room1", login=True, publish=False, stream_ids=["s1", "s2"])
    token = generated(cli, "--user-id", "u", "--app-id", "1", "--room-id", "r", "--no-login").strip()
    assert json.loads(open_token(token, SECRET)[0]["payload"]) == {
        "room_id": "r",
        "privilege": {"1": 0, "2": 1},
        "stream_id_list": None,
    }


@pytest.mark.parametrize(
    "args",
    [
        ["--no-login"],
        ["--no-publish"],
        ["--stream-id", "s"],
        ["--payload", "{}", "--room-id", "r"],
        ["--ttl", "soon"],
        ["--app-id", "one"],
    ],
)
def test_generate_option_misuse_is_a_usage_error(cli, args):
    result = cli("generate", "--user-id", "u", "--app-id", "1", *args)
    assert_usage_error(result)


def test_generate_gcm(cli):
    token = generated(cli, "--user-id", "u", "--app-id", "1", "--gcm").strip()
    body, frame = open_token(token, SECRET)
    assert (len(frame["iv"]), frame["trailer"]) == (12, b"\x01")
    assert body["user_id"] == "u"


@pytest.mark.parametrize("gcm", [[], ["--gcm"]])
def test_generate_json(cli, gcm):
    document = json.loads(generated(cli, "--user-id", "用户", "--app-id", "9", "--ttl", "90", "--json", *gcm))
    assert set(document) == {"token", "app_id", "user_id", "ctime", "expire", "mode"}
    body, _ = open_token(document["token"], SECRET)
    assert (document["app_id"], document["user_id"]) == (body["app_id"], body["user_id"]) == (9, "用户")
    assert (document["ctime"], document["expire"]) == (body["ctime"], body["ctime"] + 90)
    assert document["mode"] == ("gcm" if gcm else "cbc")


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["--app-id", "0"], 1),
        (["--app-id", "4294967296"], 1),
        (["--app-id", "1", "--ttl", "0"], 6),
        (["--app-id", "1", "--ttl", "-5"], 6),
        (["--app-id", "1", "--user-id", ""], 3),
    ],
)
def test_generate_refused_input_exits_1_with_the_code(cli, args, code):
    base = ["--user-id", "u"] if "--user-id" not in args else []
    result = cli("generate", *base, *args)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.startswith(f"error {code}: ")


def test_generate_refused_secret(cli):
    result = cli("generate", "--user-id", "u", "--app-id", "1", secret=SECRET[:31])
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.startswith("error 5: ")
    assert SECRET[:31] not in result.stderr


# --- the secret ---------------------------------------------------------------


def test_missing_secret_is_a_usage_error_naming_both_sources(cli):
    for command in (["generate", "--user-id", "u", "--app-id", "1"], ["decode", "04AAAA"]):
        result = cli(*command, secret=None)
        assert_usage_error(result, "ZEGO_SERVER_SECRET", "--secret-file")


def test_secret_file_is_read_and_stripped(cli, tmp_path):
    path = tmp_path / "secret"
    path.write_text(f"  {OTHER_SECRET}\n\n", encoding="utf-8")
    token = generated(cli, "--user-id", "u", "--app-id", "1", "--secret-file", str(path), secret=SECRET).strip()
    assert open_token(token, OTHER_SECRET)[0]["user_id"] == "u"  # the file wins over the environment
    result = cli("decode", token, "--secret-file", str(path), secret=None)
    assert result.returncode == 0, result.stderr


def test_unreadable_secret_file_is_a_usage_error(cli, tmp_path):
    result = cli("generate", "--user-id", "u", "--app-id", "1", "--secret-file", str(tmp_path / "missing"))
    assert_usage_error(result, "--secret-file")


@pytest.mark.parametrize(
    "args",
    [
        ["--secret", OTHER_SECRET],
        [f"--secret={OTHER_SECRET}"],
        ["--secre", OTHER_SECRET],
        ["--secret-f", "/dev/null"],  # an abbreviation of --secret-file is not taken either
        ["--user", "v"],
    ],
)
def test_no_secret_option_and_no_abbreviations(cli, args):
    result = cli("generate", "--user-id", "u", "--app-id", "1", *args)
    assert_usage_error(result, "unrecognized arguments")
    assert OTHER_SECRET not in result.stderr


def test_secret_option_on_decode_is_refused_too(cli):
    result = cli("decode", "--secret", OTHER_SECRET, "04AAAA")
    assert_usage_error(result, "unrecognized arguments")
    assert OTHER_SECRET not in result.stderr


# --- decode -------------------------------------------------------------------


def decoded(result):
    return json.loads(result.stdout)


def test_decode_prints_the_fields(cli):
    token = token04.generate_token04(7, "用户", SECRET, 600, "p", mode="gcm").token
    result = cli("decode", token)
    assert result.returncode == 0, result.stderr
    document = decoded(result)
    contents = token04.decode_token04(token, SECRET)
    assert document == {**contents._asdict(), "expired": False, "expire_at": document["expire_at"]}
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", document["expire_at"])


def test_decode_reads_stdin(cli):
    token = generated(cli, "--user-id", "u", "--app-id", "1")
    result = cli("decode", "-", stdin=token)
    assert result.returncode == 0, result.stderr
    assert decoded(result)["user_id"] == "u"


def test_generate_then_decode_pipeline(cli):
    token = generated(cli, "--user-id", "pipe", "--app-id", "3", "--room-id", "r")
    document = decoded(cli("decode", "-", stdin=token))
    assert (document["app_id"], document["user_id"], document["mode"]) == (3, "pipe", "cbc")


EXPIRED = 1_700_000_000  # 2023-11-14T22:13:20Z


def expired_token():
    members = {"app_id": 1, "user_id": "old", "nonce": 1, "ctime": EXPIRED - 60, "expire": EXPIRED, "payload": ""}
    return seal_token(body_bytes(**members), SECRET, expire=EXPIRED)


def test_decode_expired_token_prints_fields_and_exits_1(cli):
    result = cli("decode", expired_token())
    assert result.returncode == 1
    document = decoded(result)
    assert (document["user_id"], document["expired"]) == ("old", True)
    assert document["expire_at"] == "2023-11-14T22:13:20Z"
    assert "expired" in result.stderr


def test_decode_leeway_passes_through(cli):
    result = cli("decode", expired_token(), "--leeway", "1e12")
    assert result.returncode == 0, result.stderr
    assert decoded(result)["expired"] is False
    assert cli("decode", expired_token(), "--leeway", "60").returncode == 1


@pytest.mark.parametrize("token", ["04AAAA", "not a token", "04" + "A" * 40])
def test_decode_invalid_token_exits_1(cli, token):
    result = cli("decode", token)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.startswith("error: invalid token: ")


def test_decode_with_the_wrong_secret_exits_1(cli):
    token = token04.generate_token04(1, "u", SECRET, 60).token
    result = cli("decode", token, secret=OTHER_SECRET)
    assert result.returncode == 1
    assert "does not decrypt" in result.stderr


@pytest.mark.parametrize("args", [[], ["04AAAA", "--leeway", "soon"], ["04AAAA", "--leeway", "nan"]])
def test_decode_usage_errors_exit_2(cli, args):
    result = cli("decode", *args)
    assert_usage_error(result)


# --- help and version -----------------------------------------------------------


@pytest.mark.parametrize("command", [[], ["generate"], ["decode"]])
def test_help_has_an_example(cli, command):
    result = cli(*command, "--help")
    assert result.returncode == 0
    assert "example:" in result.stdout
    assert "zego-token04" in result.stdout


def test_version(cli):
    result = cli("--version")
    assert (result.returncode, result.stdout.strip()) == (0, f"zego-token04 {__version__}")


def test_no_command_is_a_usage_error(cli):
    assert_usage_error(cli(), "COMMAND")
