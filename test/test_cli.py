"""The zego-token04 command: in this process through main(argv), and as a real process where only one tells.

Most tests run main() with its own stdin, stdout, stderr and environment (the `cli` fixture); what
needs a real process (exit status through the interpreter, signals, the real streams' encodings,
closed or full streams) runs one, each case once, and every entry point is shown to run that same
main() (test_every_entry_point_runs_the_command).
"""

import json
import os
import platform
import re
import shlex
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request

import pytest
from cli_support import (
    GENERATE,
    ROOT,
    assert_usage_error,
    decoded,
    generated,
    run_bytes,
    run_in_process,
    run_process,
    shell,
)
from support import (
    CONSOLE_SCRIPT,
    OTHER_SECRET,
    SECRET,
    clean_environment,
    load_vectors,
    make_token,
    needs_console_script,
    needs_install,
    open_token,
)

from src import ZegoProject, __version__, check, token04
from src import cli as cli_module
from src.cli import _console as console
from src.kit import make_kit_token
from src.payload import rtc_room_payload

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
        cli,
        "--user-id",
        "u",
        "--app-id",
        "1",
        "--room-id",
        "room1",
        "--no-publish",
        "--stream-id",
        "s1",
        "--stream-id",
        "s2",
    ).strip()
    payload = open_token(token, SECRET)[0]["payload"]
    assert payload == rtc_room_payload("room1", login=True, publish=False, stream_ids=["s1", "s2"])
    token = generated(
        cli, "--user-id", "u", "--app-id", "1", "--room-id", "r", "--no-login"
    ).strip()
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
def test_generate_json_has_every_field_decode_prints(cli, gcm):
    document = json.loads(
        generated(cli, "--user-id", "user_1", "--app-id", "9", "--ttl", "90", "--json", *gcm)
    )
    decoded = json.loads(cli("decode", "--json", document["token"]).stdout)
    assert set(document) | {"expired"} == {"token", "kit_token", *decoded}
    assert {name: value for name, value in decoded.items() if name != "expired"} == {
        name: document[name] for name in decoded if name != "expired"
    }
    assert document["kit_token"] is None
    body, _ = open_token(document["token"], SECRET)
    assert (
        (document["app_id"], document["user_id"])
        == (body["app_id"], body["user_id"])
        == (9, "user_1")
    )
    assert (document["ctime"], document["expire"]) == (body["ctime"], body["ctime"] + 90)
    assert document["mode"] == ("gcm" if gcm else "cbc")


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--app-id", "0"], "--app-id must be a whole number from 1 to 4294967295"),
        (["--app-id", "4294967296"], "--app-id must be a whole number from 1 to 4294967295"),
        (["--app-id", "1", "--ttl", "0"], "--ttl must be a whole number of seconds > 0"),
        (
            ["--app-id", "1", "--ttl", "9223372036854775807"],
            "--ttl must be an int > 0 whose expire time fits",
        ),
        (
            ["--app-id", "1", "--user-id", ""],
            "--user-id must be a non-empty str of valid Unicode text",
        ),
        (
            ["--app-id", "1", "--payload", "x" * 70_000],
            "--payload would make a token body of",
        ),
    ],
)
def test_a_refused_option_value_is_a_usage_error_naming_the_option(cli, args, words):
    base = ["--user-id", "u"] if "--user-id" not in args else []
    assert_usage_error(cli("generate", *base, *args), words)


def test_an_app_id_from_the_environment_is_named_so(cli):
    assert_usage_error(
        cli("generate", "--user-id", "u", app_id="0"), "ZEGO_APP_ID must be a whole number from 1"
    )


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--user-id", "user 1"], "--user-id has characters the SDK refuses (' ')"),
        (["--room-id", "房间"], "--room-id has characters the SDK refuses"),
        (
            ["--room-id", "r", "--stream-id", "s.1"],
            "--stream-id has characters the SDK refuses ('.')",
        ),
        (["--user-id", "u" * 65], "--user-id is 65 bytes; the SDK takes at most 64"),
    ],
)
def test_generate_refuses_an_id_every_sdk_refuses_naming_the_option(cli, args, words):
    base = ["--user-id", "u"] if "--user-id" not in args else []
    result = cli("generate", "--app-id", "1", *base, *args)
    assert_usage_error(result, words)
    assert "user_id" not in result.stderr and "room_id" not in result.stderr


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (
            ["--user-id", "a/b"],
            "--user-id has characters the SDK refuses ('/'; the web SDK",
        ),
        (
            ["--kit-room-id", "r" * 129],
            "--kit-room-id is 129 bytes; the SDK takes at most 128",
        ),
        (["--payload", "not json"], "--payload is not a privilege payload ZEGO reads"),
    ],
)
def test_generate_warns_of_what_the_sdk_will_refuse_and_still_prints_the_token(cli, args, words):
    base = ["--user-id", "u"] if "--user-id" not in args else []
    result = cli("generate", "--app-id", "1", *base, *args)
    assert result.returncode == 0
    assert re.fullmatch(r"04[A-Za-z0-9+/=]+#?[A-Za-z0-9+/=]*\n", result.stdout)
    (line,) = result.stderr.splitlines()
    assert line.startswith("zego-token04: warning: ") and words in line
    assert "user_id" not in line and "room_id" not in line  # the option's words, not Python's


def test_generate_is_silent_when_the_sdk_takes_everything(cli):
    result = cli(
        "generate", "--app-id", "1", "--user-id", "u_1", "--room-id", "r1", "--stream-id", "s-1"
    )
    assert (result.returncode, result.stderr) == (0, "")
    assert (
        cli(
            "generate",
            "--app-id",
            "1",
            "--user-id",
            "u",
            "--payload",
            rtc_room_payload("r"),
        ).stderr
        == ""
    )


@pytest.mark.parametrize(
    "command", [["generate", "--user-id", "u", "--app-id", "1"], ["decode", "04AAAA"]]
)
@pytest.mark.parametrize("secret", [SECRET[:31], SECRET + "0", "秘" * 32, "x" * 31 + "\udcff"])
def test_a_malformed_secret_is_a_usage_error_for_both_commands(cli, command, secret):
    result = cli(*command, secret=secret)
    assert_usage_error(result, "ZEGO_SERVER_SECRET must be exactly 32 ASCII characters")
    assert secret.strip() not in result.stderr


