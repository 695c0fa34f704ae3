"""Serve ZEGO tokens from Flask: each signed-in user gets a short-lived token for their own user ID.

    pip install zego-token04 flask
    ZEGO_APP_ID=... ZEGO_SERVER_SECRET=... FLASK_SECRET_KEY=... flask --app flask_app run

The ServerSecret stays on the server. The user ID comes from your own sign-in
(here Flask's signed session, which your login view fills), never from the
request: a client that could name the user could get a token for anyone.
"""

import os
import secrets

from flask import Flask, abort, session
from zego_token04 import token04

APP_ID = int(os.environ["ZEGO_APP_ID"])
SECRET = os.environ["ZEGO_SERVER_SECRET"]
TOKEN_LIFETIME = 3600  # seconds

app = Flask(__name__)
app.secret_key = os.environ.get("FLASK_SECRET_KEY") or secrets.token_bytes(32)


@app.post("/zego/token")
def zego_token():
    user_id = session.get("user_id")  # set by your login view
    if user_id is None:
        abort(401)
    # ZEGO user IDs are strings; an integer primary key must be turned into one.
    info = token04.generate_token04(APP_ID, str(user_id), SECRET, TOKEN_LIFETIME)
    if info.error_code != token04.ERROR_CODE_SUCCESS:
        app.logger.error("no ZEGO token: %s (code %d)", info.error_message, info.error_code)  # never the secret
        abort(500)
    return {"token": info.token, "app_id": APP_ID, "user_id": str(user_id), "expires_in": TOKEN_LIFETIME}
