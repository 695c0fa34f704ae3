"""The Server API: request signatures, and calls over real HTTP against a local stand-in of ZEGO's API."""

import hashlib
import json
import socket
import time
import urllib.parse

import pytest
from fake_zego import FakeZego
from support import MADE_UP, OTHER_SECRET, ROOM, SECRET

from src import ZegoProject, api_signature
from src.errors import ZegoError
from src.server import ZegoApiError, ZegoBatchError, api_params, api_url
from src.server._signing import REGIONS

# --- the official vectors ---------------------------------------------------------------------------------


def test_the_official_api_signature_vector():
    # ZEGO's Go sample: AppId 12345, nonce 4fd24687296dd9f3, ServerSecret 9193cc..., Timestamp 1615186943.
    signature = api_signature(
        12345, "4fd24687296dd9f3", "9193cc662a4c0ec135ec71fb57194b38", 1615186943
    )
    assert signature == "43e5cfcca828314675f91b001390566a"
    assert (
        api_signature(12345, "4fd24687296dd9f3", "9193cc662a4c0ec135ec71fb57194b38", "1615186943")
        == signature
    )


def test_signatures_are_what_the_documentation_writes():
    assert api_signature(7, "n", SECRET, 5) == hashlib.md5(f"7n{SECRET}5".encode()).hexdigest()  # noqa: S324


@pytest.mark.parametrize(
    ("arguments", "error"),
    [
        ((0, "n", SECRET, 1), ValueError),
        ((1, "n", SECRET[:31], 1), ValueError),
        ((1, 5, SECRET, 1), TypeError),
    ],
)
def test_a_malformed_signature_argument_is_the_callers_error(arguments, error):
    with pytest.raises(error) as caught:
        api_signature(*arguments)
    assert SECRET[:31] not in str(caught.value)


# --- the common parameters ------------------------------------------------------------------------------------


def test_api_params_are_signed_with_a_fresh_nonce_each_call():
    first, second = (api_params(1, SECRET, "DescribeUserNum") for _ in range(2))
    assert set(first) == {
        "Action",
        "AppId",
        "SignatureNonce",
        "Timestamp",
        "SignatureVersion",
        "Signature",
    }
    assert (first["Action"], first["AppId"], first["SignatureVersion"]) == (
        "DescribeUserNum",
        "1",
        "2.0",
    )
    assert (
        first["SignatureNonce"] != second["SignatureNonce"] and len(first["SignatureNonce"]) == 16
    )
    assert abs(int(first["Timestamp"]) - time.time()) < 60
    assert first["Signature"] == api_signature(
        1, first["SignatureNonce"], SECRET, first["Timestamp"]
    )


def test_api_params_take_a_nonce_and_a_timestamp_and_is_test():
    params = api_params(
        12345,
        "9193cc662a4c0ec135ec71fb57194b38",
        "A",
        nonce="4fd24687296dd9f3",
        timestamp=1615186943,
    )
    assert params["Signature"] == "43e5cfcca828314675f91b001390566a"
    assert "IsTest" not in params
    assert api_params(1, SECRET, "A", is_test=False)["IsTest"] == "false"
    assert ZegoProject(1, SECRET, is_test=True).api_params("A")["IsTest"] == "true"


def test_the_hosts_are_the_catalogues():
    assert api_url(1, SECRET, "DescribeUserNum", ROOM).startswith("https://rtc-api.zego.im/?")
    assert api_url(1, SECRET, "QueryAppGroupList", region="sgp").startswith(
        "https://zim-api-sgp.zego.im/?"
    )
    assert set(REGIONS) == {"sha", "hkg", "fra", "lax", "bom", "sgp"}
    with pytest.raises(ValueError, match="product"):
        api_url(1, SECRET, "Unknown", product="rtc.evil.example/x")


def test_a_signed_url_carries_lists_as_zego_reads_them():
    url = api_url(1, SECRET, "DescribeUserNum", {"RoomId": ["r1", "r2"]})
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
    assert query["RoomId[]"] == ["r1", "r2"]
    assert url.startswith("https://rtc-api.zego.im/?Action=DescribeUserNum&AppId=1&")
    made_up = api_url(1, SECRET, "Later", {"Limit": 5, "Live": True}, product="rtc")
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(made_up).query)
    assert (query["Limit"], query["Live"]) == (["5"], ["true"])


# --- calling the Server API, over HTTP, against a server that checks as ZEGO's documentation says -------------


@pytest.fixture
def zego_api():
    answers = {
        "DescribeUserNum": {"UserCount": 3},
        "BatchSend": {"Code": 0, "ErrorList": [{"UserId": "u", "SubCode": 1}]},
    }
    with FakeZego({1: SECRET, 2: OTHER_SECRET}, answers=answers) as fake:
        yield fake


def test_call_api_gets_the_answer_whole(zego_api):
    zego = ZegoProject(1, SECRET, base_url=zego_api.url)
    answer = zego.call_api("DescribeUserNum", {"RoomId": ["room1", "room2"]})
    assert (answer["Code"], answer["Data"]) == (0, {"UserCount": 3})
    (request,) = zego_api.requests
    assert request["method"] == "GET" and request["query"]["RoomId[]"] == ["room1", "room2"]


def test_call_api_posts_a_json_body_with_the_common_parameters_in_the_query(zego_api):
    with pytest.raises(ZegoBatchError) as caught:  # per-item failures are never dropped
        ZegoProject(1, SECRET, base_url=zego_api.url).call_api(
            "BatchSend", {"Users": ["u", "v"]}, method="POST", product="zim"
        )
    assert caught.value.failures == [{"UserId": "u", "SubCode": 1}]
    assert caught.value.answer["Code"] == 0 and caught.value.code == 0
    (request,) = zego_api.requests
    assert request["method"] == "POST" and json.loads(request["body"]) == {"Users": ["u", "v"]}
    assert (
        request["headers"]["Content-Type"] == "application/json" and "Signature" in request["query"]
    )


