"""zego-token04: generate, decode and check ZEGO token04 authentication tokens.

Installed, the package is ``zego_token04``; from a checkout or a copy of
``src/``, it is ``src``, as upstream uses it::

    from zego_token04 import ZegoProject       # the front door
    zego = ZegoProject.from_env()              # ZEGO_APP_ID, ZEGO_SERVER_SECRET
    token = zego.token("user_42", room_id="room1")

    from zego_token04 import token04           # upstream's function, as it was
    info = token04.generate_token04(app_id, user_id, secret, 3600, "")

Every public name of every module is here too: ``from zego_token04 import check_token04, ERROR_CODE_SUCCESS``.
"""

from . import check, ids, kit, project, token03, token04
from .check import *  # noqa: F403
from .ids import *  # noqa: F403
from .kit import *  # noqa: F403
from .project import *  # noqa: F403
from .token03 import *  # noqa: F403
from .token04 import *  # noqa: F403

__all__ = [
    "__version__",
    *token04.__all__,
    *token03.__all__,
    *project.__all__,
    *kit.__all__,
    *check.__all__,
    *ids.__all__,
]

__version__ = "2.0.0"
