"""Gather what the report shows from the store and from the other stages, each section alone.

A section whose source is absent (a stage not run, a module not built yet) carries a `missing`
message instead of rows, so the report always renders and says what to run.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from oiltrail.errors import InputFormatError, MissingDataError, NotFoundError, OiltrailError
from oiltrail.render import err_console
from oiltrail.report.chainpath import legs
from oiltrail.store import Store, reads
from oiltrail.store.anchorages import read_anchorages
from oiltrail.store.chains import read_chains
from oiltrail.store.reads import (
    count,
    detect_runs,
    latest_names,
    list_files,
    manifest,
    recent_events,
    thinned_positions,
    vessel_positions,
)
from oiltrail.store.reference import stored_ports

Row = dict[str, Any]


@dataclass(frozen=True)
class ReportParams:
    """Limits that keep the HTML file small enough to open on a laptop."""

    max_track_points: int = 20_000  # all vessels together, after thinning
    track_break_h: float = 6.0  # a silence longer than this breaks a track line
    max_events: int = 5_000  # map and timeline markers
    # Longer articles are cut, and the report says so: every claim found becomes a row of
    # the report, so a book-length text would bury the page (the check itself is linear).
    max_article_bytes: int = 100_000


@dataclass(frozen=True)
class Section:
    """Rows for one part of the report, or why there are none."""

    rows: list[Row] = field(default_factory=list)
    missing: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Track:
    mmsi: int
    name: str | None
    segments: list[list[tuple[float, float]]]  # (lon, lat) lines, broken at long silences
    first: datetime
    last: datetime
    points: int  # positions in the store, before thinning


@dataclass(frozen=True)
class ReportData:
    simulated: bool
    events: Section
    tracks: list[Track]
    names: dict[int, str]
    ports: list[Row]
    chains: Section
    cap: Section
    flagged: Section
    routes: dict[str, list[tuple[float, float]]]  # chain_id: (lon, lat) as sailed
    claims: list[tuple[str, Section]]
    provenance: dict[str, Section]
    generated_at: datetime
    anchorages: list[Row] = field(default_factory=list)  # learned by detect (docs/events.md)


def attempt(what: str, hint: str, fn: Callable[[], list[Row]]) -> Section:
    """Run one collector; a missing stage or a failure becomes a message, not a broken report."""
    try:
        found = fn()
    except ImportError:
        return Section(missing=f"no data: {what} is not available in this build ({hint})")
    except OiltrailError as exc:
        return Section(missing=f"no data: {exc.detail} ({hint})")
    except Exception as exc:  # a report is an edge: one failing stage must not hide the others
        err_console.print(f"[yellow]report:[/yellow] {what} failed: {type(exc).__name__}: {exc}")
        return Section(missing=f"{what} failed: {type(exc).__name__}: {exc} ({hint})")
    if not found:
        return Section(missing=f"no data: {what} is empty ({hint})")
    return Section(rows=found)


def load_events(store: Store, params: ReportParams) -> Section:
    total = count(store, "events")
    if total == 0:
        return Section(missing="no data: no behaviour events (run `oiltrail detect`)")
    found = recent_events(store, params.max_events)
    for r in found:
        r["details"] = parse_json(r.get("details"))
    found.sort(key=lambda r: (r["start"], r["event_id"]))
    note = f"showing {len(found):,} of {total:,} events" if total > len(found) else None
    return Section(rows=found, note=note)


def parse_json(text: Any) -> Any:
    if not isinstance(text, str):
        return text if text is not None else {}
    try:
        return json.loads(text)
    except ValueError:
        return {"text": text}


def load_tracks(store: Store, names: dict[int, str], params: ReportParams) -> list[Track]:
    """Tracks thinned to about `max_track_points` in all, keeping each vessel's first and last."""
    total = count(store, "positions")
    if total == 0:
        return []
    step = max(1, math.ceil(total / params.max_track_points))
    found = thinned_positions(store, step)
    tracks: list[Track] = []
    by_vessel: dict[int, list[tuple[datetime, float, float]]] = {}
    counts: dict[int, int] = {}
    for mmsi, ts, lat, lon, n in found:
        by_vessel.setdefault(mmsi, []).append((ts, lon, lat))
        counts[mmsi] = n
    for mmsi, pts in by_vessel.items():
        segments = split_track(pts, params.track_break_h)
        tracks.append(Track(mmsi, names.get(mmsi), segments, pts[0][0], pts[-1][0], counts[mmsi]))
    return tracks


def split_track(
    pts: list[tuple[datetime, float, float]], break_h: float
) -> list[list[tuple[float, float]]]:
    """Break a vessel's line at long silences and at jumps across the antimeridian."""
    segments: list[list[tuple[float, float]]] = []
    current: list[tuple[float, float]] = []
    prev: tuple[datetime, float, float] | None = None
    for ts, lon, lat in pts:
        if prev is not None and (
            (ts - prev[0]).total_seconds() / 3600 > break_h or abs(lon - prev[1]) > 180
        ):
            segments.append(current)
            current = []
        current.append((lon, lat))
        prev = (ts, lon, lat)
    segments.append(current)
    return [s for s in segments if s]


