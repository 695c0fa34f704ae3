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
from collections.abc import Sequence
from typing import Any, NoReturn, TextIO

from . import __version__, check, ids, kit, token03, token04
from .project import APP_ID_ENV, SECRET_ENV

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


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``); return its exit status."""
    out = _Output(sys.stdout, sys.stderr)
    try:
        return _main(argv, out)
    except KeyboardInterrupt:  # Ctrl-C, say while `decode -` waits for stdin: one line, not a traceback
        out.report("zego-token04: interrupted")
        return EXIT_INTERRUPTED


class _UsageError(Exception):
    """A command line that cannot be carried out: exit 2 with this message and the command's usage."""

    def __init__(self, message: str, parser: argparse.ArgumentParser | None = None) -> None:
        super().__init__(message)
        self.parser = parser


class _OutputError(Exception):
    """stdout cannot take the output: exit 3 with this reason."""


class _HelpRequested(Exception):
    """--help: the text to print on stdout, then exit 0."""


class _Parser(argparse.ArgumentParser):
    """argparse, with its refusals and its help raised to main() instead of printed and exited."""

    def error(self, message: str) -> NoReturn:
        # argparse quotes the value it refuses ("invalid choice: '...'"), and that value may be
        # the secret typed in the wrong place: keep the message up to the first quote.
        quote = min((at for at in (message.find("'"), message.find('"')) if at >= 0), default=-1)
        if quote >= 0:
            choices = message.rpartition("(choose from ")[2].rstrip(")") if "invalid choice" in message else ""
            shown = f"; choose from {choices.replace(chr(39), '')}" if choices else ""
            message = f"{message[:quote].rstrip(': ')} (the value is not shown{shown})"
        raise _UsageError(message, self)

    def print_help(self, file: Any = None) -> None:
        raise _HelpRequested(self.format_help())


class _Output:
    """Where one run writes: stdout (a failed write is an _OutputError) and stderr (failures ignored)."""

    def __init__(self, stdout: TextIO | None, stderr: TextIO | None) -> None:
        self.stdout = stdout
        self.stderr = stderr

    def print(self, text: str) -> None:
        """One line on stdout; characters its encoding lacks are written as backslash escapes."""
        encoding = _encoding(self.stdout)
        self._write(text.encode(encoding, "backslashreplace").decode(encoding) + "\n")

    def print_json(self, document: dict[str, Any], secret: str) -> None:
        """``document`` as JSON on stdout, every value that holds the secret masked first.

        Non-ASCII characters are written as themselves where stdout's encoding has them, else as
        JSON's \\u escapes.
        """
        text = json.dumps(_masked_json(document, secret), ensure_ascii=False)
        encoding = _encoding(self.stdout)
        self._write("".join(_json_character(character, encoding) for character in text) + "\n")

    def print_fields(self, document: dict[str, Any], secret: str) -> None:
        """``document`` as one "name: value" line per member (the value as JSON), values masked first."""
        for name, value in _masked_json(document, secret).items():
            self.print(f"{name}: {json.dumps(value, ensure_ascii=False)}")

    def report(self, text: str) -> None:
        """A line (or lines) on stderr, if it can take them."""
        if self.stderr is None:
            return
        try:
            encoding = _encoding(self.stderr)
            self.stderr.write(text.rstrip("\n").encode(encoding, "backslashreplace").decode(encoding) + "\n")
            self.stderr.flush()
        except (OSError, ValueError):  # a full disk or a closed pipe: nothing more can be said
            _detach(self.stderr)

    def flush(self) -> None:
        """Push out what stdout holds, so that a failure is known before the exit status is."""
        try:
            if self.stdout is not None:
                self.stdout.flush()
        except (OSError, ValueError) as error:
            raise _OutputError(_write_failure(error)) from None

    def _write(self, text: str) -> None:
        try:
            self.stdout.write(text)  # type: ignore[union-attr]  # main() refuses to run without stdout
        except (OSError, ValueError) as error:
            raise _OutputError(_write_failure(error)) from None


def _main(argv: Sequence[str] | None, out: _Output) -> int:
    if out.stdout is None:  # started with stdout closed: whatever we made, nobody would see it
        out.report("zego-token04: error: stdout is closed; nothing can be printed")
        return EXIT_OUTPUT
    parser = _build_parser()
    try:
        status = _run(parser, argv, out)
        out.flush()
    except _UsageError as error:
        command = error.parser or parser
        out.report(f"{command.format_usage()}{command.prog}: error: {error}")
        return EXIT_USAGE
    except _OutputError as error:
        _detach(out.stdout)  # so that the interpreter's own flush at exit cannot fail again
        out.report(f"zego-token04: error: cannot write to stdout: {error}")
        return EXIT_OUTPUT
    return status


