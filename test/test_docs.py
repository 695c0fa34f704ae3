"""The README's Python snippets run as written; the examples serve tokens through their frameworks' test clients."""

import importlib.util
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from support import OTHER_SECRET, SECRET, clean_environment, installed_package_origin, open_token

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
SNIPPETS = re.findall(r"^```python\n(.*?)^```$", README, flags=re.M | re.S)
ENVIRONMENT = {"ZEGO_APP_ID": "1", "ZEGO_SERVER_SECRET": SECRET}


@pytest.fixture(scope="module")
def import_path(tmp_path_factory):
    """A folder for PYTHONPATH in which `zego_token04` imports: the installed package, or this checkout's src/."""
    folder = tmp_path_factory.mktemp("path")
    if installed_package_origin() is None:
        (folder / "zego_token04").symlink_to(ROOT / "src", target_is_directory=True)
    return folder


def test_the_readme_has_snippets_for_each_part():
    assert len(SNIPPETS) >= 6
    assert any("generate_token04" in s for s in SNIPPETS)
    assert any("decode_token04" in s for s in SNIPPETS)


def run_documented(arguments, import_path, cwd):
    """Runs `python <arguments>` as a reader would: the demo project's environment, `zego_token04` importable."""
    env = clean_environment(**ENVIRONMENT, PYTHONPATH=os.pathsep.join([str(import_path), str(ROOT)]))
    result = subprocess.run(
        [sys.executable, *arguments], cwd=cwd, env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert SECRET not in result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    return result


@pytest.mark.parametrize("snippet", SNIPPETS, ids=[f"snippet-{n}" for n in range(len(SNIPPETS))])
def test_every_readme_python_snippet_runs_as_written(snippet, import_path, tmp_path):
    result = run_documented(["-c", snippet], import_path, tmp_path)
    assert result.returncode == 0, f"{snippet}\n---\n{result.stderr}"


# --- the worked example of check: what the README shows is what check prints --------------

CHECK_SNIPPET = next(snippet for snippet in SNIPPETS if "check_token04(" in snippet and "report.findings" in snippet)
CHECK_TRANSCRIPT = re.search(r"^```sh\n\$ (zego-token04 check .*?)\n(.*?)^```$", README, flags=re.M | re.S)


def test_the_check_example_prints_the_findings_its_comments_show(import_path, tmp_path):
    ok_shown = re.search(r"^print\(report\.ok\) +# (True|False)$", CHECK_SNIPPET, flags=re.M).group(1)
    findings_shown = [line[2:] for line in CHECK_SNIPPET.splitlines() if line.startswith(("# error ", "# warning "))]
    assert findings_shown
    result = run_documented(["-c", CHECK_SNIPPET], import_path, tmp_path)
    assert result.stdout.splitlines() == [ok_shown, *findings_shown]


def test_the_check_command_transcript_is_what_the_command_prints(import_path, tmp_path):
    # The shell example checks the token of the Python example ("the same from a shell").
    token = run_documented(["-c", CHECK_SNIPPET + "\nprint(token)"], import_path, tmp_path).stdout.splitlines()[-1]
    command, shown = CHECK_TRANSCRIPT.groups()
    arguments = shlex.split(command.replace('"$TOKEN"', shlex.quote(token)))
    assert arguments[:2] == ["zego-token04", "check"] and token in arguments
    result = run_documented(["-m", "zego_token04", *arguments[1:]], import_path, tmp_path)
    assert result.returncode == 1  # the README: exit 1 when not ok
    # "..." in the transcript stands for lines left out; every other line is printed as shown, in order.
    pattern = "".join(r"(?:.*\n)*?" if line == "..." else re.escape(line) + r"\n" for line in shown.splitlines())
    assert re.fullmatch(pattern, result.stdout), result.stdout


def load_example(name, monkeypatch, import_path, **environment):
    """A fresh copy of examples/<name>.py, imported under the given environment."""
    for key, value in {**ENVIRONMENT, **environment}.items():
        monkeypatch.setenv(key, value)
    monkeypatch.syspath_prepend(str(import_path))
    spec = importlib.util.spec_from_file_location(f"example_{name}", ROOT / "examples" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- Flask ---------------------------------------------------------------------------


def test_flask_example_serves_a_token_for_the_signed_in_user(monkeypatch, import_path):
    app = load_example("flask_app", monkeypatch, import_path, ZEGO_APP_ID="2913569222").app
    client = app.test_client()
    with client.session_transaction() as session:
        session["user_id"] = 42  # an integer primary key, as most user tables have
    response = client.post("/zego/token")
    assert response.status_code == 200, response.data
    document = response.get_json()
    body, _ = open_token(document["token"], SECRET)
    assert (body["app_id"], body["user_id"]) == (2913569222, "42")
    assert (document["app_id"], document["user_id"], document["expires_in"]) == (2913569222, "42", 3600)
    assert body["expire"] - body["ctime"] == 3600


def test_flask_example_refuses_a_visitor_who_is_not_signed_in(monkeypatch, import_path):
    client = load_example("flask_app", monkeypatch, import_path).app.test_client()
    assert client.post("/zego/token").status_code == 401
    assert client.get("/zego/token").status_code == 405


def test_flask_example_answers_500_without_the_secret_when_it_is_malformed(monkeypatch, import_path, caplog):
    bad_secret = OTHER_SECRET[:31]
    client = load_example("flask_app", monkeypatch, import_path, ZEGO_SERVER_SECRET=bad_secret).app.test_client()
    with client.session_transaction() as session:
        session["user_id"] = "u"
    response = client.post("/zego/token")
    assert response.status_code == 500
    assert bad_secret not in response.get_data(as_text=True)
    assert bad_secret not in caplog.text
    assert "code 5" in caplog.text


# --- FastAPI -------------------------------------------------------------------------


def test_fastapi_example_serves_a_token_for_the_signed_in_user(monkeypatch, import_path):
    from fastapi.testclient import TestClient

    example = load_example("fastapi_app", monkeypatch, import_path)
    example.app.dependency_overrides[example.current_user] = lambda: example.User(id=42, name="Ann")
    response = TestClient(example.app).post("/zego/token")
    assert response.status_code == 200, response.text
    document = response.json()
    body, _ = open_token(document["token"], SECRET)
    assert (body["app_id"], body["user_id"]) == (1, "42")
    assert document["user_id"] == "42"


def test_fastapi_example_refuses_a_visitor_who_is_not_signed_in(monkeypatch, import_path):
    from fastapi.testclient import TestClient

    example = load_example("fastapi_app", monkeypatch, import_path)
    assert TestClient(example.app).post("/zego/token").status_code == 401


def test_fastapi_example_answers_500_without_the_secret_when_it_is_malformed(monkeypatch, import_path):
    from fastapi.testclient import TestClient

    bad_secret = "秘" * 32
    example = load_example("fastapi_app", monkeypatch, import_path, ZEGO_SERVER_SECRET=bad_secret)
    example.app.dependency_overrides[example.current_user] = lambda: example.User(id=7, name="Bo")
    response = TestClient(example.app).post("/zego/token")
    assert response.status_code == 500
    assert bad_secret not in response.text
