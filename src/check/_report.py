"""check_token04's report: its rules, its findings, and the recorder that collects them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple, Union

from ..kit import KitToken
from ..token03 import Token03
from ..token04 import Token04
from ._reader import describe

__all__ = [
    "SEVERITY_ERROR",
    "SEVERITY_WARNING",
    "RULES",
    "Contents",
    "Finding",
    "CheckReport",
    "Recorder",
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
    contents: Contents | None
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