@pytest.mark.parametrize(
    ("project", "code", "advice"),
    [
        ((1, OTHER_SECRET), 100000005, "check the ServerSecret"),
        ((3, SECRET), 100000010, ""),
    ],
)
def test_a_refusal_is_a_zego_api_error_with_its_code_and_advice(zego_api, project, code, advice):
    with pytest.raises(ZegoApiError) as caught:
        ZegoProject(*project, base_url=zego_api.url).call_api("DescribeUserNum", ROOM)
    assert (caught.value.code, caught.value.request_id) == (code, "req-1")
    assert (
        advice in str(caught.value)
        and SECRET not in str(caught.value)
        and OTHER_SECRET not in str(caught.value)
    )


def test_a_clock_ten_minutes_off_is_named(zego_api):
    zego_api.clock = lambda: (
        time.time() + 601
    )  # this server's clock is ten minutes and a second behind ZEGO's
    with pytest.raises(ZegoApiError, match="clock") as caught:
        ZegoProject(1, SECRET, base_url=zego_api.url).call_api("DescribeUserNum", ROOM)
    assert caught.value.code == 100000004


def test_the_fake_refuses_what_zego_refuses(zego_api):
    # The stand-in is held to the documentation too: each common parameter missing, the wrong version.
    params = api_params(1, SECRET, "DescribeUserNum")
    for name in ("Action", "AppId", "SignatureNonce", "Timestamp", "Signature", "SignatureVersion"):
        assert (
            zego_api.refusal({key: value for key, value in params.items() if key != name}) != 0
        ), name
    assert zego_api.refusal({**params, "SignatureVersion": "1.0"}) == 100000014
    assert zego_api.refusal({**params, "SignatureNonce": "other"}) == 100000005
    assert zego_api.refusal(params) == 0


def test_http_and_network_failures_are_zego_api_errors(zego_api):
    with (
        FakeZego({1: SECRET}, answers={"Broken": 502}) as fake,
        pytest.raises(ZegoApiError) as caught,
    ):
        ZegoProject(1, SECRET, base_url=fake.url).call_api("Broken", **MADE_UP)
    assert (caught.value.code, caught.value.status) == (0, 502)
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{unused.getsockname()[1]}/"
    with pytest.raises(ZegoApiError, match="could not reach") as caught:
        ZegoProject(1, SECRET, base_url=closed).call_api("DescribeUserNum", ROOM, timeout=5)
    assert isinstance(caught.value, ZegoError) and caught.value.code == 0


def test_a_server_that_never_answers_times_out():
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        started = time.monotonic()
        with pytest.raises(ZegoApiError) as caught:
            ZegoProject(
                1, SECRET, base_url=f"http://127.0.0.1:{silent.getsockname()[1]}/"
            ).call_api("A", timeout=0.5, **MADE_UP)
        assert time.monotonic() - started < 5 and (caught.value.code, caught.value.status) == (0, 0)


def test_call_api_takes_only_get_and_post():
    with pytest.raises(ValueError, match="method"):
        ZegoProject(1, SECRET).call_api("A", method="DELETE")


def test_tls_is_verified(tmp_path):
    # An HTTPS server on 127.0.0.1 with a certificate no authority signed: the request is refused, never sent.
    import datetime
    import ssl
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.timezone.utc)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .sign(key, hashes.SHA256())
    )
    (tmp_path / "cert.pem").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    requests = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            requests.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with pytest.raises(ZegoApiError, match="could not reach") as caught:
            ZegoProject(
                1, SECRET, base_url=f"https://localhost:{server.server_address[1]}/"
            ).call_api("A", timeout=10, **MADE_UP)
        assert (
            "CERTIFICATE_VERIFY_FAILED" in str(caught.value)
            or "certificate" in str(caught.value).lower()
        )
        assert requests == []
    finally:
        server.shutdown()
        server.server_close()


def test_an_answer_that_is_not_zegos_json_is_a_zego_api_error():
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Proxy(BaseHTTPRequestHandler):  # a proxy's error page, say
        def do_GET(self):
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"<html>bad gateway</html>")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Proxy)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with pytest.raises(ZegoApiError, match="not a Server API answer") as caught:
            ZegoProject(
                1, SECRET, base_url=f"http://127.0.0.1:{server.server_address[1]}/"
            ).call_api("A", **MADE_UP)
        assert (caught.value.code, caught.value.status) == (0, 200)
    finally:
        server.shutdown()
        server.server_close()


def test_is_test_is_none_or_a_bool():
    with pytest.raises(TypeError, match="is_test"):
        ZegoProject(1, SECRET, is_test="false")


def test_the_server_errors_are_named_by_their_public_home_and_survive_pickle():
    import pickle
    import traceback

    from src.server import CallbackLogError, InvalidCallbackError, ZegoBatchError

    error = ZegoApiError("refused", 206, "r1", 200, throttled=True, rate_limit={"limit": [10, 1]})
    assert "src.server.ZegoApiError: refused" in "".join(
        traceback.format_exception_only(type(error), error)
    )
    twin = pickle.loads(pickle.dumps(error))  # noqa: S301 (our own)
    assert (twin.code, twin.throttled, twin.rate_limit, twin.sent) == (
        206,
        True,
        {"limit": [10, 1]},
        True,
    )
    for kind in (ZegoBatchError, InvalidCallbackError, CallbackLogError):
        assert kind.__module__ == "src.server"
