"""Packaging for zego-token04 (the package keeps upstream's import name, ``src``)."""

import re
from pathlib import Path

from setuptools import setup

HERE = Path(__file__).resolve().parent
VERSION = re.search(r'^__version__ = "([^"]+)"', (HERE / "src" / "__init__.py").read_text(), re.M).group(1)

setup(
    name="zego-token04",
    version=VERSION,
    description="Generate and decode ZEGO token04 authentication tokens (RTC, ZIM), safely",
    long_description=(HERE / "README.md").read_text(encoding="utf-8"),
    long_description_content_type="text/markdown",
    license="MIT",
    packages=["src"],
    package_data={"src": ["py.typed"]},
    python_requires=">=3.8",
    install_requires=["pycryptodome>=3.9"],
    extras_require={
        "test": [
            "pytest>=7",
            "hypothesis>=6",
            "cryptography>=3.4",
            "mypy>=1.0",
            "ruff>=0.4",
        ],
    },
    entry_points={"console_scripts": ["zego-token04 = src.cli:main"]},
    classifiers=[
        "License :: OSI Approved :: MIT License",
        "Programming Language :: Python :: 3",
        "Programming Language :: Python :: 3 :: Only",
        "Topic :: Security :: Cryptography",
        "Typing :: Typed",
    ],
)
