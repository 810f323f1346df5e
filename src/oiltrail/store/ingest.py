"""Ingest AIS files into the store: each file in one transaction, re-ingest a no-op (manifest).

Choices where the issue is silent:
- The manifest key is the sha256 of the file as given (compressed bytes for .gz/.zst/.zip).
- `--strict`: the first file with any quarantined row is rolled back (nothing of it is kept,
  not even its quarantine rows) and the run stops with StrictModeError; earlier files stay.
- Simulated (docs/store.md): a file is marked simulated when a tag block names the source `s:sim`
  or a `scenario.json` with "simulated": true sits in the same folder (the simulator's layout).
"""

from __future__ import annotations

import contextlib
import importlib
import json
import sys
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import zstandard

from oiltrail.ais.decoded import Decoded, empty_decoded
from oiltrail.ais.detect_format import Detected, detect
from oiltrail.ais.file_hash import early_hash, file_sha256
from oiltrail.ais.nmea import NmeaReader, split
from oiltrail.ais.nmea import compile_kernels as compile_nmea_kernels
from oiltrail.ais.nmea_split import PAD
from oiltrail.ais.schema import STATIC
from oiltrail.ais.sources import COMPRESSIONS, Member, members, read_blocks
from oiltrail.ais.validate import now_us
from oiltrail.background import Background
from oiltrail.errors import InputFormatError, RowsRefusedError, StrictModeError, UsageError
from oiltrail.settings import get_settings
from oiltrail.startup import hidden
from oiltrail.store import killpoints
from oiltrail.store.catalog import Store
from oiltrail.store.prefetch import Prefetched, prefetch
from oiltrail.store.progress import Progress
from oiltrail.store.writes import (
    POSITION_KEY,
    STATIC_KEY,
    FileWrites,
    ingest_settings,
    insert_batch,
    manifest_row,
    maybe_repeats,
)

FILE_COLUMNS = (
    "file", "format", "positions", "static", "duplicates", "quarantined", "skipped",
    "invalid_imo", "note",
)  # fmt: skip
NMEA_BYTES_PER_ROW = 80  # a tag-blocked sentence is ~75 bytes: settings.batch_rows → block size
# Smaller NMEA blocks than batch_rows let decoding overlap the store's writes. Measured on the
# simulator's 820k-message file with the compiled kernels, medians of 7: 100k-line blocks
# 0.60–0.71 s wall against 0.66–0.70 s for 200k and 0.78–0.88 s for 50k.
PIPELINE_ROWS = 100_000
GIL_SWITCH_S = 0.001
# Static reports (a twentieth of AIS) are written this many at a time, not with every batch:
# each insert is a fixed cost on the thread writing to the store.
STATIC_BATCH_ROWS = 50_000
FIRST_BLOCK_DIVISOR = 8  # the first blocks are smaller (doubling): the pipeline fills sooner


@dataclass
class FileReport:
    """What one input file added to the store."""

    path: str
    file_hash: str
    format: str
    positions: int = 0
    static_reports: int = 0
    duplicates: int = 0
    invalid_imo: int = 0
    quarantined: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)
    simulated: bool = False
    already_ingested: bool = False
    replaced_bytes: int = 0  # bytes that were not UTF-8 (CSV), read as U+FFFD
    refused: bool = False  # every row quarantined: rolled back (see IngestReport.refusal)
    first_quarantined: tuple[int, str] | None = None  # (line, reason) of the first one


