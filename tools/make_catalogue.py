"""Make the Server API catalogue from ZEGO's own OpenAPI files, facts only.

    python tools/make_catalogue.py DOCS_ALL [--commit SHA]

DOCS_ALL is a git directory of github.com/ZEGOCLOUD/docs_all (a clone, or the bare
snapshot the contributors' fetch tool brings; CONTRIBUTING.md says how). The files are
read with git at the pinned commit (COMMIT below, or --commit), never from a work tree,
so the output depends on the commit alone. It writes:

- src/server/_catalogue.py: each Action's product, method, hosts, parameters (place,
  required, type, enum, bounds, lengths, pattern, items, nested members), the names and
  types of its answer's Data, its rate limit as numbers, and the address of ZEGO's page;
  each product's hosts, and the codes its return-code page names as throttling or busy;
- src/server/_actions.pyi: the Action names and their parameters as types, for mypy;
- docs/actions.md: the reference page of every Action.

The repository has no licence: only facts are carried (names, methods, hosts, rules,
numbers, codes, addresses), never a sentence. Regenerating at a newer commit is this one
command, and `git diff` then shows what ZEGO changed. Needs PyYAML (the dev extra).
"""

from __future__ import annotations

import argparse
import pathlib
import posixpath
import pprint
import re
import subprocess
import sys
from collections import Counter
from typing import Any

import yaml

COMMIT = "7fdebd415add0099ed467ae48a0c7a55bd3abd87"
REPOSITORY = "github.com/ZEGOCLOUD/docs_all"
SITE = "https://www.zegocloud.com/docs/"
ROOT = pathlib.Path(__file__).resolve().parent.parent

# Product: (folder of its English files, the site's base path for it, its return-code page).
PRODUCTS = {
    "rtc": (
        "core_products/real-time-voice-video/en/server",
        "real-time-video-server",
        "api-reference/return-codes.mdx",
    ),
    "zim": ("core_products/zim/en/docs_zim_server", "zim-server", "Return codes.mdx"),
    "aiagent": (
        "core_products/aiagent/en/server",
        "aiagent-server",
        "api-reference/return-codes.mdx",
    ),
    "cloudrecord": (
        "extended_services/cloud_recording/en/server",
        "cloud-recording-server",
        "return-codes.mdx",
    ),
    "cloudplayer": (
        "extended_services/cloud_player/en/server",
        "cloud-player-server",
        "return-codes.mdx",
    ),
    "asr": (
        "extended_services/cloud-realtime-asr/en/server",
        "cloud-realtime-asr",
        "api-reference/return-codes.mdx",
    ),
    "whiteboard": (
        "extended_services/super_board/en/server",
        "super-board-server",
        "common-error-codes.mdx",
    ),
}
# The codes each product's return-code page gives for a request refused for its rate or load,
# without acting on it (checked against the page below: the script stops if a row says other).
# Left out on purpose: RTC's 1 ("Request failed": the Action may have run) and 6 (throttling on
# the media-file Actions only), whiteboard's 1 ("Request failed").
THROTTLES = {
    "rtc": [206, 207, 1010, 5007, 30002, 110200005, 110200006, 110200190, 110200191, 110200194],
    "zim": [
        *(1, 7, 660300005, 660300006, 660500003, 660600004, 660600005, 660600007, 660600010),
        660700001,
    ],
    "aiagent": [410000011, 410001029, 410001031],
    "cloudrecord": [300000003],
    "cloudplayer": [350006001],
    "asr": [],
    "whiteboard": [7],
}
_THROTTLE_WORDS = re.compile(
    r"frequen|QPS|overload|busy|per second|exceeded the upper limit|"
    r"concurrency",
    re.I,
)
COMMON = {"Action", "AppId", "SignatureNonce", "Timestamp", "Signature", "SignatureVersion"}
COMMON |= {"IsTest"}
RULES = ("type", "enum", "minimum", "maximum", "minLength", "maxLength", "pattern")
RULES += ("minItems", "maxItems")
REGION = re.compile(r"^https://([a-z-]+)-(sha|hkg|fra|lax|bom|sgp)\.([a-z.]+)$")
RATE = re.compile(r"(\d+)\s*(?:times?|requests?)?\s*/\s*(\d+\s*)?(s|seconds?|minutes?)\b", re.I)
NOTE = re.compile(r'<Note title="([^"]*)">(.*?)</Note>', re.S)


