"""ZEGO's Server API as ZEGO's OpenAPI files state it: every Action sent with ZEGO's method, host and
placement, refused before signing when a rule is broken, retried by its product's own codes, faked."""

import asyncio
import json
import os
import subprocess
import sys
import urllib.parse
from pathlib import Path

import pytest
from support import SECRET

from src import ZegoApiError, ZegoBatchError, ZegoProject
from src.server._catalogue import ACTIONS, COMMIT, PRODUCTS

httpx = pytest.importorskip("httpx")
from src.testing import FakeZegoApi  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def example(schema):
    """A value that keeps every rule of ``schema``."""
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "string":
        return "x" * max(schema.get("minLength", 1), 1)
    if kind in ("integer", "number", "Int64"):
        return (
            max(schema.get("minimum", 1), 1)
            if "maximum" not in schema or schema["maximum"] >= 1
            else schema["maximum"]
        )
    if kind == "boolean":
        return True
    if kind == "array":
        return [example(schema.get("items", {}))] * max(schema.get("minItems", 1), 1)
    if kind == "object":
        members = schema.get("properties", {})
        return {name: example(members[name]) for name in schema.get("required", [])}
    return "x"


def required_params(action):
    params = ACTIONS[action]["params"]
    return {name: example(param["schema"]) for name, param in params.items() if param["required"]}


def recording():
    """A MockTransport that keeps each request and answers Code 0."""
    seen = []

    def answer(request):
        seen.append(request)
        return httpx.Response(200, json={"Code": 0, "Message": "ok", "RequestId": "r", "Data": {}})

    return httpx.MockTransport(answer), seen


def test_the_catalogue_holds_zegos_165_actions_by_product_and_method():
    products = [facts["product"] for facts in ACTIONS.values()]
    counts = {product: products.count(product) for product in PRODUCTS}
    assert counts == {
        "rtc": 50,
        "zim": 71,
        "aiagent": 19,
        "cloudrecord": 9,
        "cloudplayer": 7,
        "asr": 5,
        "whiteboard": 4,
    }
    methods = [facts["method"] for facts in ACTIONS.values()]
    assert (methods.count("GET"), methods.count("POST")) == (64, 101)
    assert ACTIONS["DescribeUserNum"]["params"]["RoomId"]["schema"]["maxItems"] == 10
    assert ACTIONS["KickoutUser"]["params"]["UserId"]["schema"]["maxItems"] == 5
    assert ACTIONS["SendPeerMessage"]["params"]["ToUserId"]["schema"]["maxItems"] == 100
    assert ACTIONS["DescribeUserNum"]["rate_limit"] == {"limit": [10, 1], "test": [1, 1]}


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_each_action_goes_with_zegos_method_host_and_placement(action):
    facts, (transport, seen) = ACTIONS[action], recording()
    params = required_params(action)
    for region in (None, "sgp"):
        ZegoProject(1, SECRET, region=region, transport=transport).call_api(action, params)
    for request, region in zip(seen, (None, "sgp")):
        assert request.method == facts["method"]
        host = facts["regions"].get(region, facts["host"]) if region else facts["host"]
        assert f"https://{request.url.host}" == host
        query = urllib.parse.parse_qs(request.url.query.decode())
        assert query["Action"] == [action] and "Signature" in query
        body = json.loads(request.content) if request.content else {}
        for name, param in facts["params"].items():
            if name not in params:
                continue
            if param["in"] == "body":
                assert body[name] == params[name]
            else:
                assert name in query or f"{name}[]" in query
        assert (request.headers.get("content-type") == "application/json") == (
            facts["method"] == "POST"
        )


@pytest.mark.parametrize("action", sorted(name for name in ACTIONS if required_params(name)))
def test_each_action_is_refused_before_sending_without_a_required_parameter(action):
    transport, seen = recording()
    zego = ZegoProject(1, SECRET, transport=transport)
    for missing in required_params(action):
        params = {name: value for name, value in required_params(action).items() if name != missing}
        with pytest.raises(ValueError, match=rf"params\['{missing}'\] is required by {action}"):
            zego.call_api(action, params)
    assert seen == []


@pytest.mark.parametrize(
    ("params", "error", "words"),
    [
        (
            {"RoomId": [f"r{n}" for n in range(11)]},
            ValueError,
            r"params\['RoomId'\] must be at most 10 items",
        ),
        ({"RoomId": "room1"}, TypeError, r"params\['RoomId'\] must be array, not str"),
        ({"RoomId": [1]}, TypeError, r"params\['RoomId'\]\[0\] must be string"),
        ({"RoomId": []}, ValueError, "at least 1 items"),
        (
            {"RoomId": ["r"], "RoomID": ["r"]},
            ValueError,
            r"takes no such parameter \(did you mean RoomId",
        ),
    ],
)
def test_a_broken_rule_is_refused_naming_the_parameter_and_the_rule(params, error, words):
    transport, seen = recording()
    with pytest.raises(error, match=words):
        ZegoProject(1, SECRET, transport=transport).call_api("DescribeUserNum", params)
    assert seen == []