@dataclass
class IngestReport:
    files: list[FileReport] = field(default_factory=list)

    def total(self, name: str) -> int:
        return sum(int(getattr(f, name)) for f in self.files)

    @property
    def quarantined(self) -> Counter[str]:
        return sum((f.quarantined for f in self.files), Counter())

    @property
    def simulated(self) -> bool:
        return any(f.simulated and not f.already_ingested for f in self.files)

    def refusal(self) -> RowsRefusedError | None:
        """The error for files of which every row was quarantined (none were kept), or None."""
        refused = [f for f in self.files if f.refused]
        if not refused:
            return None
        return RowsRefusedError("; ".join(_refused_detail(f) for f in refused))

    def no_time_hint(self) -> str | None:
        """What to do about kept files' lines quarantined `no_time`, or None."""
        n = sum(f.quarantined["no_time"] for f in self.files if not f.refused)
        return f"{n} NMEA lines had no time of their own: {NO_TIME_FIX}" if n else None

    def file_rows(self) -> list[dict[str, object]]:
        """One summary row per file, for the CLI table."""
        return [
            {
                "file": Path(f.path).name, "format": f.format,
                "positions": f.positions, "static": f.static_reports,
                "duplicates": f.duplicates, "quarantined": sum(f.quarantined.values()),
                "skipped": sum(f.skipped.values()), "invalid_imo": f.invalid_imo,
                "note": _note(f),
            }
            for f in self.files
        ]  # fmt: skip

    def reason_rows(self) -> list[dict[str, object]]:
        """Quarantined rows by reason (with its finer code), most frequent first."""
        return [{"reason": r, "rows": n} for r, n in self.quarantined.most_common()]


NO_TIME_FIX = (
    "give --base-time (the UTC time of the file's first line; a line without a time then "
    "takes the time of the last line before it that has one, in the order received)"
)


def _note(f: FileReport) -> str:
    if f.already_ingested:
        return "already ingested"
    if f.refused:
        return "not kept: every row quarantined"
    notes = ["simulated"] if f.simulated else []
    if f.replaced_bytes:
        notes.append(f"{f.replaced_bytes} bytes not UTF-8, read as U+FFFD")
    return "; ".join(notes)


def _refused_detail(f: FileReport) -> str:
    total = sum(f.quarantined.values())
    reasons = ", ".join(f"{k} {v}" for k, v in f.quarantined.most_common(3))
    where = ""
    if f.first_quarantined is not None:
        where = f" (first: line {f.first_quarantined[0]}, {f.first_quarantined[1]})"
    if f.quarantined["no_time"] == total:
        fix = NO_TIME_FIX
    elif f.quarantined["no_time"]:
        fix = f"fix the other rows, and {NO_TIME_FIX}"
    else:
        fix = "check that the file is what its format says, and fix the rows at fault"
    return (
        f"{Path(f.path).name}: all {total} rows quarantined ({reasons}){where}, so nothing of it "
        f"was kept: {fix}"
    )


def parse_base_time(value: str | datetime | None) -> float | None:
    """`--base-time` as UTC seconds; naive input is taken as UTC."""
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip())
        except ValueError as exc:
            raise UsageError(
                f"base-time {value!r}: expected ISO 8601, e.g. 2026-01-05T00:00:00Z",
                ("base-time",),
            ) from exc
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.timestamp()


def scenario_simulated(path: Path) -> bool:
    """True when the simulator's scenario.json (with "simulated": true) sits beside `path`."""
    scenario = path.parent / "scenario.json"
    try:
        return bool(json.loads(scenario.read_text(encoding="utf-8")).get("simulated"))
    except (OSError, ValueError, AttributeError):
        return False


def plan(
    paths: Sequence[Path], fmt: str | None
) -> list[tuple[Path, list[tuple[Member, Detected]]]]:
    """Check every file before writing anything: a file that is not AIS stops the run here."""
    return [(Path(p), [(m, detect(m, fmt)) for m in members(Path(p))]) for p in paths]


def _decoded(
    member: Member, det: Detected, base_s: float | None, now: int, progress: Progress
) -> Iterator[Decoded]:
    """The file's batches; a file that cannot be read to its end (a truncated or corrupt
    .gz/.zst/.zip, a read error) is a one-line InputFormatError, so its transaction is rolled
    back: half a file is never recorded as ingested."""
    try:
        yield from _decoded_batches(member, det, base_s, now, progress)
    except (OSError, EOFError, zlib.error, zipfile.BadZipFile, zstandard.ZstdError) as exc:
        raise InputFormatError(
            f"{member.name}: cannot be read to its end ({exc}); nothing of it was kept"
        ) from exc


