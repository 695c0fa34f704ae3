"""ZEGO from Flask: each signed-in user gets a short-lived token for their own user ID; ZEGO's
callbacks
are verified before anything is done with them.

    pip install . flask            # in a checkout of zego-token04
    export ZEGO_APP_ID=... ZEGO_SERVER_SECRET=... ZEGO_CALLBACK_SECRET=... FLASK_SECRET_KEY=...
    flask --app flask_app run      # in examples/

Try it with curl (the cookie jar keeps Flask's signed session):

    curl -c jar -d user_id=user_42 http://127.0.0.1:5000/login
    curl -b jar -X POST http://127.0.0.1:5000/zego/token

The ServerSecret stays on the server. The user ID comes from your own sign-in
(here Flask's signed session), never from the token request: a client that
could name the user could get a token for anyone.

ZEGO POSTs its callbacks (room created, user logged out, ...) to the URL set in
its console, here /zego/callback; one that is not signed with the project's
CallbackSecret is refused (401). ZEGO resends a callback not answered with a 2xx
(up to 5 times), so the answer comes at once, and a resent one is answered 200 but
not handled twice: the callback log is in Redis when REDIS_URL is set (every
worker and host shares it; pip install '.[redis]'), else in memory.
"""

import os
import secrets

from flask import Flask, abort, request, session
from zego_token04 import InvalidCallbackError, TokenError, ZegoProject, check_user_id
from zego_token04.server import (
    MAX_CALLBACK_BYTES,
    CallbackLogError,
    MemoryCallbackLog,
    RedisCallbackLog,
)

TOKEN_LIFETIME = 3600  # seconds
CALLBACK_MAX_AGE = 300  # seconds: ZEGO's last retry comes about a minute after the first try

zego = ZegoProject.from_env()  # ZEGO_APP_ID, ZEGO_SERVER_SECRET: refused at start-up if malformed
app = Flask(__name__)
app.secret_key = os.environ.get("FLASK_SECRET_KEY") or secrets.token_bytes(32)
app.config["MAX_CONTENT_LENGTH"] = MAX_CALLBACK_BYTES  # a larger body is refused unread (413)


def callback_log():
    """The callbacks handled: in Redis, shared by every worker, when REDIS_URL is set; else in this
    process."""
    if not os.environ.get("REDIS_URL"):
        return MemoryCallbackLog()
    import redis  # pip install '.[redis]'

    return RedisCallbackLog(redis.Redis.from_url(os.environ["REDIS_URL"]))


CALLBACK_LOG = callback_log()


@app.post("/login")
def login():
    # DEMO ONLY, a stand-in for your real authentication: it signs in whoever asks, as whoever they
    # say.
    user_id = request.form.get("user_id", "")
    problem = check_user_id(user_id)  # ZEGO's SDK would refuse a login with this user ID
    if problem:
        abort(400, description=problem)
    session["user_id"] = user_id
    return {"user_id": user_id}


@app.post("/zego/token")
def zego_token():
    user_id = session.get("user_id")  # set by your login view
    if user_id is None:
        abort(401)
    try:
        # ZEGO user IDs are strings; an integer primary key must be turned into one.
        token = zego.token(str(user_id), ttl=TOKEN_LIFETIME)
    except TokenError as error:
        app.logger.error("no ZEGO token: %s (code %d)", error, error.error_code)  # never the secret
        abort(500)
    return {
        "token": token,
        "app_id": zego.app_id,
        "user_id": str(user_id),
        "expires_in": TOKEN_LIFETIME,
    }


def handle(event):
    """Your work for a callback: quick, or handed to a queue (ZEGO waits a few seconds for the
    answer)."""
    app.logger.info("ZEGO callback: %s", event.get("event", event.get("Event")))


@app.post("/zego/callback")
def zego_callback():
    try:
        event = zego.verify_callback(
            request.get_data(), max_age=CALLBACK_MAX_AGE, seen=CALLBACK_LOG
        )
    except InvalidCallbackError as error:
        if (
            error.reason == "replayed"
        ):  # ZEGO resent one already handled (or someone replays it): done
            return {"handled": False}
        app.logger.warning("refused a callback: %s", error.reason)
        abort(401)
    except CallbackLogError:
        abort(503)  # unreachable, or another delivery of it is being handled: ZEGO resends it
    try:
        handle(event)
    except Exception:
        CALLBACK_LOG.forget(event)  # so that ZEGO's retry is handled
        abort(503)
    CALLBACK_LOG.done(event)  # from now on a resend is "replayed"
    return {"handled": True}