def test_nested_members_and_enums_are_held_to_their_rules():
    zego = ZegoProject(1, SECRET, transport=recording()[0])
    message = {"FromUserId": "u1", "ToUserId": ["u2"], "MessageType": 1, "MessageBody": {}}
    with pytest.raises(ValueError, match=r"params\['Priority'\] must be one of \[1, 2, 3\]"):
        zego.call_api("SendPeerMessage", {**message, "Priority": 4})
    with pytest.raises(ValueError, match=r"params\['FromUserId'\] must be at most 32 characters"):
        zego.call_api("SendPeerMessage", {**message, "Priority": 1, "FromUserId": "u" * 33})
    with pytest.raises(TypeError, match=r"params\['Priority'\] must be number, not bool"):
        zego.call_api("SendPeerMessage", {**message, "Priority": True})
    assert zego.call_api("SendPeerMessage", {**message, "Priority": 1})["Code"] == 0


def test_an_unknown_action_names_the_closest_and_a_newer_one_needs_its_product_and_method():
    transport, seen = recording()
    zego = ZegoProject(1, SECRET, transport=transport)
    with pytest.raises(ValueError, match="DescribeUserNum"):
        zego.call_api("DescribeUsrNum", {"RoomId": ["r"]})
    assert (
        zego.call_api("DescribeSomethingNew", {"X": 1}, product="zim", method="POST")["Code"] == 0
    )
    (request,) = seen
    assert (request.url.host, request.method, json.loads(request.content)) == (
        "zim-api.zego.im",
        "POST",
        {"X": 1},
    )
    with pytest.raises(ValueError, match="product must be 'rtc'"):
        zego.call_api("DescribeUserNum", {"RoomId": ["r"]}, product="zim")


# --- retries by each product's own return-code table ---------------------------------------------------------

ONE_ACTION = {
    product: next(name for name, facts in ACTIONS.items() if facts["product"] == product)
    for product in PRODUCTS
}


@pytest.mark.parametrize(
    ("product", "code"),
    [(product, code) for product, facts in PRODUCTS.items() for code in facts["throttles"]],
)
def test_a_products_throttling_codes_are_tried_again(product, code):
    action, fake = ONE_ACTION[product], FakeZegoApi(1, SECRET)
    fake.answer(action, code=code)
    zego = ZegoProject(1, SECRET, transport=fake, retries=1)
    assert zego.call_api(action, required_params(action))["Code"] == 0
    assert len(fake.calls) == 2


@pytest.mark.parametrize(
    ("product", "code"),
    [("rtc", 1), ("rtc", 7), ("asr", 7), ("whiteboard", 1), ("zim", 2), ("cloudplayer", 1)],
)
def test_a_code_that_may_mean_the_action_ran_is_never_tried_again(product, code):
    action, fake = ONE_ACTION[product], FakeZegoApi(1, SECRET)
    fake.answer(action, code=code)
    with pytest.raises(ZegoApiError) as caught:
        ZegoProject(1, SECRET, transport=fake, retries=2).call_api(action, required_params(action))
    assert (caught.value.code, caught.value.throttled, len(fake.calls)) == (code, False, 1)


def test_a_throttled_call_says_so_and_carries_the_actions_rate_limit():
    fake = FakeZegoApi(1, SECRET)
    for _ in range(3):
        fake.answer("DescribeUserNum", code=207)
    with pytest.raises(ZegoApiError) as caught:
        ZegoProject(1, SECRET, transport=fake, retries=2).call_api(
            "DescribeUserNum", {"RoomId": ["r"]}
        )
    assert caught.value.throttled and caught.value.rate_limit == {"limit": [10, 1], "test": [1, 1]}
    assert len(fake.calls) == 3


def test_a_batch_answer_with_failed_items_cannot_be_missed():
    fake = FakeZegoApi(1, SECRET)
    failures = [{"UserId": "u3", "SubCode": 660000011}]
    fake.answer("SendPeerMessage", ErrorList=failures)
    message = {
        "FromUserId": "u1",
        "ToUserId": ["u2", "u3"],
        "MessageType": 1,
        "Priority": 1,
        "MessageBody": {},
    }
    with pytest.raises(ZegoBatchError) as caught:
        ZegoProject(1, SECRET, transport=fake).call_api("SendPeerMessage", message)
    assert caught.value.failures == failures and caught.value.answer["Code"] == 0


# --- the fake ------------------------------------------------------------------------------------------------


def test_the_fake_answers_schema_shaped_data_in_both_modes():
    fake = FakeZegoApi(1, SECRET)
    zego = ZegoProject(1, SECRET, transport=fake)
    answer = zego.call_api("DescribeUserNum", {"RoomId": ["room1"]})
    assert answer["Data"] == {
        "UserCountList": [{"AdminUserCount": 0, "RoomId": "", "UserCount": 0}]
    }
    assert asyncio.run(zego.acall_api("DescribeUserNum", {"RoomId": ["room1"]}))["Code"] == 0
    assert [call.params for call in fake.calls] == [{"RoomId": ["room1"]}] * 2


