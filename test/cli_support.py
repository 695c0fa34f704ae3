"""What the command's tests share: main(argv) run in this process or in a real one, and the
checks every run gets (no secret in its output, no traceback)."""

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

from support import OTHER_SECRET, SECRET, clean_environment

from src import cli as cli_module

ROOT = Path(__file__).resolve().parent.parent
SECRETS = (SECRET, OTHER_SECRET)


def environment(secret, app_id):
    """The environment a run gets: no ZEGO_ variable but the ones given."""
    env = clean_environment() if secret is None else clean_environment(ZEGO_SERVER_SECRET=secret)
    if app_id is not None:
        env["ZEGO_APP_ID"] = app_id
    return env


def assert_nothing_leaked(result):
    output = result.stdout + result.stderr
    assert not any(secret in output for secret in SECRETS)
    assert "Traceback" not in output


def run_in_process(*args, secret=SECRET, app_id=None, stdin="", encoding="utf-8", env=None):
    """main(args) with its own streams and environment (``env``: more variables), as a CompletedProcess."""
    stdin_stream = io.TextIOWrapper(
        io.BytesIO(stdin.encode("utf-8") if isinstance(stdin, str) else stdin)
    )
    stdout = io.TextIOWrapper(io.BytesIO(), encoding=encoding, newline="\n")
    stderr = io.TextIOWrapper(
        io.BytesIO(), encoding=encoding, errors="backslashreplace", newline="\n"
    )
    streams = {"stdin": stdin_stream, "stdout": stdout, "stderr": stderr}
    variables = {**environment(secret, app_id), **(env or {})}
    with mock.patch.dict(os.environ, variables, clear=True), mock.patch.multiple(sys, **streams):
        status = cli_module.main(list(args))
    outputs = []
    for stream in (stdout, stderr):
        stream.flush()
        outputs.append(stream.buffer.getvalue().decode(encoding))
    result = subprocess.CompletedProcess(list(args), status, *outputs)
    assert_nothing_leaked(result)
    return result


def run_process(*args, secret=SECRET, app_id=None, stdin="", command=(sys.executable, "-m", "src")):
    """The command in a real child process, started from the checkout."""
    result = subprocess.run(
        [*command, *args],
        cwd=ROOT,
        env=environment(secret, app_id),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert_nothing_leaked(result)
    return result


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


def decoded(result):
    return json.loads(result.stdout)


def run_bytes(args, env_overrides=None, stdin=b""):
    """The CLI in a real process with raw bytes in argv and on stdin, under a strict UTF-8 locale."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("ZEGO_", "PYTHONIOENCODING", "LC_", "LANG"))
    }
    env.update(
        {"ZEGO_SERVER_SECRET": SECRET, "LC_ALL": "C.UTF-8", "PYTHONUTF8": "0"},
        **(env_overrides or {}),
    )
    result = subprocess.run(
        [os.fsencode(sys.executable), b"-m", b"src", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert b"Traceback" not in result.stderr
    return result


NOTE = '{"note": "用户 100%"}'  # text no ZEGO SDK takes in an ID goes in a payload


GENERATE_JSON = ["generate", "--app-id", "1", "--user-id", "u", "--payload", NOTE, "--json"]


def shell(command_line, *args):
    """The CLI under sh, so that the command line can close or redirect its streams."""
    return subprocess.run(
        ["/bin/sh", "-c", command_line, "sh", sys.executable, "-m", "src", *args],
        cwd=ROOT,
        env=clean_environment(ZEGO_SERVER_SECRET=SECRET),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


GENERATE = ["generate", "--app-id", "1", "--user-id", "u"]
