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


def undocumented_fields(path):
    """(class, field) for each field of a public NamedTuple with no docstring under it: the
    reference (mkdocstrings) renders only the fields that have one."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        bases = [getattr(base, "id", "") for base in getattr(node, "bases", [])]
        if not (isinstance(node, ast.ClassDef) and "NamedTuple" in bases):
            continue
        if node.name.startswith("_"):
            continue
        body = node.body
        for index, statement in enumerate(body):
            if isinstance(statement, ast.AnnAssign):
                after = body[index + 1] if index + 1 < len(body) else None
                documented = isinstance(after, ast.Expr) and isinstance(
                    getattr(after, "value", None), ast.Constant
                )
                if not documented:
                    yield node.name, statement.target.id


PUBLIC_SOURCES = [  # private modules (_frame, server/_wire) are no part of the reference
    path
    for path in sorted(SRC.rglob("*.py"))
    if not any(
        part.startswith("_") and part != "__init__.py" for part in path.relative_to(SRC).parts
    )
]


@pytest.mark.parametrize("path", PUBLIC_SOURCES, ids=lambda path: str(path.relative_to(SRC)))
def test_every_field_of_a_public_named_tuple_has_a_docstring(path):
    assert list(undocumented_fields(path)) == []
