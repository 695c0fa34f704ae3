"""The code's shape: every function in src/ fits on a screen, every module reads in one sitting, the
core (token04 and its frame) in one sitting together, and the package keeps its layout (complexity is
ruff's C901, in pyproject.toml, and radon's in .ci/run)."""

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src"
MAX_FUNCTION_LINES = 60
MAX_MODULE_LINES = 300  # a budget (issue 39): remove before you split
MAX_CORE_LINES = 450  # token04.py and _frame/__init__.py together
MAX_SRC_ENTRIES = 14
MAX_TOKEN04_IMPORT_LINES = 15


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


def line_count(path):
    return len(path.read_text(encoding="utf-8").splitlines())


@pytest.mark.parametrize(
    "path", sorted(SRC.rglob("*.py")), ids=lambda path: str(path.relative_to(SRC))
)
def test_no_module_is_longer_than_it_takes_to_read_in_one_sitting(path):
    assert line_count(path) <= MAX_MODULE_LINES


def test_token04_and_its_frame_read_in_one_sitting_together():
    assert (
        line_count(SRC / "token04.py") + line_count(SRC / "_frame" / "__init__.py")
        <= MAX_CORE_LINES
    )


def test_token04s_imports_fit_in_a_glance():
    body = ast.parse((SRC / "token04.py").read_text(encoding="utf-8")).body
    imports = [node for node in body if isinstance(node, (ast.Import, ast.ImportFrom))]
    assert imports[-1].end_lineno - imports[0].lineno + 1 <= MAX_TOKEN04_IMPORT_LINES


def test_src_holds_few_entries_the_edges_being_subpackages():
    entries = [entry for entry in SRC.iterdir() if entry.name != "__pycache__"]
    assert len(entries) <= MAX_SRC_ENTRIES, sorted(entry.name for entry in entries)
    assert {"cli", "server", "check", "project"} <= {
        entry.name for entry in entries if entry.is_dir()
    }
