"""ZEGO from FastAPI: each signed-in user gets a short-lived token for their own user ID; ZEGO's
callbacks are verified before anything is done with them.

    pip install . fastapi uvicorn python-multipart   # in a checkout of zego-token04
    export ZEGO_APP_ID=... ZEGO_SERVER_SECRET=... ZEGO_CALLBACK_SECRET=...
    uvicorn fastapi_app:app                          # in examples/

Try it with curl (the cookie jar keeps the demo session):

    curl -c jar -d user_id=user_42 http://127.0.0.1:8000/login
    curl -b jar -X POST http://127.0.0.1:8000/zego/token
    curl -b jar http://127.0.0.1:8000/rooms/room1/users

The ServerSecret stays on the server. The user comes from your own
authentication dependency (``current_user``), never from the token request.
/rooms/{room_id}/users asks ZEGO's Server API how many users a room has, with
``acall_api`` (pip install 'zego-token04[async]'): the event loop is never
blocked, and the client is closed when the app stops. ZEGO_API_BASE_URL, if
set, replaces ZEGO's host (a proxy, a test server).

ZEGO POSTs its callbacks to /zego/callback (the URL set in its console); one not
signed with the project's CallbackSecret is refused (401). ZEGO resends a
callback not answered with a 2xx, so the answer comes at once, and a resent one
is answered 200 but not handled twice: the callback log is in Redis when
REDIS_URL is set (every worker and host shares it; pip install
'zego-token04[redis]'), else in memory.
"""

import logging
import os
import secrets
from contextlib import asynccontextmanager
from typing import Optional

from fastapi import Cookie, Depends, FastAPI, Form, HTTPException, Request, Response
from starlette.concurrency import run_in_threadpool
from zego_token04 import (
    InvalidCallbackError,
    TokenError,
    ZegoApiError,
    ZegoProject,
    check_room_id,
    check_user_id,
)
from zego_token04.server import CallbackLogError, MemoryCallbackLog, RedisCallbackLog

TOKEN_LIFETIME = 3600  # seconds
CALLBACK_MAX_AGE = 300  # seconds: ZEGO's last retry comes about a minute after the first try

zego = ZegoProject.from_env()  # ZEGO_APP_ID, ZEGO_SERVER_SECRET: refused at start-up if malformed
ZEGO_API_BASE_URL = os.environ.get("ZEGO_API_BASE_URL")  # None: ZEGO's own host


@asynccontextmanager
async def lifespan(app: FastAPI):
    async with zego:  # when the app stops: the Server API client closed
        yield


app = FastAPI(lifespan=lifespan)
log = logging.getLogger(__name__)


def callback_log():
    """The callbacks handled: in Redis, shared by every worker, when REDIS_URL is set; else in this
    process."""
    if not os.environ.get("REDIS_URL"):
        return MemoryCallbackLog()
    import redis  # pip install 'zego-token04[redis]'

    client = redis.Redis.from_url(
        os.environ["REDIS_URL"], socket_timeout=2, socket_connect_timeout=2
    )
    return RedisCallbackLog(client)


CALLBACK_LOG = callback_log()

# DEMO ONLY, a stand-in for your real authentication: sessions in memory, lost on restart.
SESSIONS: dict[str, str] = {}


@app.post("/login")
def login(response: Response, user_id: str = Form(...)) -> dict:
    # DEMO ONLY: it signs in whoever asks, as whoever they say. Replace it with your sign-in.
    problem = check_user_id(user_id)  # ZEGO's SDK would refuse a login with this user ID
    if problem:
        raise HTTPException(status_code=400, detail=problem)
    session = secrets.token_urlsafe(32)
    SESSIONS[session] = user_id
    response.set_cookie("session", session, httponly=True, samesite="strict")
    return {"user_id": user_id}


def current_user(session: Optional[str] = Cookie(None)) -> str:
    """Your authentication: the signed-in user's ID, or 401."""
    user_id = SESSIONS.get(session or "")
    if user_id is None:
        raise HTTPException(status_code=401, detail="not signed in")
    return user_id


@app.post("/zego/token")
def zego_token(user_id: str = Depends(current_user)) -> dict:
    try:
        token = zego.token(user_id, ttl=TOKEN_LIFETIME)
    except TokenError as error:
        log.error("no ZEGO token: %s (code %d)", error, error.error_code)  # never the secret
        raise HTTPException(status_code=500, detail="could not make a token") from None
    return {"token": token, "app_id": zego.app_id, "user_id": user_id, "expires_in": TOKEN_LIFETIME}


@app.get("/rooms/{room_id}/users")
async def room_users(room_id: str, user_id: str = Depends(current_user)) -> dict:
    if check_room_id(room_id):
        raise HTTPException(status_code=400, detail="not a room ID ZEGO takes")
    try:
        answer = await zego.acall_api(
            "DescribeUserNum", {"RoomId": [room_id]}, base_url=ZEGO_API_BASE_URL
        )
    except ZegoApiError as error:  # a refusal (error.code), or no answer in time: never the secret
        log.error(
            "ZEGO's Server API: %s (code %d, request %s)", error, error.code, error.request_id
        )
        raise HTTPException(status_code=502, detail="ZEGO's Server API did not answer") from None
    return answer["Data"]


def handle(event):
    """Your work for a callback: quick, or handed to a queue (ZEGO waits a few seconds for the
    answer)."""
    log.info("ZEGO callback: %s", event.get("event", event.get("Event")))


@app.post("/zego/callback")
async def zego_callback(request: Request) -> dict:
    body = await request.body()
    try:  # in a thread: the Redis log would block the event loop
        event = await run_in_threadpool(
            zego.verify_callback, body, max_age=CALLBACK_MAX_AGE, seen=CALLBACK_LOG
        )
    except InvalidCallbackError as error:
        if (
            error.reason == "replayed"
        ):  # ZEGO resent one already handled (or someone replays it): done
            return {"handled": False}
        log.warning("refused a callback: %s", error.reason)
        raise HTTPException(status_code=401, detail="not ZEGO's callback") from None
    except CallbackLogError:
        raise HTTPException(status_code=503, detail="try again") from None  # ZEGO resends it
    try:
        handle(event)
    except Exception:
        await run_in_threadpool(CALLBACK_LOG.forget, event)  # so that ZEGO's retry is handled
        raise HTTPException(status_code=503, detail="try again") from None
    return {"handled": True}
