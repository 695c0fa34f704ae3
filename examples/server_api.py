"""Call one action of ZEGO's Server API: how many users are in a room.

    pip install .                              # in a checkout of zego-token04
    export ZEGO_APP_ID=... ZEGO_SERVER_SECRET=...
    python server_api.py room1                 # in examples/

Each request is signed with the ServerSecret (a fresh nonce, the current time);
a refusal comes back as ZegoApiError, with ZEGO's code and what to do about it.
ZEGO_API_BASE_URL, if set, replaces ZEGO's host (a proxy, a test server).
"""

import json
import os
import sys

from zego_token04 import ZegoApiError, ZegoProject

zego = ZegoProject.from_env(base_url=os.environ.get("ZEGO_API_BASE_URL"))
room_id = sys.argv[1] if len(sys.argv) > 1 else "room1"
try:
    answer = zego.call_api("DescribeUserNum", {"RoomId": [room_id]})
except ZegoApiError as error:
    sys.exit(
        f"ZEGO's Server API: {error} (code {error.code}, request {error.request_id or 'none'})"
    )
print(json.dumps(answer.get("Data", {})))  # Code 0 with no Data is an answer too