# --- the secret ---------------------------------------------------------------


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
    assert_usage_error(result, "unrecognized option --")
    assert OTHER_SECRET not in result.stderr


def test_secret_option_on_decode_is_refused_too(cli):
    result = cli("decode", "--json", "--secret", OTHER_SECRET, "04AAAA")
    assert_usage_error(result, "unrecognized option --secret (did you mean --secret-file?)")
    assert OTHER_SECRET not in result.stderr


# --- decode -------------------------------------------------------------------


def test_decode_prints_the_fields(cli):
    token = token04.generate_token04(7, "用户", SECRET, 600, "p", mode="gcm").token
    result = cli("decode", "--json", token)
    assert result.returncode == 0, result.stderr
    document = decoded(result)
    contents = token04.decode_token04(token, SECRET)
    assert document == {
        "format": "token04",
        **contents._asdict(),
        "expired": False,
        "expires_at": document["expires_at"],
        "privilege_payload": None,  # "p" is not a privilege payload
    }
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", document["expires_at"])


def test_decode_reads_stdin(cli):
    token = generated(cli, "--user-id", "u", "--app-id", "1")
    result = cli("decode", "--json", "-", stdin=token)
    assert result.returncode == 0, result.stderr
    assert decoded(result)["user_id"] == "u"


def test_generate_then_decode_pipeline(cli):
    token = generated(cli, "--user-id", "pipe", "--app-id", "3", "--room-id", "r")
    document = decoded(cli("decode", "--json", "-", stdin=token))
    assert (document["app_id"], document["user_id"], document["mode"]) == (3, "pipe", "cbc")


def expired_token():
    return make_token(user_id="old")


def test_decode_expired_token_prints_fields_and_exits_1(cli):
    result = cli("decode", "--json", expired_token())
    assert result.returncode == 1
    document = decoded(result)
    assert (document["user_id"], document["expired"]) == ("old", True)
    assert document["expires_at"] == "2023-11-14T23:13:20Z"
    assert "expired" in result.stderr


def test_decode_leeway_passes_through(cli):
    result = cli("decode", "--json", expired_token(), "--leeway", "1e12")
    assert result.returncode == 0, result.stderr
    assert decoded(result)["expired"] is False
    assert cli("decode", "--json", expired_token(), "--leeway", "60").returncode == 1


@pytest.mark.parametrize("token", ["04AAAA", "not a token", "04" + "A" * 40])
def test_decode_invalid_token_exits_1(cli, token):
    result = cli("decode", "--json", token)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.startswith("zego-token04: error: invalid token: ")


def test_decode_with_the_wrong_secret_exits_1(cli):
    # A pinned token: a wrong-secret CBC decrypt of a random one has valid padding about 1 time in 256
    # and is then refused for its body instead, so a random token made this test fail now and then.
    token = make_token(ctime=4_000_000_000, expire=4_000_000_060)
    result = cli("decode", "--json", token, secret=OTHER_SECRET)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == (
        "zego-token04: error: invalid token: "
        "this token04 does not decrypt with this secret (wrong secret or corrupted)\n"
    )


@pytest.mark.parametrize(
    "args", [[], ["04AAAA", "--leeway", "soon"], ["04AAAA", "--leeway", "nan"]]
)
def test_decode_usage_errors_exit_2(cli, args):
    result = cli("decode", "--json", *args)
    assert_usage_error(result)


# --- help and version -----------------------------------------------------------


@pytest.mark.parametrize(
    "command", [[], ["generate"], ["decode"], ["check"], ["sign"], ["verify-callback"]]
)
def test_help_has_an_example(cli, command):
    result = cli(*command, "--help")
    assert result.returncode == 0
    assert "examples:" in result.stdout
    assert "zego-token04" in result.stdout


def test_version(cli):
    result = cli("--version")
    assert (result.returncode, result.stdout.strip()) == (0, f"zego-token04 {__version__}")


def test_no_command_is_a_usage_error(cli):
    assert_usage_error(cli(), "COMMAND")


# --- hostile command lines: the secret in every slot, bounded reads, broken outputs -------------

DASHED_SECRET = "-" + OTHER_SECRET[1:]  # a secret that argparse would take for an option

GENERATE_SLOTS = [
    ["generate", "--user-id", "{s}", "--app-id", "1"],
    ["generate", "--user-id", "u", "--app-id", "{s}"],
    ["generate", "--user-id", "u", "--app-id", "1", "--ttl", "{s}"],
    ["generate", "--user-id", "u", "--app-id", "1", "--payload", "{s}"],
    ["generate", "--user-id", "u", "--app-id", "1", "--room-id", "{s}"],
    ["generate", "--user-id", "u", "--app-id", "1", "--room-id", "r", "--stream-id", "{s}"],
    ["generate", "--user-id", "u", "--app-id", "1", "--secret-file", "{s}"],
    ["generate", "--user-id", "u", "--app-id", "1", "{s}"],
    ["generate", "--user-id", "u", "--app-id", "1", "--secret", "{s}"],
    ["generate", "--user-id", "u", "--app-id", "1", "--gcm", "{s}", "--json"],
    ["generate", "{s}", "--user-id", "u"],
    ["generate", "--user-id"],
    ["{s}", "generate", "--user-id", "u", "--app-id", "1"],
    ["--secret", "{s}", "generate", "--user-id", "u", "--app-id", "1"],
    ["{s}"],
]
CHECK_SLOTS = [
    ["check", "{s}"],
    ["check", "04AAAA", "--app-id", "{s}"],
    ["check", "04AAAA", "--user-id", "{s}"],
    ["check", "04AAAA", "--room-id", "{s}"],
    ["check", "04AAAA", "--stream-id", "{s}"],
    ["check", "04AAAA", "--leeway", "{s}"],
    ["check", "04AAAA", "--secret-file", "{s}"],
    ["check", "04AAAA", "{s}"],
    ["check", "04AAAA", "--json", "--secret", "{s}"],
]
KIT_SLOTS = [
    ["generate", "--user-id", "u", "--app-id", "1", "--kit-room-id", "{s}"],
    ["generate", "--user-id", "u", "--app-id", "1", "--kit-room-id", "r", "--user-name", "{s}"],
    ["generate", "--user-id", "u", "--app-id", "1", "--user-name", "{s}"],
]
SERVER_SLOTS = [
    ["sign", "{s}", "--app-id", "1"],
    ["sign", "A", "--app-id", "1", "--param", "k={s}"],
    ["sign", "A", "--app-id", "1", "--param", "{s}"],
    ["sign", "A", "--app-id", "1", "--product", "{s}"],
    ["sign", "A", "--app-id", "1", "--region", "{s}"],
    ["sign", "A", "--app-id", "1", "--base-url", "{s}"],
    ["sign", "A", "--app-id", "{s}"],
    ["verify-callback", "--max-age", "{s}"],
    ["verify-callback", "--secret-file", "{s}"],
    ["verify-callback", "{s}"],
]
DECODE_SLOTS = [
    ["decode", "{s}"],
    ["decode", "04AAAA", "{s}"],
    ["decode", "04AAAA", "--leeway", "{s}"],
    ["decode", "04AAAA", "--secret-file", "{s}"],
    ["decode", "--secret", "{s}", "04AAAA"],
    ["decode", "{s}", "--json"],
]


