"""zego-token04: generate and decode ZEGO token04 authentication tokens.

Use it as upstream does::

    from src import token04
    info = token04.generate_token04(app_id, user_id, secret, 3600, "")
"""

__version__ = "2.0.0"