class Docs:
    """The files of docs_all at one commit, read with git."""

    def __init__(self, git_dir: str, commit: str) -> None:
        self.git_dir, self.commit, self._yaml = git_dir, commit, {}

    def git(self, *args: str) -> str:
        command = ["git", f"--git-dir={self.git_dir}", *args]
        return subprocess.run(command, capture_output=True, check=True, text=True).stdout  # noqa: S603

    def text(self, path: str) -> str:
        return self.git("show", f"{self.commit}:{path}")

    def files(self, folder: str) -> list[str]:
        return self.git("ls-tree", "-r", "--name-only", self.commit, "--", folder).splitlines()

    def yaml(self, path: str) -> Any:
        if path not in self._yaml:  # some files carry stray tabs, which YAML refuses
            self._yaml[path] = yaml.safe_load(self.text(path).replace("\t", "  "))
        return self._yaml[path]

    def resolve(self, node: Any, path: str) -> tuple[Any, str]:
        """The node a $ref points at (followed through files), and the file it is in."""
        while isinstance(node, dict) and "$ref" in node:
            target, _, pointer = node["$ref"].partition("#")
            if target:
                path = posixpath.normpath(posixpath.join(posixpath.dirname(path), target))
            node = self.yaml(path)
            for part in filter(None, pointer.split("/")):
                node = node[part]
        return node, path


def schema(docs: Docs, node: Any, path: str, depth: int = 0) -> dict[str, Any]:
    """A parameter's schema: its rules, items and members (required, rules), resolved."""
    node, path = docs.resolve(node, path)
    for part in node.get("allOf", []):
        node = {
            **schema(docs, part, path, depth),
            **{k: v for k, v in node.items() if k != "allOf"},
        }
    rules: dict[str, Any] = {key: node[key] for key in RULES if key in node}
    if depth > 8:
        return rules
    if "items" in node:
        rules["items"] = schema(docs, node["items"], path, depth + 1)
    members = node.get("properties") or {}
    if members:
        rules["properties"] = {
            name: schema(docs, member, path, depth + 1) for name, member in members.items()
        }
        required = [name for name in node.get("required", []) if name in members]
        if required:
            rules["required"] = sorted(required)
    return rules


def shape(docs: Docs, node: Any, path: str, depth: int = 0) -> Any:
    """The names and types of an answer's members: a type, or a dict of members' shapes."""
    node, path = docs.resolve(node, path)
    if depth > 8:
        return node.get("type", "any")
    if node.get("properties"):
        return {
            name: shape(docs, member, path, depth + 1)
            for name, member in node["properties"].items()
        }
    if "items" in node:
        return [shape(docs, node["items"], path, depth + 1)]
    return node.get("type", "any")


def rate_limit(description: str) -> dict[str, Any] | None:
    """The numbers of an operation's rate-limit note: calls and seconds, for the AppID (or the
    room or group, as it says) and in the test environment."""
    for title, text in NOTE.findall(description):
        if not re.search(r"limit", title, re.I):
            continue
        found = RATE.findall(text)
        if not found:
            continue
        limits: dict[str, Any] = {}
        parts = re.split(r"(test environment|single room)", text, flags=re.I)
        for label, part in zip(["limit", *parts[1::2]], parts[0::2]):
            match = RATE.search(part)
            if match:
                key = {"limit": "limit", "test environment": "test", "single room": "per_room"}
                limits[key[label.lower()]] = _per(match)
        scope = re.search(r"(room|group)-level", text, re.I)
        if scope:
            limits["scope"] = scope.group(1).lower()
        daily = re.search(r"(\d+) times within 24 hours", text)
        if daily:
            limits["per_day"] = int(daily.group(1))
        return limits
    return None