def fill(template, value, joined):
    """The template with the value in its slot: as a separate word, or joined to its option with "="."""
    words = []
    for word in template:
        if word == "{s}" and joined and words and words[-1].startswith("--"):
            words[-1] = f"{words[-1]}={value}"
        else:
            words.append(word.replace("{s}", value))
    return words


@pytest.mark.parametrize("joined", [False, True], ids=["separate", "joined"])
@pytest.mark.parametrize("secret", [OTHER_SECRET, DASHED_SECRET], ids=["secret", "dashed-secret"])
@pytest.mark.parametrize(
    "template",
    GENERATE_SLOTS + KIT_SLOTS + DECODE_SLOTS + CHECK_SLOTS + SERVER_SLOTS,
    ids=lambda t: " ".join(t)[:48],
)
def test_the_secret_in_any_slot_is_never_shown(template, secret, joined):
    result = run_in_process(*fill(template, secret, joined), secret=secret)
    output = result.stdout + result.stderr
    assert secret not in output
    assert secret[1:] not in output
    assert "Traceback" not in output
    assert result.returncode in (1, 2)
    if result.returncode == 2:
        assert result.stdout == ""
        assert result.stderr.splitlines()[-1].startswith("zego-token04")


HELD = (
    "x" + OTHER_SECRET
)  # a value that holds the secret: a login value, or an ID a token was made for
TOKEN_FOR_HELD = token04.generate_token04(
    1, HELD, OTHER_SECRET, 3600, rtc_room_payload(HELD, stream_ids=[HELD])
).token
TOKEN_FOR_U = token04.generate_token04(
    1, "u", OTHER_SECRET, 3600, rtc_room_payload("r", stream_ids=["s"])
).token
HELD_RUNS = {
    "check-login-values": [
        "check",
        TOKEN_FOR_U,
        "--user-id",
        HELD,
        "--room-id",
        HELD,
        "--stream-id",
        HELD,
    ],
    "check-token-ids": [
        "check",
        TOKEN_FOR_HELD,
        "--user-id",
        "u",
        "--room-id",
        "r",
        "--stream-id",
        "s",
    ],
    "check-kit": ["check", make_kit_token(TOKEN_FOR_U, 1, HELD, "u", HELD)],
    "check-kit-user": ["check", make_kit_token(TOKEN_FOR_HELD, 1, "r", HELD)],
}
HELD_RUNS.update({f"{name}-json": [*args, "--json"] for name, args in HELD_RUNS.items()})
HELD_RUNS["decode-token"] = ["decode", TOKEN_FOR_HELD]
HELD_RUNS["decode-kit"] = ["decode", make_kit_token(TOKEN_FOR_U, 1, HELD, "u", HELD)]


@pytest.mark.parametrize("args", HELD_RUNS.values(), ids=HELD_RUNS.keys())
def test_values_that_hold_the_secret_are_not_shown(args):
    # check quotes no login value; a token whose content holds the secret is the one finding
    # secret-in-token (check) or a refusal (decode), and none of its content is printed.
    result = run_in_process(*args, secret=OTHER_SECRET)
    assert result.returncode in (0, 1), result.stderr
    assert OTHER_SECRET not in result.stdout + result.stderr
    if "check-login-values" not in " ".join(args) and args[1] != TOKEN_FOR_U:
        assert result.returncode == 1
        assert "secret-in-token" in result.stdout or "holds the ServerSecret" in result.stderr


def test_argparse_refusals_name_the_option_not_the_value(cli):
    result = cli("generate", "--user-id", "u", "--app-id", OTHER_SECRET)
    assert_usage_error(result, "--app-id must be a whole number")
    result = cli(OTHER_SECRET, "generate")
    assert_usage_error(result, "unknown command")
    result = cli("generat", "--user-id", "u")
    assert_usage_error(result, "unknown command (did you mean generate?)")
    result = cli("decode", "--json", "04AAAA", "--leeway", OTHER_SECRET)
    assert_usage_error(result, "--leeway must be a finite number of seconds")
    result = cli("decode", "--json=x", "04AAAA")  # argparse's own refusal, which quotes the value
    assert_usage_error(result, "(the value is not shown)")
    result = cli("generate", "--user-id", "u", "--app-id", "1", "--secret-file", OTHER_SECRET)
    assert_usage_error(result, "cannot read --secret-file: No such file or directory")


@pytest.mark.parametrize("option", ["--user-id", "--payload", "--room-id"])
def test_generate_refuses_to_put_the_secret_in_a_token(cli, option):
    args = {"--user-id": "u", "--payload": "", "--room-id": None}
    args[option] = f"x{SECRET}y"
    words = [word for name, value in args.items() if value is not None for word in (name, value)]
    result = cli("generate", "--app-id", "1", "--json", *words)
    assert_usage_error(result, f"{option}", "holds the secret")


