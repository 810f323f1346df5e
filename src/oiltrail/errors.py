"""One exception hierarchy; each class knows its CLI exit code and HTTP status."""

from __future__ import annotations


class OiltrailError(Exception):
    """Base error: `detail` is the one-line message a user sees."""

    exit_code = 1
    http_status = 500

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class UsageError(OiltrailError):
    """Bad options or arguments (unknown kind, unknown --set key, bad query)."""

    exit_code = 2
    http_status = 400


class InputFormatError(OiltrailError):
    """A file that is not in any format we read (empty, binary, unknown columns)."""

    exit_code = 2
    http_status = 422


class NotFoundError(OiltrailError):
    """An identifier, file or entity that does not exist."""

    exit_code = 2
    http_status = 404


class StrictModeError(OiltrailError):
    """`--strict` was given and rows were quarantined."""

    exit_code = 3
    http_status = 422


class MissingDataError(OiltrailError):
    """The store lacks what a command needs (no events, no lists)."""

    exit_code = 1
    http_status = 409


class EngineUnavailableError(OiltrailError):
    """An optional engine (Spark) is not installed or cannot start."""

    exit_code = 2
    http_status = 501


class RowsRefusedError(StrictModeError):
    """A file was read but every row of it was quarantined: nothing of it was kept, so that
    the same file can be ingested again once the message's fix is applied."""
