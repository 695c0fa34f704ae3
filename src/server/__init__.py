"""ZEGO's server side: sign Server API requests, call the Server API, verify ZEGO's callbacks.

- ``signing``: the hosts, ``api_signature``, ``api_params``, ``api_url`` (no I/O,
  no dependency);
- ``api``: ``call_api`` (blocking, on the standard library) and ``acall_api``
  (asyncio, on httpx: the ``[async]`` extra), over one request builder and one
  answer reader;
- ``callbacks`` and ``callback_log``: ``verify_callback``, and the logs that
  make each callback handled once (``RedisCallbackLog``: the ``[redis]`` extra).

Secrets are held only in parameters named ``secret``, which error trackers
hide; no message shows one, nor a Signature or a signed URL.
"""

from ._wire import MAX_RESPONSE_BYTES, RETRIED_CODES
from .api import acall_api, call_api
from .callback_log import CallbackLog, MemoryCallbackLog, RedisCallbackLog
from .callbacks import MAX_CALLBACK_BYTES, callback_id, callback_signature, verify_callback
from .errors import CallbackLogError, InvalidCallbackError, ZegoApiError
from .signing import (
    PRODUCTS,
    REGIONS,
    SIGNATURE_VERSION,
    api_base_url,
    api_params,
    api_signature,
    api_url,
)

__all__ = [
    "SIGNATURE_VERSION",
    "PRODUCTS",
    "REGIONS",
    "MAX_CALLBACK_BYTES",
    "MAX_RESPONSE_BYTES",
    "RETRIED_CODES",
    "api_base_url",
    "api_signature",
    "api_params",
    "api_url",
    "call_api",
    "acall_api",
    "callback_signature",
    "verify_callback",
    "callback_id",
    "CallbackLog",
    "MemoryCallbackLog",
    "RedisCallbackLog",
    "InvalidCallbackError",
    "CallbackLogError",
    "ZegoApiError",
]