@pytest.mark.parametrize(
    ("args", "words"),
    [
        ([b"--room-id", b"\xff"], "--room-id must be valid Unicode text"),
        ([b"--room-id", b"r", b"--stream-id", b"\xfe"], "--stream-id must be valid Unicode text"),
        ([b"--payload", b"\xff"], "--payload must be text or None"),
        ([b"--user-id", b"\xff"], "--user-id must be a non-empty str of valid Unicode text"),
    ],
)
def test_undecodable_argv_is_a_usage_error(cli, args, words):
    # Python hands main() undecodable bytes of argv as lone surrogates (os.fsdecode), as here.
    base = [b"generate", b"--app-id", b"1"] + (
        [b"--user-id", b"u"] if b"--user-id" not in args else []
    )
    assert_usage_error(cli(*map(os.fsdecode, base + args)), words)


def test_undecodable_argv_of_a_real_process_reaches_main_as_it_does_here():
    result = run_bytes([b"generate", b"--app-id", b"1", b"--user-id", b"u", b"--room-id", b"\xff"])
    assert result.returncode == 2
    assert (
        result.stderr.decode()
        == run_in_process(
            "generate", "--app-id", "1", "--user-id", "u", "--room-id", os.fsdecode(b"\xff")
        ).stderr
    )


READ_SYSCALL = {"x86_64": "0", "aarch64": "63"}.get(
    platform.machine()
)  # the number in /proc/<pid>/syscall


