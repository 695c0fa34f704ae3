"""The package: a small core with a public seam, and a root of what users call and catch."""

import ast
import copy
import importlib
import pickle
import subprocess
import sys
from pathlib import Path

import pytest
from support import SECRET

import src
from src import token04
from src.errors import ExpiredTokenError, InvalidTokenError, TokenError, ZegoError
from src.server import InvalidCallbackError, ZegoApiError

PACKAGE = Path(src.__file__).parent
SOURCES = sorted(PACKAGE.rglob("*.py"))


def module_name(path):
    """The module a source file is, under src: src.token04, src.server.callbacks."""
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return ".".join(["src", *(part for part in parts if part != "__init__")])


CORE = {"src.errors", "src._values", "src._frame", "src._frame._paste", "src.token04"}


def is_private(path):
    """A private module (src._values, src._frame._paste, src.server._wire): its public names are
    the package's inner seam, and it lists none in __all__."""
    return any(
        part.startswith("_") for part in module_name(path).split(".")[1:] if part != "__init__"
    )


def defined_names(path):
    """The names a module defines at its top level (assignments, functions, classes) not starting with "_"."""
    names = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(target.id for target in node.targets if isinstance(target, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return {name for name in names if not name.startswith("_")}


def sibling_imports(path):
    """(module, name) for each name a module imports from a sibling: ``from .module import name``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        (node.module or alias.name, alias.name)  # from . import _values: the module _values
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.level >= 1
        for alias in node.names
    ]


@pytest.mark.parametrize(
    "path",
    [
        p
        for p in SOURCES
        if not is_private(p) and p not in (PACKAGE / "__init__.py", PACKAGE / "__main__.py")
    ],
    ids=str,
)
def test_every_module_lists_what_it_defines_in_all(path):
    module = importlib.import_module(module_name(path))
    assert defined_names(path) <= set(module.__all__)
    assert all(hasattr(module, name) for name in module.__all__)


@pytest.mark.parametrize("path", SOURCES, ids=str)
def test_no_module_uses_a_siblings_private_names(path):
    private = [
        f"{module}.{name}"
        for module, name in sibling_imports(path)
        if name.startswith("_") and name[1] != "_" and module != name  # a private module is fine
    ]
    assert private == []
    tree = ast.parse(path.read_text(encoding="utf-8"))
    modules = {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.level >= 1 and node.module is None
        for alias in node.names
    }
    reached = [
        node.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id in modules
        and node.attr.startswith("_")
        and not node.attr.startswith("__")
    ]
    assert reached == []


def test_the_root_holds_at_most_55_names_each_a_real_one():
    # Every name the README and the guides use is at the root (the callback logs included).
    assert len(src.__all__) <= 55
    assert len(set(src.__all__)) == len(src.__all__)
    for name in src.__all__:
        assert not name.startswith("_") or name == "__version__"
        assert getattr(src, name) is not None
    assert {
        "ZegoProject",
        "generate_token04",
        "decode_token04",
        "check_token04",
        "verify_callback",
    } <= set(src.__all__)


def test_limits_rules_and_codes_stay_importable_from_their_modules():
    from src.check import RULES, SEVERITY_ERROR
    from src.server import MAX_CALLBACK_BYTES
    from src.token04 import ERROR_CODE_SUCCESS, MAX_BODY_BYTES, MODE_GCM

    assert (ERROR_CODE_SUCCESS, MODE_GCM, MAX_CALLBACK_BYTES) == (0, "gcm", 1024 * 1024)
    assert "expired" in RULES and SEVERITY_ERROR == "error" and MAX_BODY_BYTES == 65519


# --- one family of errors --------------------------------------------------------------------------------

ERRORS = [
    InvalidTokenError("bad"),
    ExpiredTokenError("old", token04.Token04(1, "u", 5, 10, 20, "", "cbc")),
    TokenError("user_id", "must be a non-empty str", 3),
    InvalidCallbackError("forged", "bad-signature"),
    ZegoApiError("refused", 100000005, "req-1", 200),
]


@pytest.mark.parametrize("error", ERRORS, ids=lambda error: type(error).__name__)
def test_every_error_is_in_the_family_and_survives_pickle_and_copy(error):
    assert isinstance(error, ZegoError)
    for twin in (pickle.loads(pickle.dumps(error)), copy.copy(error), copy.deepcopy(error)):  # noqa: S301 (our own)
        assert type(twin) is type(error)
        assert (str(twin), vars(twin)) == (str(error), vars(error))


def test_a_refusal_in_a_worker_process_arrives_as_itself():
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # spawn, not fork: the test process has threads (pytest-xdist's), which fork would copy half-way.
    spawn = multiprocessing.get_context("spawn")
    with (
        ProcessPoolExecutor(max_workers=1, mp_context=spawn) as pool,
        pytest.raises(TokenError) as caught,
    ):
        pool.submit(token04.make_token04, 1, "", SECRET, 3600).result(timeout=60)
    assert (caught.value.error_code, caught.value.argument) == (
        token04.ERROR_CODE_USER_ID_INVALID,
        "user_id",
    )


def test_a_malformed_secret_is_not_a_bad_token():
    with pytest.raises(ValueError, match="32 ASCII") as caught:
        token04.decode_token04("04AAAA", SECRET[:31])
    assert not isinstance(caught.value, ZegoError)
    assert isinstance(InvalidTokenError("x"), ValueError) and issubclass(
        ExpiredTokenError, InvalidTokenError
    )


def test_making_and_reading_a_token_loads_no_paste_diagnosis_until_one_fails():
    script = (
        "import sys\n"
        "from src import token04\n"
        f"info = token04.generate_token04(1, 'u', {SECRET!r}, 3600)\n"
        f"token04.decode_token04(info.token, {SECRET!r})\n"
        "print('src._frame._paste' in sys.modules)\n"
        "try:\n"
        f"    token04.decode_token04(' ' + info.token, {SECRET!r})\n"
        "except ValueError:\n"
        "    print('src._frame._paste' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        cwd=PACKAGE.parent,
    )
    assert result.stdout.split() == ["False", "True"]


def test_making_and_reading_a_token_loads_only_the_core():
    script = (
        "import sys\n"
        "from src import token04\n"
        f"info = token04.generate_token04(1, 'u', {SECRET!r}, 3600)\n"
        "print(' '.join(sorted(m for m in sys.modules if m.split('.')[0] == 'src')))\n"
        f"token04.decode_token04(info.token, {SECRET!r})\n"
        "print(' '.join(sorted(m for m in sys.modules if m.split('.')[0] == 'src')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        cwd=PACKAGE.parent,
    )
    made, read = (line.split() for line in result.stdout.splitlines())
    assert made == read == ["src", "src._frame", "src._values", "src.errors", "src.token04"]
    assert set(made) - {"src"} <= CORE


def test_token04_exports_what_it_defines_and_upstreams_names_only():
    defined = defined_names(PACKAGE / "token04.py")
    assert set(token04.__all__) - defined == {
        "MODE_CBC",
        "MODE_GCM",
    }  # the modes its functions take
    assert {"TokenInfo", "generate_token04", "ERROR_CODE_SUCCESS"} <= set(token04.__all__)
    assert not hasattr(token04, "rtc_room_payload")  # payload's: from src.payload import ...


def test_the_roots_table_of_homes_and_its_all_name_the_same_names():
    assert set(src.__all__) == {"__version__", "token04", *src._HOME}
    for name, home in src._HOME.items():
        assert name in importlib.import_module(f"src.{home}").__all__, name


def test_the_public_modules_name_at_most_70_names():
    public = [path for path in SOURCES if not is_private(path) and path != PACKAGE / "__init__.py"]
    names = [name for path in public for name in importlib.import_module(module_name(path)).__all__]
    assert len(names) <= 70, len(names)