def _decoded_batches(
    member: Member, det: Detected, base_s: float | None, now: int, progress: Progress
) -> Iterator[Decoded]:
    batch_rows = get_settings().batch_rows
    with member.open() as stream:
        if det.fmt == "nmea":
            reader = NmeaReader(member.name, base_s, now)
            block_rows = min(batch_rows, PIPELINE_ROWS)
            block_bytes = block_rows * NMEA_BYTES_PER_ROW
            first = block_bytes // FIRST_BLOCK_DIVISOR
            blocks = read_blocks(stream, block_bytes, first, PAD)
            # Splitting (a compiled pass) runs one block ahead in its own thread: three stages.
            for part in prefetch(split(b) for b in blocks):
                progress.advance(len(part.block))
                yield reader.batch_split(part)
            yield reader.finish()
        elif det.fmt == "parquet":
            from oiltrail.ais.canonical import ParquetReader

            yield from ParquetReader(member.name, now, batch_rows).batches(stream)
        else:
            from oiltrail.ais.csv_formats import CsvReader

            # DuckDB reads a plain file itself, beside the stream (ais.csv_sql).
            plain = member.member is None and member.path.suffix.lower() not in COMPRESSIONS
            csv = CsvReader(member.name, det.fmt, det.header, now)
            yield from csv.batches(stream, path=member.path if plain else None)


def compile_kernels() -> None:
    """Compile (or load from numba's cache) every kernel an ingest runs: `make setup` does it,
    so the first ingest does not."""
    compile_nmea_kernels()
    maybe_repeats(pa.table({"k": np.arange(3, dtype=np.int64)}), ("k",))


@contextlib.contextmanager
def quick_gil_handoff() -> Iterator[None]:
    """Let threads take the GIL every GIL_SWITCH_S instead of Python's 5 ms while a file is
    ingested: DuckDB's Python client takes the GIL back after every task of a query (to check
    for Ctrl-C), and each time waited for the decode thread's whole slice (measured: 3–7%
    faster ingest). With a thread running Python beside it, an insert of the 780k simulated
    positions took 2.6× as long at 1 ms; hence also the few, large statements per batch."""
    previous = sys.getswitchinterval()
    sys.setswitchinterval(GIL_SWITCH_S)
    try:
        yield
    finally:
        sys.setswitchinterval(previous)


class _AlreadyIngested(Exception):
    """The file's hash is in the manifest: its transaction is rolled back."""


class _Refused(Exception):
    """Every row of the file was quarantined: its transaction is rolled back."""


@dataclass
class _Underway:
    """A file whose decoding has started (in its own threads)."""

    path: Path
    planned: list[tuple[Member, Detected]]
    batches: Prefetched[Decoded]

    @classmethod
    def start(
        cls,
        path: Path,
        planned: list[tuple[Member, Detected]],
        base_s: float | None,
        progress: Progress,
    ) -> _Underway:
        batches = prefetch(_all_decoded(planned, base_s, now_us(), progress))
        return cls(path, planned, batches)


def ingest_file(store: Store, file: _Underway, strict: bool) -> FileReport:
    """One file, one transaction; rolled back when its content hash is in the manifest.

    The file is hashed in the background while it is decoded and written (hashing, the
    compiled kernels and DuckDB release the GIL), or from the start of the command
    (ais.file_hash.hash_early). The manifest is checked as soon as the hash is ready, so a
    file ingested before stops early and leaves nothing behind."""
    path = file.path
    hashing = early_hash(path) or Background(lambda: file_sha256(path))
    fmt = ",".join(sorted({d.fmt for _, d in file.planned}))
    simulated = scenario_simulated(path)
    rep = FileReport(str(path), "", fmt, simulated=simulated)
    try:
        with quick_gil_handoff(), ingest_settings(store.con), store.transaction() as con:
            _insert_all(con, file.batches, rep, strict, hashing)
    except _AlreadyIngested:
        return FileReport(
            str(path), hashing.result(), fmt, simulated=simulated, already_ingested=True
        )
    except _Refused:
        rep.refused = True
    finally:
        file.batches.close()
    return rep