def _per(match: re.Match[str]) -> list[int]:
    seconds = int(match.group(2) or 1) * (60 if match.group(3).lower().startswith("m") else 1)
    return [int(match.group(1)), seconds]


def hosts(docs: Docs, servers: Any, path: str) -> tuple[str, dict[str, str]]:
    servers, _ = docs.resolve(servers, path)
    urls = [server["url"].rstrip("/") for server in servers]
    main = urls[0]
    regions = {}
    for url in urls[1:]:
        match = REGION.match(url)
        if match and f"https://{match.group(1)}.{match.group(3)}" == main:
            regions[match.group(2)] = url
    return main, regions


def action(docs: Docs, product: str, path: str) -> tuple[str, dict[str, Any]]:
    folder, site, _ = PRODUCTS[product]
    document = docs.yaml(path)
    method, operation = next(iter(document["paths"]["/"].items()))
    params: dict[str, Any] = {}
    name = None
    for parameter in operation.get("parameters", []):
        parameter, where = docs.resolve(parameter, path)
        if parameter["name"] == "Action":
            name = parameter["schema"]["enum"][0]
        if parameter["name"] in COMMON:
            continue
        entry = schema(docs, parameter.get("schema", {}), where)
        required = bool(parameter.get("required"))
        params[parameter["name"].removesuffix("[]")] = {
            "in": "query",
            "required": required,
            "schema": entry,
        }
    body = operation.get("requestBody", {}).get("content", {}).get("application/json")
    if body:
        members = schema(docs, body["schema"], path)
        for member, rules in members.get("properties", {}).items():
            required = member in members.get("required", [])
            params[member] = {"in": "body", "required": required, "schema": rules}
    answer = operation.get("responses", {}).get("200", {}).get("content", {})
    answer = answer.get("application/json", {}).get("schema")
    data = shape(docs, answer, path) if answer else {}
    main, regions = hosts(docs, document.get("servers") or docs.yaml(path)["servers"], path)
    relative = posixpath.splitext(posixpath.relpath(path, folder))[0]
    page = SITE + site + "/" + relative.lower().replace(" ", "-")
    folders = [part for part in posixpath.dirname(relative).split("/") if part != "api-reference"]
    group = (folders[-1] if folders else product).lower().replace(" ", "-")
    facts = {
        "product": product,
        "method": method.upper(),
        "group": group,
        "host": main,
        "regions": regions,
        "params": params,
        "data": data.get("Data", {}) if isinstance(data, dict) else {},
        "rate_limit": rate_limit(operation.get("description", "")),
        "page": page,
    }
    if name is None:
        raise SystemExit(f"{path}: no Action")
    return name, facts


def throttles(docs: Docs, product: str) -> list[int]:
    folder, _, page = PRODUCTS[product]
    text = docs.text(f"{folder}/{page}")
    for code in THROTTLES[product]:
        rows = [row for row in text.splitlines() if re.match(rf"\|\s*([\d、, ]*\b)?{code}\b", row)]
        if not any(_THROTTLE_WORDS.search(row) for row in rows):
            raise SystemExit(f"{product}: {code} is not a throttling code on {page}: check it")
    return THROTTLES[product]


def catalogue(docs: Docs) -> tuple[dict[str, Any], dict[str, Any]]:
    actions: dict[str, Any] = {}
    products: dict[str, Any] = {}
    for product, (folder, _, _) in PRODUCTS.items():
        for path in docs.files(folder):
            if "/en/" not in path or not path.endswith(".yaml") or "shared-components" in path:
                continue
            name, facts = action(docs, product, path)
            if name in actions:
                raise SystemExit(f"{name} is in two files")
            actions[name] = facts
        hosts_used = Counter(
            (facts["host"], tuple(facts["regions"].items()))
            for facts in actions.values()
            if facts["product"] == product
        )
        (main, regions), _ = hosts_used.most_common(1)[0]
        products[product] = {
            "host": main,
            "regions": dict(regions),
            "throttles": throttles(docs, product),
        }
    return dict(sorted(actions.items())), products


