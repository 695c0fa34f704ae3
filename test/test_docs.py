"""The README and the guides: every block runs as written; the examples serve over real HTTP."""

import concurrent.futures
import contextlib
import http.cookiejar
import importlib.util
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from support import OTHER_SECRET, SECRET, clean_environment, installed_package_origin, open_token

from src import callback_signature

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = {
    path.relative_to(ROOT).as_posix(): path.read_text(encoding="utf-8")
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
}
README = DOCUMENTS["README.md"]
ENVIRONMENT = {"ZEGO_APP_ID": "1", "ZEGO_SERVER_SECRET": SECRET}
CALLBACK_SECRET = "0123456789abcdef" * 2


def blocks(language):
    """(document, index, text) of every fenced block of ``language`` in the README and the guides."""
    return [
        pytest.param(text, id=f"{name}-{index}")
        for name, document in DOCUMENTS.items()
        for index, text in enumerate(
            re.findall(rf"^```{language}\n(.*?)^```$", document, flags=re.M | re.S)
        )
    ]


PYTHON_BLOCKS = blocks("python")
SHELL_BLOCKS = [
    block for block in blocks("sh") if "pip install" not in block.values[0]
]  # CI runs those (.ci/run)
TRANSCRIPTS = [block for block in blocks("text") if block.values[0].startswith("$ zego-token04 ")]


@pytest.fixture(scope="module")
def import_path(tmp_path_factory):
    """A folder for PYTHONPATH in which `zego_token04` imports: the installed package, or this checkout's src/."""
    folder = tmp_path_factory.mktemp("path")
    if installed_package_origin() is None:
        (folder / "zego_token04").symlink_to(ROOT / "src", target_is_directory=True)
    return folder


