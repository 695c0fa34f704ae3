"""The sample scripts, run as a user runs them, and the installed package."""

import ast
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from support import OTHER_SECRET, SECRET, needs_install, open_token

HERE = Path(__file__).resolve().parent


def run_sample(script, cwd, **env_overrides):
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZEGO_")}
    env.update(env_overrides)
    result = subprocess.run(
        [sys.executable, str(script)], cwd=cwd, env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    token, code, message = ast.literal_eval(result.stdout.strip())
    assert (code, message) == (0, "success")
    return token


@pytest.mark.parametrize("cwd", [HERE.parent, HERE])
def test_basic_sample_defaults_to_the_demo_project(cwd):
    token = run_sample(HERE / "test.py", cwd)
    body, _ = open_token(token, SECRET)
    assert (body["app_id"], body["user_id"], body["payload"]) == (1, "demo", "")
    assert body["expire"] - body["ctime"] == 3600


def test_basic_sample_reads_the_environment(tmp_path):
    token = run_sample(HERE / "test.py", tmp_path, ZEGO_APP_ID="2913569222", ZEGO_SERVER_SECRET=OTHER_SECRET)
    body, _ = open_token(token, OTHER_SECRET)
    assert body["app_id"] == 2913569222


def test_rtcroom_sample_makes_a_room1_privilege_token(tmp_path):
    token = run_sample(HERE / "test_rtcroom.py", tmp_path, ZEGO_APP_ID="77", ZEGO_SERVER_SECRET=OTHER_SECRET)
    body, _ = open_token(token, OTHER_SECRET)
    assert (body["app_id"], body["user_id"]) == (77, "demo")
    assert json.loads(body["payload"]) == {
        "room_id": "room1",
        "privilege": {"1": 1, "2": 1},
        "stream_id_list": None,
    }


@needs_install
@pytest.mark.parametrize("script", ["test.py", "test_rtcroom.py"])
def test_samples_run_against_the_installed_package(tmp_path, script):
    copied = tmp_path / script  # no checkout beside it: only the installed package can serve it
    shutil.copy(HERE / script, copied)
    token = run_sample(copied, tmp_path)
    assert open_token(token, SECRET)[0]["app_id"] == 1


@needs_install
def test_installed_package_imports_from_any_directory(tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", "from src import token04; print(token04.__file__)"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert "site-packages" in result.stdout


@needs_install
def test_installed_package_ships_its_type_marker_and_console_script():
    from importlib.metadata import distribution

    dist = distribution("zego-token04")
    files = {str(path) for path in dist.files or []}
    assert "src/py.typed" in files
    assert {"src/token04.py", "src/cli.py", "src/__main__.py"} <= files
    scripts = {entry.name: entry.value for entry in dist.entry_points if entry.group == "console_scripts"}
    assert scripts == {"zego-token04": "src.cli:main"}
    assert [req.split(";")[0].strip() for req in dist.requires or [] if "extra" not in req] == ["pycryptodome>=3.9"]


def test_benchmark_script_prints_its_figures():
    result = subprocess.run(
        [sys.executable, str(HERE / "benchmark.py"), "--json", "--repeat", "1", "--seconds", "0.005"],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    report = json.loads(result.stdout)
    operations = [row["operation"] for row in report["results"]]
    assert operations == [
        "generate basic cbc",
        "generate privilege cbc",
        "generate basic gcm",
        "generate privilege gcm",
        "decode cbc",
        "decode gcm",
    ]
    for row in report["results"]:
        assert row["us_per_call"] > 0
        assert row["floor_us_per_call"] > 0
        assert row["ratio"] == pytest.approx(row["us_per_call"] / row["floor_us_per_call"], rel=0.01)
