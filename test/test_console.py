"""The command's terminal (cli._console): the secret read from a file or the environment, stdin
read within its bound, numbers read as ASCII digits, and output that fails told in one line."""

import json
import os
import subprocess
import sys

import pytest
from cli_support import (
    GENERATE,
    GENERATE_JSON,
    NOTE,
    ROOT,
    assert_usage_error,
    decoded,
    generated,
    run_bytes,
    run_in_process,
    shell,
)
from support import (
    OTHER_SECRET,
    SECRET,
    clean_environment,
    open_token,
)

from src import cli as cli_module
from src import token04
from src.cli import _console as console


def test_missing_secret_is_a_usage_error_naming_both_sources(cli):
    for command in (["generate", "--user-id", "u", "--app-id", "1"], ["decode", "04AAAA"]):
        result = cli(*command, secret=None)
        assert_usage_error(result, "ZEGO_SERVER_SECRET", "--secret-file")


def test_secret_file_is_read_and_stripped(cli, tmp_path):
    path = tmp_path / "secret"
    path.write_text(f"  {OTHER_SECRET}\n\n", encoding="utf-8")
    token = generated(
        cli, "--user-id", "u", "--app-id", "1", "--secret-file", str(path), secret=SECRET
    ).strip()
    assert (
        open_token(token, OTHER_SECRET)[0]["user_id"] == "u"
    )  # the file wins over the environment
    result = cli("decode", "--json", token, "--secret-file", str(path), secret=None)
    assert result.returncode == 0, result.stderr


def test_secret_file_may_start_with_a_byte_order_mark(cli, tmp_path):
    path = tmp_path / "secret"
    path.write_text(f"{OTHER_SECRET}\r\n", encoding="utf-8-sig")  # as Notepad saves it
    token = generated(cli, "--user-id", "u", "--app-id", "1", "--secret-file", str(path)).strip()
    assert open_token(token, OTHER_SECRET)[0]["user_id"] == "u"


def test_no_secret_is_kept_between_calls():
    assert run_in_process("generate", "--app-id", "1", "--user-id", "u").returncode == 0
    assert SECRET not in repr(vars(cli_module))


def test_unreadable_secret_file_is_a_usage_error(cli, tmp_path):
    result = cli(
        "generate", "--user-id", "u", "--app-id", "1", "--secret-file", str(tmp_path / "missing")
    )
    assert_usage_error(result, "--secret-file")


def test_secret_file_read_is_bounded(cli, tmp_path):
    result = cli(
        "generate", "--user-id", "u", "--app-id", "1", "--secret-file", "/dev/zero", secret=None
    )
    assert_usage_error(result, "--secret-file holds more than 1024 bytes")
    long_file = tmp_path / "long"
    long_file.write_text(OTHER_SECRET + " " * (1024 - 32), encoding="ascii")  # exactly the limit
    assert (
        cli(
            "generate", "--user-id", "u", "--app-id", "1", "--secret-file", str(long_file)
        ).returncode
        == 0
    )
    long_file.write_text(OTHER_SECRET + " " * (1024 - 32) + "\n", encoding="ascii")  # one byte more
    assert_usage_error(
        cli("decode", "--json", "04AAAA", "--secret-file", str(long_file)), "more than 1024 bytes"
    )


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"\xff" * 32, "--secret-file must be exactly 32 ASCII characters"),
        (b"", "no secret"),
        (("秘" * 32).encode("utf-8"), "--secret-file must be exactly 32 ASCII characters"),
    ],
    ids=["binary", "empty", "non-ascii"],
)
def test_a_secret_file_that_is_not_a_secret_is_a_usage_error(cli, tmp_path, content, words):
    path = tmp_path / "secret"
    path.write_bytes(content)
    assert_usage_error(
        cli("generate", "--user-id", "u", "--app-id", "1", "--secret-file", str(path)), words
    )
    assert_usage_error(
        cli("generate", "--user-id", "u", "--app-id", "1", "--secret-file", str(tmp_path))
    )


def test_stdin_read_is_bounded(cli):
    result = cli("decode", "--json", "-", stdin="04" + "A" * (2 * 1024 * 1024))
    assert_usage_error(result, f"stdin holds more than {console.STDIN_LIMIT} bytes")
    result = cli(
        "decode", "--json", "-", stdin="04" + "A" * 100_000
    )  # within the bound, longer than any token
    assert (result.returncode, result.stdout) == (1, "")
    assert "longer than any token" in result.stderr


def test_stdin_may_start_with_a_byte_order_mark(cli):
    token = token04.generate_token04(1, "u", SECRET, 3600).token
    result = cli(
        "decode", "--json", "-", stdin=b"\xef\xbb\xbf" + token.encode() + b"\r\n"
    )  # as Notepad saves it
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["user_id"] == "u"


def test_a_byte_order_mark_does_not_stretch_the_stdin_bound(cli):
    # The bound counts every byte read, the mark included: 3 bytes over it are refused as too long,
    # not cut down to a token of the bound's length.
    result = cli("decode", "--json", "-", stdin=b"\xef\xbb\xbf" + b"A" * (console.STDIN_LIMIT))
    assert_usage_error(result, f"stdin holds more than {console.STDIN_LIMIT} bytes")


