"""ZEGO's server side: sign Server API requests, call the Server API, verify ZEGO's callbacks.

Everything is here; its private modules are the parts:

- ``_signing``: ``api_signature``, ``api_params``, ``api_url`` (no I/O, no dependency);
- ``_client`` (ZegoProject's client, and ``call_api``/``acall_api``), ``_wire`` (one call, no
  I/O), ``_http`` (httpx, the ``[api]`` extra: the clients, and the transport that signs),
  ``_answers`` (an answer or a failure read);
- ``_callbacks`` and ``_callback_log``: ``verify_callback``, and the logs that make each
  callback handled once (the Redis ones: the ``[redis]`` extra).

No message, repr, log line or error tracker's record shows a secret, a Signature or a signed
URL.
"""

from ._callback_log import (
    AsyncCallbackLog,
    AsyncRedisCallbackLog,
    CallbackLog,
    MemoryCallbackLog,
    RedisCallbackLog,
)
from ._callbacks import averify_callback, callback_signature, verify_callback
from ._client import acall_api, call_api
from ._errors import CallbackLogError, InvalidCallbackError, ZegoApiError, ZegoBatchError
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
    "averify_callback",
    "MAX_CALLBACK_BYTES",
    "CallbackLog",
    "MemoryCallbackLog",
    "RedisCallbackLog",
    "AsyncCallbackLog",
    "AsyncRedisCallbackLog",
    "ZegoApiError",
    "ZegoBatchError",
    "InvalidCallbackError",
    "CallbackLogError",
]

# Shown as zego_token04.server.X in tracebacks and reprs (and pickled so): the public home.
for _error in (ZegoApiError, ZegoBatchError, InvalidCallbackError, CallbackLogError):
    _error.__module__ = __name__
