"""identity_anomaly (invalid and shared IMO numbers), the stored invalid-IMO flag, and the ship
types every event's details carry (`events --ship-types`)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
from detect_synth import SEA, T0, h, legs, table
from hypothesis import given, settings
from hypothesis import strategies as st
from rigour.ids import IMO
from typer.testing import CliRunner

from oiltrail.ais.schema import STATIC
from oiltrail.ais.validate import valid_imo
from oiltrail.cli import app
from oiltrail.detect.identity import check_digit
from oiltrail.engines.local import detect
from oiltrail.store import open_store
from oiltrail.store.catalog import Store
from oiltrail.store.writes import INVALID_IMO_SQL, insert_canonical

runner = CliRunner()
VALID, VALID2, INVALID = 9074729, 9166778, 9074728
HEADER = (
    "MMSI,BaseDateTime,LAT,LON,SOG,COG,Heading,VesselName,IMO,CallSign,VesselType,Status,"
    "Length,Width,Draft,Cargo"
)


def _csv(path: Path, rows: list[tuple[int, str, str, int]]) -> Path:
    """MarineCadastre rows (mmsi, time, IMO field as written, ship type)."""
    lines = [HEADER]
    for i, (mmsi, ts, imo, kind) in enumerate(rows):
        place = f"{SEA[0] + i * 0.01},{SEA[1]}"
        ship = f"SHIP {mmsi},{imo},CS,{kind},0,100,20,6.0,{kind}"
        lines.append(f"{mmsi},{ts},{place},5.0,90,90,{ship}")
    path.write_text("\n".join(lines) + "\n")
    return path


def test_ingest_keeps_an_invalid_imo_flagged_and_detect_reports_it(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    src = _csv(
        tmp_path / "ais.csv",
        [
            (412000001, "2026-01-05T00:00:00", f"IMO{INVALID}", 80),
            (412000001, "2026-01-06T00:00:00", f"IMO{INVALID}", 80),
            (412000002, "2026-01-05T00:00:00", f"IMO{VALID}", 70),
            (412000003, "2026-01-05T00:00:00", "IMO0000000", 80),
            (412000004, "2026-01-05T00:00:00", "IMO123456", 80),
            (412000005, "2026-01-05T00:00:00", "IMOABCDEFG", 0),
        ],
    )
    result = runner.invoke(app, ["ingest", str(src), "--db", str(db), "--format", "marinecadastre"])
    assert result.exit_code == 0, result.output
    with open_store(db) as store:
        rows = store.con.execute(
            "SELECT mmsi, imo, invalid_imo FROM static_reports ORDER BY mmsi, ts"
        ).fetchall()
    # MarineCadastre CSV: a static report is kept where the fields change (one for 412000001)
    assert rows == [
        (412000001, INVALID, True),
        (412000002, VALID, False),
        (412000003, None, False),
        (412000004, None, False),
        (412000005, None, False),
    ]
    assert runner.invoke(app, ["detect", "--db", str(db)]).exit_code == 0
    out = runner.invoke(app, ["events", "--db", str(db), "--format", "json"]).output
    events = json.loads(out)
    anomalies = [e for e in events if e["kind"] == "identity_anomaly"]
    assert len(anomalies) == 1
    a = anomalies[0]
    assert a["mmsi"] == 412000001 and a["other_mmsi"] is None
    assert a["details"]["subtype"] == "invalid_imo" and a["details"]["imo"] == INVALID
    assert a["details"]["check_digit_expected"] == 9 and a["details"]["reports"] == 1
    assert a["start"] == a["end"] == "2026-01-05T00:00:00Z"
    assert a["details"]["ship_types"] == {"412000001": "tanker"}
    # an invalid IMO is not compared as an identity: no identity_change from it (412000001
    # also has a gap: its two positions are a day apart)
    assert not [e for e in events if e["kind"] == "identity_change"]
    for types, n in (("tanker", 2), ("cargo,fishing", 0), ("unknown", 0), ("TANKER", 2)):
        res = runner.invoke(
            app, ["events", "--db", str(db), "--format", "json", "--ship-types", types]
        )
        assert res.exit_code == 0 and len(json.loads(res.output)) == n, (types, res.output)
    bad = runner.invoke(app, ["events", "--db", str(db), "--ship-types", "tankr"])
    assert bad.exit_code == 2 and "unknown ship type 'tankr'" in bad.output
    assert "Traceback" not in bad.output


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(1_000_000, 9_999_999), min_size=1, max_size=50))
def test_the_stored_flag_agrees_with_the_check_digit_rule(values: list[int]) -> None:
    con = duckdb.connect()
    got = con.execute(
        f"SELECT {INVALID_IMO_SQL} FROM (SELECT unnest(?::UINTEGER[]) AS imo)", [values]
    ).fetchall()
    ok, _ = valid_imo(np.array(values, dtype=np.int64))
    assert [bool(g[0]) for g in got] == [not v for v in ok.tolist()]
    assert all((check_digit(v) == v % 10) == bool(o) for v, o in zip(values, ok, strict=True))
    assert ok.tolist() == [IMO.is_valid_vessel(f"{v:07d}") for v in values]  # rigour's rule


def test_valid_imo_refuses_what_is_not_seven_digits() -> None:
    ok, failed = valid_imo(np.array([0, 9074729, 907472, 19074729, 9074728], dtype=np.int64))
    assert ok.tolist() == [False, True, False, False, False] and failed == 3


def _static(rows: list[tuple[int, datetime, int | None, int | None]]) -> pa.Table:
    cols: dict[str, list[object]] = {n: [None] * len(rows) for n in STATIC.names}
    cols["mmsi"] = [r[0] for r in rows]
    cols["ts"] = [r[1] for r in rows]
    cols["imo"] = [r[2] for r in rows]
    cols["ship_type"] = [r[3] for r in rows]
    cols["name"] = [f"SHIP {r[0]}" for r in rows]
    cols["source"] = ["test"] * len(rows)
    return pa.table(cols, schema=STATIC)


def _store(path: Path, positions: pa.Table, static: pa.Table) -> Store:
    store = open_store(path)
    store.con.register("_p", positions)
    store.con.execute("INSERT INTO positions (mmsi, ts, lat, lon, sog) SELECT * FROM _p")
    store.con.unregister("_p")
    insert_canonical(store.con, "static_reports", static)
    return store


def test_shared_imo_two_ships_far_apart_and_a_clean_handover_is_not_one(tmp_path: Path) -> None:
    lat, lon = SEA
    a, b, c, d = 412000011, 412000012, 412000021, 412000022
    positions = table(
        # a and b: one IMO, 6 h of positions about 550 km apart at the same time
        legs(a, T0, lat, lon, [(6, 10, 0)], every_s=600),
        legs(b, T0, lat + 5, lon, [(6, 10, 0)], every_s=600),
        # c hands the IMO to d: c stops on day 1, d starts on day 3 far away
        legs(c, T0, lat, lon + 2, [(6, 10, 0)], every_s=600),
        legs(d, T0 + h(48), lat + 5, lon + 2, [(6, 10, 0)], every_s=600),
    )
    static = _static(
        [
            (a, T0, VALID, 80), (a, T0 + h(6), VALID, 80),
            (b, T0, VALID, 80), (b, T0 + h(6), VALID, 80),
            (c, T0, VALID2, 80), (c, T0 + h(6), VALID2, 80),
            (d, T0 + h(48), VALID2, None), (d, T0 + h(54), VALID2, None),
        ]
    )  # fmt: skip
    with _store(tmp_path / "s.duckdb", positions, static) as store:
        detect(store)
        rows = store.con.execute(
            """SELECT mmsi, other_mmsi, details FROM events WHERE kind = 'identity_anomaly'"""
        ).fetchall()
        changes = store.con.execute(
            "SELECT mmsi, details FROM events WHERE kind = 'identity_change'"
        ).fetchall()
    assert len(rows) == 1
    mmsi, other, details = rows[0]
    assert (mmsi, other) == (a, b)
    info = json.loads(details)
    assert info["subtype"] == "shared_imo" and info["imo"] == VALID
    assert info["far_pairs"] >= 30 and info["min_distance_km"] > 500
    assert info["ship_types"] == {str(a): "tanker", str(b): "tanker"}
    # the handover is an identity change (same IMO, new MMSI), not an anomaly
    assert any(m == d and json.loads(x)["change"] == "same_imo" for m, x in changes)


def test_one_far_moment_is_not_a_shared_imo(tmp_path: Path) -> None:
    lat, lon = SEA
    a, b = 412000031, 412000032
    positions = table(
        legs(a, T0, lat, lon, [(6, 10, 0)], every_s=600),
        [(b, T0 + h(3), lat + 5, lon, 10.0)],  # one position of b only
    )
    static = _static([(a, T0, VALID, 80), (a, T0 + h(6), VALID, 80), (b, T0 + h(3), VALID, 80)])
    with _store(tmp_path / "s.duckdb", positions, static) as store:
        detect(store)
        n = store.con.execute("SELECT count(*) FROM events WHERE kind = 'identity_anomaly'")
        assert n.fetchone() == (0,)  # one sighting of b, however many of a lie near it in time


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from([412000001, 412000002, 412000003]),
            st.integers(0, 72),
            st.one_of(
                st.none(),
                st.sampled_from([0, 123456, 9074729, 9074728, 9166778, 99999999]),
                st.integers(0, 2**32 - 1),
            ),
        ),
        max_size=30,
    )
)
def test_odd_imo_values_never_crash_or_invent_an_anomaly(
    rows: list[tuple[int, int, int | None]],
) -> None:
    from oiltrail.detect.identity import detect_invalid_imos, detect_shared_imos, shared_imo_pairs
    from oiltrail.detect.params import IdentityAnomalyParams

    static = _static([(m, T0 + h(hr), imo, None) for m, hr, imo in rows])
    for ev in detect_invalid_imos(static):
        imo = ev["details"]["imo"]
        assert 1_000_000 <= imo <= 9_999_999 and check_digit(imo) != imo % 10
        assert (ev["mmsi"], imo) in {(m, i) for m, _, i in rows}
    pairs = shared_imo_pairs(static)
    assert all(check_digit(i) == i % 10 for i in pairs.get_column("imo").to_list())
    no_positions = table([])
    assert detect_shared_imos(pairs, no_positions, IdentityAnomalyParams()) == []
