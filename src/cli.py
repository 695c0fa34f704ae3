"""The ``zego-token04`` command: generate, decode and check token04s from a shell.

It parses arguments and calls ``token04``; nothing more. The secret comes from
``ZEGO_SERVER_SECRET`` or ``--secret-file``, never from an argument, and no
output ever contains it: a refused value is named by its option, never shown.
Every read is bounded, every failure is one line on stderr and an exit status.
"""

from __future__ import annotations

import argparse
import codecs
import json
import math
import os
import re
import sys
import time
from typing import Any, NoReturn, Sequence

from . import __version__, check, kit, token04

SECRET_ENV = "ZEGO_SERVER_SECRET"
"""The environment variable the ServerSecret is read from."""
APP_ID_ENV = "ZEGO_APP_ID"
"""The environment variable the AppID falls back to."""

EXIT_OK = 0
"""The token was made, or is valid and unexpired."""
EXIT_REFUSED = 1
"""The library refused the input, or the token is invalid or expired."""
EXIT_USAGE = 2
"""The command line itself is wrong, or the secret or app id is missing or malformed."""
EXIT_OUTPUT = 3
"""The output could not be written: stdout closed, a broken pipe, a full disk."""
EXIT_INTERRUPTED = 130
"""Interrupted (Ctrl-C): 128 + SIGINT, as the shells report it."""

SECRET_FILE_LIMIT = 1024
"""--secret-file is read up to this many bytes; a longer file is refused."""
STDIN_LIMIT = 128 * 1024
"""``decode -`` reads stdin up to this many bytes; more is refused (a token04 is at most 87,422 characters)."""

_PROGRAM_EXAMPLE = f"""\
The secret is read from {SECRET_ENV} or --secret-file, never from an argument.

example:
  export {SECRET_ENV}=...   # or: --secret-file PATH
  TOKEN=$(zego-token04 generate --app-id 1 --user-id demo)
  zego-token04 decode "$TOKEN"
  zego-token04 check "$TOKEN" --app-id 1 --user-id demo --room-id room1
"""
_GENERATE_EXAMPLE = f"""\
example:
  export {SECRET_ENV}=...   # or: --secret-file /run/secrets/zego
  TOKEN=$(zego-token04 generate --app-id 1 --user-id demo --ttl 3600)
  zego-token04 generate --app-id 1 --user-id demo --room-id room1 --no-publish --json
  zego-token04 generate --app-id 1 --user-id demo --kit-room-id room1 --user-name "Ann Lee"
"""
_DECODE_EXAMPLE = f"""\
example:
  export {SECRET_ENV}=...
  zego-token04 decode "$TOKEN"
  echo "$TOKEN" | zego-token04 decode - --leeway 30
"""
_CHECK_EXAMPLE = f"""\
example:
  export {SECRET_ENV}=...
  zego-token04 check "$TOKEN" --app-id 1 --user-id demo --room-id room1 --stream-id s1
  echo "$KIT_TOKEN" | zego-token04 check - --json     # a kit token brings its own login values
"""


class _UsageError(Exception):
    """A command line that cannot be carried out: exit 2 with this message."""


class _OutputError(Exception):
    """stdout cannot take the output: exit 3 with this message."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # argparse quotes the value it refuses ("invalid choice: '...'"), and that value may be
        # the secret typed in the wrong place: keep the message up to the first quote.
        quote = min((at for at in (message.find("'"), message.find('"')) if at >= 0), default=-1)
        if quote >= 0:
            message = message[:quote].rstrip(": ") + " (the value is not shown)"
        raise _UsageError(message, self)

    def _print_message(self, message: str, file: Any = None) -> None:
        # argparse (3.9+) swallows write errors here, so that --help to a full disk "succeeds";
        # let them reach main(), which reports them as every other failed write.
        if message:
            (file or sys.stderr).write(message)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return its exit status."""
    try:
        return _main(argv)
    finally:
        _secret_read.clear()  # the secret outlives no call