def _all_decoded(
    planned: list[tuple[Member, Detected]], base_s: float | None, now: int, progress: Progress
) -> Iterator[Decoded]:
    for member, det in planned:
        plain = det.fmt == "nmea" and member.path.suffix not in (".gz", ".zst", ".zip")
        progress.start(member.name, member.path.stat().st_size if plain else None)
        held: list[pa.Table] = []  # static reports wait to be written together
        held_rows, source = 0, None
        for d in _decoded(member, det, base_s, now, progress):
            d.repeats = maybe_repeats(d.positions, POSITION_KEY)
            held.append(d.static)
            held_rows += d.static.num_rows
            source = d.source
            d.static = STATIC.empty_table()
            if held_rows >= STATIC_BATCH_ROWS:
                d.static, held, held_rows = pa.concat_tables(held), [], 0
            d.static_repeats = maybe_repeats(d.static, STATIC_KEY)
            yield d
        if held_rows:
            d = empty_decoded()
            d.static, d.source = pa.concat_tables(held), source
            d.repeats, d.static_repeats = False, maybe_repeats(d.static, STATIC_KEY)
            yield d


def _insert_all(
    con: duckdb.DuckDBPyConnection,
    batches: Iterator[Decoded],
    rep: FileReport,
    strict: bool,
    hashing: Background[str],
) -> None:
    writes = FileWrites(con)
    unhashed_quarantine = False  # quarantine rows written before the hash was known
    for d in batches:
        if not rep.file_hash and hashing.done():
            _claim(con, rep, hashing.result())
        added, dups = insert_batch(writes, d, rep.file_hash or None)
        unhashed_quarantine |= not rep.file_hash and d.quarantine.num_rows > 0
        rep.positions += added[0]
        rep.static_reports += added[1]
        rep.duplicates += dups
        rep.invalid_imo += d.invalid_imo
        rep.quarantined.update(d.quarantine["reason"].to_pylist())
        if rep.first_quarantined is None and d.quarantine.num_rows:
            rep.first_quarantined = (
                int(d.quarantine["line"][0].as_py()),
                str(d.quarantine["reason"][0].as_py()),
            )
        rep.skipped.update(d.skipped)
        rep.replaced_bytes += d.replaced_bytes
        killpoints.reached("ingest")
        rep.simulated |= d.simulated
    if not rep.file_hash:
        _claim(con, rep, hashing.result())
    if unhashed_quarantine:  # rows of earlier files all have their hash
        sql = "UPDATE quarantine SET file_hash = ? WHERE file_hash IS NULL"
        con.execute(sql, [rep.file_hash])
    if rep.quarantined and not (rep.positions or rep.static_reports or rep.duplicates):
        raise _Refused
    if strict and rep.quarantined:
        shown = ", ".join(f"{k} {v}" for k, v in rep.quarantined.most_common())
        raise StrictModeError(
            f"{rep.path}: {sum(rep.quarantined.values())} rows quarantined ({shown}); "
            "strict: the file was not ingested",
            ("strict",),
        )
    manifest_row(con, rep)
    killpoints.reached("ingest")  # the last point before the commit


def _claim(con: duckdb.DuckDBPyConnection, rep: FileReport, file_hash: str) -> None:
    """Give the report its file's hash; stop (rolling back) when the manifest has it."""
    sql = "SELECT 1 FROM manifest WHERE file_hash = ?"
    if con.execute(sql, [file_hash]).fetchone() is not None:
        raise _AlreadyIngested
    rep.file_hash = file_hash


def _warm_up_imports(planned: list[tuple[Path, list[tuple[Member, Detected]]]]) -> None:
    """Import, in this (the main) thread, what the decode threads will need: only the readers
    of the formats planned (polars only for CSV, numba's kernels only for NMEA).

    An import interrupted by Ctrl-C in one thread can leave its module lock held, and the
    decode thread would then wait on it forever; DuckDB would even swallow the interrupt.
    """
    formats = {det.fmt for _, items in planned for _, det in items}
    if "parquet" in formats:
        importlib.import_module("oiltrail.ais.canonical")
    if formats - {"nmea", "parquet"}:
        importlib.import_module("oiltrail.ais.csv_formats")
    pa.array(np.zeros(1))  # pyarrow's one look for pandas (startup.hidden: no pandas)


def _warm_up_store(store: Store) -> Store:
    store.con.execute("SELECT ?", [1]).fetchall()
    return store


