"""Packaging: everything is in pyproject.toml but what it cannot say here.

The code lives in ``src/`` (upstream's layout, imported as ``src`` from a
checkout) and installs under its own name, ``zego_token04``, so that it never
claims the top-level name ``src`` in site-packages. The build tree is a fresh
temporary folder on every run, so nothing stale from an earlier build can reach
a wheel, and nothing is left in the source tree.
"""

import atexit
import shutil
import sys
import tempfile

if sys.version_info < (3, 9):
    sys.exit("zego-token04 needs CPython 3.9 or newer; this is %d.%d" % sys.version_info[:2])

from setuptools import find_packages, setup

_BUILD_BASE = tempfile.mkdtemp(prefix="zego-token04-build-")
atexit.register(shutil.rmtree, _BUILD_BASE, ignore_errors=True)

setup(
    packages=["zego_token04", *(f"zego_token04.{name}" for name in find_packages("src"))],
    package_dir={"zego_token04": "src"},
    options={"build": {"build_base": _BUILD_BASE}, "egg_info": {"egg_base": _BUILD_BASE}},
)
