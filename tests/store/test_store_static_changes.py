"""The static reports' changes (`static_changes`: each run of identical values' first and last
report) give the same identity and draught changes as every report, and the identity anomalies
read from the suspect IMOs only are those of every report: on repeated, partly empty, tied and
implausible reports of a few vessels sharing IMOs, in a real DuckDB store."""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta
from pathlib import Path

import pyarrow as pa

from oiltrail.detect import DetectParams, identity
from oiltrail.detect import static as static_kinds
from oiltrail.detect.ids import make_events
from oiltrail.engines.derived import identity_anomalies
from oiltrail.store import open_store
from oiltrail.store.static_runs import static_changes

P = DetectParams()
T0 = datetime(2025, 3, 1)
IMOS = [9321172, 9321173, 8601549, None, 0]  # valid, check digit fails, valid, none, zero
NAMES = ["YU JONG 2", "yu jong 2 ", "KUM UN SAN", None, ""]
DRAUGHTS = [5.2, 9.8, 9.81, 0.0, 35.0, None]


def reports(seed: int) -> pa.Table:
    rng = random.Random(seed)
    rows = []
    for mmsi in (445112000, 445113000, 352001234, 636019999):
        value = (rng.choice(IMOS), rng.choice(NAMES), rng.choice(["HMYJ2", None]), 9.8)
        t = T0
        for _ in range(400):
            if rng.random() < 0.05:  # now and then a field changes
                k = rng.randrange(4)
                pool = (IMOS, NAMES, ["HMYJ2", "HMKS", None], DRAUGHTS)[k]
                value = (*value[:k], rng.choice(pool), *value[k + 1 :])
            if rng.random() > 0.02:  # and now and then a report shares its time with the last
                t += timedelta(minutes=6)
            rows.append((mmsi, t, *value))
    cols = ["mmsi", "ts", "imo", "name", "callsign", "draught"]
    types = [pa.uint32(), pa.timestamp("us"), pa.uint32(), pa.string(), pa.string(), pa.float32()]
    return pa.table(
        {
            c: pa.array([r[i] for r in rows], t)
            for i, (c, t) in enumerate(zip(cols, types, strict=True))
        }
    )


def _same(rows: list[dict]) -> list[str]:  # type: ignore[type-arg]
    return sorted(json.dumps(r, default=str, sort_keys=True) for r in rows)


def test_changes_give_the_events_of_every_report(tmp_path: Path) -> None:
    found = 0
    for seed in range(6):
        with open_store(tmp_path / f"s{seed}.duckdb") as store:
            tbl = reports(seed)
            store.con.register("_t", tbl)
            store.con.execute(
                "INSERT INTO static_reports (mmsi, ts, imo, name, callsign, draught) "
                "SELECT * FROM _t"
            )
            every = store.con.execute(
                "SELECT mmsi, ts, imo, name, callsign, draught FROM static_reports "
                "ORDER BY mmsi, ts, imo, name, callsign, draught"
            ).to_arrow_table()
            changes = static_changes(store)
            assert changes.num_rows < every.num_rows / 4
            for kernel in (
                lambda s: static_kinds.detect_identity_changes(s, P.identity_change),
                lambda s: static_kinds.detect_draught_changes(s, P.draught_change),
            ):
                want = kernel(every)
                assert _same(kernel(changes)) == _same(want)
                found += len(want)
            # no positions: the shared IMOs make no anomaly, the invalid ones do
            invalid = make_events(identity.detect_invalid_imos(every))
            assert identity_anomalies(store, P).to_pylist() == invalid.to_pylist()
            found += invalid.num_rows
    assert found > 30


def test_kept_between_runs_equals_one_pass(tmp_path: Path) -> None:
    """`static_runs` brought up to date batch by batch (in time order, a batch that starts
    at its vessels' last report's time, one that goes back in time, one new vessel) holds
    the rows of one pass over every report."""
    from oiltrail.store.static_runs import COLS, ORDER, _run_ends

    tbl = reports(3).sort_by([("ts", "ascending")])
    n = tbl.num_rows
    back = tbl.slice(n // 3, 40)  # a second copy of some middle reports, appended late
    batches = [tbl.slice(0, n // 2), tbl.slice(n // 2, 1), tbl.slice(n // 2 + 1, n // 4)]
    batches += [back, tbl.slice(n // 2 + 1 + n // 4)]
    other = reports(4).filter(pa.compute.equal(reports(4).column("mmsi"), 445113000))
    batches.append(other.set_column(0, "mmsi", pa.array([999000001] * other.num_rows, pa.uint32())))
    with open_store(tmp_path / "s.duckdb") as store:
        for batch in batches:
            store.con.register("_t", batch)
            store.con.execute(
                "INSERT INTO static_reports (mmsi, ts, imo, name, callsign, draught) "
                "SELECT * FROM _t"
            )
            store.con.unregister("_t")
            got = static_changes(store).to_pylist()
            want = store.con.execute(
                f"{_run_ends('static_reports')} ORDER BY mmsi, {ORDER}"
            ).to_arrow_table()
            assert got == want.select(COLS.split(", ")).to_pylist()
        assert static_changes(store).num_rows < n / 4