def _run(parser: argparse.ArgumentParser, argv: Sequence[str] | None, out: _Output) -> int:
    try:
        args, unrecognized = parser.parse_known_args(argv)
    except _HelpRequested as help_text:
        out.print(str(help_text).rstrip("\n"))
        return EXIT_OK
    if args.version:
        out.print(f"zego-token04 {__version__}")
        return EXIT_OK
    if args.command is None:
        raise _UsageError("the following arguments are required: COMMAND", parser)
    if unrecognized:
        raise _UsageError(_unrecognized(unrecognized, args.known_options), args.parser)
    try:
        status: int = args.run(args, out)
    except _UsageError as error:
        error.parser = error.parser or args.parser
        raise
    return status


def _unrecognized(words: list[str], known_options: frozenset[str]) -> str:
    """The refusal of unrecognized words: options any command has are named, nothing else is shown."""
    names = [word.split("=", 1)[0] for word in words]
    shown = sorted({name for name in names if name in known_options})
    hidden = sum(name not in known_options for name in names)
    message = "unrecognized arguments" + (": " + " ".join(shown) if shown else "")
    if hidden:
        message += f" ({hidden} not shown)"
    if any(len(word) >= token04.SECRET_LENGTH for word in words):  # it might be the secret
        message += f"; the secret is read only from {SECRET_ENV} or --secret-file"
    return message


def _generate(args: argparse.Namespace, out: _Output) -> int:
    app_id = _app_id(args.app_id)
    if args.room_id is None and (args.no_login or args.no_publish or args.stream_ids):
        raise _UsageError("--no-login, --no-publish and --stream-id go with --room-id")
    if args.user_name is not None and args.kit_room_id is None:
        raise _UsageError("--user-name goes with --kit-room-id")
    secret = _secret(args.secret_file)
    _refuse_the_secret_in_values(args, secret)
    mode = token04.MODE_GCM if args.gcm else token04.MODE_CBC
    info = token04.generate_token04(app_id, args.user_id, secret, args.ttl, _payload(args), mode=mode)
    if info.error_code != token04.ERROR_CODE_SUCCESS:
        raise _UsageError(_generate_refusal(info, args))
    kit_token = None
    if args.kit_room_id is not None:
        try:
            kit_token = kit.make_kit_token(info.token, app_id, args.kit_room_id, args.user_id, args.user_name or "")
        except ValueError as error:  # what the UIKit's JavaScript would refuse too
            raise _UsageError(f"no kit token for these --kit-room-id, --user-id, --user-name: {error}") from None
    for warning in _sdk_warnings(args):
        out.report(f"zego-token04: warning: {warning}")
    if args.json:
        contents = token04.decode_token04(info.token, secret, verify_expiry=False)
        document = {"token": info.token, **_token_document(contents, False)}
        out.print_json({**document, "kit_token": kit_token}, secret)
    else:
        out.print(kit_token or info.token)
    return EXIT_OK


def _refuse_the_secret_in_values(args: argparse.Namespace, secret: str) -> None:
    """A usage error if a value generate would put in the token (or the kit token) holds the secret."""
    values = {"--user-id": [args.user_id], "--payload": [args.payload], "--room-id": [args.room_id]}
    values.update({"--stream-id": args.stream_ids or [], "--kit-room-id": [args.kit_room_id]})
    values["--user-name"] = [args.user_name]
    for option, texts in values.items():
        if any(secret in text for text in texts if text is not None):
            raise _UsageError(f"{option} contains the ServerSecret; it would be printed and sent to clients")


def _payload(args: argparse.Namespace) -> str:
    """--payload as given, or the privilege payload --room-id and its options make."""
    if args.room_id is None:
        return str(args.payload)
    try:
        return token04.rtc_room_payload(
            args.room_id, login=not args.no_login, publish=not args.no_publish, stream_ids=args.stream_ids
        )
    except ValueError:  # a lone surrogate: bytes the terminal could not decode
        raise _UsageError("--room-id and --stream-id must be valid text (they hold bytes that are not UTF-8)") from None


