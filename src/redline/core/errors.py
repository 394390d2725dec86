"""The one error tree: every failure a person can act on is a `RedlineError` with an exit code."""

from __future__ import annotations


class RedlineError(Exception):
    """Base of every error Redline raises on purpose; the CLI prints it as one line."""

    exit_code: int = 3

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class UsageError(RedlineError):
    """The command line asked for something that cannot be done as asked."""

    exit_code = 2


class InvalidTextError(UsageError):
    """Stored text holds a character no backend keeps alike (a NUL byte); names the field."""


class ConfigError(RedlineError):
    """A configuration or data file is missing or malformed; names the file, line and field."""

    exit_code = 2

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        field: str | None = None,
    ) -> None:
        self.file = file
        self.line = line
        self.field = field
        where = ""
        if file is not None:
            where = file if line is None else f"{file}:{line}"
        if field:
            message = f"field '{field}': {message}"
        super().__init__(f"{where}: {message}" if where else message)


class WorkspaceNotFoundError(ConfigError):
    """No workspace could be found from the flag, the environment or the current folder."""


class NotFoundError(RedlineError):
    """A record that was asked for by id does not exist."""

    exit_code = 2


class TransitionError(RedlineError):
    """A state machine was asked for a transition its table does not allow."""

    exit_code = 2


class PermissionDeniedError(RedlineError):
    """The acting user's role does not grant the action."""

    exit_code = 2


class TargetError(RedlineError):
    """A system under test could not be reached or answered in a way that is not a response."""


class ScoringError(RedlineError):
    """A scorer could not run at all (as opposed to a response it could not score)."""


class StoreError(RedlineError):
    """The database could not be opened, migrated or written."""


class AuditError(RedlineError):
    """The audit log could not be written or its chain is broken."""


class PolicyError(RedlineError):
    """A release policy is inconsistent or cannot be evaluated."""

    exit_code = 2
