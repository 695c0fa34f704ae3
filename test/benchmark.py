"""Benchmark: generate_token04 and decode_token04 against the cost of their primitives.

    python test/benchmark.py [--json] [--repeat N] [--seconds S]

Run it in a venv with only the runtime dependency (``pip install .``): there
pycryptodome calls its C code through ctypes, as in production. The test extra
brings cffi, which pycryptodome then prefers, and which changes the figures;
the backend measured is printed with them.

Each operation is timed, best of several repeats taken in turns with its floor, in microseconds per call and
calls per second, beside its floor: the bare pycryptodome cipher construction
plus encrypt (or decrypt) of the same body, plus one JSON encode (or decode).
The ratio says how much the library adds to work no token04 library can skip.
No thresholds: the figures are for reading, not for passing or failing.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import timeit
from typing import Any, Callable

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir))  # the checkout's src

import Crypto
import Crypto.Util._raw_api
from Crypto.Cipher import AES
from Crypto.Util.Padding import pad, unpad

from src import __version__, token04

SECRET = "fa94dd0f974cf2e293728a526b028271"
KEY = SECRET.encode("ascii")
CBC_IV = b"0123456789abcdef"
GCM_NONCE = os.urandom(12)
PRIVILEGE_PAYLOAD = token04.rtc_room_payload("room1", login=True, publish=True, stream_ids=None)


def body_members(payload: str) -> dict[str, Any]:
    return {
        "app_id": 1,
        "user_id": "demo",
        "nonce": 1234567890,
        "ctime": 1_700_000_000,
        "expire": 1_700_003_600,
        "payload": payload,
    }


def encode_body(members: dict[str, Any]) -> bytes:
    return json.dumps(members, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def generate_floor(payload: str, mode: str) -> Callable[[], object]:
    members = body_members(payload)
    if mode == token04.MODE_GCM:
        return lambda: AES.new(KEY, AES.MODE_GCM, nonce=GCM_NONCE).encrypt_and_digest(encode_body(members))
    return lambda: AES.new(KEY, AES.MODE_CBC, CBC_IV).encrypt(pad(encode_body(members), 16))


def decode_floor(mode: str) -> Callable[[], object]:
    body = encode_body(body_members(""))
    if mode == token04.MODE_GCM:
        ciphertext, tag = AES.new(KEY, AES.MODE_GCM, nonce=GCM_NONCE).encrypt_and_digest(body)
        return lambda: json.loads(
            AES.new(KEY, AES.MODE_GCM, nonce=GCM_NONCE).decrypt_and_verify(ciphertext, tag).decode("utf-8")
        )
    ciphertext = AES.new(KEY, AES.MODE_CBC, CBC_IV).encrypt(pad(body, 16))
    return lambda: json.loads(unpad(AES.new(KEY, AES.MODE_CBC, CBC_IV).decrypt(ciphertext), 16).decode("utf-8"))


def cases() -> list[tuple[str, Callable[[], object], Callable[[], object]]]:
    generate = token04.generate_token04
    decode = token04.decode_token04
    cbc_token = generate(1, "demo", SECRET, 3600, "").token
    gcm_token = generate(1, "demo", SECRET, 3600, "", mode="gcm").token
    return [
        ("generate basic cbc", lambda: generate(1, "demo", SECRET, 3600, ""), generate_floor("", "cbc")),
        (
            "generate privilege cbc",
            lambda: generate(1, "demo", SECRET, 3600, PRIVILEGE_PAYLOAD),
            generate_floor(PRIVILEGE_PAYLOAD, "cbc"),
        ),
        (
            "generate basic gcm",
            lambda: generate(1, "demo", SECRET, 3600, "", mode="gcm"),
            generate_floor("", "gcm"),
        ),
        (
            "generate privilege gcm",
            lambda: generate(1, "demo", SECRET, 3600, PRIVILEGE_PAYLOAD, mode="gcm"),
            generate_floor(PRIVILEGE_PAYLOAD, "gcm"),
        ),
        ("decode cbc", lambda: decode(cbc_token, SECRET), decode_floor("cbc")),
        ("decode gcm", lambda: decode(gcm_token, SECRET), decode_floor("gcm")),
    ]


def best_microseconds(
    operation: Callable[[], object], floor: Callable[[], object], repeat: int, seconds: float
) -> tuple[float, float]:
    """The best time per call of `operation` and of its `floor`, in microseconds.

    The two are timed in turns, repeat after repeat, so that a slow spell of the
    machine (a busy neighbour, a lower clock) falls on both alike.
    """
    timers = [timeit.Timer(operation), timeit.Timer(floor)]
    calibration = 20
    numbers = [max(1, int(seconds * calibration / timer.timeit(calibration))) for timer in timers]
    best = [float("inf"), float("inf")]
    for _ in range(repeat):
        for index, timer in enumerate(timers):
            best[index] = min(best[index], timer.timeit(numbers[index]) / numbers[index] * 1e6)
    return best[0], best[1]


def measure(repeat: int, seconds: float) -> dict[str, Any]:
    rows = []
    for name, operation, floor in cases():
        operation_us, floor_us = best_microseconds(operation, floor, repeat, seconds)
        rows.append(
            {
                "operation": name,
                "us_per_call": round(operation_us, 3),
                "calls_per_second": round(1e6 / operation_us),
                "floor_us_per_call": round(floor_us, 3),
                "floor_calls_per_second": round(1e6 / floor_us),
                "ratio": round(operation_us / floor_us, 3),
            }
        )
    return {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "machine": platform.machine(),
        "pycryptodome": Crypto.__version__,
        # "cffi" when cffi is installed (the test extra brings it), else "ctypes", as in a production install.
        "backend": Crypto.Util._raw_api.backend,
        "zego_token04": __version__,
        "repeat": repeat,
        "results": rows,
    }


def print_table(report: dict[str, Any]) -> None:
    print(
        f"zego-token04 {report['zego_token04']}, {report['implementation']} {report['python']} "
        f"({report['machine']}), pycryptodome {report['pycryptodome']} ({report['backend']} backend),"
        f" best of {report['repeat']}"
    )
    header = f"{'operation':<24}{'us/call':>10}{'calls/s':>11}{'floor us':>10}{'floor/s':>11}{'ratio':>8}"
    print(header)
    print("-" * len(header))
    for row in report["results"]:
        print(
            f"{row['operation']:<24}{row['us_per_call']:>10.2f}{row['calls_per_second']:>11,}"
            f"{row['floor_us_per_call']:>10.2f}{row['floor_calls_per_second']:>11,}{row['ratio']:>7.2f}x"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--repeat", type=int, default=15, help="repeats per figure; the best counts (default 15)")
    parser.add_argument("--seconds", type=float, default=0.1, help="seconds per repeat (default 0.1)")
    args = parser.parse_args()
    report = measure(args.repeat, args.seconds)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print_table(report)


if __name__ == "__main__":
    main()
