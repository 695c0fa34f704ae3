"""``python -m zego_token04`` (``python -m src`` from a checkout), and the ``zego-token04``
command."""

import sys


def run() -> None:
    """The command's entry point: a Ctrl-C while the library is still being imported is one line and
    exit 130."""
    try:
        from .cli import main
    except KeyboardInterrupt:
        sys.stderr.write("zego-token04: interrupted\n")
        raise SystemExit(130) from None
    raise SystemExit(main())


if __name__ == "__main__":
    run()