def _generate_refusal(info: token04.TokenInfo, args: argparse.Namespace) -> str:
    """generate_token04's refusal in the words of the command line."""
    if info.error_code == token04.ERROR_CODE_APP_ID_INVALID:
        source = "--app-id" if args.app_id is not None else APP_ID_ENV
        return f"{source} must be from 1 to {token04.MAX_APP_ID}"
    if info.error_code == token04.ERROR_CODE_USER_ID_INVALID:
        return "--user-id must not be empty" if not args.user_id else "--user-id must be valid text (not UTF-8 here)"
    if info.error_code == token04.ERROR_CODE_EFFECTIVE_TIME_IN_SECONDS_INVALID:
        return "--ttl must be a whole number of seconds > 0 whose expire time fits a 64-bit integer"
    if token04._as_text(args.payload) is None:  # a lone surrogate: bytes the terminal could not decode
        return "--payload must be valid text (it holds bytes that are not UTF-8)"
    return f"--payload (or --user-id) is too long: a token body holds at most {token04.MAX_BODY_BYTES} bytes"


def _sdk_warnings(args: argparse.Namespace) -> list[str]:
    """What ZEGO's SDK would refuse at login in the values of a token generate made anyway."""
    problems = [("--user-id", "user_id", ids.check_user_id(args.user_id))]
    for option, value in (("--room-id", args.room_id), ("--kit-room-id", args.kit_room_id)):
        if value:
            problems.append((option, "room_id", ids.check_room_id(value)))
    problems += [("--stream-id", "stream_id", ids.check_stream_id(stream)) for stream in args.stream_ids or []]
    warnings = [
        f"{option}{problem[len(name) :]}: the SDK will refuse the login"
        for option, name, problem in problems
        if problem
    ]
    if args.payload and args.room_id is None:
        try:
            token04.parse_rtc_room_payload(args.payload)
        except ValueError as error:
            warnings.append(
                f"--payload is not a privilege payload ({error}): a project that verifies privileges refuses it"
            )
    return warnings


def _decode(args: argparse.Namespace, out: _Output) -> int:
    secret = _secret(args.secret_file)
    token = _token(args.token, out)
    if token is None:
        return EXIT_REFUSED
    try:
        decoded = _reader(token)(token, secret, verify_expiry=False)
    except token04.InvalidTokenError as error:
        out.report(f"zego-token04: error: invalid token: {error}")
        return EXIT_REFUSED
    fields, contents = (_kit_fields(decoded), decoded.token) if isinstance(decoded, kit.KitToken) else (None, decoded)
    expired = contents.expire + args.leeway < time.time()
    document = {**_token_document(contents, expired), "kit": fields}
    if args.json:
        out.print_json(document, secret)
    else:
        out.print_fields(document, secret)
    if expired:
        out.report(f"zego-token04: error: token expired at {document['expire_at']} (leeway {args.leeway:g} s)")
        return EXIT_REFUSED
    return EXIT_OK


def _reader(token: str) -> Any:
    """The function that reads this token: a kit token whole, a token03 or a token04 as itself."""
    return kit.decode_kit_token if kit._is_kit_token(token) else token03._decoder(token)


def _token_document(contents: token04.Token04 | token03.Token03, expired: bool) -> dict[str, Any]:
    """What decode prints of a token, and generate --json of the one it made: its format first."""
    document = {"format": type(contents).__name__.lower(), **contents._asdict()}
    document.update(expired=expired, expire_at=check._iso_utc(contents.expire))
    if isinstance(contents, token04.Token04):
        document["privilege_payload"] = _privilege_payload(contents.payload)
    return document


def _check(args: argparse.Namespace, out: _Output) -> int:
    secret = _secret(args.secret_file)
    token = _token(args.token, out)
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
        out.print_json(_report_document(report), secret)
    else:
        _print_report(report, out)
    return EXIT_OK if report.ok else EXIT_REFUSED


def _report_document(report: check.CheckReport) -> dict[str, Any]:
    return {
        "ok": report.ok,
        "findings": [{**finding._asdict(), "message": _in_cli_terms(finding)} for finding in report.findings],
        "checked": list(report.checked),
        "format": None if report.contents is None else type(report.contents).__name__.lower(),
        "contents": None if report.contents is None else report.contents._asdict(),
        "kit": None if report.kit is None else _kit_fields(report.kit),
    }


