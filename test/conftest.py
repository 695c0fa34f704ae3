"""pytest configuration: what is collected, and how hard the property tests try.

The samples ``test.py`` and ``test_rtcroom.py`` are scripts a user runs (test_samples.py runs them
in a child process); they are not test modules.

Hypothesis runs the "quick" profile by default, for a contributor's run of the whole suite; CI
selects "thorough" (``HYPOTHESIS_PROFILE=thorough``), with many more examples per property.
"""

import importlib.util
import os
import shutil
import signal
import socket
import subprocess
import sys
import time

import pytest
from hypothesis import HealthCheck, settings

collect_ignore = ["test.py", "test_rtcroom.py", "benchmark.py"]

settings.register_profile("quick", max_examples=60, deadline=None)
settings.register_profile(
    "thorough", max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "quick"))


def pytest_configure(config):
    """The suite's worker processes (pytest-xdist) run as strictly as this one: ``python -X dev
    -W error -m pytest`` reaches them through the variables they inherit."""
    if sys.flags.dev_mode:
        os.environ.setdefault("PYTHONDEVMODE", "1")
    if sys.warnoptions:
        os.environ.setdefault("PYTHONWARNINGS", ",".join(sys.warnoptions))


@pytest.fixture(autouse=True)
def _quick_retries(monkeypatch):
    """Retries wait milliseconds, not ZEGO's 0.2 s and more: the tests count tries, not waits
    (test_api_client times the real first wait once)."""
    from src.server import _wire

    monkeypatch.setattr(_wire, "_FIRST_DELAY", 0.001)


class RedisServer:
    """A real redis-server on 127.0.0.1 and a free port, that a test may stop, pause and restart."""

    def __init__(self, folder):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.folder, self.process = folder, None

    def start(self):
        arguments = ["--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
        arguments += ["--appendonly", "no", "--dir", str(self.folder)]
        self.process = subprocess.Popen(
            [shutil.which("redis-server"), *arguments],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            stdin=subprocess.DEVNULL,
        )
        import redis

        with redis.Redis(port=self.port, socket_timeout=5, socket_connect_timeout=1) as client:
            deadline = time.monotonic() + 30
            while True:
                try:
                    client.ping()
                    return self
                except redis.ConnectionError:
                    if self.process.poll() is not None or time.monotonic() > deadline:
                        raise AssertionError("redis-server did not start") from None
                    time.sleep(0.02)

    def stop(self):
        if self.process is not None:
            self.process.send_signal(signal.SIGCONT)  # a paused one hears SIGTERM too
            self.process.terminate()
            self.process.wait(timeout=30)
            self.process = None

    def pause(self):
        self.process.send_signal(signal.SIGSTOP)

    def resume(self):
        self.process.send_signal(signal.SIGCONT)


def _redis_or_skip():
    missing = ""
    if shutil.which("redis-server") is None:
        missing = "redis-server is not installed (Debian: apt-get install redis-server)"
    elif importlib.util.find_spec("redis") is None:
        missing = "redis-py is not installed (pip install '.[redis]')"
    if missing:
        (pytest.fail if os.environ.get("CI") else pytest.skip)(missing)


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    """The suite's redis-server (CI installs Debian's package).

    Where none is installed the Redis tests skip, saying so; in CI (CI set) that is a failure instead.
    """
    _redis_or_skip()
    server = RedisServer(tmp_path_factory.mktemp("redis")).start()
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture
def redis_server(tmp_path):
    """A redis-server of the test's own, to stop, pause with SIGSTOP and restart."""
    _redis_or_skip()
    server = RedisServer(tmp_path).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def cli():
    """The command run in this process: cli(*args, secret=..., stdin=...) -> CompletedProcess."""
    from cli_support import run_in_process

    return run_in_process
