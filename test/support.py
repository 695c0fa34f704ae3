"""Test support: the vectors, an independent token04 codec, and install checks.

The codec shares no code with src/token04.py (slices, not struct; pyca's
cryptography, not pycryptodome), so agreement between the two is evidence
about the format.
"""

import base64
import importlib.util
import json
import os
import shutil
import sys
from pathlib import Path
from typing import Any, Optional

import pytest
from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

SECRET = "fa94dd0f974cf2e293728a526b028271"  # the demo project's ServerSecret (app id 1)
OTHER_SECRET = "0123456789abcdef0123456789abcdef"
IV_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"
VECTORS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "vectors")


def load_vectors(name: str) -> Any:
    with open(os.path.join(VECTORS, name), encoding="utf-8") as f:
        return json.load(f)


def open_token(token: str, secret: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Decrypt a token: (the body's members, the frame's fields)."""
    assert token[:2] == "04"
    frame = base64.b64decode(token[2:], validate=True)
    expire = int.from_bytes(frame[0:8], "big", signed=True)
    iv_size = int.from_bytes(frame[8:10], "big")
    iv = frame[10 : 10 + iv_size]
    at = 10 + iv_size
    ciphertext_size = int.from_bytes(frame[at : at + 2], "big")
    ciphertext = frame[at + 2 : at + 2 + ciphertext_size]
    trailer = frame[at + 2 + ciphertext_size :]
    key = secret.encode("ascii")
    if trailer == b"\x01":
        body = AESGCM(key).decrypt(iv, ciphertext, None)
    else:
        assert trailer == b""
        decryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
        unpadder = padding.PKCS7(128).unpadder()
        body = (
            unpadder.update(decryptor.update(ciphertext) + decryptor.finalize())
            + unpadder.finalize()
        )
    fields = {
        "expire": expire,
        "iv": iv,
        "ciphertext_size": ciphertext_size,
        "trailer": trailer,
        "body": body,
    }
    return json.loads(body.decode("utf-8")), fields


EXPIRE = 1_700_003_600
"""The expire time of make_token's default body (2023-11-14T23:13:20Z): long past, so decode it with a `now`."""
MEMBERS = {
    "app_id": 1,
    "user_id": "demo",
    "nonce": 5,
    "ctime": EXPIRE - 3600,
    "expire": EXPIRE,
    "payload": "",
}
"""make_token's default body members."""
OMIT = object()
"""A member value for make_token: leave the member out of the body."""


def make_token(
    *,
    body: Optional[bytes] = None,
    secret: str = SECRET,
    frame_expire: Optional[int] = None,
    gcm: bool = False,
    iv: bytes = b"0123456789abcdef",
    pkcs7: bool = True,
    version: str = "04",
    **members: Any,
) -> str:
    """A token04 sealed by an AES independent of the library's (pyca's), as the official generators frame it.

    The body is `body`, any bytes, valid or not; by default MEMBERS with `members` over them, as JSON.
    The frame's expire is `frame_expire`, else the body's own expire (EXPIRE if that is not an int64).
    GCM takes the first 12 bytes of `iv` as its nonce. With `pkcs7=False`, CBC encrypts the body as it
    is (whole blocks), its padding right or wrong. `version` is what the token starts with ("03": give
    a token03's body).
    """
    expire = EXPIRE
    if body is None:
        fields = {
            name: value for name, value in {**MEMBERS, **members}.items() if value is not OMIT
        }
        body = json.dumps(fields).encode("utf-8")
        if type(fields.get("expire")) is int and -(2**63) <= fields["expire"] < 2**63:
            expire = fields["expire"]
    if frame_expire is not None:
        expire = frame_expire
    key = secret.encode("ascii")
    if gcm:
        iv = iv[:12]
        ciphertext = AESGCM(key).encrypt(iv, body, None)
    else:
        if pkcs7:
            padder = padding.PKCS7(128).padder()
            body = padder.update(body) + padder.finalize()
        encryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
        ciphertext = encryptor.update(body) + encryptor.finalize()
    frame = (
        expire.to_bytes(8, "big", signed=True)
        + len(iv).to_bytes(2, "big")
        + iv
        + len(ciphertext).to_bytes(2, "big")
        + ciphertext
        + (b"\x01" if gcm else b"")
    )
    return version + base64.b64encode(frame).decode("ascii")


def frame_of(token: str) -> bytearray:
    """The frame bytes of a token04, to change before token_of."""
    return bytearray(base64.b64decode(token[2:]))


def token_of(frame: bytes) -> str:
    """A token04 of any frame bytes."""
    return "04" + base64.b64encode(bytes(frame)).decode("ascii")


class Lie(Exception):
    """Raised by every method of the lying subclasses below."""


# Methods left alone: the ones that make an object, or that Python itself needs to keep it alive.
_LEFT_ALONE = {
    *(
        "__new__",
        "__init__",
        "__init_subclass__",
        "__subclasshook__",
        "__class__",
        "__getattribute__",
    ),
    *(
        "__setattr__",
        "__delattr__",
        "__doc__",
        "__getnewargs__",
        "__reduce__",
        "__reduce_ex__",
        "__sizeof__",
    ),
    *("__dir__", "__class_getitem__"),
}


def lying_subclass(base: type) -> type:
    """A subclass of `base` whose every other method raises Lie: only its plain value can be read."""

    def raiser(name: str) -> Any:
        def method(self: Any, *args: Any, **kwargs: Any) -> Any:
            raise Lie(name)

        return method

    methods = {name: raiser(name) for name in dir(base) if name not in _LEFT_ALONE}
    return type(f"Lying{base.__name__.title()}", (base,), methods)


LyingStr = lying_subclass(str)
LyingInt = lying_subclass(int)
LyingFloat = lying_subclass(float)


def lying(value: Any) -> Any:
    """`value` as a lying subclass of its own type, where it has one."""
    if type(value) is str:
        return LyingStr(value)
    if type(value) is int:
        return LyingInt(value)
    return value


def clean_environment(**variables: str) -> dict[str, str]:
    """This process's environment without any ZEGO_ variable, plus `variables`: what a test's child process gets."""
    environment = {
        name: value for name, value in os.environ.items() if not name.startswith("ZEGO_")
    }
    environment.update(variables)
    return environment


def installed_package_origin() -> Optional[Path]:
    """Where the installed package `zego_token04` would be imported from, or None.

    Decided by the import system itself, so an `*.egg-info` folder lying in the
    current directory (which importlib.metadata would take for an install) counts
    for nothing.
    """
    spec = importlib.util.find_spec("zego_token04")
    return Path(spec.origin) if spec is not None and spec.origin else None


def console_script() -> Optional[Path]:
    """The `zego-token04` command beside this interpreter, or on PATH."""
    beside = Path(sys.executable).parent / "zego-token04"
    if beside.is_file():
        return beside
    found = shutil.which("zego-token04")
    return Path(found) if found else None


# .ci/run installs the package and sets this, so that there the tests below run (and fail if
# the installation is broken) instead of being skipped.
def editable_install() -> bool:
    """True when the installed zego_token04 is this checkout's src/ (pip install -e .)."""
    origin = installed_package_origin()
    return (
        origin is not None
        and origin.parent.resolve() == (Path(__file__).resolve().parent.parent / "src").resolve()
    )


_INSTALL_REQUIRED = os.environ.get("ZEGO_TOKEN04_TEST_INSTALLED") == "1"
needs_install = pytest.mark.skipif(
    not (_INSTALL_REQUIRED or installed_package_origin()),
    reason="zego_token04 is not installed (pip install .)",
)
needs_console_script = pytest.mark.skipif(
    not (_INSTALL_REQUIRED or console_script()),
    reason="the zego-token04 command is not installed (pip install .)",
)
CONSOLE_SCRIPT = console_script() or Path(sys.executable).parent / "zego-token04"


def rejects(token: object, secret: str = SECRET, match: Optional[str] = None) -> str:
    """decode_token04's refusal of ``token`` (an InvalidTokenError, not expired), naming no secret."""
    from src.errors import InvalidTokenError
    from src.token04 import decode_token04

    with pytest.raises(InvalidTokenError, match=match) as caught:
        decode_token04(token, secret, verify_expiry=False)  # type: ignore[arg-type]
    assert type(caught.value) is InvalidTokenError
    assert SECRET not in str(caught.value)
    return str(caught.value)


ROOM = {"RoomId": ["room1"]}  # DescribeUserNum's one required parameter
MADE_UP = {"product": "rtc", "method": "GET"}  # how an Action the catalogue does not know is called


def stable_id(value):
    """A test id from a value's repr, without the address an object's repr holds (the same in every
    process, as pytest-xdist needs)."""
    import re

    return re.sub(r" at 0x[0-9a-f]+", "", repr(value))
