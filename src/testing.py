"""A fake of ZEGO's Server API for your own tests: an httpx transport, no socket, no ZEGO.

    fake = FakeZegoApi(app_id=1, secret=SERVER_SECRET)
    zego = ZegoProject(1, SERVER_SECRET, transport=fake)
    fake.answer("KickoutUser", code=206)  # the next KickoutUser is throttled
    zego.call_api("DescribeUserNum", {"RoomId": ["room1"]})  # Data shaped as ZEGO documents it
    assert fake.calls[-1].params == {"RoomId": ["room1"]}

Each request is checked as ZEGO's gateway checks it (the common parameters, the Signature, a
Timestamp within 10 minutes) and against the catalogue (the Action, its method, its host, each
parameter's rules); a request that fails is answered with ZEGO's code for it. It serves
``call_api`` and ``acall_api`` alike. Needs httpx (``pip install '.[api]'``).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.parse
from collections.abc import Mapping
from typing import Any, NamedTuple

from .server._rules import actions, check_params, from_text

try:
    import httpx
except ImportError:
    raise ImportError("FakeZegoApi needs httpx, the api extra: pip install httpx") from None

__all__ = ["FakeCall", "FakeZegoApi"]

_COMMON = ("Action", "AppId", "SignatureNonce", "Timestamp", "SignatureVersion", "Signature")
_MISSING = dict(zip(_COMMON, (100000006, 100000001, 100000008, 100000002, 100000013, 100000009)))


class FakeCall(NamedTuple):
    """A request the fake took: its Action, and its parameters (query and body together)."""

    action: str
    """The Action called."""
    params: dict[str, Any]
    """Its own parameters, as the fake read them (a query's lists as lists)."""


class FakeZegoApi(httpx.MockTransport):
    """ZEGO's Server API for one project, checking each request and answering as ZEGO does.

    ``answer(action, code=..., data=...)`` sets what the next call of ``action`` gets; other
    calls get Code 0 and ``Data`` shaped as ZEGO's files describe it (empty strings, zeros,
    one item a list). ``calls`` lists what was taken, in order.
    """

    def __init__(self, app_id: int, secret: str) -> None:
        super().__init__(self._handle)
        self._app_id, self._secret = app_id, secret
        self._answers: dict[str, list[dict[str, Any]]] = {}
        self.calls: list[FakeCall] = []

    def __repr__(self) -> str:
        return f"FakeZegoApi(app_id={self._app_id}, secret=<hidden>)"

    def answer(
        self, action: str, *, code: int = 0, data: Any = None, message: str = "", **extra: Any
    ) -> None:
        """The next call of ``action`` is answered with ``code`` (and ``data``, ``message``, and
        any other member, such as an ``ErrorList``)."""
        answer = {"Code": code, "Message": message or ("success" if code == 0 else "refused")}
        answer.update(extra, **({"Data": data} if data is not None else {}))
        self._answers.setdefault(action, []).append(answer)

    def _handle(self, request: httpx.Request) -> httpx.Response:
        query = urllib.parse.parse_qs(request.url.query.decode(), keep_blank_values=True)
        single = {name: values[-1] for name, values in query.items()}
        code = self._gateway_refusal(single) or self._catalogue_refusal(request, single, query)
        if code:
            return _json({"Code": code, "Message": "refused", "RequestId": _request_id()})
        queued = self._answers.get(single["Action"])
        answer = queued.pop(0) if queued else {"Code": 0, "Message": "success"}
        if answer["Code"] == 0 and "Data" not in answer:
            answer["Data"] = _shaped(actions()[single["Action"]]["data"])
        return _json({**answer, "RequestId": _request_id()})

    def _gateway_refusal(self, query: dict[str, str]) -> int:
        for name, code in _MISSING.items():
            if not query.get(name):
                return code
        if query["SignatureVersion"] != "2.0":
            return 100000014
        if query["AppId"] != str(self._app_id):
            return 100000010
        if not query["Timestamp"].isdigit():
            return 100000003
        if abs(int(query["Timestamp"]) - time.time()) > 600:
            return 100000004
        signed = query["AppId"] + query["SignatureNonce"] + self._secret + query["Timestamp"]
        expected = hashlib.md5(signed.encode(), usedforsecurity=False).hexdigest()
        return 0 if hmac.compare_digest(expected, query["Signature"]) else 100000005

    def _catalogue_refusal(
        self, request: httpx.Request, single: dict[str, str], query: dict[str, list[str]]
    ) -> int:
        facts = actions().get(single["Action"])
        if facts is None:
            return 100000007
        hosts = {facts["host"], *facts["regions"].values()}
        if request.method != facts["method"] or f"https://{request.url.host}" not in hosts:
            return 100000007
        params = _params(request, query, single["Action"])
        self.calls.append(FakeCall(single["Action"], params))
        try:
            check_params(single["Action"], facts["params"], params)
        except (TypeError, ValueError):
            return 2  # a parameter wrong
        return 0


def _params(request: httpx.Request, query: Mapping[str, list[str]], action: str) -> dict[str, Any]:
    """The Action's own parameters: the query's (``Key[]`` as a list, each read as the Action
    takes it), the JSON body's."""
    texts = {
        name.removesuffix("[]"): values if name.endswith("[]") else values[-1]
        for name, values in query.items()
        if name not in _COMMON and name != "IsTest"
    }
    params = from_text(action, texts)
    if request.content:
        body = json.loads(request.content)
        params.update(body if isinstance(body, dict) else {})
    return params


def _shaped(shape: Any) -> Any:
    """A value of the documented shape: a dict of members, a list of one item, a type's zero."""
    if isinstance(shape, dict):
        return {name: _shaped(member) for name, member in shape.items()}
    if isinstance(shape, list):
        return [_shaped(shape[0])] if shape else []
    return {"string": "", "integer": 0, "number": 0, "boolean": False}.get(shape)


def _json(answer: dict[str, Any]) -> httpx.Response:
    return httpx.Response(200, json=answer)


def _request_id() -> str:
    return f"fake-{time.monotonic_ns()}"