def test_the_fake_checks_the_signature_and_the_project():
    with pytest.raises(ZegoApiError) as caught:
        ZegoProject(1, "0" * 32, transport=FakeZegoApi(1, SECRET)).call_api(
            "DescribeUserNum", {"RoomId": ["r"]}
        )
    assert caught.value.code == 100000005
    with pytest.raises(ZegoApiError) as caught:
        ZegoProject(2, SECRET, transport=FakeZegoApi(1, SECRET)).call_api(
            "DescribeUserNum", {"RoomId": ["r"]}
        )
    assert caught.value.code == 100000010


def test_the_fake_refuses_a_request_the_catalogue_would_not_send():
    fake = FakeZegoApi(1, SECRET)
    zego = ZegoProject(1, SECRET, transport=fake)
    with pytest.raises(ZegoApiError) as caught:
        zego.call_api("DescribeSomethingNew", product="rtc", method="GET")
    assert caught.value.code == 100000007
    with pytest.raises(ValueError, match="RoomId"):  # a signed URL is checked as a call is
        zego.api_url("DescribeUserNum")


# --- made from ZEGO's files, and loaded only when a call is made ----------------------------------------------


def test_making_a_token_signing_or_verifying_a_callback_loads_no_catalogue_and_no_httpx():
    script = (
        "import sys\n"
        "from src import api_params, api_signature, token04, verify_callback\n"
        "token04.generate_token04(1, 'u', 'fa94dd0f974cf2e293728a526b028271', 3600, '')\n"
        "api_params(1, 'fa94dd0f974cf2e293728a526b028271', 'DescribeUserNum')\n"
        "api_signature(1, 'n', 'fa94dd0f974cf2e293728a526b028271', 1)\n"
        "try:\n"
        "    verify_callback({'signature': 'x', 'timestamp': 1, 'nonce': 2}, 's' * 32)\n"
        "except Exception:\n"
        "    pass\n"
        "print(sorted(m for m in sys.modules if m.endswith('_catalogue') or m in ('httpx', 'asyncio')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


@pytest.mark.skipif(
    not os.environ.get("ZEGO_DOCS_ALL"),
    reason="needs a git directory of ZEGOCLOUD/docs_all in ZEGO_DOCS_ALL (CONTRIBUTING.md says how)",
)
def test_the_script_makes_the_committed_catalogue_byte_for_byte(tmp_path):
    copy = tmp_path / "copy"
    for part in ("tools", "src/server", "docs"):
        (copy / part).mkdir(parents=True)
    (copy / "tools/make_catalogue.py").write_text((ROOT / "tools/make_catalogue.py").read_text())
    subprocess.run(
        [
            sys.executable,
            str(copy / "tools/make_catalogue.py"),
            os.environ["ZEGO_DOCS_ALL"],
            "--commit",
            COMMIT,
        ],
        check=True,
        capture_output=True,
    )
    for made in ("src/server/_catalogue.py", "src/server/_actions.pyi", "docs/actions.md"):
        assert (copy / made).read_bytes() == (ROOT / made).read_bytes(), made


def test_a_type_checker_flags_a_misspelt_action_a_misspelt_parameter_and_a_wrong_type(tmp_path):
    pytest.importorskip("mypy")
    snippet = tmp_path / "calls.py"
    snippet.write_text(
        "from src import ZegoProject\n"
        "zego = ZegoProject(1, 'fa94dd0f974cf2e293728a526b028271')\n"
        "zego.call_api('DescribeUserNum', {'RoomId': ['room1']})\n"
        "zego.call_api('DescribeUserNums', {'RoomId': ['room1']})\n"
        "zego.call_api('DescribeUserNum', {'RoomIds': ['room1']})\n"
        "zego.call_api('DescribeUserNum', {'RoomId': 'room1'})\n"
        "zego.call_api('SomethingNewer', {'X': 1}, product='zim', method='POST')\n"
        "async def later() -> None:\n"
        "    await zego.acall_api('KickoutUser', {'RoomId': 'r', 'UserId': ['u']})\n"
        "    await zego.acall_api('KickoutUser', {'RoomId': 'r'})\n"
        "answer = zego.call_api('DescribeUserNum', {'RoomId': ['room1']})\n"
        "rooms: list[object] = answer['Data']['UserCountList']\n"
        "count: str = answer['Code']\n",
        encoding="utf-8",
    )
    # In a process of its own: mypy ends it at once, where freeing its trees here took seconds.
    checked = [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(tmp_path / "cache")]
    checked += ["--follow-imports", "silent", str(snippet)]
    report = subprocess.run(
        checked, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False
    ).stdout
    flagged = sorted(int(line.split(":")[1]) for line in report.splitlines() if ": error:" in line)
    assert flagged == [4, 5, 6, 10, 13], report  # 13: Code is an int