def _ingest_planned(
    store_of: Callable[[], Store],
    planned: list[tuple[Path, list[tuple[Member, Detected]]]],
    base_s: float | None,
    strict: bool,
    bar: Progress,
) -> IngestReport:
    """Ingest the planned files into the store `store_of()` gives; the first file's decoding
    starts before asking for it (ingest_into opens the store meanwhile; the hashing waits, so
    as not to slow the opening down)."""
    report = IngestReport()
    first = _Underway.start(*planned[0], base_s, bar) if planned else None
    try:
        store = store_of()
    except BaseException:
        if first is not None:
            first.batches.close()
        raise
    with hidden(*_unused_modules(planned)):
        for path, items in planned:
            file = first or _Underway.start(path, items, base_s, bar)
            first = None
            try:
                report.files.append(ingest_file(store, file, strict))
            except RuntimeError as exc:  # DuckDB turns Ctrl-C into "Query interrupted"
                if isinstance(exc.__cause__, KeyboardInterrupt):
                    raise KeyboardInterrupt from exc
                raise
    return report


def _unused_modules(planned: list[tuple[Path, list[tuple[Member, Detected]]]]) -> tuple[str, ...]:
    """Modules hidden while the files are written (oiltrail.startup.hidden). DuckDB's first
    scan of an Arrow table imports pyarrow.dataset (0.18 CPU s, on the thread writing to the
    store) to hand it to pyarrow's scanner; hidden, DuckDB reads the table itself. Not when
    a file is Parquet, which is read through pyarrow.dataset (CSV, read by DuckDB or polars,
    needs it neither: a CSV ingest's first insert took 0.1 s longer with it)."""
    formats = {det.fmt for _, items in planned for _, det in items}
    return () if "parquet" in formats else ("pyarrow.dataset",)


def ingest_paths(
    store: Store,
    paths: Sequence[Path],
    fmt: str | None = None,
    base_time: str | datetime | None = None,
    strict: bool = False,
    progress: bool = True,
) -> IngestReport:
    """Ingest AIS files (NMEA, MarineCadastre/DMA CSV, canonical Parquet; .gz/.zst/.zip).

    Args:
        store: the open store.
        paths: files to read; all are checked before any is written.
        fmt: force a format (nmea, marinecadastre, dma, parquet) instead of detecting it.
        base_time: time for NMEA sentences that carry none (else they are quarantined).
        strict: stop at the first file with quarantined rows, without keeping that file.
        progress: show a progress bar on standard error.

    Returns:
        Per-file counts of positions, static reports, duplicates, quarantine and skips.
    """
    base_s = parse_base_time(base_time)
    planned = plan(paths, fmt)
    _warm_up_imports(planned)
    _warm_up_store(store)
    with Progress(enabled=progress) as bar:
        return _ingest_planned(lambda: store, planned, base_s, strict, bar)


def ingest_into(
    db: Path,
    paths: Sequence[Path],
    fmt: str | None = None,
    base_time: str | None = None,
    strict: bool = False,
    progress: bool = True,
) -> IngestReport:
    """Check the files first, then open (or create) the store at `db` and ingest them. The
    store opens in the background while the first file starts decoding."""
    from oiltrail.store.catalog import open_store

    base_s = parse_base_time(base_time)
    planned = plan(paths, fmt)  # a bad file → one-line error before the store file is even created
    _warm_up_imports(planned)
    created = not db.exists()
    opening = Background(lambda: _warm_up_store(open_store(db)))
    try:
        with Progress(enabled=progress) as bar:
            report = _ingest_planned(opening.result, planned, base_s, strict, bar)
    except BaseException:
        _close(opening)
        if created and not _holds_files(db):  # a store this run made and left empty: no file
            for leftover in (db, db.with_name(db.name + ".wal")):
                leftover.unlink(missing_ok=True)
        raise
    _close(opening)
    return report


def _close(opening: Background[Store]) -> None:
    with contextlib.suppress(Exception):  # its error, if any, was raised by the ingest
        opening.result().close()


def _holds_files(db: Path) -> bool:
    """Whether the store at `db` has any file in its manifest (False if it cannot be read)."""
    try:
        con = duckdb.connect(str(db), read_only=True)
    except duckdb.Error:
        return False
    try:
        row = con.execute("SELECT count(*) FROM manifest").fetchone()
        return bool(row and row[0])
    except duckdb.Error:
        return False
    finally:
        con.close()