def _main(argv: Sequence[str] | None) -> int:
    if sys.stdout is None:  # started with stdout closed: whatever we made, nobody would see it
        _report("zego-token04: error: stdout is closed; nothing can be printed")
        return EXIT_OUTPUT
    parser = _build_parser()
    try:
        try:
            status = _run(parser, argv)
        except SystemExit as exit:  # --help and --version
            status = exit.code if isinstance(exit.code, int) else EXIT_USAGE
        sys.stdout.flush()
    except _UsageError as error:
        message, command = error.args if len(error.args) == 2 else (error.args[0], parser)
        _report(f"{command.format_usage()}{command.prog}: error: {message}")
        return EXIT_USAGE
    except (OSError, ValueError) as error:  # only writes to stdout get this far
        _detach_stdout()
        reason = error.strerror if isinstance(error, OSError) and error.strerror else "it is closed"
        _report(f"zego-token04: error: cannot write to stdout: {reason}")
        return EXIT_OUTPUT
    except KeyboardInterrupt:  # Ctrl-C, say while `decode -` waits for stdin: one line, not a traceback
        _report("zego-token04: interrupted")
        return EXIT_INTERRUPTED
    return status


def _run(parser: argparse.ArgumentParser, argv: Sequence[str] | None) -> int:
    args, unrecognized = parser.parse_known_args(argv)
    command = getattr(args, "parser", parser)
    if unrecognized:
        # Name only what looks like an option: anything else may be a secret typed by mistake.
        shown = sorted({word.split("=", 1)[0] for word in unrecognized if _OPTION_NAME.fullmatch(word.split("=")[0])})
        hidden = "" if len(shown) == len(unrecognized) else " (and values not shown)"
        raise _UsageError(
            f"unrecognized arguments{': ' + ' '.join(shown) if shown else ''}{hidden}"
            f" (the secret is read only from {SECRET_ENV} or --secret-file)",
            command,
        )
    try:
        status: int = args.run(args)
    except _UsageError as error:
        raise _UsageError(error.args[0], command) from None
    return status


_OPTION_NAME = re.compile(r"--?[A-Za-z][A-Za-z0-9-]{0,22}")


def _generate(args: argparse.Namespace) -> int:
    app_id = _app_id(args.app_id)
    if args.room_id is None and (args.no_login or args.no_publish or args.stream_ids):
        raise _UsageError("--no-login, --no-publish and --stream-id go with --room-id")
    if args.user_name is not None and args.kit_room_id is None:
        raise _UsageError("--user-name goes with --kit-room-id")
    secret = _secret(args.secret_file)
    texts = {"--user-id": [args.user_id], "--payload": [args.payload], "--room-id": [args.room_id or ""]}
    texts["--stream-id"] = args.stream_ids or []
    texts["--kit-room-id"] = [args.kit_room_id or ""]
    texts["--user-name"] = [args.user_name or ""]
    for option, values in texts.items():
        if any(secret in value for value in values):
            raise _UsageError(f"{option} contains the ServerSecret; it would be printed and sent to clients")
    payload = args.payload
    if args.room_id is not None:
        try:
            payload = token04.rtc_room_payload(
                args.room_id, login=not args.no_login, publish=not args.no_publish, stream_ids=args.stream_ids
            )
        except (TypeError, ValueError) as error:  # text the terminal could not decode
            _report(f"error {token04.ERROR_CODE_PAYLOAD_INVALID}: --room-id or --stream-id: {error}")
            return EXIT_REFUSED
    mode = token04.MODE_GCM if args.gcm else token04.MODE_CBC
    info = token04.generate_token04(app_id, args.user_id, secret, args.ttl, payload, mode=mode)
    if info.error_code != token04.ERROR_CODE_SUCCESS:
        _report(f"error {info.error_code}: {info.error_message}")
        return EXIT_REFUSED
    kit_token = None
    if args.kit_room_id is not None:
        try:
            kit_token = kit.make_kit_token(info.token, app_id, args.kit_room_id, args.user_id, args.user_name or "")
        except ValueError as error:  # what the UIKit's JavaScript would refuse too
            _report(f"error: no kit token: {error}")
            return EXIT_REFUSED
    if not args.json:
        _print(kit_token or info.token)
        return EXIT_OK
    contents = token04.decode_token04(info.token, secret, verify_expiry=False)
    document: dict[str, Any] = {
        "token": info.token,
        "app_id": contents.app_id,
        "user_id": contents.user_id,
        "ctime": contents.ctime,
        "expire": contents.expire,
        "mode": contents.mode,
    }
    if kit_token is not None:
        document["kit_token"] = kit_token
    _print_json(document)
    return EXIT_OK


