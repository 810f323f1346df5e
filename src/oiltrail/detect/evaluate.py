"""Score detected events against ground truth in the event columns of docs/events.md.

A detected event matches a true one when they have the same kind, the same vessel(s)
(the unordered pair for encounters) and overlapping times, each interval widened by
`slack_min` on both sides (so instant events such as identity changes can match a report
a few minutes off). Matching is one-to-one: each true event, in start order, takes the
unmatched candidate with the nearest start. Start error = |found start - true start|.
"""

from __future__ import annotations

import csv
import statistics
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from oiltrail.ais.schema import EVENT_COLUMNS
from oiltrail.errors import InputFormatError, NotFoundError

SCORE_COLUMNS = (
    "kind",
    "truth",
    "found",
    "matched",
    "precision",
    "recall",
    "median_start_error_min",
)


def _time(text: str, where: str) -> datetime:
    try:
        t = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise InputFormatError(f"{where}: bad time {text!r}") from None
    return t.astimezone(UTC).replace(tzinfo=None) if t.tzinfo else t


def read_truth(path: Path) -> list[dict[str, Any]]:
    """Ground-truth events from a CSV with the event columns of docs/events.md (one-line errors)."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise NotFoundError(f"no such truth file: {path}") from None
    except (UnicodeDecodeError, IsADirectoryError):
        raise InputFormatError(f"{path}: not a UTF-8 CSV file") from None
    reader = csv.DictReader(text.splitlines())
    missing = [
        c
        for c in ("kind", "mmsi", "other_mmsi", "start", "end")
        if c not in (reader.fieldnames or [])
    ]
    if missing and {"chain_id", "donor_mmsi"} <= set(reader.fieldnames or []):
        raise InputFormatError(
            f"{path}: a chains CSV; evaluate scores events: give truth events in the columns "
            f"{','.join(EVENT_COLUMNS)} (the simulator's truth_events.csv)"
        )
    if missing:
        raise InputFormatError(
            f"{path}: missing column(s) {', '.join(missing)}; expected {','.join(EVENT_COLUMNS)}"
        )
    out = []
    for i, row in enumerate(reader, start=2):
        where = f"{path} line {i}"
        try:
            mmsi = int(row["mmsi"])
            other = int(row["other_mmsi"]) if (row.get("other_mmsi") or "").strip() else None
        except ValueError:
            raise InputFormatError(f"{where}: mmsi not a number") from None
        out.append(
            {
                "kind": row["kind"].strip(),
                "mmsi": mmsi,
                "other_mmsi": other,
                "start": _time(row["start"], where),
                "end": _time(row["end"], where),
            }
        )
    return out


def _vessels(e: Mapping[str, Any]) -> frozenset[int]:
    return frozenset(int(v) for v in (e["mmsi"], e.get("other_mmsi")) if v is not None)


def score(
    found: Iterable[Mapping[str, Any]], truth: Iterable[Mapping[str, Any]], slack_min: float = 30.0
) -> list[dict[str, Any]]:
    """Precision, recall and median start error (minutes) per kind, then over all kinds."""
    slack = timedelta(minutes=slack_min)
    found_l, truth_l = list(found), list(truth)
    kinds = sorted({e["kind"] for e in found_l} | {e["kind"] for e in truth_l})
    rows = []
    all_err: list[float] = []
    tot = {"truth": 0, "found": 0, "matched": 0}
    for kind in kinds:
        f = [e for e in found_l if e["kind"] == kind]
        t = sorted((e for e in truth_l if e["kind"] == kind), key=lambda e: e["start"])
        index: dict[frozenset[int], list[int]] = {}
        for i, e in enumerate(f):
            index.setdefault(_vessels(e), []).append(i)
        used: set[int] = set()
        errors: list[float] = []
        for te in t:
            best, best_err = None, None
            for i in index.get(_vessels(te), []):
                fe = f[i]
                if i in used or fe["start"] > te["end"] + slack or te["start"] > fe["end"] + slack:
                    continue
                err = abs((fe["start"] - te["start"]).total_seconds()) / 60
                if best_err is None or err < best_err:
                    best, best_err = i, err
            if best is not None and best_err is not None:
                used.add(best)
                errors.append(best_err)
        rows.append(_row(kind, len(t), len(f), len(used), errors))
        all_err += errors
        tot["truth"] += len(t)
        tot["found"] += len(f)
        tot["matched"] += len(used)
    rows.append(_row("all", tot["truth"], tot["found"], tot["matched"], all_err))
    return rows


def _row(
    kind: str, n_truth: int, n_found: int, n_match: int, errors: list[float]
) -> dict[str, Any]:
    return {
        "kind": kind,
        "truth": n_truth,
        "found": n_found,
        "matched": n_match,
        "precision": round(n_match / n_found, 4) if n_found else None,
        "recall": round(n_match / n_truth, 4) if n_truth else None,
        "median_start_error_min": round(statistics.median(errors), 2) if errors else None,
    }


def evaluate_store(store: Any, truth_path: Path, slack_min: float = 30.0) -> list[dict[str, Any]]:
    """Score the store's events against a truth CSV (see `score`)."""
    from oiltrail.store.events import read_events

    truth = read_truth(truth_path)
    return score(read_events(store), truth, slack_min)
