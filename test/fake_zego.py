"""A local stand-in for ZEGO's Server API that checks each request as ZEGO's documentation says.

It knows one project per AppID (its ServerSecret), answers in ZEGO's shape
({"Code", "Message", "RequestId", "Data"}) and refuses as ZEGO does: a missing
parameter, a SignatureVersion other than "2.0", a Timestamp more than 10 minutes
off (100000004), a Signature that is not md5(AppId + SignatureNonce +
ServerSecret + Timestamp) (100000005). Its signature check is written from the
documentation, apart from the library's. It keeps every request it saw, and
counts the connections it accepted (it keeps them alive, as ZEGO's servers do).

An action's answer (``answers``) is its Data, a whole answer (a dict with a
Code), an HTTP status (an int), a list of those (one per request, in turn), or a
function of the handler that writes raw bytes itself (a malformed or drip-fed
answer, a redirect), after which the connection is closed.
"""

from __future__ import annotations

import hashlib
import json
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

REQUIRED = {
    "Action": 100000006,
    "AppId": 100000001,
    "SignatureNonce": 100000008,
    "Timestamp": 100000002,
    "Signature": 100000009,
    "SignatureVersion": 100000013,
}


class FakeZego:
    """The server, on 127.0.0.1 and a free port, in a thread; ``url`` is its base URL."""

    def __init__(
        self, secrets: dict[int, str], answers: dict[str, Any] | None = None, port: int = 0
    ) -> None:
        self.secrets = secrets
        self.answers = answers or {}  # Action -> Data (or a whole answer, or an HTTP status int)
        self.requests: list[dict[str, Any]] = []
        self.connections = 0
        self.clock = time.time  # ZEGO's clock
        handler = type("Handler", (_Handler,), {"fake": self})
        self.server = _Server(("127.0.0.1", port), handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)

    def __enter__(self) -> FakeZego:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def answer(self, query: dict[str, list[str]], body: bytes) -> tuple[int, dict[str, Any]]:
        """The HTTP status and JSON answer ZEGO would give."""
        single = {name: values[-1] for name, values in query.items()}
        code = self.refusal(single)
        request_id = f"req-{len(self.requests)}"
        if code:
            return 200, {"Code": code, "Message": "refused", "RequestId": request_id}
        data = self.answers.get(single["Action"], {})
        if isinstance(data, list):
            data = data[
                min(
                    sum(r["query"].get("Action") == [single["Action"]] for r in self.requests),
                    len(data),
                )
                - 1
            ]
        if isinstance(data, int):
            return data, {"Message": "an HTTP failure"}
        if isinstance(data, dict) and "Code" in data:
            return 200, {**data, "RequestId": request_id}
        return 200, {"Code": 0, "Message": "success", "RequestId": request_id, "Data": data}

    def refusal(self, query: dict[str, str]) -> int:
        for name, code in REQUIRED.items():
            if not query.get(name):
                return code
        if query["SignatureVersion"] != "2.0":
            return 100000014
        if not (query["AppId"].isdigit() and int(query["AppId"]) in self.secrets):
            return 100000010
        if not query["Timestamp"].isdigit():
            return 100000003
        if abs(int(query["Timestamp"]) - self.clock()) > 600:
            return 100000004
        text = (
            query["AppId"]
            + query["SignatureNonce"]
            + self.secrets[int(query["AppId"])]
            + query["Timestamp"]
        )
        if hashlib.md5(text.encode()).hexdigest() != query["Signature"]:  # noqa: S324 (ZEGO's scheme)
            return 100000005
        return 0


class _Server(ThreadingHTTPServer):
    request_queue_size = 128  # 50 clients connect at once

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that hung up (the tests cut drip-fed answers short) is no error of the stand-in.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    fake: FakeZego
    protocol_version = "HTTP/1.1"  # keep-alive, as ZEGO's servers
    timeout = 30
    wbufsize = -1  # an answer goes out in one write (flushed after each request) ...
    disable_nagle_algorithm = True  # ... at once: no 40 ms of delayed ACK per call

    def setup(self) -> None:
        super().setup()
        self.fake.connections += 1

    def do_GET(self) -> None:
        self._serve(b"")

    def do_POST(self) -> None:
        self._serve(self.rfile.read(int(self.headers.get("Content-Length") or 0)))

    def _serve(self, body: bytes) -> None:
        url = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(url.query, keep_blank_values=True)
        self.fake.requests.append(
            {
                "method": self.command,
                "path": url.path,
                "query": query,
                "body": body,
                "headers": dict(self.headers),
            }
        )
        raw = self.fake.answers.get(query.get("Action", [""])[-1])
        if callable(raw):
            raw(self)
            self.close_connection = True
            return
        status, answer = self.fake.answer(query, body)
        data = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the tests read self.fake.requests