def run_documented(arguments, import_path, cwd, **environment):
    """Runs `python <arguments>` as a reader would: the demo project's environment, `zego_token04` importable."""
    env = clean_environment(
        **ENVIRONMENT, PYTHONPATH=os.pathsep.join([str(import_path), str(ROOT)]), **environment
    )
    result = subprocess.run(
        [sys.executable, *arguments],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (
        SECRET not in result.stdout + result.stderr
        and CALLBACK_SECRET not in result.stdout + result.stderr
    )
    assert "Traceback" not in result.stderr, result.stderr
    return result


# A block that calls ZEGO's Server API runs against the local stand-in: the test swaps the host, nothing else.
LOCAL_HOST = (  # every host of the catalogue is the local stand-in's
    "import zego_token04.server._rules as _rules\n"
    "for _facts in [*_rules.actions().values(), *_rules.products().values()]:\n"
    "    _facts.update(host={url!r}.rstrip('/'), regions={{}})\n"
)


@pytest.mark.parametrize("snippet", PYTHON_BLOCKS)
def test_every_python_block_runs_as_written_and_prints_what_its_comments_say(
    snippet, import_path, tmp_path
):
    from fake_zego import FakeZego

    with FakeZego({1: SECRET}, answers={"DescribeUserNum": {"UserCountList": []}}) as fake:
        result = run_documented(
            ["-c", ("" if "transport=" in snippet else LOCAL_HOST.format(url=fake.url)) + snippet],
            import_path,
            tmp_path,
        )  # from an empty folder: a block must not need the checkout as its current folder
    assert result.returncode == 0, f"{snippet}\n---\n{result.stderr}"
    # A print(...) whose line ends with "# text" prints that text, in the order the comments come.
    shown = [
        line.split("  # ", 1)[1]
        for line in snippet.splitlines()
        if line.lstrip().startswith("print(") and "  # " in line
    ]
    printed = iter(result.stdout.splitlines())
    assert all(any(line == expected for line in printed) for expected in shown), (
        shown,
        result.stdout,
    )


def shell(script, import_path, cwd, stdin=""):
    """bash running a documented block, with zego-token04 the command of this checkout (or the installed one)."""
    prelude = 'zego-token04() { "$PYTHON" -m zego_token04 "$@"; }\npython3() { "$PYTHON" "$@"; }\n'
    env = clean_environment(
        **ENVIRONMENT, PYTHON=sys.executable, PYTHONPATH=f"{import_path}{os.pathsep}{ROOT}"
    )
    env["ZEGO_CALLBACK_SECRET"] = CALLBACK_SECRET
    return subprocess.run(
        ["/bin/bash", "-c", prelude + script],
        cwd=cwd,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("script", SHELL_BLOCKS)
def test_every_shell_block_runs_as_written(script, import_path, tmp_path):
    (tmp_path / "test").symlink_to(ROOT / "test")  # the benchmark's path, as from a checkout
    fields = {"event": "room_create", "timestamp": int(time.time()), "nonce": "n1"}
    body = {**fields, "signature": callback_signature(CALLBACK_SECRET, fields["timestamp"], "n1")}
    (tmp_path / "body.json").write_text(json.dumps(body), encoding="utf-8")
    result = shell(script, import_path, tmp_path)
    output = result.stdout + result.stderr
    assert "Traceback" not in output and "usage:" not in output and "error: no " not in output, (
        output
    )
    assert SECRET not in result.stderr


@pytest.mark.parametrize("transcript", TRANSCRIPTS)
def test_every_transcript_is_what_the_command_prints(transcript, import_path, tmp_path):
    # A transcript follows the block that made its $TOKEN; "..." stands for lines left out.
    command, *shown = transcript.rstrip("\n").splitlines()
    document = next(document for document in DOCUMENTS.values() if transcript in document)
    setup = next(line for line in document.splitlines() if line.startswith("TOKEN=$("))
    result = shell(f"{setup}\n{command[2:]}", import_path, tmp_path)
    pattern = "".join(r"(?:.*\n)*?" if line == "..." else re.escape(line) + r"\n" for line in shown)
    assert re.fullmatch(pattern, result.stdout), result.stdout


def test_the_readme_is_short_and_its_first_python_block_needs_only_the_lines_before_it():
    assert len(README.splitlines()) <= 150
    before = README[: README.index("```python")]
    assert "export ZEGO_APP_ID=1 ZEGO_SERVER_SECRET=fa94dd0f974cf2e293728a526b028271" in before


def test_the_api_reference_names_every_name_at_the_package_root():
    import src

    listed = set(re.findall(r"^::: zego_token04\.(\w+)$", DOCUMENTS["docs/api.md"], flags=re.M))
    assert listed == set(src.__all__)


def test_the_docs_site_lists_every_guide():
    nav = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert {name.split("/")[1] for name in DOCUMENTS if name.startswith("docs/")} == set(
        re.findall(r": (\w+\.md)$", nav, flags=re.M)
    )


def load_example(name, monkeypatch, import_path, **environment):
    """A fresh copy of examples/<name>.py, imported under the given environment."""
    for key, value in {**ENVIRONMENT, **environment}.items():
        monkeypatch.setenv(key, value)
    monkeypatch.syspath_prepend(str(import_path))
    spec = importlib.util.spec_from_file_location(
        f"example_{name}", ROOT / "examples" / f"{name}.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


SERVERS = {
    "flask": lambda port: [
        sys.executable,
        "-m",
        "flask",
        "--app",
        "flask_app",
        "run",
        "--port",
        str(port),
    ],
    "fastapi": lambda port: [
        sys.executable,
        "-m",
        "uvicorn",
        "fastapi_app:app",
        "--port",
        str(port),
    ],
}


@contextlib.contextmanager
def serving(framework, import_path, folder, **environment):
    """An example served by its framework's own server in a process of its own, as its docstring says to run it;
    its base URL. When it stops, its log holds no secret and no traceback."""
    port = free_port()
    env = clean_environment(
        ZEGO_APP_ID="2913569222", ZEGO_SERVER_SECRET=SECRET, PYTHONPATH=str(import_path)
    )
    env.update(ZEGO_CALLBACK_SECRET=CALLBACK_SECRET, **environment)
    log = folder / f"{framework}-{port}.log"
    with open(log, "wb") as output:
        process = subprocess.Popen(
            SERVERS[framework](port),
            cwd=ROOT / "examples",
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until_listening(port, process)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()  # stopped by its PID
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    logged = log.read_text(encoding="utf-8", errors="replace")
    assert SECRET not in logged and CALLBACK_SECRET not in logged
    assert "Traceback" not in logged, logged


@pytest.fixture(scope="module", params=sorted(SERVERS))
def server(request, import_path, tmp_path_factory):
    with serving(request.param, import_path, tmp_path_factory.mktemp("server")) as url:
        yield url


def wait_until_listening(port, process):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the server exited with status {process.returncode}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise AssertionError("the server never listened")


class Browser:
    """curl with a cookie jar: POSTs that keep the session the server sets."""

    def __init__(self, base):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def get(self, path):
        try:
            with self.opener.open(self.base + path, timeout=30) as r:
                return r.status, json.loads(r.read(65536))
        except urllib.error.HTTPError as error:
            with error:
                return error.code, error.read(65536).decode("utf-8", "replace")

    def post(self, path, **form):
        data = urllib.parse.urlencode(form).encode("ascii")
        try:
            request = urllib.request.Request(self.base + path, data=data, method="POST")  # noqa: S310  loopback
            with self.opener.open(request, timeout=30) as r:
                return r.status, json.loads(r.read(65536))
        except urllib.error.HTTPError as error:
            with error:
                return error.code, error.read(65536).decode("utf-8", "replace")


def test_the_example_serves_a_token_to_a_signed_in_client_over_http(server):
    browser = Browser(server)
    assert browser.post("/login", user_id="user_42") == (200, {"user_id": "user_42"})
    status, document = browser.post("/zego/token")
    assert status == 200, document
    body, _ = open_token(document["token"], SECRET)
    assert (body["app_id"], body["user_id"], body["expire"] - body["ctime"]) == (
        2913569222,
        "user_42",
        3600,
    )
    assert (document["app_id"], document["user_id"], document["expires_in"]) == (
        2913569222,
        "user_42",
        3600,
    )


def test_the_example_refuses_a_client_that_is_not_signed_in(server):
    status, _ = Browser(server).post("/zego/token")
    assert status == 401


def test_the_example_refuses_to_sign_in_a_user_id_the_sdk_would_refuse(server):
    browser = Browser(server)
    status, text = browser.post("/login", user_id="user 42")
    assert status == 400 and "characters the SDK refuses" in text
    assert browser.post("/zego/token")[0] == 401


@pytest.mark.parametrize("name", ["flask_app", "fastapi_app"])
@pytest.mark.parametrize("secret", [OTHER_SECRET[:31], "秘" * 32, ""])
def test_the_example_refuses_to_start_with_a_malformed_secret(
    monkeypatch, import_path, name, secret
):
    with pytest.raises(ValueError, match="ZEGO_SERVER_SECRET") as caught:
        load_example(name, monkeypatch, import_path, ZEGO_SERVER_SECRET=secret)
    assert not secret or secret not in str(caught.value)


@pytest.mark.parametrize("name", ["flask_app", "fastapi_app"])
def test_the_example_docstring_shows_the_requests_the_tests_make(name):
    doc = (ROOT / "examples" / f"{name}.py").read_text(encoding="utf-8")
    assert "curl -c jar -d user_id=user_42 http://127.0.0.1:" in doc
    assert "curl -b jar -X POST http://127.0.0.1:" in doc
    assert "DEMO ONLY" in doc


def post_callback(server, body, content_type="application/json"):
    request = urllib.request.Request(  # noqa: S310  loopback
        server + "/zego/callback", data=body, method="POST", headers={"Content-Type": content_type}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, json.loads(response.read(65536))
    except urllib.error.HTTPError as error:
        with error:
            return error.code, None


def signed_callback(**fields):
    fields = {"event": "room_create", "appid": 2913569222, "timestamp": int(time.time()), **fields}
    signature = callback_signature(CALLBACK_SECRET, fields["timestamp"], fields["nonce"])
    return {**fields, "signature": signature}


def test_the_example_takes_zegos_callback_and_handles_a_retry_once(server):
    callback = signed_callback(nonce=f"n{time.monotonic_ns()}", room_id="room1")
    body = json.dumps(callback).encode()
    assert post_callback(server, body) == (200, {"handled": True})
    assert post_callback(server, body) == (200, {"handled": False})  # ZEGO resent it
    form = urllib.parse.urlencode(signed_callback(nonce=f"f{time.monotonic_ns()}")).encode()
    assert post_callback(server, form, "application/x-www-form-urlencoded") == (
        200,
        {"handled": True},
    )


@pytest.mark.parametrize(
    "change",
    [
        lambda callback: {**callback, "room_id": "room2"} | {"nonce": callback["nonce"] + "x"},
        lambda callback: {**callback, "signature": "0" * 40},
        lambda callback: {key: value for key, value in callback.items() if key != "signature"},
        lambda callback: signed_callback(
            nonce=callback["nonce"], timestamp=callback["timestamp"] - 3600
        ),
    ],
    ids=["tampered", "forged", "unsigned", "replayed-an-hour-later"],
)
def test_the_example_refuses_a_callback_that_is_not_zegos(server, change):
    callback = change(signed_callback(nonce=f"n{time.monotonic_ns()}", room_id="room1"))
    assert post_callback(server, json.dumps(callback).encode())[0] == 401


def test_the_server_api_script_calls_one_action_over_http(import_path):
    from fake_zego import FakeZego

    answers = {"DescribeUserNum": {"UserCountList": [{"RoomId": "room1", "UserCount": 2}]}}
    with FakeZego({2913569222: SECRET}, answers=answers) as fake:
        env = clean_environment(
            ZEGO_APP_ID="2913569222", ZEGO_SERVER_SECRET=SECRET, PYTHONPATH=str(import_path)
        )
        run = {
            "cwd": ROOT / "examples",
            "capture_output": True,
            "text": True,
            "timeout": 60,
            "check": False,
        }
        result = subprocess.run(
            [sys.executable, "server_api.py", "room1"],
            env={**env, "ZEGO_API_BASE_URL": fake.url},
            **run,
        )
        assert (result.returncode, json.loads(result.stdout)) == (0, answers["DescribeUserNum"]), (
            result.stderr
        )
        assert fake.requests[0]["query"]["RoomId[]"] == ["room1"]
        refused = subprocess.run(
            [sys.executable, "server_api.py"],
            env={**env, "ZEGO_SERVER_SECRET": OTHER_SECRET, "ZEGO_API_BASE_URL": fake.url},
            **run,
        )
    assert (
        refused.returncode == 1
        and "code 100000005" in refused.stderr
        and "Traceback" not in refused.stderr
    )
    assert OTHER_SECRET not in refused.stderr


def test_the_fastapi_example_calls_the_server_api_with_acall_api_over_http(import_path, tmp_path):
    from fake_zego import FakeZego

    answers = {"DescribeUserNum": {"UserCountList": [{"RoomId": "room1", "UserCount": 2}]}}
    with FakeZego({2913569222: SECRET}, answers=answers) as fake:
        with serving("fastapi", import_path, tmp_path, ZEGO_API_BASE_URL=fake.url) as url:
            browser = Browser(url)
            assert browser.get("/rooms/room1/users")[0] == 401  # not signed in
            browser.post("/login", user_id="user_42")
            for _ in range(5):
                assert browser.get("/rooms/room1/users") == (200, answers["DescribeUserNum"])
            fake.answers["DescribeUserNum"] = {"Code": 100000005, "Message": "signature wrong"}
            assert browser.get("/rooms/room1/users")[0] == 502
        assert [request["query"]["RoomId[]"] for request in fake.requests] == [["room1"]] * 6
    assert fake.connections == 1  # one client for the app's event loop, its connection kept alive


HOSTILE_CALLBACKS = {
    "lone-surrogate-timestamp": b'{"signature": "%s", "timestamp": "\\ud800", "nonce": "1"}'
    % (b"0" * 40),
    "lone-surrogate-nonce": b'{"Signature": "%s", "Timestamp": 1, "Nonce": "\\udfff"}'
    % (b"0" * 40),
    "empty-timestamp": b'{"signature": "x", "timestamp": "", "nonce": "1"}',
    "empty-form-nonce": b"timestamp=1&nonce=&signature=x",
    "huge-timestamp": b'{"signature": "x", "timestamp": 1%s, "nonce": "1"}' % (b"0" * 400),
    "nan": b'{"signature": "x", "timestamp": NaN, "nonce": "1"}',
    "not-utf8": b"\xff\xfe",
    "a-list": b"[]",
}


@pytest.mark.parametrize("body", HOSTILE_CALLBACKS.values(), ids=HOSTILE_CALLBACKS.keys())
def test_the_example_answers_401_to_any_malformed_callback(server, body):
    assert post_callback(server, body)[0] == 401  # and the server logs no traceback: see serving()


def test_two_app_processes_on_one_redis_handle_a_callback_once(import_path, tmp_path, redis_url):
    import redis

    redis.Redis.from_url(redis_url).flushdb()
    with (
        serving("flask", import_path, tmp_path, REDIS_URL=redis_url) as first,
        serving("fastapi", import_path, tmp_path, REDIS_URL=redis_url) as second,
    ):
        body = json.dumps(signed_callback(nonce=f"r{time.monotonic_ns()}")).encode()
        with concurrent.futures.ThreadPoolExecutor(4) as pool:
            answers = list(
                pool.map(lambda url: post_callback(url, body), [first, second, first, second])
            )
        resent = [post_callback(url, body) for url in (first, second)]  # after the first is done
    # One delivery is handled; one that came while it was handled is told to come back (503),
    # one that came after it is answered 200 and not handled again.
    assert sum(answer == (200, {"handled": True}) for answer in answers) == 1
    assert all(
        answer in ((503, None), (200, {"handled": False}))
        for answer in answers
        if answer != (200, {"handled": True})
    )
    assert resent == [(200, {"handled": False})] * 2


@pytest.mark.parametrize("framework", sorted(SERVERS))
def test_with_redis_unreachable_the_example_answers_503_and_zego_retries(
    import_path, tmp_path, framework
):
    pytest.importorskip("redis")
    closed = f"redis://127.0.0.1:{free_port()}/0"
    with serving(framework, import_path, tmp_path, REDIS_URL=closed) as url:
        body = json.dumps(signed_callback(nonce=f"u{time.monotonic_ns()}")).encode()
        assert post_callback(url, body)[0] == 503


def checkout_file(*parts):
    """A file of the checkout that the sdist does not carry (.ci/run, .gitignore): the test skips without it."""
    path = ROOT.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{'/'.join(parts)} is in a checkout, not in the sdist")
    return path.read_text(encoding="utf-8")


def test_the_readme_has_the_two_commands_a_newcomer_runs_and_ci_runs_both():
    ci = checkout_file(".ci", "run")
    for marker in (
        "# Install into ./.venv, and print a token",
        "# Run the test suite, in its own ./.venv-test",
    ):
        (line,) = [
            index for index, text in enumerate(README.splitlines()) if text.startswith(marker)
        ]
        command = README.splitlines()[line + 1]
        assert command.startswith("python3 -m venv ") and f"grep -A1 '^{marker}" in ci
    assert "pytest" in command and "[test]" in command


def test_no_coverage_database_is_kept():
    ignored = checkout_file(".gitignore").splitlines()
    assert ".coverage" in ignored
    git = shutil.which("git")
    if (ROOT / ".git").exists() and git:
        tracked = subprocess.run(
            [git, "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout
        assert not [
            path for path in tracked.splitlines() if Path(path).name.startswith(".coverage")
        ]


def test_the_example_refuses_a_body_over_a_megabyte_before_reading_it(server):
    # A client announces 256 MiB and sends 10 bytes: the answer comes at once, nothing more read.
    host, port = server.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as client:
        head = (
            f"POST /zego/callback HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {256 * 1024 * 1024}\r\n\r\n"
        )
        client.sendall(head.encode() + b'{"a": 1, ')
        assert client.recv(64).startswith(b"HTTP/1.1 413")


def test_a_code_0_answer_without_data_is_an_answer_not_a_500(import_path, tmp_path):
    from fake_zego import FakeZego

    answers = {"DescribeUserNum": {"Code": 0}}
    with (
        FakeZego({2913569222: SECRET}, answers=answers) as fake,
        serving("fastapi", import_path, tmp_path, ZEGO_API_BASE_URL=fake.url) as url,
    ):
        browser = Browser(url)
        browser.post("/login", user_id="user_42")
        assert browser.get("/rooms/room1/users") == (200, {})
