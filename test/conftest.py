"""pytest configuration: what is collected, and how hard the property tests try.

The samples ``test.py`` and ``test_rtcroom.py`` are scripts a user runs (test_samples.py runs them
in a child process); they are not test modules.

Hypothesis runs the "quick" profile by default, for a contributor's run of the whole suite; CI
selects "thorough" (``HYPOTHESIS_PROFILE=thorough``), with many more examples per property.
"""

import importlib.util
import os
import shutil
import socket
import subprocess
import time

import pytest
from hypothesis import HealthCheck, settings

collect_ignore = ["test.py", "test_rtcroom.py", "benchmark.py"]

settings.register_profile("quick", max_examples=60, deadline=None)
settings.register_profile(
    "thorough", max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "quick"))


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    """A real redis-server on 127.0.0.1 and a free port, for the suite's run (CI installs Debian's package).

    Where none is installed the Redis tests skip, saying so; in CI (CI set) that is a failure instead.
    """
    executable = shutil.which("redis-server")
    missing = (
        "redis-server is not installed (Debian: apt-get install redis-server)"
        if executable is None
        else ""
    )
    if not missing and importlib.util.find_spec("redis") is None:
        missing = "redis-py is not installed (pip install '.[redis]')"
    if missing:
        (pytest.fail if os.environ.get("CI") else pytest.skip)(missing)
    import redis

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    folder = tmp_path_factory.mktemp("redis")
    arguments = [
        "--port",
        str(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        "--dir",
        str(folder),
    ]
    process = subprocess.Popen(
        [executable, *arguments], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    client = redis.Redis(port=port, socket_timeout=5, socket_connect_timeout=1)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError("redis-server did not start") from None
                time.sleep(0.02)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        client.close()
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture
def cli():
    """The command run in this process: cli(*args, secret=..., stdin=...) -> CompletedProcess."""
    from cli_support import run_in_process

    return run_in_process
