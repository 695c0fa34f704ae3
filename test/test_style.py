"""The code's shape: every function in src/ fits on a screen (complexity is ruff's C901, in pyproject.toml)."""

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src"
MAX_FUNCTION_LINES = 60


def functions(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield node


@pytest.mark.parametrize(
    "path", sorted(SRC.rglob("*.py")), ids=lambda path: str(path.relative_to(SRC))
)
def test_no_function_is_longer_than_a_screen(path):
    long = {node.name: node.end_lineno - node.lineno + 1 for node in functions(path)}
    assert {name: lines for name, lines in long.items() if lines > MAX_FUNCTION_LINES} == {}


def test_the_length_check_sees_a_long_function(tmp_path):
    path = tmp_path / "long.py"
    path.write_text("def f():\n" + "    x = 1\n" * MAX_FUNCTION_LINES, encoding="utf-8")
    assert [node.end_lineno - node.lineno + 1 for node in functions(path)] == [
        MAX_FUNCTION_LINES + 1
    ]
