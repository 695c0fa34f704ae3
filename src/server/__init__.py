"""ZEGO's server side: sign Server API requests, call the Server API, verify ZEGO's callbacks.

Everything is here; its private modules are the parts:

- ``_signing``: ``api_signature``, ``api_params``, ``api_url`` (no I/O, no dependency);
- ``_api``: ``call_api`` (blocking, on the standard library) and ``acall_api`` (asyncio, on
  httpx: the ``[async]`` extra), over one request builder and one answer reader (``_wire``);
- ``_callbacks`` and ``_callback_log``: ``verify_callback``, and the logs that make each
  callback handled once (``RedisCallbackLog``: the ``[redis]`` extra).

Secrets are held only in parameters named ``secret``, which error trackers hide; no message
shows one, nor a Signature or a signed URL.
"""

from ._api import acall_api, call_api
from ._callback_log import CallbackLog, MemoryCallbackLog, RedisCallbackLog
from ._callbacks import callback_signature, verify_callback
from ._errors import CallbackLogError, InvalidCallbackError, ZegoApiError
from ._fields import MAX_CALLBACK_BYTES
from ._signing import api_params, api_signature, api_url

__all__ = [
    "api_signature",
    "api_params",
    "api_url",
    "call_api",
    "acall_api",
    "callback_signature",
    "verify_callback",
    "MAX_CALLBACK_BYTES",
    "CallbackLog",
    "MemoryCallbackLog",
    "RedisCallbackLog",
    "ZegoApiError",
    "InvalidCallbackError",
    "CallbackLogError",
]
