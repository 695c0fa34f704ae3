"""Serve ZEGO tokens from FastAPI: each signed-in user gets a short-lived token for their own user ID.

    pip install zego-token04 fastapi uvicorn
    ZEGO_APP_ID=... ZEGO_SERVER_SECRET=... uvicorn fastapi_app:app

The ServerSecret stays on the server. The user comes from your own
authentication dependency, never from the request body: replace
``current_user`` with yours (or override it, as the tests do).
"""

import logging
import os
from dataclasses import dataclass

from fastapi import Depends, FastAPI, HTTPException
from zego_token04 import token04

APP_ID = int(os.environ["ZEGO_APP_ID"])
SECRET = os.environ["ZEGO_SERVER_SECRET"]
TOKEN_LIFETIME = 3600  # seconds

app = FastAPI()
log = logging.getLogger(__name__)


@dataclass
class User:
    id: int
    name: str


def current_user() -> User:
    """Your authentication: the signed-in user, or 401. Nobody is signed in until you wire yours in."""
    raise HTTPException(status_code=401, detail="not signed in")


@app.post("/zego/token")
def zego_token(user: User = Depends(current_user)) -> dict:
    # ZEGO user IDs are strings; an integer primary key must be turned into one.
    info = token04.generate_token04(APP_ID, str(user.id), SECRET, TOKEN_LIFETIME)
    if info.error_code != token04.ERROR_CODE_SUCCESS:
        log.error("no ZEGO token: %s (code %d)", info.error_message, info.error_code)  # never the secret
        raise HTTPException(status_code=500, detail="could not make a token")
    return {"token": info.token, "app_id": APP_ID, "user_id": str(user.id), "expires_in": TOKEN_LIFETIME}
