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
``acall_api`` (pip install '.[api]'): the event loop is never
blocked, and the client is closed when the app stops. ZEGO_API_BASE_URL, if
set, replaces ZEGO's host (a proxy, a test server).

ZEGO POSTs its callbacks to /zego/callback (the URL set in its console); one not
signed with the project's CallbackSecret is refused (401). ZEGO resends a
callback not answered with a 2xx, so the answer comes at once, and a resent one
is answered 200 but not handled twice: the callback log is in Redis when
REDIS_URL is set (every worker and host shares it; pip install '.[redis]'),
else in memory. A body over 1 MiB is refused (413) before it is read whole.
"""

import logging
import os
import secrets
from contextlib import asynccontextmanager
from typing import Optional

from fastapi import Cookie, Depends, FastAPI, Form, HTTPException, Request, Response
from zego_token04 import (
    InvalidCallbackError,
    TokenError,
    ZegoApiError,
    ZegoProject,
    check_room_id,
    check_user_id,
)
from zego_token04.server import (
    MAX_CALLBACK_BYTES,
    AsyncRedisCallbackLog,
    CallbackLogError,
    MemoryCallbackLog,
)

TOKEN_LIFETIME = 3600  # seconds
CALLBACK_MAX_AGE = 300  # seconds: ZEGO's last retry comes about a minute after the first try

# ZEGO_APP_ID, ZEGO_SERVER_SECRET: refused at start-up if malformed. ZEGO_API_BASE_URL: None
# is ZEGO's own host.
zego = ZegoProject.from_env(base_url=os.environ.get("ZEGO_API_BASE_URL"), timeout=5)


@asynccontextmanager
async def lifespan(app: FastAPI):
    async with zego:  # when the app stops: the Server API client closed
        yield
    if isinstance(CALLBACK_LOG, AsyncRedisCallbackLog):
        await CALLBACK_LOG.aclose()  # and the callback log's connections


app = FastAPI(lifespan=lifespan)
log = logging.getLogger(__name__)


def callback_log():
    """The callbacks handled: in Redis, shared by every worker, when REDIS_URL is set; else in this
    process."""
    if not os.environ.get("REDIS_URL"):
        return MemoryCallbackLog()
    import redis.asyncio  # pip install '.[redis]'

    return AsyncRedisCallbackLog(redis.asyncio.Redis.from_url(os.environ["REDIS_URL"]))


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
        answer = await zego.acall_api("DescribeUserNum", {"RoomId": [room_id]})
    except ZegoApiError as error:  # a refusal (error.code), or no answer in time: never the secret
        log.error(
            "ZEGO's Server API: %s (code %d, request %s)", error, error.code, error.request_id
        )
        raise HTTPException(status_code=502, detail="ZEGO's Server API did not answer") from None
    return answer.get("Data", {})  # Code 0 with no Data is an answer too


def handle(event):
    """Your work for a callback: quick, or handed to a queue (ZEGO waits a few seconds for the
    answer)."""
    log.info("ZEGO callback: %s", event.get("event", event.get("Event")))


async def whole_body(request: Request) -> bytes:
    """The body, or 413 as soon as it is longer than a callback can be (never read whole)."""
    if int(request.headers.get("content-length") or 0) > MAX_CALLBACK_BYTES:
        raise HTTPException(status_code=413)
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_CALLBACK_BYTES:
            raise HTTPException(status_code=413)
    return bytes(body)


async def settled(event, handled: bool) -> None:
    """Tell the log how handling went: done (a resend is replayed) or not (a resend is handled)."""
    if isinstance(CALLBACK_LOG, AsyncRedisCallbackLog):
        await (CALLBACK_LOG.done(event) if handled else CALLBACK_LOG.forget(event))
    else:
        (CALLBACK_LOG.done if handled else CALLBACK_LOG.forget)(event)


@app.post("/zego/callback")
async def zego_callback(request: Request) -> dict:
    body = await whole_body(request)
    try:
        event = await zego.averify_callback(body, max_age=CALLBACK_MAX_AGE, seen=CALLBACK_LOG)
    except InvalidCallbackError as error:
        if error.reason == "replayed":  # ZEGO resent one already handled (or a replay): done
            return {"handled": False}
        log.warning("refused a callback: %s", error.reason)
        raise HTTPException(status_code=401, detail="not ZEGO's callback") from None
    except CallbackLogError:  # unreachable, or another delivery is being handled
        raise HTTPException(status_code=503, detail="try again") from None  # ZEGO resends it
    try:
        handle(event)
    except Exception:
        await settled(event, handled=False)  # so that ZEGO's retry is handled
        raise HTTPException(status_code=503, detail="try again") from None
    await settled(event, handled=True)
    return {"handled": True}
