"""One error base for everything a user can cause.

Each error knows where it happened (file, line, key) and how to fix it; the CLI
turns it into a message and an exit code in one place (``kurt.cli.app``).
Exit codes are class attributes, as in click: 1 for a failed operation, 2 for a
usage error (including an unknown name given as an argument).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the CLI imports this module at start-up: keep it cheap
    from collections.abc import Iterable
    from pathlib import Path


class KurtError(Exception):
    """Base of every error Kurt reports to a user without a traceback."""

    exit_code = 1

    def __init__(
        self,
        message: str,
        *,
        file: str | Path | None = None,
        line: int | None = None,
        column: int | None = None,
        key: str | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = str(file) if file is not None else None
        self.line = line
        self.column = column
        self.key = key
        self.hint = hint

    @property
    def location(self) -> str:
        """``file:line:column`` (as much of it as is known), or ``""``."""
        if self.file is None:
            return ""
        parts = [self.file]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def __str__(self) -> str:
        text = self.message
        if self.key is not None and self.key not in text:
            text = f"{text} (key '{self.key}')"
        if self.location:
            text = f"{self.location}: {text}"
        if self.hint:
            text = f"{text}\n  hint: {self.hint}"
        return text


class UsageError(KurtError):
    """The command was called wrongly: a bad option, value or name."""

    exit_code = 2


class UnknownNameError(UsageError, LookupError):
    """A tool, fetcher, mapper or skill name that nothing provides."""

    def __init__(
        self, kind: str, name: str, known: Iterable[str], *, is_a: str | None = None
    ) -> None:
        self.kind = kind
        self.name = name
        message = f"Unknown {kind} '{name}'."
        suggestion = did_you_mean(name, known)
        if suggestion:
            message = f"{message} Did you mean '{suggestion}'?"
        # Nothing close: say what the name is instead, or where the names are listed.
        listing = {"skill": "kurt skill list", "workflow": "kurt workflow list"}.get(
            kind, "kurt tool list"
        )
        hint = None if suggestion else f"see every {kind} with: {listing}"
        if is_a is not None:
            hint = f"'{name}' is a {is_a}, not a {kind} (see: kurt tool info {name})"
        super().__init__(message, hint=hint)


class DuplicateNameError(KurtError):
    """Two owners claim the same name in one registry."""


class ConfigError(KurtError):
    """kurt.toml is malformed or holds a value of the wrong shape."""


class ManifestError(KurtError):
    """A SKILL.md cannot be read as a manifest.

    When several things are wrong, the message lists them all and ``details``
    holds one located error for each (listings show them one by one).
    """

    details: tuple[ManifestError, ...] = ()


class SkillError(KurtError):
    """A skill is invalid, fails to load, or may not run here."""


class UntrustedProjectError(SkillError):
    """Project skill code asked to run in a project the user has not trusted."""


class ToolInputError(UsageError):
    """Tool input failed validation against the tool's ``InputModel``."""


def did_you_mean(name: str, known: Iterable[str]) -> str | None:
    """The closest known name to ``name``, if one is close enough."""
    import difflib

    matches = difflib.get_close_matches(name, sorted(set(known)), n=1, cutoff=0.6)
    return matches[0] if matches else None