def test_undecodable_stdin_is_an_invalid_token(cli):
    result = cli("decode", "--json", "-", stdin=b"04\xff\xfeAAAA\n")
    assert result.returncode == 1
    assert result.stderr.startswith("zego-token04: error: invalid token: ")
    assert result.stderr.count("\n") == 1


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
@pytest.mark.parametrize("command", ["generate", "decode"])
def test_output_the_terminal_cannot_encode_is_escaped_not_a_crash(command, encoding):
    token = token04.generate_token04(1, "u", SECRET, 60, NOTE).token
    result = run_in_process(
        *(GENERATE_JSON if command == "generate" else ["decode", "--json", token]),
        encoding=encoding,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["payload"] == NOTE


def test_text_the_terminal_cannot_encode_is_backslash_escaped():
    token = token04.generate_token04(1, "用户", SECRET, 60, "").token
    result = run_in_process("decode", token, encoding="ascii")
    assert result.returncode == 0, result.stderr
    assert "\\u7528\\u6237" in result.stdout


def test_the_real_stdout_encoding_is_the_one_escaped_for():
    result = run_bytes([word.encode() for word in GENERATE_JSON], {"PYTHONIOENCODING": "ascii"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.isascii()
    assert json.loads(result.stdout)["payload"] == NOTE


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full here")
@pytest.mark.parametrize("args", [GENERATE, ["--help"], ["decode", "04AAAA"]])
def test_a_full_disk_is_one_line_and_exit_3(args):
    result = shell('"$@" >/dev/full', *args)
    expected = 1 if args[0] == "decode" else 3  # an invalid token prints nothing on stdout
    assert result.returncode == expected
    if expected == 3:
        assert (
            result.stderr
            == "zego-token04: error: cannot write to stdout: No space left on device\n"
        )


def test_a_closed_pipe_is_one_line_and_exit_3():
    result = shell('"$@" | true; exit 0', *GENERATE)  # sh reports the right side; we read stderr
    # `true` may exit before or after the write: either the token went into the pipe, or it broke.
    assert result.stderr in ("", "zego-token04: error: cannot write to stdout: Broken pipe\n")
    reader, writer = os.pipe()
    os.close(reader)
    env = clean_environment(ZEGO_SERVER_SECRET=SECRET)
    result = subprocess.run(
        [sys.executable, "-m", "src", *GENERATE],
        cwd=ROOT,
        env=env,
        stdout=writer,
        stderr=subprocess.PIPE,
        text=True,
        timeout=60,
        check=False,
    )
    os.close(writer)
    assert result.returncode == 3
    assert result.stderr == "zego-token04: error: cannot write to stdout: Broken pipe\n"


@pytest.mark.parametrize("args", [GENERATE, ["--version"], ["decode", "04AAAA"], ["decode"]])
def test_a_closed_stdout_does_not_claim_success(args):
    # Only a failed write to stdout is exit 3: an invalid token (1) and a usage error (2) print nothing there.
    result = shell('"$@" >&-', *args)
    assert (
        result.returncode
        == {"generate": 3, "--version": 3, "decode": 1 if len(args) > 1 else 2}[args[0]]
    )
    if result.returncode == 3:
        assert result.stderr == "zego-token04: error: cannot write to stdout: it is closed\n"


@pytest.mark.parametrize("value", ["١٢", "1_000", " +7 ", "+7", "0x10", "1e3", "", "9" * 21])
def test_numbers_are_plain_ascii_digits(cli, value):
    assert_usage_error(cli("generate", "--user-id", "u", app_id=value or "\t"), "ZEGO_APP_ID")
    assert_usage_error(cli("generate", "--user-id", "u", "--app-id", value), "--app-id")
    assert_usage_error(cli("generate", "--user-id", "u", "--app-id", "1", "--ttl", value), "--ttl")


def test_app_id_with_leading_zeros_is_still_a_number(cli):
    token = generated(cli, "--user-id", "u", "--app-id", "007").strip()
    assert open_token(token, SECRET)[0]["app_id"] == 7


def test_app_id_is_read_as_from_env_reads_it_white_space_around_it_taken_off(cli):
    for args, app_id in ((["--app-id", " 7\n"], None), ([], " 8\t")):
        token = generated(cli, "--user-id", "u", *args, app_id=app_id).strip()
        assert open_token(token, SECRET)[0]["app_id"] == (7 if args else 8)


@pytest.mark.parametrize("around", [("", "\r\n"), ("  ", " \t"), ("\n", "\r")])
def test_a_token_argument_is_stripped_like_stdin(cli, around):
    token = generated(cli, "--user-id", "u", "--app-id", "1").strip()
    result = cli("decode", "--json", around[0] + token + around[1])
    assert result.returncode == 0, result.stderr
    assert decoded(result)["user_id"] == "u"
    result = cli("decode", "--json", "-", stdin=around[0] + token + around[1])
    assert result.returncode == 0, result.stderr