def _decode(args: argparse.Namespace) -> int:
    secret = _secret(args.secret_file)
    token = _token(args.token)
    if token is None:
        return EXIT_REFUSED
    # A kit token (token04 "#" login fields) is read whole; a plain token04 as itself.
    read = kit.decode_kit_token if kit.KIT_SEPARATOR in token else token04.decode_token04
    now = time.time()
    try:
        decoded = read(token, secret, now=now, leeway=args.leeway)
        expired = False
    except token04.ExpiredTokenError:
        decoded = read(token, secret, now=now, verify_expiry=False)
        expired = True
    except token04.InvalidTokenError as error:
        _report(f"error: invalid token: {error}")
        return EXIT_REFUSED
    if isinstance(decoded, kit.KitToken):
        fields, contents = _kit_fields(decoded), decoded.token
    else:
        fields, contents = None, decoded
    expire_at = check._iso_utc(contents.expire)
    _print_json(
        {
            **contents._asdict(),
            "expired": expired,
            "expire_at": expire_at,
            "privilege_payload": _privilege_payload(contents.payload),
            "kit": fields,
        }
    )
    if expired:
        _report(f"error: token expired at {expire_at} (leeway {args.leeway:g} s)")
        return EXIT_REFUSED
    return EXIT_OK


def _check(args: argparse.Namespace) -> int:
    secret = _secret(args.secret_file)
    token = _token(args.token)
    if token is None:
        return EXIT_REFUSED
    app_id = args.app_id
    if app_id is None and os.environ.get(APP_ID_ENV):
        app_id = _app_id(None)
    report = check.check_token04(
        token,
        secret,
        app_id=app_id,
        user_id=args.user_id,
        room_id=args.room_id,
        stream_id=args.stream_id,
        login_privilege=not args.no_login_check,
        publish_privilege=not args.no_publish_check,
        product="zim" if args.zim else "rtc",
        leeway=args.leeway,
    )
    if args.json:
        _print_json(
            {
                "ok": report.ok,
                "findings": [finding._asdict() for finding in report.findings],
                "checked": list(report.checked),
                "contents": None if report.contents is None else report.contents._asdict(),
                "kit": None if report.kit is None else _kit_fields(report.kit),
            }
        )
    else:
        findings = {finding.code: finding for finding in report.findings}
        for code in report.checked:
            finding = findings.get(code)
            if finding is None:
                _print(f"pass     {code}: {check.RULES[code][1]}")
            else:
                _print(f"{finding.severity:<8} {code}: {finding.message}")
        errors = sum(finding.severity == check.SEVERITY_ERROR for finding in report.findings)
        warnings = len(report.findings) - errors
        verdict = "ok" if report.ok else "not ok"
        _print(f"{verdict}: {errors} error(s), {warnings} warning(s) in {len(report.checked)} checks")
    return EXIT_OK if report.ok else EXIT_REFUSED


def _token(argument: str) -> str | None:
    """The token from its argument or, for "-", from stdin; None (reported) if stdin holds no token."""
    if argument != "-":
        return argument.strip()
    token = _read_stdin()
    if token is None:
        _report(f"error: invalid token: stdin is not ASCII text of at most {STDIN_LIMIT} bytes, as a token04 is")
    return token


def _kit_fields(fields: kit.KitToken) -> dict[str, Any]:
    """A kit token's login fields, without the token04 contents printed beside them."""
    return {name: value for name, value in fields._asdict().items() if name != "token"}


def _privilege_payload(payload: str) -> dict[str, Any] | None:
    """The payload as parse_rtc_room_payload reads it, or None if there is none it can read."""
    try:
        return token04.parse_rtc_room_payload(payload)._asdict() if payload else None
    except ValueError:
        return None


def _read_stdin() -> str | None:
    """The token on stdin, surrounding whitespace stripped; None if it is not ASCII or over STDIN_LIMIT bytes."""
    if sys.stdin is None:
        raise _UsageError('stdin is closed: pass the token itself instead of "-"')
    data = sys.stdin.buffer.read(STDIN_LIMIT + 1)
    if len(data) > STDIN_LIMIT:
        return None
    if data.startswith(codecs.BOM_UTF8):  # a token file saved by a Windows editor
        data = data[len(codecs.BOM_UTF8) :]
    if not data.isascii():
        return None
    return data.decode("ascii").strip()


