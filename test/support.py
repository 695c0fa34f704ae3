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
from typing import Any, Dict, Optional, Tuple

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


def open_token(token: str, secret: str) -> Tuple[Dict[str, Any], Dict[str, Any]]:
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
        body = unpadder.update(decryptor.update(ciphertext) + decryptor.finalize()) + unpadder.finalize()
    fields = {
        "expire": expire,
        "iv": iv,
        "ciphertext_size": ciphertext_size,
        "trailer": trailer,
        "body": body,
    }
    return json.loads(body.decode("utf-8")), fields


def seal_token(body: bytes, secret: str, *, expire: int, gcm: bool = False, iv: bytes = b"0123456789abcdef") -> str:
    """Frame any body bytes, valid or not, as the official generators would."""
    key = secret.encode("ascii")
    if gcm:
        iv = iv[:12]
        ciphertext = AESGCM(key).encrypt(iv, body, None)
    else:
        padder = padding.PKCS7(128).padder()
        encryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
        ciphertext = encryptor.update(padder.update(body) + padder.finalize()) + encryptor.finalize()
    frame = (
        expire.to_bytes(8, "big", signed=True)
        + len(iv).to_bytes(2, "big")
        + iv
        + len(ciphertext).to_bytes(2, "big")
        + ciphertext
        + (b"\x01" if gcm else b"")
    )
    return "04" + base64.b64encode(frame).decode("ascii")


def body_bytes(**members: Any) -> bytes:
    return json.dumps(members).encode("utf-8")


def clean_environment(**variables: str) -> Dict[str, str]:
    """This process's environment without any ZEGO_ variable, plus `variables`: what a test's child process gets."""
    environment = {name: value for name, value in os.environ.items() if not name.startswith("ZEGO_")}
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
_INSTALL_REQUIRED = os.environ.get("ZEGO_TOKEN04_TEST_INSTALLED") == "1"
needs_install = pytest.mark.skipif(
    not (_INSTALL_REQUIRED or installed_package_origin()),
    reason="zego_token04 is not installed (pip install .)",
)
needs_console_script = pytest.mark.skipif(
    not (_INSTALL_REQUIRED or console_script()), reason="the zego-token04 command is not installed (pip install .)"
)
CONSOLE_SCRIPT = console_script() or Path(sys.executable).parent / "zego-token04"
