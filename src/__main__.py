"""``python -m src``: the zego-token04 command line."""

from .cli import main

raise SystemExit(main())
