"""The sample scripts, run as a user runs them, and the installed package."""

import ast
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from support import (
    OTHER_SECRET,
    SECRET,
    clean_environment,
    editable_install,
    needs_install,
    open_token,
)

HERE = Path(__file__).resolve().parent


def run_sample(script, cwd, **env_overrides):
    env = clean_environment(**env_overrides)
    result = subprocess.run(
        [sys.executable, str(script)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
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
    token = run_sample(
        HERE / "test.py", tmp_path, ZEGO_APP_ID="2913569222", ZEGO_SERVER_SECRET=OTHER_SECRET
    )
    body, _ = open_token(token, OTHER_SECRET)
    assert body["app_id"] == 2913569222


def test_rtcroom_sample_makes_a_room1_privilege_token(tmp_path):
    token = run_sample(
        HERE / "test_rtcroom.py", tmp_path, ZEGO_APP_ID="77", ZEGO_SERVER_SECRET=OTHER_SECRET
    )
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


def python(code, cwd, *, path=None):
    """Run `code` in a fresh interpreter in `cwd`; PYTHONPATH is `path` alone (or unset)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    if path is not None:
        env["PYTHONPATH"] = str(path)
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@needs_install
@pytest.mark.parametrize(
    "statement",
    ["from zego_token04 import token04", "import zego_token04.token04 as token04"],
)
def test_installed_package_imports_from_any_directory_by_its_own_name(tmp_path, statement):
    code = f"{statement}; print(token04.__name__, token04.__file__, token04.generate_token04(1, 'u', {SECRET!r}, 9)[1])"
    name, origin, code = python(code, tmp_path).split()
    assert (name, code) == ("zego_token04.token04", "0")
    if (
        not editable_install()
    ):  # an editable install serves this checkout's src/ under the package's name
        assert Path(origin).parent.name == "zego_token04"


@needs_install
def test_installed_distribution_claims_no_src_name():
    from importlib.metadata import distribution

    dist = distribution("zego-token04")
    files = {str(path) for path in dist.files or []}
    assert not any(path.split("/")[0] == "src" for path in files), sorted(files)
    modules = {"py.typed", "token04.py", "cli/__init__.py", "server/__init__.py", "__main__.py"}
    modules.add("__init__.py")
    if (
        not editable_install()
    ):  # an editable install's files are the checkout's, not the distribution's
        assert {f"zego_token04/{name}" for name in modules} <= files
    assert (dist.read_text("top_level.txt") or "").split() == ["zego_token04"]
    scripts = {
        entry.name: entry.value for entry in dist.entry_points if entry.group == "console_scripts"
    }
    assert scripts == {"zego-token04": "zego_token04.__main__:run"}
    runtime = [
        req.split(";")[0].replace(" ", "") for req in dist.requires or [] if "extra" not in req
    ]
    assert runtime == ["pycryptodome>=3.9.8"]
    assert dist.metadata["License-Expression"] == "MIT"


@needs_install
@pytest.mark.parametrize("with_init", [True, False], ids=["src-package", "src-namespace-folder"])
def test_a_project_with_its_own_src_keeps_it_and_gets_ours(tmp_path, with_init):
    own = tmp_path / "src"
    own.mkdir()
    (own / "models.py").write_text("NAME = 'theirs'\n", encoding="utf-8")
    if with_init:
        (own / "__init__.py").write_text("", encoding="utf-8")
    out = python(
        "from src import models; from zego_token04 import token04; import src;"
        f"print(models.NAME, token04.generate_token04(1, 'u', {SECRET!r}, 60).error_code)",
        tmp_path,
    )
    assert out.split() == ["theirs", "0"]


def test_a_copy_of_src_in_a_project_works_as_upstream_users_use_it(tmp_path):
    shutil.copytree(
        HERE.parent / "src", tmp_path / "src", ignore=shutil.ignore_patterns("__pycache__")
    )
    out = python(
        f"import src; from src import check_token04, token04; info = token04.generate_token04(1, 'u', {SECRET!r}, 60);"
        f"print(src.__file__, info.error_code, check_token04(info.token, {SECRET!r}, user_id='u').ok)",
        tmp_path,
    )
    file, code, ok = out.split()
    assert (Path(file).resolve().parent, code, ok) == ((tmp_path / "src").resolve(), "0", "True")
    env = {
        k: v for k, v in clean_environment(ZEGO_SERVER_SECRET=SECRET).items() if k != "PYTHONPATH"
    }
    result = subprocess.run(
        [sys.executable, "-m", "src", "generate", "--app-id", "1", "--user-id", "u"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert open_token(result.stdout.strip(), SECRET)[0]["user_id"] == "u"


@pytest.mark.parametrize("package", ["src", "myapp/vendor/zego"])
def test_src_copied_as_a_folder_needs_only_the_standard_library_and_pycryptodome(tmp_path, package):
    # src/ is the unit a user copies (issue 23): token04.py alone no longer is.
    shutil.copytree(
        HERE.parent / "src", tmp_path / package, ignore=shutil.ignore_patterns("__pycache__")
    )
    for folder in list((tmp_path / package).parents)[: package.count("/")]:
        (folder / "__init__.py").touch()
    module = package.replace("/", ".")
    out = python(
        f"from {module} import token04; import sys;"
        f"print(token04.generate_token04(1, 'u', {SECRET!r}, 60).error_code);"
        "print(sorted({m.split('.')[0] for m in sys.modules if m.split('.')[0] in ('src', 'zego_token04')}))",
        tmp_path,
        path="",
    )
    # Only the folder it was copied into is loaded: nothing of ours comes with it.
    assert out.split("\n")[:2] == ["0", "['src']" if package == "src" else "[]"]
    imported = set()
    for path in (HERE.parent / "src").glob("*.py"):
        if path.name == "testing.py":  # the fake of ZEGO's API is an httpx transport: the api extra
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                imported.add(node.module.split(".")[0])
    assert imported - set(
        sys.stdlib_module_names if hasattr(sys, "stdlib_module_names") else imported
    ) <= {"Crypto"}


def test_benchmark_script_prints_its_figures():
    result = subprocess.run(
        [
            sys.executable,
            str(HERE / "benchmark.py"),
            "--json",
            "--repeat",
            "1",
            "--seconds",
            "0.005",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    report = json.loads(result.stdout)
    assert report["backend"] in ("ctypes", "cffi")
    operations = [row["operation"] for row in report["results"]]
    assert operations == [
        *(
            f"{verb} {payload} {mode}"
            for verb in ("generate", "decode")
            for mode in ("cbc", "gcm")
            for payload in ("basic", "privilege", "60000-byte")
        ),
        "check kit normal",
        "check kit 16k-hostile",
    ]
    for row in report["results"]:
        assert row["us_per_call"] > 0
        assert row["floor_us_per_call"] > 0
        assert row["ratio"] == pytest.approx(
            row["us_per_call"] / row["floor_us_per_call"], rel=0.01
        )


def test_benchmark_script_prints_the_server_api_ratios():
    pytest.importorskip("httpx")
    result = subprocess.run(
        [sys.executable, str(HERE / "benchmark.py"), "--api", "--api-calls", "5", "--json"],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    figures = json.loads(result.stdout)
    assert len(figures) == 3 and all(ratio > 0 for ratio in figures.values())