def wait_until_reading_stdin(pid):
    """Returns once process `pid` is blocked in read(0, ...): Linux shows it in /proc/<pid>/syscall."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with open(f"/proc/{pid}/syscall", encoding="ascii") as status:
            if status.read().split()[:2] == [READ_SYSCALL, "0x0"]:
                return
        time.sleep(0.01)
    raise AssertionError("the command never waited for stdin")


# Started through this, the child has SIGINT at its default even when the test run ignores it (a
# background job, `nohup`, `trap '' INT`): exec keeps a default disposition, and Python then installs
# its KeyboardInterrupt handler, which it does not do for a signal ignored at start-up.
SIGINT_AT_DEFAULT = "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execv(sys.argv[1], sys.argv[1:])"


@pytest.mark.skipif(
    READ_SYSCALL is None or not os.access(f"/proc/{os.getpid()}/syscall", os.R_OK),
    reason="needs Linux's /proc/<pid>/syscall on x86_64 or aarch64",
)
@pytest.mark.parametrize("command", ["decode", "check"])
def test_ctrl_c_while_waiting_for_stdin_is_one_line_and_exit_130(command):
    process = subprocess.Popen(
        [sys.executable, "-c", SIGINT_AT_DEFAULT, sys.executable, "-m", "src", command, "-"],
        cwd=ROOT,
        env=clean_environment(ZEGO_SERVER_SECRET=SECRET),
        text=True,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        wait_until_reading_stdin(
            process.pid
        )  # a signal any earlier would interrupt start-up, not the command
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=60)
    finally:
        process.kill()
    assert (process.returncode, stdout, stderr) == (130, "", "zego-token04: interrupted\n")


def test_ctrl_c_anywhere_in_a_command_is_one_line_and_exit_130(monkeypatch, capsys):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setenv("ZEGO_SERVER_SECRET", SECRET)
    monkeypatch.setattr(ZegoProject, "token", interrupted)
    try:
        status = cli_module.main(["generate", "--app-id", "1", "--user-id", "u"])
    except KeyboardInterrupt:  # would stop the whole test run, not fail this test
        pytest.fail("KeyboardInterrupt escaped main()")
    assert status == console.EXIT_INTERRUPTED == 130
    assert capsys.readouterr() == ("", "zego-token04: interrupted\n")


# --- kit tokens and check ---------------------------------------------------------------------------


def test_generate_kit_token_round_trips_through_decode(cli):
    kit_token = generated(
        cli, "--user-id", "u1", "--app-id", "7", "--kit-room-id", "room1", "--user-name", "Ann Lee"
    )
    token, separator, _ = kit_token.strip().partition("#")
    assert separator == "#"
    assert open_token(token, SECRET)[0]["user_id"] == "u1"
    result = cli("decode", "--json", kit_token.strip())
    assert result.returncode == 0, result.stderr
    document = decoded(result)
    kit = {name: document[name] for name in ("format", "app_id", "user_id", "room_id", "user_name")}
    assert kit == {
        "format": "kittoken",
        "app_id": 7,
        "user_id": "u1",
        "room_id": "room1",
        "user_name": "Ann Lee",
    }
    assert (document["token"]["user_id"], document["token"]["privilege_payload"]) == ("u1", None)


def test_generate_kit_token_json_has_both(cli):
    document = json.loads(
        generated(cli, "--user-id", "u", "--app-id", "1", "--kit-room-id", "r", "--json")
    )
    assert document["kit_token"].startswith(document["token"] + "#")


def test_generate_kit_token_refuses_what_the_uikit_refuses(cli):
    result = cli("generate", "--user-id", "u", "--app-id", "1", "--kit-room-id", "房间")
    assert_usage_error(result, "--kit-room-id must be characters up to U+00FF")
    assert_usage_error(
        cli("generate", "--user-id", "u", "--app-id", "1", "--user-name", "n"), "--kit-room-id"
    )


@pytest.mark.parametrize(
    ("args", "named", "not_named"),
    [
        (["--user-name", "Ann"], "--user-name", "--payload"),
        (["--room-id", "r", "--payload", "{}"], "--payload", "--user-name"),
        (["--stream-id", "s"], "--stream-id", "--payload"),
    ],
)
def test_a_misplaced_generate_option_is_named_alone(cli, args, named, not_named):
    result = cli("generate", "--user-id", "u", "--app-id", "1", *args)
    assert_usage_error(result, named)
    assert not_named not in result.stderr


def test_decode_prints_the_parsed_privilege_payload(cli):
    token = generated(
        cli, "--user-id", "u", "--app-id", "1", "--room-id", "r", "--no-publish", "--stream-id", "s"
    )
    document = decoded(cli("decode", "--json", token.strip()))
    assert document["privilege_payload"] == {
        "room_id": "r",
        "login": True,
        "publish": False,
        "stream_ids": ["s"],
    }
    assert document["format"] == "token04"


def test_decode_of_an_uikit_vector(cli):
    vector = load_vectors("uikit-kit-tokens.json")["for_test"][0]
    result = cli("decode", "--json", vector["kit_token"], secret=vector["secret"])
    document = decoded(result)  # printed whether or not it has expired by now
    assert result.returncode == (1 if document["expired"] else 0)
    assert document["user_name"] == vector["user_name"]
    assert document["token"]["payload"] == ""


def test_check_passes_a_sound_login_one_line_per_check(cli):
    token = generated(
        cli, "--user-id", "u", "--app-id", "1", "--room-id", "r", "--stream-id", "s"
    ).strip()
    login = ["--app-id", "1", "--user-id", "u", "--room-id", "r", "--stream-id", "s"]
    result = cli("check", token, *login)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    checked = json.loads(cli("check", token, "--json", *login).stdout)["checked"]
    zim_only = {"zim-payload", "duration-too-short", "duration-too-long", "expire-beyond-2038"}
    assert set(checked) == set(check.RULES) - zim_only
    expected = [f"ok      {check.RULES[code][1]}" for code in checked]  # each a sentence
    assert lines[:-1] == expected
    assert lines[-1] == f"ok: 0 errors, 0 warnings in {len(expected)} checks"
    assert result.stderr == ""


def test_check_reports_each_finding_and_exits_1(cli):
    token = generated(
        cli, "--user-id", "u", "--app-id", "1", "--room-id", "r", "--no-login"
    ).strip()
    result = cli(
        "check", token, "--app-id", "2", "--user-id", "v", "--room-id", "q", "--stream-id", "s 1"
    )
    assert result.returncode == 1
    found = [
        line.split()[1].rstrip(":")
        for line in result.stdout.splitlines()
        if line.startswith("error")
    ]
    assert found == [
        "app-id-mismatch",
        "user-id-mismatch",
        "room-id-mismatch",
        "login-denied",
        "stream-id-format",
    ]
    assert result.stdout.splitlines()[-1].startswith("not ok: 5 errors, 0 warnings in ")


def test_check_json_and_stdin_and_app_id_from_the_environment(cli):
    token = generated(cli, "--user-id", "u", "--app-id", "3")
    result = cli(
        "check", "-", "--json", "--no-login-check", "--no-publish-check", stdin=token, app_id="4"
    )
    assert result.returncode == 1
    document = json.loads(result.stdout)
    assert document["ok"] is False
    assert [f["code"] for f in document["findings"]] == ["app-id-mismatch"]
    assert (document["token"]["app_id"], document["token"]["format"]) == (3, "token04")


def test_check_a_kit_token_and_zim(cli):
    kit_token = generated(cli, "--user-id", "u", "--app-id", "1", "--kit-room-id", "r").strip()
    document = json.loads(cli("check", kit_token, "--json", "--zim").stdout)
    assert document["ok"] is True
    assert (document["token"]["format"], document["token"]["room_id"]) == ("kittoken", "r")
    assert (
        "zim-payload" in document["checked"] and "no-privilege-payload" not in document["checked"]
    )


def test_check_of_an_invalid_token_exits_1_with_the_finding(cli):
    result = cli("check", "04AAAA")
    assert result.returncode == 1
    assert result.stdout.splitlines()[0].startswith("error   invalid-token: ")
    assert result.stdout.splitlines()[-1] == "not ok: 1 error, 0 warnings in 1 check"


@pytest.mark.parametrize(
    "args", [[], ["04AAAA", "--app-id", "x"], ["04AAAA", "--leeway", "inf"], ["04AAAA", "--x"]]
)
def test_check_usage_errors_exit_2(cli, args):
    assert_usage_error(cli("check", *args))


# --- every exit status tells the truth ------------------------------------------------------------------


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full here")
@pytest.mark.parametrize(
    ("args", "status"),
    [
        (GENERATE, 0),
        (["decode", "04AAAA"], 1),
        (["generate"], 2),
        (["check", "04AAAA", "--user-id", "u"], 1),
    ],
)
def test_an_unwritable_stderr_leaves_the_exit_status_alone(args, status):
    result = shell('"$@" 2>/dev/full', *args)
    assert result.returncode == status  # not 120, the interpreter's own flush failure at exit
    reader, writer = os.pipe()
    os.close(reader)  # a closed pipe
    try:
        process = subprocess.run(
            [sys.executable, "-m", "src", *args],
            cwd=ROOT,
            env=clean_environment(ZEGO_SERVER_SECRET=SECRET),
            stdout=subprocess.DEVNULL,
            stderr=writer,
            timeout=60,
            check=False,
        )
    finally:
        os.close(writer)
    assert process.returncode == status


def test_stdin_that_cannot_be_read_is_a_usage_error(tmp_path):
    result = shell(
        f'"$@" 0>"{tmp_path / "written"}"', "decode", "-"
    )  # stdin opened for writing only
    assert result.returncode == 2
    assert "cannot read stdin (Bad file descriptor)" in result.stderr
    assert "stdout" not in result.stderr


def test_a_non_blocking_stdin_with_nothing_yet_is_an_empty_token():
    reader, writer = os.pipe()
    os.set_blocking(reader, False)
    try:
        result = subprocess.run(
            [sys.executable, "-m", "src", "decode", "-"],
            cwd=ROOT,
            env=clean_environment(ZEGO_SERVER_SECRET=SECRET),
            stdin=reader,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    finally:
        os.close(reader)
        os.close(writer)
    assert result.returncode == 2
    assert "stdin has no data yet" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_expired_kit_token_for_another_user_is_an_invalid_token(cli):
    kit_token = make_kit_token(make_token(user_id="demo"), 1, "room1", "mallory")
    result = cli("decode", "--json", kit_token)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.startswith("zego-token04: error: invalid token: the kit's userID differs")


def test_a_dashed_secret_holding_an_equals_sign_is_not_shown_in_part(cli):
    secret = "-abcdefghijklm=nopqrstuvwxyz0123"
    assert len(secret) == 32
    for args in (["decode", "04AAAA", secret], ["check", "04AAAA", secret], [secret, "generate"]):
        result = cli(*args, secret=secret)
        assert result.returncode == 2
        assert "abcdefghijklm" not in result.stderr
        assert "nopqrstuvwxyz" not in result.stderr


def test_unrecognized_options_of_another_command_are_named(cli):
    result = cli("decode", "04AAAA", "--zim", "--no-login-check")
    assert_usage_error(result, "unrecognized option --zim", "unrecognized option --no-login-check")
    assert "secret" not in result.stderr.splitlines()[-1]


class Lines:
    """A stream whose every write is recorded alone, for threads writing at once."""

    encoding = "utf-8"

    def __init__(self):
        self.writes = []
        self.lock = threading.Lock()

    def write(self, text):
        with self.lock:
            self.writes.append(text)

    def flush(self):
        pass


def test_calls_of_main_at_once_each_refuse_a_token_that_holds_the_secret(monkeypatch):
    held = token04.generate_token04(1, "x" + SECRET, SECRET, 3600).token
    stdout, stderr = Lines(), Lines()
    monkeypatch.setattr(sys, "stdout", stdout)
    monkeypatch.setattr(sys, "stderr", stderr)
    monkeypatch.setenv("ZEGO_SERVER_SECRET", SECRET)
    statuses = []

    def decode_many():
        statuses.extend(cli_module.main(["decode", "--json", held]) for _ in range(50))

    threads = [threading.Thread(target=decode_many) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [1] * 200
    assert stdout.writes == []
    assert len(stderr.writes) == 200
    assert all("holds the ServerSecret" in text and SECRET not in text for text in stderr.writes)


# --- the entry points ------------------------------------------------------------------------------------

ENTRY_POINTS = [
    pytest.param([sys.executable, "-m", "src"], id="python-m-src"),
    pytest.param([str(CONSOLE_SCRIPT)], id="console-script", marks=needs_console_script),
    pytest.param(
        [sys.executable, "-m", "zego_token04"], id="python-m-zego_token04", marks=needs_install
    ),
]


@pytest.mark.parametrize("command", ENTRY_POINTS)
def test_every_entry_point_runs_the_command(command):
    token = run_process("generate", "--app-id", "1", "--user-id", "u", command=command)
    assert (token.returncode, token.stderr) == (0, "")
    decoded = run_process("decode", "--json", "-", stdin=token.stdout, command=command)
    assert decoded.returncode == 0
    assert decoded.stdout == run_in_process(
        "decode", "--json", token.stdout.strip()
    ).stdout.replace('"expired": false', '"expired": false')
    usage = run_process("decode", "--json", command=command)
    assert (usage.returncode, usage.stderr) == (2, run_in_process("decode").stderr)
    assert run_process("--version", command=command).stdout == f"zego-token04 {__version__}\n"


# --- every spelling of the secret is masked, value by value -----------------------------------------------

TRICKY_SECRETS = {
    "quote-backslash": 'ab"cd\\ef' + "0" * 24,
    "slash-angle": "ab/cd<ef>&" + "1" * 22,
    "tab-del": "ab\tcd\x7fef" + "2" * 24,
    "all": '"\\/<\t\x7f' + "3" * 26,
}
PAYLOAD_SPELLINGS = {
    "python": lambda text: text,
    "php": lambda text: text.replace("/", "\\/"),  # json_encode escapes "/"
    "go": lambda text: text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"),
    "ascii": lambda text: json.dumps(json.loads(text)),
}


def strings_in(value):
    """Every string in a JSON value, and in every string that is JSON itself."""
    if isinstance(value, dict):
        yield from (text for item in value.values() for text in strings_in(item))
    elif isinstance(value, list):
        yield from (text for item in value for text in strings_in(item))
    elif isinstance(value, str):
        yield value
        try:
            inner = json.loads(value)
        except ValueError:
            return
        if isinstance(inner, (dict, list)):
            yield from strings_in(inner)


@pytest.mark.parametrize("spelling", PAYLOAD_SPELLINGS.values(), ids=PAYLOAD_SPELLINGS.keys())
@pytest.mark.parametrize("secret", TRICKY_SECRETS.values(), ids=TRICKY_SECRETS.keys())
def test_no_printed_value_holds_the_secret_in_any_spelling(secret, spelling):
    assert len(secret) == 32 and secret.isascii()
    payload = spelling(
        json.dumps({"room_id": "r" + secret, "privilege": {"1": 1, "2": 1}, "stream_id_list": None})
    )
    token = make_token(
        secret=secret,
        user_id="u" + secret,
        payload=payload,
        ctime=4_000_000_000,
        expire=4_000_000_060,
    )
    runs = {
        "decode": ["decode", "--json", token],
        "check --json": ["check", token, "--json", "--user-id", secret, "--room-id", "v" + secret],
        "check": ["check", token, "--user-id", secret, "--room-id", "v" + secret],
        "decode kit": [
            "decode",
            "--json",
            make_kit_token(token, 1, "room" + secret.replace("\x7f", ""), "u" + secret),
        ],
    }
    for name, args in runs.items():
        result = run_in_process(*args, secret=secret)
        assert result.returncode in (0, 1), (name, result.stderr)
        output = result.stdout + result.stderr
        assert secret not in output and json.dumps(secret)[1:-1] not in output, name
        assert "secret-in-token" in result.stdout or "holds the ServerSecret" in result.stderr, name
        if result.stdout.startswith("{"):
            assert not any(secret in text for text in strings_in(json.loads(result.stdout))), name


def test_check_advice_is_in_the_command_lines_terms(cli):
    token = generated(cli, "--user-id", "u", "--app-id", "1").strip()
    result = cli("check", token, "--json")
    (finding,) = json.loads(result.stdout)["findings"]
    assert finding["code"] == "no-privilege-payload"
    assert "--room-id" in finding["message"] and "--no-login-check" in finding["message"]
    assert "rtc_room_payload" not in result.stdout
    zim = cli(
        "check",
        generated(cli, "--user-id", "u", "--app-id", "1", "--room-id", "r").strip(),
        "--zim",
    )
    assert "without --payload or --room-id" in zim.stdout and 'payload=""' not in zim.stdout


def test_decode_prints_one_field_per_line_by_default(cli):
    token = cli(
        "generate", "--user-id", "u~1", "--app-id", "1", "--room-id", "r", "--ttl", "60"
    ).stdout.strip()
    result = cli("decode", token)
    assert result.returncode == 0
    lines = dict(line.split(": ", 1) for line in result.stdout.splitlines())
    assert list(lines) == [
        "format",
        *token04.Token04._fields,
        "expires_at",
        "privilege_payload",
        "expired",
    ]
    assert (lines["app_id"], lines["user_id"], lines["expired"]) == ("1", '"u~1"', "false")
    assert json.loads(lines["privilege_payload"])["room_id"] == "r"


def test_decode_and_check_read_a_token03_and_say_so(cli):
    vector = load_vectors("token03-go.json")["vectors"][1]
    decoded = cli("decode", "--json", vector["token"], "--leeway", "1e10", secret=vector["secret"])
    assert decoded.returncode == 0, decoded.stderr
    document = json.loads(decoded.stdout)
    assert (document["format"], document["user_id"], document["room_id"]) == (
        "token03",
        "李雷",
        "room1",
    )
    assert (document["login"], document["publish"]) == (True, False)
    checked = cli("check", vector["token"], "--zim", "--leeway", "1e10", secret=vector["secret"])
    assert checked.returncode == 1
    assert (
        "error   token03: this is a token03, the older format, and ZIM's SDK refuses it"
        in checked.stdout
    )


def test_paste_mistakes_are_named_on_the_command_line(cli):
    token = make_token()
    quoted = cli("decode", f'"{token}"')
    assert quoted.stderr.startswith(
        "zego-token04: error: invalid token: the token is in quotes: remove them"
    )
    cut = cli("check", token[:40])
    assert "the token looks cut short: 40 characters" in cut.stdout
    assert_usage_error(cli("decode", "-", stdin="\n"), "stdin was empty: pipe the token in")


def test_a_token03_under_the_wrong_secret_is_called_a_token03():
    vector = load_vectors("token03-go.json")["vectors"][0]
    decoded = run_in_process("decode", vector["token"], secret=OTHER_SECRET)
    assert decoded.returncode == 1 and "token03 does not decrypt with this secret" in decoded.stderr
    checked = run_in_process("check", vector["token"], secret=OTHER_SECRET)
    assert "error   invalid-token: this token03 does not decrypt with this secret" in checked.stdout


@pytest.mark.parametrize(
    ("secret", "words"),
    [
        (f'"{SECRET}"', "in quotes (as docker --env-file keeps them); remove the quotes"),
        (f"'{SECRET}'", "in quotes"),
        (f"ZEGO_SERVER_SECRET={SECRET}", "holds a NAME=value line; keep only the value"),
    ],
)
def test_a_secret_set_with_its_quotes_or_its_name_is_named_so(cli, tmp_path, secret, words):
    assert_usage_error(cli("decode", "04AAAA", secret=secret), "ZEGO_SERVER_SECRET", words)
    path = tmp_path / "secret"
    path.write_text(secret + "\n", encoding="utf-8")
    assert_usage_error(cli("decode", "04AAAA", "--secret-file", str(path)), "--secret-file", words)


# --- sign and verify-callback ------------------------------------------------------------------------------

CALLBACK_SECRET = "0123456789abcdef" * 2


def test_sign_prints_a_signed_url_that_zegos_checks_accept(cli):
    from fake_zego import FakeZego

    with FakeZego({7: SECRET}) as fake:
        args = [
            "sign",
            "DescribeUserNum",
            "--app-id",
            "7",
            "--param",
            "RoomId=r1",
            "--param",
            "RoomId=r2",
        ]
        result = cli(*args, "--param", "RoomId=a=b", "--base-url", fake.url)
        assert result.returncode == 0, result.stderr
        url = result.stdout.strip()
        assert url.startswith(fake.url + "?Action=DescribeUserNum&AppId=7&")
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 (the local stand-in)
            assert json.loads(response.read())["Code"] == 0
        assert fake.requests[0]["query"]["RoomId[]"] == ["r1", "r2", "a=b"]
    rooms = ("--param", "RoomId=r")
    assert cli(
        "sign", "DescribeUserNum", *rooms, "--app-id", "1", "--region", "sgp"
    ).stdout.startswith("https://rtc-api-sgp.zego.im/?")
    assert cli("sign", "Later", "--app-id", "1", "--product", "zim").stdout.startswith(
        "https://zim-api.zego.im/?Action=Later&"
    )


def query_of(result):
    return urllib.parse.parse_qs(urllib.parse.urlsplit(result.stdout.strip()).query)


@pytest.mark.parametrize(
    "params",
    [["RoomId[]=room1"], ["RoomId=room1", "RoomId=room2"], ["RoomId[]=room1", "RoomId=room2"]],
)
def test_sign_makes_a_list_of_a_key_written_with_brackets_or_repeated(cli, params):
    result = cli(
        "sign", "DescribeUserNum", "--app-id", "1", *(arg for p in params for arg in ("--param", p))
    )
    assert result.returncode == 0, result.stderr
    assert query_of(result)["RoomId[]"] == [p.partition("=")[2] for p in params]
    assert "RoomId" not in query_of(result)


@pytest.mark.parametrize("where", ["--help", "README.md"])
def test_the_sign_example_builds_the_python_examples_query(cli, where):
    from src import ZegoProject

    text = (
        cli("--help").stdout
        if where == "--help"
        else (ROOT / "README.md").read_text(encoding="utf-8")
    )
    (example,) = [line for line in text.splitlines() if "zego-token04 sign " in line]
    arguments = shlex.split(example.split("$(", 1)[-1].split(")", 1)[0].split("#")[0])[1:]
    result = cli(*arguments, "--app-id", "1")
    python = ZegoProject(1, SECRET).api_url("DescribeUserNum", {"RoomId": ["room1"]})
    wanted = {k: v for k, v in urllib.parse.parse_qs(urllib.parse.urlsplit(python).query).items()}
    shown = query_of(result)
    common = {"SignatureNonce", "Timestamp", "Signature"}
    assert {k: v for k, v in shown.items() if k not in common} == {
        k: v for k, v in wanted.items() if k not in common
    }


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--param", "novalue"], "--param must be KEY=VALUE"),
        (["--param", f"k=x{SECRET}"], "holds the ServerSecret"),
        (["--param", f"{SECRET}=v"], "holds the ServerSecret"),
        (["--base-url", f"https://{SECRET}.example/"], "holds the ServerSecret"),
        (["--product", SECRET], "holds the ServerSecret"),
        (["--region", "mars"], "--region must be one of"),
        (["--product", "zimm"], "--product must be one of"),
        (["--base-url", "notaurl"], "--base-url must be an http"),
        (["--base-url", "ftp://x/"], "--base-url must be an http"),
        (["--base-url", "https://x/ "], "--base-url must be an http"),
        (["--param", "Signature=x"], "--param"),
        (["--param", "=x"], "--param must be KEY=VALUE"),
        (["--param", "[]=x"], "--param must be KEY=VALUE"),
        (["--param", "RoomIds=x"], "--param: params['RoomIds']"),
        (["--param", "RoomId=" + "r" * 20] * 11, "at most 10 items"),
        ([], None),
    ],
)
def test_sign_refusals_name_the_option(cli, args, words):
    result = cli("sign", "DescribeUserNum", "--app-id", "1", "--param", "RoomId=r", *args)
    if words is None:
        assert result.returncode == 0
    else:
        assert_usage_error(result, words)


CALLBACK_ENV = {"ZEGO_CALLBACK_SECRET": CALLBACK_SECRET}


def test_verify_callback_reads_the_body_on_stdin_and_says_whether_it_is_zegos():
    from src import callback_signature

    fields = {"event": "room_create", "timestamp": int(time.time()), "nonce": "n1", "room_id": "r"}
    body = json.dumps(
        {**fields, "signature": callback_signature(CALLBACK_SECRET, fields["timestamp"], "n1")}
    )
    env = {"ZEGO_CALLBACK_SECRET": CALLBACK_SECRET}
    ok = run_in_process("verify-callback", "--max-age", "300", stdin=body, secret=None, env=env)
    forged = run_in_process(
        "verify-callback", stdin=body.replace('"n1"', '"n2"'), secret=None, env=env
    )
    empty = run_in_process("verify-callback", stdin="", secret=None, env=env)
    assert (ok.returncode, json.loads(ok.stdout)["room_id"]) == (0, "r")
    assert (
        forged.returncode == 1
        and "not ZEGO's callback (bad-signature)" in forged.stderr
        and forged.stdout == ""
    )
    assert_usage_error(empty, "stdin was empty")
    for result in (ok, forged, empty):
        assert CALLBACK_SECRET not in result.stdout + result.stderr


@pytest.mark.parametrize(
    "body",
    [
        b'{"signature": "x", "timestamp": "\\ud800", "nonce": "1"}',
        b'{"signature": "x", "timestamp": "", "nonce": "1"}',
        b"timestamp=&nonce=1&signature=x",
        b'{"Signature": "x", "Timestamp": 1' + b"0" * 400 + b', "Nonce": "1"}',
        b'{"signature": "x", "timestamp": NaN, "nonce": "1"}',
        b"\xff\xfe",
    ],
    ids=["surrogate", "empty-json", "empty-form", "huge", "nan", "not-utf8"],
)
def test_verify_callback_refuses_a_hostile_body_in_one_line(body):
    result = run_in_process(
        "verify-callback", "--max-age", "300", stdin=body, secret=None, env=CALLBACK_ENV
    )
    assert result.returncode == 1 and "not ZEGO's callback (" in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_verify_callback_takes_a_form_body_sent_with_echo():
    from src import callback_signature

    stamp = int(time.time())
    form = f"event=room_create&timestamp={stamp}&nonce=42&signature={callback_signature(CALLBACK_SECRET, stamp, 42)}"
    result = run_in_process(
        "verify-callback", "--max-age", "300", stdin=f"  {form}\n", secret=None, env=CALLBACK_ENV
    )
    assert (result.returncode, json.loads(result.stdout)["nonce"]) == (0, "42"), result.stderr


def test_verify_callback_takes_its_secret_from_the_environment_or_a_file_never_an_argument(
    cli, tmp_path
):
    assert_usage_error(cli("verify-callback", stdin="{}"), "no secret: set ZEGO_CALLBACK_SECRET")
    result = cli("verify-callback", "--secret", CALLBACK_SECRET, stdin="{}")
    assert_usage_error(result, "unrecognized option --secret")
    assert CALLBACK_SECRET not in result.stderr
    path = tmp_path / "callback-secret"
    path.write_text(CALLBACK_SECRET, encoding="ascii")
    result = cli("verify-callback", "--secret-file", str(path), stdin="{}")
    assert result.returncode == 1 and "missing-field" in result.stderr


def test_a_deeply_nested_payload_is_decoded_and_checked_without_a_traceback(cli):
    token = make_token(
        payload="[" * 30_000 + "]" * 30_000, ctime=4_000_000_000, expire=4_000_000_060
    )
    for args in (["decode", "--json", token], ["decode", token], ["check", token, "--json"]):
        result = cli(*args)
        assert result.returncode in (0, 1) and "Traceback" not in result.stderr, result.stderr
        assert result.stdout


def test_a_mistyped_program_option_is_named_with_the_nearest_real_one(cli):
    result = cli("--versio")
    assert_usage_error(result, "--versio", "did you mean --version?")


@pytest.mark.parametrize(
    ("args", "command"),
    [(["generate", "--user-id"], "generate"), (["decode"], "decode"), (["sign"], "sign")],
)
def test_a_commands_usage_error_shows_that_commands_usage(cli, args, command):
    result = cli(*args)
    assert_usage_error(result)
    usage = result.stderr.splitlines()[0]
    assert usage.startswith(f"usage: zego-token04 {command} ") and f"{command} --help" in usage
