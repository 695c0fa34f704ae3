"""A project's AppID and secrets as the environment names them, read and checked, none shown."""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from .._values import (
    APP_ID_RULE,
    SECRET_RULE,
    app_id_value,
    parse_whole_number,
    plain_secret,
    require_callback_secret,
    type_name,
)

__all__ = [
    "APP_ID_ENV",
    "SECRET_ENV",
    "CALLBACK_SECRET_ENV",
    "Credentials",
    "read_credentials",
    "checked_credentials",
]

APP_ID_ENV = "ZEGO_APP_ID"
"""The environment variable from_env (and the command) reads the AppID from."""
SECRET_ENV = "ZEGO_SERVER_SECRET"
"""The environment variable from_env (and the command) reads the ServerSecret from."""
CALLBACK_SECRET_ENV = "ZEGO_CALLBACK_SECRET"
"""The environment variable from_env (and the command) reads the CallbackSecret from, when it is
set."""


class Credentials(NamedTuple):
    """A project's credentials as given, kept as Fernet keeps its keys: on an object whose repr
    hides them."""

    app_id: object
    """The AppID, as given."""
    secret: object
    """The ServerSecret, as given."""
    callback_secret: object
    """The CallbackSecret, as given (None: the project has none)."""

    def __repr__(self) -> str:  # traceback's capture_locals shows every local by its repr
        return "Credentials(<hidden>)"


_NAMES = (APP_ID_ENV, SECRET_ENV, CALLBACK_SECRET_ENV)


def read_credentials(environ: object) -> Credentials:
    """The variables of ``environ`` that name a project, as they are (None if unset); TypeError if
    ``environ`` is not a mapping."""
    if not isinstance(environ, Mapping):
        raise TypeError(
            f"environ must be a mapping of variables (such as os.environ), not {type_name(environ)}"
        )
    return Credentials(*(environ.get(name) for name in _NAMES))


def checked_credentials(credentials: Credentials) -> Credentials:
    """The AppID, ServerSecret and CallbackSecret (None if unset) the variables hold, checked:
    ValueError, naming the variable, for one missing or malformed."""
    app_id = app_id_value(parse_whole_number(_text_variable(credentials.app_id, APP_ID_ENV) or ""))
    if app_id is None:
        unset = not (_text_variable(credentials.app_id, APP_ID_ENV) or "").strip()
        raise ValueError(
            f"{APP_ID_ENV} must be {'set to ' if unset else ''}your AppID, {APP_ID_RULE}"
        )
    return Credentials(  # no local holds a secret
        app_id,
        _secret_variable(credentials.secret, SECRET_ENV),
        _callback_secret_variable(credentials.callback_secret),
    )


def _text_variable(value: object, name: str) -> str | None:
    """A variable's text, None if unset; a value that is not text (a mapping read from YAML) is
    refused by name."""
    if value is None or isinstance(value, str):
        return value
    raise ValueError(f"{name} must be a string, not {type_name(value)}")


def _secret_variable(secret: object, name: str) -> str:
    """A ServerSecret from its variable, surrounding white space taken off."""
    secret = _text_variable(secret, name)
    if secret is None or not secret.strip():
        raise ValueError(f"{name} must be set to the project's secret, {SECRET_RULE}")
    if plain_secret(secret.strip()) is None:
        raise ValueError(secret_problem(secret, name))
    return secret.strip()


def _callback_secret_variable(secret: object) -> str | None:
    """The CallbackSecret from its variable, surrounding white space taken off; None if unset."""
    secret = _text_variable(secret, CALLBACK_SECRET_ENV)
    return None if secret is None else require_callback_secret(secret.strip(), CALLBACK_SECRET_ENV)


def secret_problem(secret: str, name: str = "secret") -> str:
    """Why ``secret`` is not a well-formed one, the commonest mistakes named; never its text."""
    rule, bare = f"{name} must be {SECRET_RULE}", secret.strip()
    if bare[:1] in "\"'" and plain_secret(bare.strip("\"'")) is not None:
        return f"{rule}: it is in quotes (as docker --env-file keeps them); remove the quotes"
    if plain_secret(bare.partition("=")[2].strip()) is not None:
        return f"{rule}: it holds a NAME=value line; keep only the value"
    if plain_secret(bare) is not None:
        return f"{rule}: it has white space around it; remove it"
    if not secret.isascii():
        return f"{rule}; it has non-ASCII characters"
    return f"{rule}, not {len(secret)} characters"