def python_module(actions: dict[str, Any], products: dict[str, Any], commit: str) -> str:
    head = (
        f"# Generated by `python tools/make_catalogue.py DOCS_ALL` from {REPOSITORY} at {commit}:"
        " do not edit.\n"
        '"""ZEGO\'s Server API as its OpenAPI files state it: facts only '
        '(see tools/make_catalogue.py)."""\n\n'
        "from typing import Any\n\n"
        f"COMMIT = {commit!r}\n"
    )
    body = f"PRODUCTS: dict[str, Any] = {pprint.pformat(products, width=100, sort_dicts=True)}\n"
    body += "ACTIONS: dict[str, Any] = {\n"  # an Action a line, so that a diff names it
    for name, facts in actions.items():
        body += f"    {name!r}: {pprint.pformat(facts, width=10**9, sort_dicts=True)},\n"
    return head + body + "}\n"


TYPES = {"string": "str", "integer": "int", "number": "float", "boolean": "bool"}


def python_type(rules: dict[str, Any]) -> str:
    kind = rules.get("type")
    if kind == "array":
        return f"list[{python_type(rules.get('items', {}))}]"
    if kind == "object":
        return "Mapping[str, Any]"
    if "enum" in rules and kind in ("string", "integer"):
        return "Literal[" + ", ".join(repr(value) for value in rules["enum"]) + "]"
    return TYPES.get(kind, "Any")


def _required(kind: str, required: bool) -> str:
    return kind if required else f"NotRequired[{kind}]"


def stub(actions: dict[str, Any], commit: str) -> str:
    lines = [
        f"# Generated by `python tools/make_catalogue.py DOCS_ALL` from {REPOSITORY} at {commit}:"
        " do not edit.",
        "# The Server API's Actions and their parameters, for type checkers (no runtime cost).",
        "",
        "from collections.abc import Mapping",
        "from collections.abc import Coroutine",
        "from typing import Any, Literal, Protocol, TypedDict, Union, overload",
        "",
        "from typing_extensions import NotRequired",
        "",
        "Action = Literal[",
        *(f"    {name!r}," for name in actions),
        "]",
        "Product = Literal[" + ", ".join(repr(product) for product in PRODUCTS) + "]",
        "",
    ]
    for name, facts in actions.items():
        members = ", ".join(
            f"{member!r}: {_required(python_type(param['schema']), param['required'])}"
            for member, param in facts["params"].items()
        )
        lines.append(f"{name}Params = TypedDict({name + 'Params'!r}, {{{members}}})")
        data = facts["data"] if isinstance(facts["data"], dict) else {}
        shown = ", ".join(f"{member!r}: {_shape_type(shape)}" for member, shape in data.items())
        lines.append(f"{name}Data = TypedDict({name + 'Data'!r}, {{{shown}}}, total=False)")
        lines.append(
            f"{name}Answer = TypedDict({name + 'Answer'!r}, {{'Code': int, 'Message': str, "
            f"'RequestId': str, 'Data': {name}Data, 'ErrorList': list[Any]}}, total=False)"
        )
    lines += ["", "Params = Union[", *(f"    {name}Params," for name in actions), "]", ""]
    lines += _callables(actions)
    return "\n".join(lines)


_ANSWER = "dict[str, Any]"


def _shape_type(shape: Any) -> str:
    """A member of an answer's Data, as a type: its kind's, lists and dicts as such."""
    if isinstance(shape, list):
        return "list[Any]"
    if isinstance(shape, dict):
        return "dict[str, Any]"
    return TYPES.get(shape, "Any")


