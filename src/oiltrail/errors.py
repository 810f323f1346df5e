"""One exception hierarchy; each class knows its CLI exit code and HTTP status.

The exit codes (README "Exit codes", docs/errors.md) are one table, `EXIT_CODES`, read by the
docs test. Library code raises these with a one-line `detail` naming the file, table or value at
fault and never a CLI flag: the CLI adds the flag where it knows it (`-o`, `--db`, `--since`).
Anything else reaching the CLI's edge is a bug and says "internal error" (exit 1).
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_INTERNAL = 1  # a bug: an exception that is not an OiltrailError
EXIT_USAGE = 2  # bad options or arguments, a file that cannot be read as what it claims to be
EXIT_REJECTED = 3  # input read but rows refused: all quarantined, or --strict
EXIT_MISSING_DATA = 4  # no store at --db, or the store lacks what the command needs
EXIT_STORE = 5  # the store cannot be used now: busy, read-only, damaged, older layout, disk full
EXIT_INTERRUPTED = 130  # Ctrl-C (128 + SIGINT), the store as it was before the interrupted step

# code -> (what it means, what to do): the README's table and docs/errors.md show these rows.
EXIT_CODES: dict[int, tuple[str, str]] = {
    EXIT_OK: ("success", "-"),
    EXIT_INTERNAL: (
        "internal error: a bug in oiltrail",
        "run again with OILTRAIL_DEBUG=1 and report the traceback",
    ),
    EXIT_USAGE: (
        "bad usage or unreadable input: an unknown option or value, a missing or unreadable "
        "file, an output path in a missing folder or onto a folder, an engine not installed",
        "fix the flag or file the message names",
    ),
    EXIT_REJECTED: (
        "input read but rows refused: every row of a file quarantined (the file is not kept), "
        "or `ingest --strict` with quarantined rows",
        "the message names the reasons and the fix (e.g. --base-time); or drop --strict",
    ),
    EXIT_MISSING_DATA: (
        "no store at --db, or the store lacks what the command needs (events, lists)",
        "check the --db path; run the step the message names (ingest, detect, lists load)",
    ),
    EXIT_STORE: (
        "the store cannot be used: busy (another process has it open for writing), "
        "read-only, damaged, not a DuckDB file, of an older layout, or the disk is full",
        "wait or use `oiltrail serve` (busy); use a writable copy (read-only); "
        "ingest again into a new --db (damaged, older); free space (disk full)",
    ),
    EXIT_INTERRUPTED: (
        "interrupted (Ctrl-C)",
        "run the command again: the store is as it was before the interrupted step",
    ),
}


class OiltrailError(Exception):
    """Base error: `detail` is the one-line message a user sees.

    `params` names the parameters at fault as the message spells them ("days", "since"): the
    CLI writes its flag in their place ("--days"), the API leaves the names as they are.
    """

    exit_code = EXIT_USAGE
    http_status = 400

    def __init__(self, detail: str, params: tuple[str, ...] = ()) -> None:
        super().__init__(detail)
        self.detail = detail
        self.params = params


class UsageError(OiltrailError):
    """Bad options or arguments (unknown kind, unknown --set key, bad query, bad output path)."""

    exit_code = EXIT_USAGE
    http_status = 400


class InputFormatError(OiltrailError):
    """A file that is not in any format we read (empty, binary, unknown columns, truncated)."""

    exit_code = EXIT_USAGE
    http_status = 422


class NotFoundError(OiltrailError):
    """An identifier, file or entity that does not exist."""

    exit_code = EXIT_USAGE
    http_status = 404


class StrictModeError(OiltrailError):
    """`--strict` was given and rows were quarantined."""

    exit_code = EXIT_REJECTED
    http_status = 422


class MissingDataError(OiltrailError):
    """The store lacks what a command needs (no store file, no events, no lists)."""

    exit_code = EXIT_MISSING_DATA
    http_status = 409


class NoStoreError(MissingDataError):
    """No store file at the path given: only ingest, lists load and demo create one."""

    http_status = 404


class StoreError(OiltrailError):
    """The store exists but cannot be used for this command now."""

    exit_code = EXIT_STORE
    http_status = 503


class StoreBusyError(StoreError):
    """Another process holds DuckDB's lock on the store file (one writer at a time)."""

    http_status = 503


class StoreReadOnlyError(StoreError):
    """The store file or its folder cannot be written, and the command writes."""

    http_status = 409


class StoreCorruptError(StoreError):
    """Not a DuckDB file, damaged, or written by an older oiltrail layout."""

    http_status = 500


class DiskFullError(StoreError):
    """No space left while writing; the transaction was rolled back."""

    http_status = 507


class EngineUnavailableError(OiltrailError):
    """An optional engine (Spark) is not installed or cannot start."""

    exit_code = EXIT_USAGE
    http_status = 501


class RowsRefusedError(StrictModeError):
    """A file was read but every row of it was quarantined: nothing of it was kept, so that
    the same file can be ingested again once the message's fix is applied."""
