"""Score traced chains against ground truth (the simulator's truth_chains.csv and truth_events.csv).

A found chain matches a true one when donor, relays (`relay_mmsi`, in order; none on either side
for a direct chain) and receiver agree, roles included, and their transfers to the receiver
overlap in time (within `slack`): the encounter, or for a transfer made dark the dark rendezvous.
Matching is one-to-one, earliest first. The found chains must carry their `details` (the
transfer's time span): `trace_chains`'s rows or `oiltrail trace --detail` JSON. A `trace --format
csv` export has no span (its encounter ids differ from the truth's by minutes), so it is refused,
not scored low.
"""

from __future__ import annotations

import csv
import statistics
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from oiltrail.errors import InputFormatError
from oiltrail.records import chain_relays


@dataclass
class ChainScore:
    truth: int
    found: int
    matched: int
    recall: float
    precision: float
    median_abs_error: float | None  # |mid - true| / true, median over matched chains with a volume
    coverage: float | None  # share of matched chains whose true barrels lie in [low, high]
    pairs: list[tuple[str, str]] = field(default_factory=list)  # (true chain_id, found chain_id)
    missed: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    errors: list[float] = field(default_factory=list)  # per matched chain with a volume
    inside: list[bool] = field(default_factory=list)


def read_truth(folder: Path) -> tuple[list[dict[str, str]], dict[str, tuple[datetime, datetime]]]:
    """True chains and the time span of each true meeting (encounter or dark rendezvous, where
    a chain's transfer may be), from a simulator output folder."""
    with (folder / "truth_chains.csv").open(newline="", encoding="utf-8") as f:
        chains = list(csv.DictReader(f))
    spans: dict[str, tuple[datetime, datetime]] = {}
    with (folder / "truth_events.csv").open(newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["kind"] in ("encounter", "dark_rendezvous"):
                spans[row["event_id"]] = (_time(row["start"]), _time(row["end"]))
    return chains, spans


def score_chains(
    found: list[dict[str, Any]],
    truth: list[dict[str, str]],
    encounters: dict[str, tuple[datetime, datetime]],
    slack: timedelta = timedelta(hours=2),
) -> ChainScore:
    """Recall, precision and volume accuracy of `found` chains against `truth`.

    Raises:
        InputFormatError: a found chain without `details` (a CSV export's row).
    """
    for f in found:
        if not isinstance(f.get("details"), dict):
            raise InputFormatError(
                f"chain {f.get('chain_id')} has no details: scoring needs each transfer's time "
                "span (details.encounter_start/end), from trace_chains() or trace's detail "
                "JSON, not a CSV export of chains"
            )
    used: set[str] = set()
    pairs: list[tuple[str, str]] = []
    errors: list[float] = []
    inside: list[bool] = []
    for t in sorted(truth, key=lambda r: r.get("load_start") or ""):
        span = encounters.get(t["encounter_event_id"])
        for f in found:
            if f["chain_id"] in used or not _same(f, t, span, slack):
                continue
            used.add(f["chain_id"])
            pairs.append((t["chain_id"], f["chain_id"]))
            true_bbl = float(t.get("cargo_barrels") or t["barrels_mid"])
            if f.get("barrels_mid") is not None and true_bbl > 0:
                errors.append(abs(f["barrels_mid"] - true_bbl) / true_bbl)
                inside.append(f["barrels_low"] <= true_bbl <= f["barrels_high"])
            break
    matched_truth = {p[0] for p in pairs}
    return ChainScore(
        truth=len(truth),
        found=len(found),
        matched=len(pairs),
        recall=len(pairs) / len(truth) if truth else 1.0,
        precision=len(pairs) / len(found) if found else 1.0,
        median_abs_error=statistics.median(errors) if errors else None,
        coverage=sum(inside) / len(inside) if inside else None,
        pairs=pairs,
        missed=[t["chain_id"] for t in truth if t["chain_id"] not in matched_truth],
        extra=[f["chain_id"] for f in found if f["chain_id"] not in used],
        errors=errors,
        inside=inside,
    )


def _same(
    f: dict[str, Any],
    t: dict[str, str],
    span: tuple[datetime, datetime] | None,
    slack: timedelta,
) -> bool:
    if int(f["donor_mmsi"]) != int(t["donor_mmsi"]):
        return False
    if int(f["receiver_mmsi"]) != int(t["receiver_mmsi"]):
        return False
    if chain_relays(f.get("relay_mmsi")) != chain_relays(t.get("relay_mmsi")):
        return False
    if f.get("encounter_event_id") == t.get("encounter_event_id"):
        return True
    details = f.get("details") or {}
    start, end = details.get("encounter_start"), details.get("encounter_end")
    if span is None or not start or not end:
        return False
    f_start, f_end = datetime.fromisoformat(start), datetime.fromisoformat(end)
    return f_start <= span[1] + slack and span[0] - slack <= f_end


def _time(text: str) -> datetime:
    """ISO 8601 UTC (`Z` suffix) as a naive UTC datetime, like the store."""
    return datetime.fromisoformat(text.replace("Z", "+00:00")).replace(tzinfo=None)