def _app_id(option: int | None) -> int:
    if option is not None:
        return option
    text = os.environ.get(APP_ID_ENV)
    if not text:
        raise _UsageError(f"no app id: pass --app-id or set {APP_ID_ENV}")
    try:
        return _whole_number(text)
    except argparse.ArgumentTypeError as error:
        raise _UsageError(f"{APP_ID_ENV} {error}") from None


def _secret(path: str | None) -> str:
    """The ServerSecret, from --secret-file or the environment, surrounding whitespace stripped."""
    if path is None:
        source, text = SECRET_ENV, os.environ.get(SECRET_ENV, "")
        if not text.strip():
            raise _UsageError(f"no secret: set {SECRET_ENV} or pass --secret-file PATH")
    else:
        source = "--secret-file"
        try:
            with open(path, "rb") as secret_file:
                data = secret_file.read(SECRET_FILE_LIMIT + 1)
        except OSError as error:
            raise _UsageError(f"cannot read --secret-file: {error.strerror or 'not readable'}") from None
        if len(data) > SECRET_FILE_LIMIT:
            raise _UsageError(f"--secret-file holds more than {SECRET_FILE_LIMIT} bytes; it is not a ServerSecret")
        try:
            text = data.decode("utf-8-sig")  # a byte order mark, as some Windows editors write, is not the secret
        except UnicodeDecodeError:
            raise _UsageError("--secret-file is not UTF-8 text") from None
    secret = text.strip()
    if len(secret) != 32 or not secret.isascii():
        raise _UsageError(f"the ServerSecret in {source} is not 32 ASCII characters")
    _secret_read[:] = [secret]
    return secret


# The secret this run has read. Every line written passes through _shown, so that a value which
# holds the secret (a token's user_id, a login value typed in the wrong place) never shows it.
_secret_read: list[str] = []


def _shown(text: str) -> str:
    """``text`` as it may be written: the secret this run read, if any, reads ``<the secret>``."""
    for secret in _secret_read:
        text = token04._without_secret(text, secret)
    return text


def _print(text: str) -> None:
    """One line on stdout; characters its encoding lacks are written as backslash escapes."""
    encoding = sys.stdout.encoding or "utf-8"
    sys.stdout.write(_shown(text).encode(encoding, "backslashreplace").decode(encoding) + "\n")


def _print_json(document: dict[str, Any]) -> None:
    """JSON on stdout, non-ASCII as itself where stdout's encoding has it, else as \\u escapes."""
    text = json.dumps(document, ensure_ascii=False)
    try:
        text.encode(sys.stdout.encoding or "utf-8")
    except UnicodeEncodeError:
        text = json.dumps(document)
    sys.stdout.write(_shown(text) + "\n")


