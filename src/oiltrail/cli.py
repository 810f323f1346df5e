"""The `oiltrail` command line: thin Typer commands, each calling one library function."""

from __future__ import annotations

import functools
import gc
import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, TypeVar, cast

import typer
from rich.markup import escape

from oiltrail.errors import OiltrailError
from oiltrail.render import err_console
from oiltrail.settings import default_db

if TYPE_CHECKING:
    from oiltrail.store import Store

F = TypeVar("F", bound=Callable[..., Any])

app = typer.Typer(
    help="oiltrail: follow refined oil into North Korea through AIS, sanctions lists and claims.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
lists_app = typer.Typer(help="Sanctions lists: load UN, OFAC and FollowTheMoney files.")
app.add_typer(lists_app, name="lists")

DbOption = Annotated[
    Path,
    typer.Option("--db", help="DuckDB store file.", envvar="OILTRAIL_DB"),
]
DEFAULT_DB = default_db()
# Every command that prints rows writes them to -o/--output FILE (default standard output);
# --out is the older spelling, still accepted.
OutOption = Annotated[
    Path | None,
    typer.Option("-o", "--output", "--out", help="Write to this file (default: standard output)."),
]
FormatOption = Annotated[str, typer.Option("--format", help="table | csv | json")]


def deprecated(value: str | None, old: str, new: str) -> str | None:
    """An old option's value, with a note on standard error to use the new one."""
    if value is not None:
        err_console.print(f"note: {old} is deprecated: use {new}", highlight=False)
    return value


def _guarded(
    register: Callable[..., Callable[[F], F]], name: str | None = None
) -> Callable[[F], F]:
    """Register a command whose errors end in one line and an exit code, never a traceback."""

    def deco(fn: F) -> F:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            from oiltrail.startup import hidden

            try:
                with hidden("pandas"):  # looked for, never used: 0.2 s of start (startup.py)
                    return fn(*args, **kwargs)
            except (typer.Exit, typer.Abort, SystemExit):
                raise
            except BaseException as exc:  # the command edge: one line, never a traceback
                fail(exc, fn)

        register(name)(cast(F, wrapper))
        return fn

    return deco


def fail(exc: BaseException, fn: Callable[..., Any] | None = None) -> NoReturn:
    """End command `fn` on `exc`: its one-line message and exit code (errors.EXIT_CODES)."""
    from oiltrail.errors import EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_USAGE

    if _interrupted(exc):
        err_console.print(
            "[red]interrupted[/red]: the store is as it was before the interrupted step",
            highlight=False,
        )
        raise typer.Exit(EXIT_INTERRUPTED) from None
    known = exc if isinstance(exc, OiltrailError) else _known(exc)
    if known is not None:
        err_console.print(f"[red]error:[/red] {escape(with_flags(known, fn))}", highlight=False)
        raise typer.Exit(known.exit_code) from None
    if isinstance(exc, OSError) and exc.filename is not None:  # a path the user gave us
        err_console.print(
            f"[red]error:[/red] {escape(str(exc.filename))}: {escape(exc.strerror or str(exc))}",
            highlight=False,
        )
        raise typer.Exit(EXIT_USAGE) from None
    if os.environ.get("OILTRAIL_DEBUG") or not isinstance(exc, Exception):
        raise exc
    text = str(exc).splitlines()[0] if str(exc) else ""
    err_console.print(
        f"[red]internal error:[/red] {type(exc).__name__}: {escape(text)} "
        "(a bug: set OILTRAIL_DEBUG=1 for the traceback and report it)",
        highlight=False,
    )
    raise typer.Exit(EXIT_INTERNAL) from None


def with_flags(exc: OiltrailError, fn: Callable[..., Any] | None = None) -> str:
    """The error's message with command `fn`'s flag for each parameter it names."""
    detail = exc.detail
    flags = _flags(fn) if fn is not None and exc.params else {}
    for name in exc.params:
        if name in flags:
            word = rf"(?<![\w-]){re.escape(name)}(?![\w-])"
            detail = re.sub(word, flags[name], detail, count=1)
    return detail


@functools.cache
def _flags(fn: Callable[..., Any]) -> dict[str, str]:
    """A command's long flags by name ("days": "--days"; "fmt" and "input-format" both map to
    "--input-format"), read from its typer.Option annotations."""
    import typing

    flags: dict[str, str] = {}
    for pname, hint in typing.get_type_hints(fn, include_extras=True).items():
        for info in getattr(hint, "__metadata__", ()):
            # in Annotated, typer.Option's first argument is a flag, held as its `default`
            decls = (getattr(info, "default", None), *(getattr(info, "param_decls", None) or ()))
            longs = [d for d in decls if isinstance(d, str) and d.startswith("--")]
            if longs:
                flags[longs[0][2:]] = longs[0]
                flags.setdefault(pname.replace("_", "-"), longs[0])
    return flags


def _interrupted(exc: BaseException) -> bool:
    """Ctrl-C: Python's KeyboardInterrupt, or DuckDB's InterruptException mid-query."""
    if isinstance(exc, KeyboardInterrupt):
        return True
    return type(exc).__name__ == "InterruptException" and _from_duckdb(exc)


def _from_duckdb(exc: BaseException) -> bool:
    return type(exc).__module__.lstrip("_").startswith("duckdb")


def _known(exc: BaseException) -> OiltrailError | None:
    """A DuckDB or OS error that is a store condition (busy, read-only, disk full, damaged)."""
    if not (_from_duckdb(exc) or isinstance(exc, OSError)):
        return None
    from oiltrail.store.catalog import store_error

    return store_error(exc, default_db() if _CURRENT_DB is None else _CURRENT_DB)


_CURRENT_DB: Path | None = None  # the --db of the running command, for store messages


def open_db(db: Path, mode: str = "read") -> Store:
    """Open --db for a command. mode: "read" (read-only), "cache" (reads; saves derived
    caches when the file can be written), "write" (must exist), "create" (ingest, lists, demo).
    A missing store is refused by every mode but "create", naming --db."""
    from oiltrail.store import open_store

    read_only = {"read": True, "cache": None, "write": False, "create": False}[mode]
    with db_flag(db):
        return open_store(db, read_only=read_only, create=mode == "create")


@contextmanager
def db_flag(db: Path) -> Iterator[None]:
    """Inside, a store error names --db (library errors name the path only)."""
    from oiltrail.errors import NoStoreError, UsageError

    global _CURRENT_DB
    if str(db) == ":memory:":
        raise UsageError("--db :memory: would keep nothing: give a store file")
    _CURRENT_DB = db
    try:
        yield
    except NoStoreError:
        raise NoStoreError(
            f"no store at --db {db} (a typo?): `oiltrail ingest`, `oiltrail lists load` and "
            "`oiltrail demo` create one"
        ) from None


def checked_output(
    fmt: str, out: Path | None, formats: tuple[str, ...] = ("table", "csv", "json")
) -> None:
    """A row-printing command's --format and -o, checked before any work."""
    from oiltrail.render import check_format

    check_format(fmt, formats)
    out_path(out)


def out_path(path: Path | None, flag: str = "-o") -> Path | None:
    """Check an output file before any work: its folder exists and it is not a folder."""
    from oiltrail.errors import UsageError

    if path is None or str(path) == "-":
        return path
    if path.is_dir():
        raise UsageError(f"{flag} {path} is a folder: give a file name inside it")
    parent = path.parent
    if not parent.is_dir():
        raise UsageError(f"{flag} {path}: folder {parent} does not exist")
    if not os.access(parent, os.W_OK):
        raise UsageError(f"{flag} {path}: folder {parent} cannot be written")
    return path


@contextmanager
def imports_frozen() -> Iterator[None]:
    """Import big libraries without Python's cyclic garbage collector, whose passes over
    their many new objects took 30–50 ms of an ingest's start (a full pass 20–33 ms), then
    freeze what was imported (gc.freeze: later passes skip those objects, which live as long
    as the process)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()


def command(name: str | None = None) -> Callable[[F], F]:
    return _guarded(app.command, name)


def _todo(what: str) -> OiltrailError:
    return OiltrailError(f"`oiltrail {what}` is not implemented yet")


# --- ingest and store -------------------------------------------------------------------------


@command("ingest")
def ingest_cmd(
    paths: Annotated[
        list[Path], typer.Argument(help="AIS files: NMEA, CSV, Parquet, .gz/.zst/.zip.")
    ],
    db: DbOption = DEFAULT_DB,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--input-format",
            help="Input format: nmea | marinecadastre | dma | parquet (default: detected).",
        ),
    ] = None,
    old_fmt: Annotated[
        str | None, typer.Option("--format", hidden=True, help="Deprecated: --input-format.")
    ] = None,
    base_time: Annotated[
        str | None,
        typer.Option("--base-time", help="UTC time (ISO 8601) for NMEA lines with no time."),
    ] = None,
    strict: Annotated[
        bool, typer.Option("--strict", help="Fail if any row is quarantined.")
    ] = False,
) -> None:
    """Ingest AIS files into the store; each file in one transaction."""
    from oiltrail.ais.file_hash import hash_early

    hash_early(paths)  # on the other core while this one imports numpy, pyarrow and DuckDB
    with imports_frozen():
        from oiltrail.render import console, emit
        from oiltrail.store.ingest import FILE_COLUMNS, ingest_into

    fmt = fmt or deprecated(old_fmt, "ingest --format", "--input-format")
    with db_flag(db):
        report = ingest_into(db, paths, fmt=fmt, base_time=base_time, strict=strict)
    emit(report.file_rows(), FILE_COLUMNS, "table", title=f"ingest into {db}")
    if report.quarantined:
        emit(report.reason_rows(), ("reason", "rows"), "table", title="quarantined by reason")
    else:
        console.print("quarantined: 0 rows")
    if report.simulated:
        console.print(
            "[bold red]SIMULATED DATA[/bold red]: made by `oiltrail simulate`, not real ships"
        )
    hint = report.no_time_hint()
    if hint:
        console.print(hint)
    refusal = report.refusal()
    if refusal is not None:
        raise refusal


@command("status")
def status_cmd(
    db: DbOption = DEFAULT_DB,
    fmt: FormatOption = "table",
    out: OutOption = None,
) -> None:
    """Counts in the store: positions, vessels, time span, static reports, quarantine."""
    import json

    from oiltrail.render import console, emit, write_text
    from oiltrail.store.status import STATUS_KEYS, store_status

    checked_output(fmt, out)
    with open_db(db, "read") as store:
        status = store_status(store)
    if fmt == "json":  # one object, not rows: the keys are the store's counts
        write_text(json.dumps({k: status[k] for k in STATUS_KEYS}) + "\n", out)
        return
    rows = [{"what": k, "value": status[k]} for k in (*STATUS_KEYS[:3], "first", "last", "files")]
    rows += [{"what": f"quarantined {r}", "value": n} for r, n in status["quarantined"].items()]
    emit(rows, ("what", "value"), fmt, out, title=str(db))
    if status["simulated"]:  # beside a table; on standard error when rows go to a file or pipe
        (console if fmt == "table" and out is None else err_console).print(
            "[bold red]SIMULATED DATA[/bold red]: the store holds `oiltrail simulate` output"
        )


@command("simulate")
def simulate_cmd(
    out: Annotated[Path, typer.Option("--out", help="Folder for NMEA, CSV and ground truth.")],
    seed: Annotated[int, typer.Option("--seed")] = 1,
    days: Annotated[int, typer.Option("--days")] = 14,
    vessels: Annotated[int, typer.Option("--vessels", help="Background vessels.")] = 60,
    files: Annotated[
        str | None,
        typer.Option(
            "--files", help="Files to write, comma-separated: nmea,csv (default), parquet."
        ),
    ] = None,
    old_fmt: Annotated[
        str | None, typer.Option("--format", hidden=True, help="Deprecated: --files.")
    ] = None,
    start: Annotated[
        str | None,
        typer.Option("--start", help="First UTC instant (default 2026-01-05T00:00:00Z)."),
    ] = None,
) -> None:
    """Generate a scenario around Korea with ground-truth events (marked simulated)."""
    from oiltrail.render import emit
    from oiltrail.simulate.scenario import parse_start, simulate, summary_rows

    fmt = files or deprecated(old_fmt, "simulate --format", "--files") or "nmea,csv"
    formats = tuple(f.strip() for f in fmt.split(",") if f.strip())
    summary = simulate(out, seed, days, vessels, start=parse_start(start), formats=formats)
    emit(
        summary_rows(summary),
        ("item", "value"),
        "table",
        title="simulated scenario (not real ships)",
    )


@command("demo")
def demo_cmd(
    db: DbOption = DEFAULT_DB,
    out: Annotated[Path, typer.Option("--out", help="Folder for the scenario and report.")] = Path(
        "demo-out"
    ),
) -> None:
    """Run the whole flow on the bundled simulated scenario."""
    from oiltrail.demo import run_demo

    with open_db(db, "create") as store:
        run_demo(store, out)


# --- detection ----------------------------------------------------------------------------------


@command("detect")
def detect_cmd(
    db: DbOption = DEFAULT_DB,
    since: Annotated[
        str | None, typer.Option("--since", help="First UTC day (YYYY-MM-DD).")
    ] = None,
    until: Annotated[str | None, typer.Option("--until", help="Last UTC day (YYYY-MM-DD).")] = None,
    kinds: Annotated[
        str | None, typer.Option("--kinds", help="Comma-separated event kinds (default all).")
    ] = None,
    ports: Annotated[
        Path | None, typer.Option("--ports", help="CSV name,country,lat,lon,kind,source.")
    ] = None,
    sets: Annotated[
        list[str] | None,
        typer.Option("--set", help="Override a parameter: encounter.max_distance_m=300."),
    ] = None,
    config: Annotated[
        Path | None, typer.Option("--config", help="TOML file of parameters.")
    ] = None,
    engine: Annotated[str, typer.Option("--engine", help="local | spark")] = "local",
    spark_master: Annotated[
        str | None, typer.Option("--spark-master", help="Spark master URL (default local[2]).")
    ] = None,
    no_learned_anchorages: Annotated[
        bool,
        typer.Option(
            "--no-learned-anchorages",
            help="Do not learn anchorages (ships waiting together near a port) from the data.",
        ),
    ] = False,
) -> None:
    """Detect behaviour events (encounters, loitering, gaps, port visits, spoofing, identity and
    draught changes, dark rendezvous, identity anomalies; see docs/events.md); incremental over
    newly ingested days. Anchorages are learned on the way (`oiltrail anchorages`)."""
    from oiltrail.detect.params import load_params, parse_kinds, with_override
    from oiltrail.engines.local import run_detect_command

    params = load_params(sets, config)
    if no_learned_anchorages:
        params = with_override(params, "anchorage.enabled", False)
    with db_flag(db):
        summary = run_detect_command(
            db, params, parse_kinds(kinds), since, until, ports, engine, spark_master
        )
    err_console.print(summary, highlight=False)


@command("anchorages")
def anchorages_cmd(
    db: DbOption = DEFAULT_DB,
    fmt: FormatOption = "table",
    out: OutOption = None,
) -> None:
    """Anchorages learned by detect: where at least 5 ships waited at anchor together near a
    port (name, place, radius, vessels, hours; see docs/events.md)."""
    from oiltrail.store.anchorages import export_anchorages

    checked_output(fmt, out)
    with open_db(db, "read") as store:
        export_anchorages(store, fmt, out_path(out))


@command("events")
def events_cmd(
    db: DbOption = DEFAULT_DB,
    fmt: Annotated[str, typer.Option("--format", help="csv | json | parquet | table")] = "csv",
    out: OutOption = None,
    kinds: Annotated[
        str | None,
        typer.Option("--kinds", "--kind", help="Only these kinds, comma-separated (default all)."),
    ] = None,
    ship_types: Annotated[
        str | None,
        typer.Option(
            "--ship-types",
            help="Only events with a vessel of these types: tanker, cargo, fishing, …, unknown.",
        ),
    ] = None,
) -> None:
    """Export events: event_id, kind, mmsi, other_mmsi, start, end, lat, lon, port, details."""
    from oiltrail.detect.params import parse_kinds
    from oiltrail.shiptypes import parse_ship_types
    from oiltrail.store.events import export_events

    types = parse_ship_types(ship_types)
    with open_db(db, "read") as store:
        export_events(store, fmt, out_path(out), parse_kinds(kinds) if kinds else None, types)


@command("evaluate")
def evaluate_cmd(
    truth: Annotated[
        Path, typer.Argument(help="Ground-truth events CSV (the columns of `oiltrail events`).")
    ],
    db: DbOption = DEFAULT_DB,
    fmt: FormatOption = "table",
    slack_min: Annotated[
        float, typer.Option("--slack-min", help="Minutes of time slack when matching.")
    ] = 30.0,
    out: OutOption = None,
) -> None:
    """Precision, recall and median start-time error per kind against ground truth."""
    from oiltrail.detect.evaluate import SCORE_COLUMNS, evaluate_store
    from oiltrail.render import emit

    checked_output(fmt, out)
    with open_db(db, "read") as store:
        rows = evaluate_store(store, truth, slack_min)
    emit(rows, SCORE_COLUMNS, fmt, out, title="detection vs truth")


# --- screening and graph ------------------------------------------------------------------------


@_guarded(lists_app.command, "load")
def lists_load_cmd(
    files: Annotated[list[Path], typer.Argument(help="UN XML, OFAC CSV/XML, FtM JSON lines.")],
    db: DbOption = DEFAULT_DB,
) -> None:
    """Add sanctions lists to the store (all files or none); a list of the same source and
    name is replaced. The bundled watchlist stays unless replaced or removed."""
    from oiltrail.screen.load import describe_load, load_lists
    from oiltrail.screen.watchlist import watchlist_paths

    with open_db(db, "create") as store:  # a store with no list gets the bundled one too
        report = load_lists(store, files, bundled_first=watchlist_paths())
    for line in describe_load(report):
        err_console.print(line, markup=False, highlight=False)


@_guarded(lists_app.command, "show")
def lists_show_cmd(
    db: DbOption = DEFAULT_DB,
    fmt: FormatOption = "table",
    out: OutOption = None,
) -> None:
    """The loaded lists: source, date, file, entities by schema, skipped records."""
    from oiltrail.render import emit
    from oiltrail.store.lists import LIST_COLUMNS, list_summary

    checked_output(fmt, out)
    with open_db(db, "read") as store:
        rows = list_summary(store)
    emit(rows, LIST_COLUMNS, fmt, out, title="sanctions lists")


@_guarded(lists_app.command, "remove")
def lists_remove_cmd(
    name: Annotated[str, typer.Argument(help="A list name (as `lists show` gives it) or file.")],
    db: DbOption = DEFAULT_DB,
) -> None:
    """Remove a list (every file of it) from the store; the other lists stay."""
    from oiltrail.screen.load import remove_list

    with open_db(db, "write") as store:
        report = remove_list(store, name)
    for f in report.files:
        err_console.print(f"removed {f.path} ({f.list_name})", markup=False, highlight=False)
    err_console.print(f"lists held {report.entities_before} entities, now {report.entities_total}")


@_guarded(lists_app.command, "reset")
def lists_reset_cmd(db: DbOption = DEFAULT_DB) -> None:
    """Back to the bundled DPRK watchlist only (every loaded list removed)."""
    from oiltrail.screen.load import describe_load, load_lists
    from oiltrail.screen.watchlist import watchlist_paths

    with open_db(db, "create") as store:
        report = load_lists(store, watchlist_paths(), reset=True)
    for line in describe_load(report):
        err_console.print(line, markup=False, highlight=False)


@command("screen")
def screen_cmd(
    query: Annotated[str | None, typer.Argument(help="A name, IMO1234567 or an MMSI.")] = None,
    file: Annotated[
        Path | None, typer.Option("--file", help="CSV query_id,name,imo,mmsi,schema.")
    ] = None,
    db: DbOption = DEFAULT_DB,
    fmt: FormatOption = "table",
    limit: Annotated[int, typer.Option("--limit", help="Hits per query.")] = 5,
    threshold: Annotated[float, typer.Option("--threshold", help="Score for match=true.")] = 0.7,
    cutoff: Annotated[float, typer.Option("--cutoff", help="Lowest score shown.")] = 0.5,
    schema: Annotated[
        str | None, typer.Option("--schema", help="Vessel | Company | Person.")
    ] = None,
    out: OutOption = None,
) -> None:
    """Screen a name, IMO number or MMSI (or a CSV of queries) against the loaded lists."""
    import sys

    from oiltrail.errors import UsageError
    from oiltrail.render import emit
    from oiltrail.screen.batch import screen_file
    from oiltrail.screen.match import SCREEN_COLUMNS, check_imo, parse_query, screen_query

    checked_output(fmt, out)
    if (query is None) == (file is None):
        raise UsageError("give either a QUERY or --file queries.csv")
    if file is not None and not file.is_file():
        what = "is a folder" if file.is_dir() else "does not exist"
        raise UsageError(f"--file {file} {what}: give a CSV of query_id,name,imo,mmsi,schema")
    q = parse_query(query) if query is not None else None
    if q is not None and q.imo:
        check_imo(q.imo)  # a bad check digit is a usage error before the store is opened
    with open_db(db, "cache") as store:
        if file is not None:
            batch_fmt = "csv" if fmt == "table" else fmt
            from contextlib import nullcontext

            sink_to = (
                nullcontext(sys.stdout)
                if out is None
                else out.open("w", encoding="utf-8", newline="")
            )
            with sink_to as sink:
                report = screen_file(store, file, sink, batch_fmt, limit, cutoff, threshold)
            skipped = ", ".join(f"{n} {r}" for r, n in report.skipped.items()) or "none"
            err_console.print(
                f"{report.queries} queries, {report.matched_queries} with a match, "
                f"{report.hits} hits; skipped: {skipped}"
            )
            return
        assert q is not None
        rows = screen_query(
            store, q.name, q.imo, q.mmsi, schema, limit=limit, cutoff=cutoff, threshold=threshold
        )
    emit(rows, SCREEN_COLUMNS, fmt, out, title=f"screening {query!r}")


@command("vessels")
def vessels_cmd(
    db: DbOption = DEFAULT_DB,
    flagged: Annotated[
        bool,
        typer.Option(
            "--flagged", help="Only vessels that match a list entry, or DPRK-flagged (MID 445)."
        ),
    ] = False,
    review: Annotated[
        bool, typer.Option("--review", help="Possible matches, with what would settle them.")
    ] = False,
    fmt: FormatOption = "table",
    out: OutOption = None,
) -> None:
    """Vessels seen in the AIS store, screened against the lists."""
    from oiltrail.errors import UsageError
    from oiltrail.graph.fleet import VESSEL_COLUMNS, flagged_vessels, review_vessels, screen_fleet
    from oiltrail.render import emit

    checked_output(fmt, out)
    if flagged and review:
        raise UsageError("give --flagged or --review, not both")
    with open_db(db, "cache") as store:
        if flagged:
            rows = flagged_vessels(store)
        else:
            rows = review_vessels(store) if review else screen_fleet(store)
        simulated = store.simulated
    title = "flagged vessels" if flagged else "possible matches" if review else "vessels"
    emit(rows, VESSEL_COLUMNS, fmt, out, title=title + (" (SIMULATED data)" if simulated else ""))


@command("graph")
def graph_cmd(
    entity: Annotated[str, typer.Argument(help="Entity id, name, IMO1234567 or MMSI.")],
    db: DbOption = DEFAULT_DB,
    fmt: FormatOption = "table",
    out: OutOption = None,
) -> None:
    """Paths from an entity or vessel to sanctioned parties, with hop counts."""
    from oiltrail.graph.query import GRAPH_COLUMNS, graph_paths
    from oiltrail.render import emit

    checked_output(fmt, out)
    with open_db(db, "cache") as store:
        rows = graph_paths(store, entity)
    emit(rows, GRAPH_COLUMNS, fmt, out, title=f"paths from {entity!r} to sanctioned parties")


# --- chains, volumes, claims, report ------------------------------------------------------------


@command("trace")
def trace_cmd(
    db: DbOption = DEFAULT_DB,
    fmt: FormatOption = "table",
    out: OutOption = None,
    detail: Annotated[
        bool, typer.Option("--detail", help="JSON with each link's reason, volume, screening.")
    ] = False,
) -> None:
    """Delivery chains: a load at a source port, a ship-to-ship transfer, a DPRK arrival."""
    from oiltrail.render import emit
    from oiltrail.store.chains import CHAIN_COLUMNS
    from oiltrail.trace.chains import chains_json, trace_chains, trace_summary

    checked_output(fmt, out)
    with open_db(db, "write") as store:
        rows = trace_chains(store)
        summary = trace_summary(store, rows)
    if detail and out is not None:
        out.write_text(chains_json(rows), encoding="utf-8")
    elif detail:
        typer.echo(chains_json(rows), nl=False)
    else:
        emit(rows, CHAIN_COLUMNS, fmt, out, title="Delivery chains")
    err_console.print(summary, highlight=False)


@command("estimate")
def estimate_cmd(
    db: DbOption = DEFAULT_DB,
    fmt: FormatOption = "table",
    out: OutOption = None,
    detail: Annotated[
        bool, typer.Option("--detail", help="JSON: by supplier, published estimates, constants.")
    ] = False,
    reported: Annotated[
        Path | None,
        typer.Option("--reported", help="CSV year,month,supplier,tonnes,barrels,source."),
    ] = None,
) -> None:
    """Barrels per year: reported, estimated (low-mid-high) and the 500,000-barrel cap."""
    from oiltrail.estimate.cap import CAP_COLUMNS, cap_detail, detail_json
    from oiltrail.render import emit

    checked_output(fmt, out)
    with open_db(db, "cache") as store:
        result = cap_detail(store, reported)
    if detail:
        emit_text = detail_json(result)
        if out is None:
            typer.echo(emit_text, nl=False)
        else:
            out.write_text(emit_text, encoding="utf-8")
    else:
        emit(result["rows"], CAP_COLUMNS, fmt, out, title="Refined petroleum vs the UNSCR 2397 cap")
    for note in result["notes"]:
        err_console.print(f"note: {note}", highlight=False)


@command("routes")
def routes_cmd(
    db: DbOption = DEFAULT_DB,
    year: Annotated[
        list[int] | None, typer.Option("--year", help="Only this year (repeatable).")
    ] = None,
    cut: Annotated[
        list[str] | None,
        typer.Option(
            "--cut",
            help="A route to cut off (repeatable): declared_russia, declared_china, "
            "crude_pipeline, sts, russian_ports.",
        ),
    ] = None,
    fmt: FormatOption = "table",
    out: OutOption = None,
) -> None:
    """Supply routes into North Korea, barrels per year with sources, and what remains when
    routes are cut off (the "lifeline" question).

    Figures come from the public record bundled with oiltrail; `kind` says whether each is a
    declaration, an estimate or a bound. The store's own chains (if --db exists) are shown
    beside them in store_barrels_mid.
    """
    from oiltrail.estimate.routes import ROUTE_COLUMNS, routes_table
    from oiltrail.record import bundled_record
    from oiltrail.render import emit

    checked_output(fmt, out)

    chains: list[dict[str, Any]] = []
    simulated = False
    if db.exists():  # routes need no store: the public record is bundled
        from oiltrail.store.chains import read_chains

        with open_db(db, "read") as store:
            chains = read_chains(store) or []
            simulated = store.simulated
    rows = routes_table(bundled_record(), years=year, cut=cut, chains=chains, simulated=simulated)
    title = "Supply routes into North Korea (barrels per year)"
    if fmt == "table" and out is None:
        # the sources are long: listed under the table, numbered, rather than in a column
        short = [c for c in ROUTE_COLUMNS if c not in ("what", "sources")]
        cited = [r for r in rows if r["sources"]]
        numbered = [
            {**r, "route": f"{r['route']} [{cited.index(r) + 1}]"} if r in cited else r
            for r in rows
        ]
        emit(numbered, short, fmt, out, title=title)
        for n, r in enumerate(cited, 1):
            typer.echo(f"[{n}] {r['year']} {r['route']} ({r['what']}): {r['sources']}")
    else:
        emit(rows, ROUTE_COLUMNS, fmt, out, title=title)
    err_console.print(
        "note: routes can overlap (an estimate of illicit deliveries may include declared "
        "cargoes); a route with no figure for a year counts as 0 in the totals"
        + ("; store figures are SIMULATED" if simulated else ""),
        highlight=False,
    )


@command("check-claims")
def check_claims_cmd(
    article: Annotated[Path, typer.Argument(help="Plain text, Markdown or HTML.")],
    db: Annotated[
        Path | None,
        typer.Option(
            "--db", help="DuckDB store file (default oiltrail.duckdb).", envvar="OILTRAIL_DB"
        ),
    ] = None,
    fmt: Annotated[
        str, typer.Option("--format", help="json | md | table | csv (one row per claim)")
    ] = "json",
    out: OutOption = None,
    on: Annotated[
        str | None,
        typer.Option(
            "--date",
            help="The article's date, YYYY-MM-DD: claims that state no period are judged on "
            "its year (default: the dateline or date line, else every year of the record).",
        ),
    ] = None,
    threshold: Annotated[
        float | None,
        typer.Option(
            "--threshold-barrels",
            help="Most barrels a year that 'negligible', 'minimal', 'insignificant' allow "
            "(default: a tenth of the 500,000-barrel cap).",
        ),
    ] = None,
) -> None:
    """Find supply claims in a text and judge them against the public record.

    The public record ships with oiltrail (declarations to the UN 1718 Committee, published
    independent estimates, documented ship-to-ship transfers, designations), so no store is
    needed; a store's own findings are listed apart from the verdicts.
    """
    import json
    from datetime import date

    from oiltrail.claims.check import CLAIM_ROW_COLUMNS, check_article, claim_rows
    from oiltrail.claims.markdown import render_markdown
    from oiltrail.errors import UsageError
    from oiltrail.render import emit, write_text

    checked_output(fmt, out, ("json", "md", "table", "csv"))
    published = None
    if on is not None:
        try:
            published = date.fromisoformat(on)
        except ValueError:
            raise UsageError(f"--date {on!r} is not a date: expected YYYY-MM-DD") from None
    options: dict[str, Any] = {"published": published}
    if threshold is not None:
        if not 0 <= threshold < 1e12:
            raise UsageError(f"--threshold-barrels {threshold:g} is out of range")
        options["threshold_barrels"] = threshold
    # check-claims needs no store (the public record is bundled), so a --db with no store is
    # not refused, but said: a typo must not pass for "the store found nothing".
    if db is not None and not db.exists():
        err_console.print(
            f"[yellow]note:[/yellow] no store at --db {db} (a typo?): judged without a store",
            highlight=False,
        )
    with db_flag(db or DEFAULT_DB):
        result, notes = check_article(article, db or DEFAULT_DB, **options)
    for note in notes:
        err_console.print(f"[yellow]note:[/yellow] {note}", highlight=False)
    if fmt == "md":
        write_text(render_markdown(result, title=f"Claims in {article.name}"), out)
    elif fmt == "json":
        write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", out)
    else:
        emit(claim_rows(result), CLAIM_ROW_COLUMNS, fmt, out, title=f"Claims in {article.name}")


@command("report")
def report_cmd(
    out: Annotated[Path, typer.Option("-o", "--out", help="HTML file to write.")] = Path(
        "report.html"
    ),
    db: DbOption = DEFAULT_DB,
    article: Annotated[
        list[Path] | None, typer.Option("--article", help="Articles whose claims to include.")
    ] = None,
) -> None:
    """Write one self-contained HTML report: map, timeline, cap chart, chains, vessels, claims."""
    from oiltrail.report.html import SIMULATED_BANNER, write_report

    out_path(out)
    with open_db(db, "cache") as store:
        path = write_report(store, out, list(article or []))
        simulated = store.simulated
    size_kb = path.stat().st_size / 1024
    err_console.print(f"wrote {path} ({size_kb:,.0f} KiB, self-contained: opens offline)")
    if simulated:
        err_console.print(f"[bold red]{SIMULATED_BANNER}[/bold red]")


@command("vessel")
def vessel_cmd(
    vessel: Annotated[str, typer.Argument(help="An MMSI, IMO1234567 or a name.")],
    db: DbOption = DEFAULT_DB,
    fmt: FormatOption = "table",
    out: OutOption = None,
) -> None:
    """A vessel's dossier: identities over time, track, events, list hits with reasons,
    ownership paths, chains (the page `oiltrail serve` shows; docs/serve.md). csv: one row
    per value (section, index, field, value); json: the document of GET /vessels/{mmsi}."""
    import json

    from oiltrail.graph.dossier import DOSSIER_ROW_COLUMNS, dossier, dossier_rows, print_dossier
    from oiltrail.render import PIPE_WIDTH, emit, write_text

    checked_output(fmt, out)
    out = None if out is not None and str(out) == "-" else out
    with open_db(db, "cache") as store:
        found = dossier(store, vessel)
    if fmt == "json":
        write_text(json.dumps(found, ensure_ascii=False, indent=2) + "\n", out)
    elif fmt == "csv":
        emit(dossier_rows(found), DOSSIER_ROW_COLUMNS, "csv", out)
    elif out is None:
        print_dossier(found)
    else:  # the tables as printed, at full width, without colours
        from rich.console import Console

        with out.open("w", encoding="utf-8") as f:
            print_dossier(found, Console(file=f, width=PIPE_WIDTH, no_color=True, highlight=False))
        err_console.print(f"wrote the dossier of {found['mmsi']} to {out}", highlight=False)


@command("serve")
def serve_cmd(
    db: DbOption = DEFAULT_DB,
    host: Annotated[str, typer.Option("--host", help="Address to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535)] = 8765,
) -> None:
    """Serve the web app and HTTP API over the store (token auth; docs/serve.md)."""
    from oiltrail.api.serve import run_server

    with db_flag(db):
        run_server(db, host, port)


def main() -> None:
    app()
