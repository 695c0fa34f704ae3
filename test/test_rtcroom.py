"""Sample: a privilege token04 for room "room1", login and publish allowed, any stream.

Run it from a checkout, or anywhere once the package is installed (``pip install .`` in a checkout)::

    ZEGO_APP_ID=1 ZEGO_SERVER_SECRET=... python test/test_rtcroom.py
"""

import os
import sys

sys.path.insert(
    0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir)
)  # the checkout's src

try:
    from src import token04  # upstream's import: a checkout, or a copy of src/ in your project
    from src.payload import rtc_room_payload
except ImportError:
    from zego_token04 import token04  # the installed package
    from zego_token04.payload import rtc_room_payload

if __name__ == "__main__":
    app_id = int(os.environ.get("ZEGO_APP_ID", "1"))
    secret = os.environ.get("ZEGO_SERVER_SECRET", "fa94dd0f974cf2e293728a526b028271")
    payload = rtc_room_payload("room1", login=True, publish=True, stream_ids=None)
    token_info = token04.generate_token04(app_id, "demo", secret, 3600, payload)
    print([token_info.token, token_info.error_code, token_info.error_message])