def _report(text: str) -> None:
    """A line (or lines) on stderr, if there is a stderr; a failure to write there changes nothing."""
    if sys.stderr is None:
        return
    try:
        sys.stderr.write(_shown(text).rstrip("\n") + "\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass


def _detach_stdout() -> None:
    """Point stdout at /dev/null, so that the interpreter's final flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass


def _whole_number(text: str) -> int:
    """An argparse type: ASCII decimal digits only (no sign, space, underscore or other scripts' digits)."""
    if not (0 < len(text) <= 20 and text.isascii() and text.isdigit()):
        raise argparse.ArgumentTypeError("must be a whole number of at most 20 ASCII digits")
    return int(text)


def _seconds(text: str) -> float:
    """An argparse type: a finite number of seconds."""
    try:
        value = float(text) if len(text) <= 40 else math.nan
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError("must be a finite number of seconds")
    return value


def _build_parser() -> argparse.ArgumentParser:
    # allow_abbrev=False everywhere: otherwise "--secret X" would be taken as
    # "--secret-file X", and the secret would be read as a path.
    parser = _Parser(
        prog="zego-token04",
        description="Generate, decode and check ZEGO token04 authentication tokens.",
        epilog=_PROGRAM_EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        allow_abbrev=False,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    generate = _add_command(
        commands,
        "generate",
        _generate,
        "print a new token",
        "Print a new token04 and a newline on stdout (nothing else, unless --json).",
        _GENERATE_EXAMPLE,
    )
    generate.add_argument("--user-id", required=True, help="the user the token is for")
    generate.add_argument(
        "--app-id", type=_whole_number, metavar="N", help=f"the project's AppID (default: ${APP_ID_ENV})"
    )
    generate.add_argument(
        "--ttl", type=_whole_number, default=3600, metavar="SECONDS", help="lifetime (default: 3600)"
    )
    payload = generate.add_mutually_exclusive_group()
    payload.add_argument("--payload", default="", metavar="JSON", help="the payload, as given (default: none)")
    payload.add_argument("--room-id", metavar="ROOM", help='make a privilege payload for this room ("" for any)')
    generate.add_argument("--no-login", action="store_true", help="with --room-id: deny logging in")
    generate.add_argument("--no-publish", action="store_true", help="with --room-id: deny publishing")
    generate.add_argument(
        "--stream-id",
        action="append",
        dest="stream_ids",
        metavar="STREAM",
        help="with --room-id: a stream that may be published (repeat for more; default: any)",
    )
    generate.add_argument(
        "--kit-room-id", metavar="ROOM", help="print a UIKit kit token for this room instead of the bare token"
    )
    generate.add_argument("--user-name", metavar="NAME", help="with --kit-room-id: the user's display name")
    generate.add_argument("--gcm", action="store_true", help="make the AES-GCM variant (default: CBC)")
    generate.add_argument("--json", action="store_true", help="print a JSON object with the token and its fields")
    _add_secret_file(generate)

    decode = _add_command(
        commands,
        "decode",
        _decode,
        "print what a token holds",
        "Print a token's fields as JSON (a kit token's too). Exit 0 if it is valid and unexpired, "
        "1 if it is invalid or expired (an expired token's fields are still printed).",
        _DECODE_EXAMPLE,
    )
    decode.add_argument("token", metavar="TOKEN", help='the token or kit token, or "-" to read it from stdin')
    _add_leeway(decode)
    _add_secret_file(decode)

    check_command = _add_command(
        commands,
        "check",
        _check,
        "would ZEGO accept this token for this login?",
        "Hold a token (or a kit token) against a login: one line per check, passed or what broke it. "
        "Exit 0 if no check found an error, 1 if one did.",
        _CHECK_EXAMPLE,
    )
    check_command.add_argument("token", metavar="TOKEN", help='the token or kit token, or "-" to read it from stdin')
    check_command.add_argument(
        "--app-id", type=_whole_number, metavar="N", help=f"the login's AppID (default: ${APP_ID_ENV}, if set)"
    )
    check_command.add_argument("--user-id", metavar="USER", help="the userID the client logs in with")
    check_command.add_argument("--room-id", metavar="ROOM", help="the room it logs in to")
    check_command.add_argument("--stream-id", metavar="STREAM", help="the stream it will publish")
    check_command.add_argument(
        "--no-login-check", action="store_true", help="the project does not verify the login privilege"
    )
    check_command.add_argument(
        "--no-publish-check", action="store_true", help="the project does not verify the publish privilege"
    )
    check_command.add_argument("--zim", action="store_true", help="the login is to ZIM (in-app chat), not RTC")
    _add_leeway(check_command)
    check_command.add_argument("--json", action="store_true", help="print the report as a JSON object")
    _add_secret_file(check_command)
    return parser


def _add_command(
    commands: Any, name: str, run: Any, summary: str, description: str, example: str
) -> argparse.ArgumentParser:
    """A subcommand: its parser, which carries out `run` and reports usage errors against itself."""
    command: argparse.ArgumentParser = commands.add_parser(
        name,
        help=summary,
        description=description,
        epilog=example,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        allow_abbrev=False,
    )
    command.set_defaults(run=run, parser=command)
    return command


def _add_leeway(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--leeway", type=_seconds, default=0.0, metavar="SECONDS", help="accept a token this long past its expiry"
    )


def _add_secret_file(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--secret-file",
        metavar="PATH",
        help=f"read the ServerSecret from this file (default: ${SECRET_ENV})",
    )
