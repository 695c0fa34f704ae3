"""Serve ZEGO tokens from FastAPI: each signed-in user gets a short-lived token for their own user ID.

    pip install . fastapi uvicorn python-multipart   # in a checkout of zego-token04
    export ZEGO_APP_ID=... ZEGO_SERVER_SECRET=...
    uvicorn fastapi_app:app                          # in examples/

Try it with curl (the cookie jar keeps the demo session):

    curl -c jar -d user_id=user_42 http://127.0.0.1:8000/login
    curl -b jar -X POST http://127.0.0.1:8000/zego/token

The ServerSecret stays on the server. The user comes from your own
authentication dependency (``current_user``), never from the token request.
"""

import logging
import secrets
from typing import Optional

from fastapi import Cookie, Depends, FastAPI, Form, HTTPException, Response
from zego_token04 import TokenError, ZegoProject, check_user_id

TOKEN_LIFETIME = 3600  # seconds

zego = ZegoProject.from_env()  # ZEGO_APP_ID, ZEGO_SERVER_SECRET: refused at start-up if malformed
app = FastAPI()
log = logging.getLogger(__name__)

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