def _print_report(report: check.CheckReport, out: _Output) -> None:
    """One line per rule applied, what it found or that it holds, then the verdict."""
    findings = {finding.code: finding for finding in report.findings}
    for code in report.checked:
        finding = findings.get(code)
        if finding is None:
            out.print(f"{'ok':<8}{check.RULES[code][1]}")
        else:
            out.print(f"{finding.severity:<8}{code}: {_in_cli_terms(finding)}")
    errors = sum(finding.severity == check.SEVERITY_ERROR for finding in report.findings)
    counts = (
        _count(errors, "error"),
        _count(len(report.findings) - errors, "warning"),
        _count(len(report.checked), "check"),
    )
    out.print(f"{'ok' if report.ok else 'not ok'}: {counts[0]}, {counts[1]} in {counts[2]}")


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


# check_token04's remedies are in Python's terms; here they are said in the command line's.
_CLI_ADVICE = {
    "zim-payload": "make it with generate, without --payload or --room-id",
    "no-privilege-payload": (
        "make it with generate --room-id ROOM (or check with --no-login-check --no-publish-check"
        " if the project does not verify privileges)"
    ),
    "payload-invalid": "make the payload with generate --room-id",
}


def _in_cli_terms(finding: check.Finding) -> str:
    advice = check._ADVICE.get(finding.code, "")
    if advice and finding.message.endswith(advice):
        return finding.message[: -len(advice)] + _CLI_ADVICE[finding.code]
    return finding.message


def _token(argument: str, out: _Output) -> str | None:
    """The token from its argument or, for "-", from stdin; None (reported) if stdin holds no token."""
    if argument != "-":
        return argument.strip()
    token = _read_stdin()
    if token == "":
        out.report("zego-token04: error: invalid token: stdin was empty: pipe the token in, or pass it as an argument")
        return None
    if token is None:
        out.report(
            f"zego-token04: error: invalid token: stdin is not ASCII text of at most {STDIN_LIMIT} bytes,"
            " as a token04 is"
        )
    return token


def _fields(record: Any, names: Sequence[str]) -> dict[str, Any]:
    return {name: getattr(record, name) for name in names}


def _kit_fields(fields: kit.KitToken) -> dict[str, Any]:
    """A kit token's login fields, without the token04 contents printed beside them."""
    return _fields(fields, ("app_id", "user_id", "room_id", "user_name"))


def _privilege_payload(payload: str) -> dict[str, Any] | None:
    """The payload as parse_rtc_room_payload reads it, or None if there is none it can read."""
    try:
        return token04.parse_rtc_room_payload(payload)._asdict() if payload else None
    except ValueError:
        return None


def _masked_json(value: Any, secret: str) -> Any:
    """A JSON value with every string that holds the secret masked, and every string that is JSON itself
    (a raw payload) masked in its parsed strings too: there the secret may be spelled with escapes."""
    if isinstance(value, dict):
        return {name: _masked_json(item, secret) for name, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_masked_json(item, secret) for item in value]
    if not isinstance(value, str):
        return value
    text = token04._masked(value, secret)
    try:
        parsed = json.loads(text)
    except (ValueError, RecursionError):
        return text
    remasked = _masked_json(parsed, secret) if isinstance(parsed, (dict, list, str)) else parsed
    return text if remasked == parsed else json.dumps(remasked, ensure_ascii=False)


def _read_stdin() -> str | None:
    """The token on stdin, surrounding whitespace stripped; None if it is not ASCII or over STDIN_LIMIT bytes."""
    if sys.stdin is None:
        raise _UsageError('stdin is closed: pass the token itself instead of "-"')
    try:
        data = sys.stdin.buffer.read(STDIN_LIMIT + 1) or b""  # None: a non-blocking stdin with nothing yet
    except OSError as error:
        raise _UsageError(f'cannot read stdin ({error.strerror}): pass the token itself instead of "-"') from None
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
        return _whole_number_option(text)
    except argparse.ArgumentTypeError as error:
        raise _UsageError(f"{APP_ID_ENV} {error}") from None


def _secret(path: str | None) -> str:
    """The ServerSecret, from --secret-file or the environment, surrounding whitespace stripped."""
    if path is None:
        source, secret = SECRET_ENV, os.environ.get(SECRET_ENV, "")
        if not secret.strip():
            raise _UsageError(f"no secret: set {SECRET_ENV} or pass --secret-file PATH")
    else:
        source, secret = "--secret-file", _read_secret_file(path)
    secret = token04._plain_secret(secret.strip())  # type: ignore[assignment]
    if secret is None:
        raise _UsageError(f"the ServerSecret in {source} is not {token04.SECRET_LENGTH} ASCII characters")
    return secret


