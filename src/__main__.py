"""``python -m zego_token04`` (``python -m src`` from a checkout), and the ``zego-token04``
command."""


def run() -> None:
    """The command's entry point."""
    from .cli import main

    raise SystemExit(main())


if __name__ == "__main__":
    run()
