"""check_token04's report (its rules, its findings, the recorder that collects them) and the one
reader of any token text.

``read_token`` is the only place that chooses between decode_kit_token, decode_token03 and
decode_token04. ``holds_secret`` is the only place that decides whether what a token holds spells
the project's secret; whatever shows a token's content (check_token04, the command) asks it
first, and shows none of the content when it says yes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Callable, NamedTuple, Union

from .._values import DecodeOptions, read_options, utc_datetime
from ..errors import InvalidTokenError
from ..kit import KIT_SEPARATOR, KitToken, decode_kit_token
from ..payload import parse_rtc_room_payload
from ..token03 import VERSION as TOKEN03_VERSION
from ..token03 import Token03, decode_token03
from ..token04 import Token04, decode_token04

__all__ = [
    "SEVERITY_ERROR",
    "SEVERITY_WARNING",
    "RULES",
    "Contents",
    "Finding",
    "CheckReport",
    "Recorder",
    "AnyToken",
    "read_token",
    "holds_secret",
    "describe",
    "read_for_report",
]

SEVERITY_ERROR = "error"
"""ZEGO would refuse the login (or the publish)."""
SEVERITY_WARNING = "warning"
"""Likely to cause trouble, but not by itself a refusal."""

Contents = Union[Token04, Token03]

RULES: dict[str, tuple[str, str]] = {
    "invalid-token": (SEVERITY_ERROR, "the token decodes with this secret"),
    "secret-in-token": (SEVERITY_ERROR, "the token's content does not hold the ServerSecret"),
    "expired": (SEVERITY_ERROR, "the token has not expired"),
    "issued-in-future": (SEVERITY_WARNING, "the token was not made in the future"),
    "app-id-mismatch": (SEVERITY_ERROR, "the token is for the login's AppID"),
    "user-id-mismatch": (SEVERITY_ERROR, "the token is for the login's userID"),
    "payload-invalid": (SEVERITY_ERROR, "the privilege payload is one ZEGO reads"),
    "no-privilege-payload": (
        SEVERITY_WARNING,
        "the token carries the privilege payload the project verifies",
    ),
    "room-id-mismatch": (SEVERITY_ERROR, "the token may log in to the login's room"),
    "login-denied": (SEVERITY_ERROR, "the token may log in (privilege 1)"),
    "publish-denied": (SEVERITY_ERROR, "the token may publish (privilege 2)"),
    "stream-id-not-allowed": (SEVERITY_ERROR, "the stream is one the token may publish"),
    "zim-payload": (SEVERITY_ERROR, "the token carries no payload, as ZIM requires"),
    "token03": (
        SEVERITY_WARNING,
        "the token is a token04, the format ZEGO asks for (ZIM: an error)",
    ),
    "duration-too-short": (
        SEVERITY_ERROR,
        "the token has the 30 s of validity left that ZIM's SDK asks for",
    ),
    "duration-too-long": (
        SEVERITY_ERROR,
        "the token has no more than the 24 days of validity ZIM's SDK takes",
    ),
    "expire-beyond-2038": (
        SEVERITY_ERROR,
        "the token's expire fits the 32-bit number ZIM reads it as",
    ),
    "user-id-format": (SEVERITY_ERROR, "the userID keeps the SDK's rules"),
    "room-id-format": (SEVERITY_ERROR, "the roomID keeps the SDK's rules"),
    "stream-id-format": (SEVERITY_ERROR, "the streamID keeps the SDK's rules"),
}
"""Every rule: its code, the severity of its finding, and what it means when it passes."""


class Finding(NamedTuple):
    """A broken rule: its code (a key of RULES), "error" or "warning", the problem and its
    remedy."""

    code: str
    """The rule broken: a key of RULES, fixed for programs to test."""
    severity: str
    """SEVERITY_ERROR (ZEGO refuses) or SEVERITY_WARNING."""
    problem: str
    """What is wrong, in terms of the token and the login (no value of the caller's is quoted)."""
    remedy: str
    """What to do about it, in Python's terms ("" when the problem says it all)."""

    @property
    def message(self) -> str:
        """The problem and the remedy, as one sentence."""
        return _joined(self.problem, self.remedy)


class CheckReport(NamedTuple):
    """What check_token04 found; true when ``ok``."""

    findings: tuple[Finding, ...]
    """Every broken rule, in the order checked."""
    checked: tuple[str, ...]
    """The codes of every rule that was applied, in order; those without a finding passed."""
    contents: Token04 | Token03 | None
    """The token's contents, or None when it did not decode or holds the ServerSecret."""
    kit: KitToken | None
    """A kit token's login fields and contents, when the token was a kit token that read."""

    @property
    def ok(self) -> bool:
        """True when no finding is an error: as far as can be told offline, ZEGO accepts the
        login."""
        return not any(finding.severity == SEVERITY_ERROR for finding in self.findings)

    def __bool__(self) -> bool:
        return self.ok

    def lines(self, remedies: Mapping[str, str] | None = None) -> list[str]:
        """The report as a person reads it: a line per rule applied (ok, or its finding), then the
        verdict.

        ``remedies`` replaces a finding's remedy by its code (the command line says its own).
        """
        said = {finding.code: finding for finding in self.findings}
        lines = [
            f"{said[code].severity:<8}{code}: {_message(said[code], remedies)}"
            if code in said
            else f"{'ok':<8}{RULES[code][1]}"
            for code in self.checked
        ]
        errors = sum(finding.severity == SEVERITY_ERROR for finding in self.findings)
        counts = (
            _count(errors, "error"),
            _count(len(said) - errors, "warning"),
            _count(len(self.checked), "check"),
        )
        return [*lines, f"{'ok' if self.ok else 'not ok'}: {counts[0]}, {counts[1]} in {counts[2]}"]

    def as_dict(self, remedies: Mapping[str, str] | None = None) -> dict[str, Any]:
        """The report as JSON-ready data: ok, findings (code, severity, message), checked, and the
        token described."""
        findings = [
            {"code": f.code, "severity": f.severity, "message": _message(f, remedies)}
            for f in self.findings
        ]
        token = self.kit or self.contents
        return {
            "ok": self.ok,
            "findings": findings,
            "checked": list(self.checked),
            "token": token and describe(token),
        }


def _message(finding: Finding, remedies: Mapping[str, str] | None) -> str:
    return _joined(finding.problem, (remedies or {}).get(finding.code, finding.remedy))


def _joined(problem: str, remedy: str) -> str:
    # A semicolon: the problem may hold a colon of its own ("in quotes: remove them").
    return f"{problem}; {remedy}" if remedy else problem


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


class Recorder:
    """What a check records: the rules applied, and the findings of those broken."""

    def __init__(self) -> None:
        self.findings: list[Finding] = []
        self.checked: list[str] = []

    def rule(
        self, code: str, problem: str | None, remedy: str = "", severity: str | None = None
    ) -> None:
        """Record that rule ``code`` was applied, and its finding if ``problem`` says what broke
        it."""
        self.checked.append(code)
        if problem:
            self.findings.append(Finding(code, severity or RULES[code][0], problem, remedy))

    def result(self, contents: Contents | None, kit: KitToken | None) -> CheckReport:
        return CheckReport(tuple(self.findings), tuple(self.checked), contents, kit)


AnyToken = Union[Token04, Token03, KitToken]
"""What read_token returns: a Token04, a Token03 or a KitToken, whichever the token was (tell
them apart with isinstance)."""


def read_token(token: str, secret: str, options: DecodeOptions = DecodeOptions()) -> AnyToken:
    """What any token text holds: a kit token (it has a "#"), a token03 ("03...") or a token04.

    ``options`` are the reader's (decode_kit_token, decode_token03, decode_token04), and so are
    the errors: InvalidTokenError or ExpiredTokenError for the token, TypeError or ValueError for
    the caller's configuration.
    """
    read: Callable[..., AnyToken] = decode_token04
    if isinstance(token, str) and KIT_SEPARATOR in token:
        read = decode_kit_token
    elif isinstance(token, str) and token.startswith(TOKEN03_VERSION):
        read = decode_token03
    return read(token, secret, **read_options(options)._asdict())


def holds_secret(value: str | tuple[object, ...], secret: str) -> bool:
    """True if ``value`` (a str, or a decoded token: every str it holds, at any depth) holds
    ``secret`` as it is written: a plain search of the decoded fields."""
    if isinstance(value, str):
        return secret in value
    return any(isinstance(item, (str, tuple)) and holds_secret(item, secret) for item in value)


def describe(decoded: AnyToken) -> dict[str, Any]:
    """What a decoded token holds, as a JSON-ready dict: its ``format`` ("token04", "token03",
    "kittoken"), its fields, ``expires_at`` (ISO 8601, UTC), a token04's ``privilege_payload``
    as parse_rtc_room_payload reads it (None if it reads none), and a kit token's ``token``
    (what its token04 holds) described so too.

    Show it only after holds_secret has said no: it holds every field of the token."""
    document: dict[str, Any] = {"format": type(decoded).__name__.lower(), **decoded._asdict()}
    if isinstance(decoded, KitToken):
        document["token"] = describe(decoded.token)
        return document
    document["expires_at"] = utc_datetime(decoded.expire).isoformat().replace("+00:00", "Z")
    if isinstance(decoded, Token04):
        try:
            document["privilege_payload"] = parse_rtc_room_payload(decoded.payload)._asdict()
        except InvalidTokenError:
            document["privilege_payload"] = None
    return document


def read_for_report(
    token: object, secret: str, options: DecodeOptions, report: Recorder
) -> Contents | KitToken | None:
    """The token read as ``options`` say, expiry aside, recording the rules of reading it; None if
    it did not decode, or holds the secret."""
    expiry_aside = options._replace(verify_expiry=False)  # check_token04 reports the expiry
    try:
        decoded = read_token(token, secret, expiry_aside)  # type: ignore[arg-type]
    except InvalidTokenError as error:
        report.rule(
            "invalid-token",
            str(error),
            "check that the token is whole and the secret is this project's",
        )
        return None
    report.rule("invalid-token", None)
    if holds_secret(decoded, secret):
        report.rule(
            "secret-in-token",
            "the token's content holds the ServerSecret (none of it is shown)",
            "make a new token without it, and treat the secret as exposed: reset it in ZEGO's "
            "console",
        )
        return None
    report.rule("secret-in-token", None)
    return decoded