def _callables(actions: dict[str, Any]) -> list[str]:
    """ZegoProject's call_api and acall_api, an overload an Action: each with its parameters."""
    lines = ['Method = Literal["GET", "POST"]', ""]
    for name, awaited in (("CallApi", "{}"), ("ACallApi", "Coroutine[Any, Any, {}]")):
        lines += [f"class {name}(Protocol):"]
        for action, facts in actions.items():
            needed = any(param["required"] for param in facts["params"].values())
            params = f"{action}Params" + ("" if needed else " | None = ...")
            lines += [
                "    @overload",
                f"    def __call__(self, action: Literal[{action!r}], params: {params}, *,"
                f" timeout: float | None = ...) -> {awaited.format(action + 'Answer')}: ...",
            ]
        lines += [
            "    @overload",
            "    def __call__(self, action: str, params: Mapping[str, Any] | None = ..., *,"
            " product: Product, method: Method, timeout: float | None = ...)"
            f" -> {awaited.format(_ANSWER)}: ...",
            "",
        ]
    return lines


def markdown(actions: dict[str, Any], commit: str) -> str:
    lines = [
        f"<!-- Generated by `python tools/make_catalogue.py DOCS_ALL` from {REPOSITORY} at"
        f" {commit}: do not edit. -->",
        "",
        "# Server API Actions",
        "",
        f"Every Action of ZEGO's Server API that ZEGO's OpenAPI files describe ({len(actions)}),",
        "with its product, method, parameters and their rules, and rate limit. `call_api`",
        "checks each call against these rules before anything is signed. Follow the",
        "link to ZEGO's page for what each Action does.",
        "",
    ]
    for product in PRODUCTS:
        names = [name for name, facts in actions.items() if facts["product"] == product]
        lines += [f"## {product} ({len(names)})", ""]
        for name in names:
            lines += _markdown_action(name, actions[name])
    return "\n".join(lines)


def _markdown_action(name: str, facts: dict[str, Any]) -> list[str]:
    limit = facts["rate_limit"] or {}
    rate = "; ".join(
        f"{key.replace('_', ' ')}: {value[0]} per {value[1]} s"
        for key, value in limit.items()
        if isinstance(value, list)
    )
    lines = [
        f"### {name}",
        "",
        f"`{facts['method']}` {facts['host']} ({facts['group']}) · "
        f"[ZEGO's page]({facts['page']})" + (f" · rate limit {rate}" if rate else ""),
        "",
    ]
    if facts["params"]:
        lines += ["| parameter | in | required | rules |", "|---|---|---|---|"]
        for member, param in facts["params"].items():
            rules = param["schema"]
            shown = ", ".join(f"{key} {rules[key]}" for key in RULES if key in rules)
            if "items" in rules:
                shown += f", items: {rules['items'].get('type', 'any')}"
            if "properties" in rules:
                shown += ", members: " + ", ".join(rules["properties"])
            lines.append(
                f"| `{member}` | {param['in']} | {'yes' if param['required'] else ''} | "
                f"{shown.replace('|', '¦')} |"
            )
        lines.append("")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("docs_all", help="a git directory of ZEGOCLOUD/docs_all")
    parser.add_argument("--commit", default=COMMIT, help=f"the commit to read (default {COMMIT})")
    args = parser.parse_args()
    docs = Docs(args.docs_all, args.commit)
    actions, products = catalogue(docs)
    commit = docs.git("rev-parse", args.commit).strip()
    (ROOT / "src/server/_catalogue.py").write_text(
        python_module(actions, products, commit), encoding="utf-8"
    )
    (ROOT / "src/server/_actions.pyi").write_text(stub(actions, commit), encoding="utf-8")
    (ROOT / "docs/actions.md").write_text(markdown(actions, commit), encoding="utf-8")
    print(f"{len(actions)} Actions", file=sys.stderr)


if __name__ == "__main__":
    main()
