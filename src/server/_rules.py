"""ZEGO's catalogue applied to a call: its method, its host, where each parameter goes, and the
parameters checked against ZEGO's rules before anything is signed.

The catalogue (``_catalogue``, generated from ZEGO's OpenAPI files) is loaded on the first call,
never by making a token or verifying a callback.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

from .._values import type_name

__all__ = ["Plan", "plan", "products", "actions", "check_params", "from_text"]

_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "array": (list, tuple),
    "object": (Mapping,),
}
_CHECKS: dict[str, tuple[Callable[[Any, Any], bool], str]] = {
    "enum": (lambda value, allowed: value in allowed, "one of {}"),
    "minimum": (lambda value, bound: value >= bound, "at least {}"),
    "maximum": (lambda value, bound: value <= bound, "at most {}"),
    "minLength": (lambda value, bound: len(value) >= bound, "at least {} characters"),
    "maxLength": (lambda value, bound: len(value) <= bound, "at most {} characters"),
    "pattern": (lambda value, pattern: re.search(pattern, value) is not None, "to match {}"),
    "minItems": (lambda value, bound: len(value) >= bound, "at least {} items"),
    "maxItems": (lambda value, bound: len(value) <= bound, "at most {} items"),
}


_Fields = dict[str, Any]


class Plan(NamedTuple):
    """Where a call goes and what it sends, as the catalogue says."""

    method: str
    host: str
    query: dict[str, Any]
    body: dict[str, Any] | None
    throttles: frozenset[int]
    rate_limit: dict[str, Any] | None


def products() -> dict[str, Any]:
    """Each product's hosts and throttling codes."""
    from ._catalogue import PRODUCTS

    return PRODUCTS


def actions() -> dict[str, Any]:
    """Each Action's facts, by name."""
    from ._catalogue import ACTIONS

    return ACTIONS


def plan(
    action: str,
    params: Mapping[str, Any] | None,
    *,
    product: str | None,
    method: str | None,
    region: str | None,
) -> Plan:
    """The call's plan; TypeError or ValueError, naming the argument, the parameter and the rule."""
    if params is not None and not isinstance(params, Mapping):
        raise TypeError(f"params must be a mapping, not {type_name(params)}")
    given = {key: value for key, value in (params or {}).items() if value is not None}
    facts = actions().get(action)
    if facts is None:
        facts = _unknown(action, product, method)
    else:
        _same("product", product, facts["product"], action)
        _same("method", method, facts["method"], action)
        check_params(action, facts["params"], given)
    query, body = _placed(given, facts)
    host = facts["regions"].get(region, facts["host"])
    throttles = frozenset(products()[facts["product"]]["throttles"])
    return Plan(facts["method"], host, query, body, throttles, facts["rate_limit"])


def _placed(given: dict[str, Any], facts: dict[str, Any]) -> tuple[dict[str, Any], _Fields | None]:
    """The parameters in the query, and in the JSON body (None for GET), as the facts place them
    (one the catalogue does not know goes where the method puts it)."""
    if facts["method"] == "GET":
        return given, None
    places = facts["params"]
    body = {
        key: value
        for key, value in given.items()
        if places.get(key, {"in": "body"})["in"] == "body"
    }
    return {key: value for key, value in given.items() if key not in body}, body


def _same(name: str, given: str | None, known: str, action: str) -> None:
    if given is not None and given != known:
        raise ValueError(f"{name} must be {known!r} for {action}, or left out")


def _unknown(action: str, product: str | None, method: str | None) -> dict[str, Any]:
    """The facts of an Action the catalogue does not know, called by naming its product and
    method: the product's hosts, its parameters wherever the method puts them."""
    if product is None or method is None:
        close = difflib.get_close_matches(action, actions(), n=3, cutoff=0.6)
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        raise ValueError(
            f"action {action!r} is not one ZEGO documents{hint}; an Action newer than this "
            "library's catalogue needs product= and method="
        )
    if product not in products():
        raise ValueError(f"product must be one of {', '.join(products())}")
    if method not in ("GET", "POST"):
        raise ValueError('method must be "GET" or "POST"')
    hosts = {key: products()[product][key] for key in ("host", "regions")}
    return {"product": product, "method": method, "params": {}, "rate_limit": None, **hosts}


def check_params(action: str, rules: dict[str, Any], given: dict[str, Any]) -> None:
    for name in given:
        if name not in rules:
            close = difflib.get_close_matches(name, rules, n=3, cutoff=0.6)
            hint = f" (did you mean {', '.join(close)}?)" if close else ""
            raise ValueError(f"params[{name!r}]: {action} takes no such parameter{hint}")
    for name, rule in rules.items():
        if name in given:
            _check(f"params[{name!r}]", rule["schema"], given[name])
        elif rule["required"]:
            raise ValueError(f"params[{name!r}] is required by {action}")


def _check(where: str, schema: dict[str, Any], value: object) -> None:
    """``value`` against one schema of the catalogue, members and items included."""
    _check_type(where, schema, value)
    for rule, (holds, words) in _CHECKS.items():
        if rule in schema and not holds(value, schema[rule]):
            raise ValueError(f"{where} must be {words.format(schema[rule])}")
    if isinstance(value, (list, tuple)) and "items" in schema:
        for index, item in enumerate(value):
            _check(f"{where}[{index}]", schema["items"], item)
    if isinstance(value, Mapping):
        _check_members(where, schema, value)


def _check_type(where: str, schema: dict[str, Any], value: object) -> None:
    kinds = _TYPES.get(schema.get("type", ""), (object,))
    if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
        raise TypeError(f"{where} must be {schema['type']}, not {type_name(value)}")


def _check_members(where: str, schema: dict[str, Any], value: Mapping[str, Any]) -> None:
    members = schema.get("properties", {})
    for name in schema.get("required", []):
        if value.get(name) is None:
            raise ValueError(f"{where}[{name!r}] is required")
    for name, member in value.items():
        if name in members and member is not None:
            _check(f"{where}[{name!r}]", members[name], member)


def from_text(action: str, params: Mapping[str, str | list[str]]) -> dict[str, Any]:
    """Parameters given as text (the command's ``--param``), read as the Action takes them: a
    number or a bool where it takes one, a list where it takes one; else as they are."""
    rules = actions().get(action, {}).get("params", {})
    return {
        name: _read(rules.get(name, {}).get("schema", {}), value) for name, value in params.items()
    }


def _read(schema: dict[str, Any], text: str | list[str]) -> Any:
    if isinstance(text, list) or schema.get("type") == "array":
        items = schema.get("items", {})
        return [_read(items, item) for item in (text if isinstance(text, list) else [text])]
    reader = _READERS.get(str(schema.get("type")), str)
    try:
        return reader(text)
    except ValueError:
        return text


def _number(text: str) -> int | float:
    return int(text) if text.isdigit() else float(text)


def _boolean(text: str) -> bool | str:
    return {"true": True, "false": False}.get(text, text)


_READERS: dict[str, Callable[[str], Any]] = {"integer": int, "number": _number, "boolean": _boolean}