def load_ports(store: Store) -> list[Row]:
    """The ports the store's events were detected with (none before a detect run)."""
    return list(stored_ports(store).to_pylist())


def load_chains(store: Store) -> list[Row]:
    """The chains of the last `oiltrail trace` run (the report writes nothing to the store)."""
    found = read_chains(store)
    if found is None:
        raise MissingDataError("no delivery chains traced yet")
    return list(found)


ROUTE_POINTS = 300  # per leg of a chain, after thinning


def leg_positions(store: Store, mmsi: Any, since: Any, until: Any) -> list[tuple[float, float]]:
    """One vessel's positions between two times, thinned, as (lon, lat)."""
    if mmsi is None or not isinstance(since, datetime):
        return []
    end = until if isinstance(until, datetime) else since + timedelta(days=5)
    found = vessel_positions(store, int(mmsi), since, end)
    step = max(1, math.ceil(len(found) / ROUTE_POINTS))
    return found[::step]


def chain_route(store: Store, chain: Row, events: dict[str, Row]) -> list[tuple[float, float]]:
    """The route a chain sailed (`chainpath.legs`, its events by id): the donor from loading
    to its transfer, each relay tanker between the transfers, the receiver after the last."""
    return [
        p
        for mmsi, since, until in legs(chain, events)
        for p in leg_positions(store, mmsi, since, until)
    ]


def chain_routes(store: Store, chains: list[Row], events: list[Row]) -> dict[str, list[Any]]:
    """The route each chain sailed (`chain_route`), for the chains that have one."""
    by_id = {str(e["event_id"]): e for e in events}
    routes: dict[str, list[Any]] = {}
    for c in chains:
        route = chain_route(store, c, by_id)
        if route:
            routes[str(c.get("chain_id"))] = route
    return routes


def load_cap(store: Store) -> list[Row]:
    from oiltrail.estimate.cap import cap_table

    return list(cap_table(store))


def load_flagged(store: Store) -> list[Row]:
    from oiltrail.graph.fleet import flagged_vessels  # late: screening's imports are heavy

    return list(flagged_vessels(store))


def read_article(path: Path, max_bytes: int) -> tuple[str, str | None]:
    """Clean text of an article and a note when it was cut.

    The claims stage's reader (HTML and Markdown to text, encodings). Raises
    InputFormatError for empty or binary files.
    """
    from oiltrail.claims.text import read_article as read_text

    article = read_text(path, max_bytes=max_bytes)
    text, cut = str(article.text), bool(article.truncated)
    note = f"only the first {max_bytes:,} bytes of {path.name} were checked" if cut else None
    return text, note


def load_claims(store: Store, path: Path, params: ReportParams) -> Section:
    """One article's claims; an unreadable article is said in its section, not fatal."""
    try:
        text, note = read_article(path, params.max_article_bytes)
    except InputFormatError as exc:
        return Section(missing=f"cannot check {path.name}: {exc.detail}")

    def run() -> list[Row]:
        from oiltrail.claims.check import check_claims

        result = check_claims(text, store)
        return [{"claims": list(result.get("claims") or []), "entities": result.get("entities")}]

    section = attempt("claim check", "run `oiltrail check-claims`", run)
    if section.rows and not section.rows[0]["claims"]:
        return Section(missing=f"no supply claims found in {path.name}", note=note)
    return Section(rows=section.rows, missing=section.missing, note=note)


def load_provenance(store: Store) -> dict[str, Section]:
    files = attempt(
        "input files",
        "run `oiltrail ingest`",
        lambda: manifest(store),
    )
    lists = attempt("sanctions lists", "run `oiltrail lists load`", lambda: list_files(store))
    runs = attempt("detection runs", "run `oiltrail detect`", lambda: detect_runs(store))
    meta = attempt(
        "store settings",
        "nothing recorded",
        lambda: reads.meta(store),
    )
    return {"files": files, "lists": lists, "runs": runs, "meta": meta}


def report_parameters(params: ReportParams) -> Section:
    """The report's own display limits, so a reader knows what was thinned or cut."""
    return Section(rows=[{"parameter": k, "value": v} for k, v in asdict(params).items()])


def collect(store: Store, articles: list[Path], params: ReportParams) -> ReportData:
    """Everything the report shows; a missing article fails fast, before any work."""
    for p in articles:
        if not p.is_file():
            raise NotFoundError(f"article {p} does not exist or is not a file")
    texts = [(p, load_claims(store, p, params)) for p in articles]
    names = latest_names(store)
    events = load_events(store, params)
    chains = attempt("delivery chains", "run `oiltrail trace`", lambda: load_chains(store))
    return ReportData(
        simulated=store.simulated,
        events=events,
        tracks=load_tracks(store, names, params),
        names=names,
        ports=load_ports(store),
        chains=chains,
        routes=chain_routes(store, chains.rows, events.rows),
        cap=attempt("cap table", "run `oiltrail estimate`", lambda: load_cap(store)),
        flagged=attempt("flagged vessels", "run `oiltrail screen`", lambda: load_flagged(store)),
        claims=[(p.name, s) for p, s in texts],
        provenance={**load_provenance(store), "report": report_parameters(params)},
        generated_at=datetime.now().astimezone().replace(microsecond=0),
        anchorages=read_anchorages(store),
    )