def _read_secret_file(path: str) -> str:
    try:
        with open(path, "rb") as secret_file:
            secret = secret_file.read(SECRET_FILE_LIMIT + 1)
    except OSError as error:
        raise _UsageError(f"cannot read --secret-file: {error.strerror or 'not readable'}") from None
    if len(secret) > SECRET_FILE_LIMIT:
        raise _UsageError(f"--secret-file holds more than {SECRET_FILE_LIMIT} bytes; it is not a ServerSecret")
    try:
        return secret.decode("utf-8-sig")  # a byte order mark, as some Windows editors write, is not the secret
    except UnicodeDecodeError:
        raise _UsageError("--secret-file is not UTF-8 text") from None


def _encoding(stream: TextIO | None) -> str:
    return getattr(stream, "encoding", None) or "utf-8"


def _json_character(character: str, encoding: str) -> str:
    """A character of JSON text as itself if `encoding` has it, else as JSON's \\u escapes (only inside
    strings can such a character stand: JSON's own punctuation, digits and words are in every encoding)."""
    try:
        character.encode(encoding)
    except UnicodeEncodeError:
        units = character.encode("utf-16-be", "surrogatepass")
        return "".join(f"\\u{int.from_bytes(units[at : at + 2], 'big'):04x}" for at in range(0, len(units), 2))
    return character


def _write_failure(error: Exception) -> str:
    if isinstance(error, OSError):
        return error.strerror or "it is not writable"
    if isinstance(error, UnicodeError):
        return "its encoding cannot show the output"
    return "it is closed"


def _detach(stream: TextIO | None) -> None:
    """Point a failed stream's file descriptor at /dev/null, so that the interpreter's flush at exit
    (which would exit 120) finds nothing to complain of."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())  # type: ignore[union-attr]
        os.close(devnull)
    except (AttributeError, OSError, ValueError):
        pass


def _whole_number_option(text: str) -> int:
    """An argparse type: ASCII decimal digits only (no sign, space, underscore or other scripts' digits)."""
    if not (0 < len(text) <= 20 and text.isascii() and text.isdigit()):
        raise argparse.ArgumentTypeError("must be a whole number of at most 20 ASCII digits")
    return int(text)


def _seconds_option(text: str) -> float:
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
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    _add_generate(commands)
    _add_decode(commands)
    _add_check(commands)
    for command in commands.choices.values():
        command.set_defaults(parser=command)
    # Every option some command takes: an unrecognized word that is one of them can be named.
    helps = [parser.format_help(), *(command.format_help() for command in commands.choices.values())]
    parser.set_defaults(known_options=frozenset(re.findall(r"--[a-z][a-z-]*", "".join(helps))))
    return parser


def _add_generate(commands: Any) -> None:
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
        "--app-id", type=_whole_number_option, metavar="N", help=f"the project's AppID (default: ${APP_ID_ENV})"
    )
    generate.add_argument(
        "--ttl", type=_whole_number_option, default=3600, metavar="SECONDS", help="lifetime (default: 3600)"
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


def _add_decode(commands: Any) -> None:
    decode = _add_command(
        commands,
        "decode",
        _decode,
        "print what a token holds",
        "Print a token's fields, one per line (a kit token's too; --json for a JSON object). Exit 0 if it is "
        "valid and unexpired, 1 if it is invalid or expired (an expired token's fields are still printed).",
        _DECODE_EXAMPLE,
    )
    decode.add_argument("token", metavar="TOKEN", help='the token or kit token, or "-" to read it from stdin')
    _add_leeway(decode)
    decode.add_argument("--json", action="store_true", help="print the fields as a JSON object")


def _add_check(commands: Any) -> None:
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
        "--app-id", type=_whole_number_option, metavar="N", help=f"the login's AppID (default: ${APP_ID_ENV}, if set)"
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


def _add_command(
    commands: Any, name: str, run: Any, summary: str, description: str, example: str
) -> argparse.ArgumentParser:
    """A subcommand's parser, which carries out `run`; every command reads the secret the same way."""
    command: argparse.ArgumentParser = commands.add_parser(
        name,
        help=summary,
        description=description,
        epilog=example,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        allow_abbrev=False,
    )
    command.set_defaults(run=run)
    command.add_argument(
        "--secret-file", metavar="PATH", help=f"read the ServerSecret from this file (default: ${SECRET_ENV})"
    )
    return command


def _add_leeway(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--leeway",
        type=_seconds_option,
        default=0.0,
        metavar="SECONDS",
        help="accept a token this long past its expiry",
    )
