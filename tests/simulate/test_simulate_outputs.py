"""Files, headers, determinism, NMEA round trip through pyais, CLI errors."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pandas as pd
from pyais.stream import ByteStream
from typer.testing import CliRunner

from oiltrail.ais.schema import EVENT_COLUMNS
from oiltrail.cli import app
from oiltrail.kinds import KINDS
from oiltrail.simulate import DEMO_SCENARIO, simulate

MARINECADASTRE = (
    "MMSI,BaseDateTime,LAT,LON,SOG,COG,Heading,VesselName,IMO,CallSign,VesselType,Status,"
    "Length,Width,Draft,Cargo,TransceiverClass"
)
CHAIN_HEADER = (
    "chain_id,source_port,load_start,donor_mmsi,encounter_event_id,receiver_mmsi,destination,"
    "arrival,barrels_low,barrels_mid,barrels_high,confidence,evidence,relay_mmsi,cargo_tonnes,"
    "cargo_barrels"
)


def _first_line(path: Path) -> str:
    with path.open() as f:
        return f.readline().rstrip("\n")


def test_headers_exact(scenario: Path) -> None:
    assert _first_line(scenario / "ais_marinecadastre.csv") == MARINECADASTRE
    assert _first_line(scenario / "truth_events.csv") == ",".join(EVENT_COLUMNS)
    assert _first_line(scenario / "truth_chains.csv") == CHAIN_HEADER


def test_scenario_json_marked_simulated(meta: dict[str, Any]) -> None:
    assert meta["simulated"] is True
    assert meta["start"] == "2026-01-05T00:00:00Z"
    roles = {v["role"] for v in meta["vessels"]}
    assert {"donor", "receiver", "background", "impostor"} - roles == {"impostor"}
    assert all(len(str(v["mmsi"])) == 9 for v in meta["vessels"])


def test_same_seed_same_files_other_seed_differs(tmp_path: Path) -> None:
    def digest(out: Path) -> dict[str, str]:
        return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(out.iterdir())}

    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    simulate(a, 5, 7, 6)
    simulate(b, 5, 7, 6)
    simulate(c, 6, 7, 6)
    da, db, dc = digest(a), digest(b), digest(c)
    da.pop("scenario.json"), db.pop("scenario.json"), dc.pop("scenario.json")  # holds run time
    assert da == db
    assert da["ais.nmea"] != dc["ais.nmea"]


def test_every_kind_and_both_spoof_subtypes(truth: list[dict[str, Any]]) -> None:
    kinds = {r["kind"] for r in truth}
    assert kinds == set(KINDS)
    subtypes = {r["details"]["subtype"] for r in truth if r["kind"] == "spoofing"}
    assert subtypes == {"teleport", "shared_mmsi"}
    changes = {r["details"]["change"] for r in truth if r["kind"] == "identity_change"}
    assert changes == {"same_mmsi", "same_imo_new_mmsi"}
    anomalies = {r["details"]["subtype"] for r in truth if r["kind"] == "identity_anomaly"}
    assert anomalies == {"invalid_imo", "shared_imo"}


def test_times_are_iso_z_and_ordered(truth: list[dict[str, Any]]) -> None:
    for r in truth:
        assert r["start"].endswith("Z") and r["end"].endswith("Z")
        assert r["start"] <= r["end"]
        if r["kind"] in ("encounter", "dark_rendezvous"):
            assert r["other_mmsi"] != ""
        elif r["kind"] != "identity_anomaly":
            assert r["other_mmsi"] == ""
        assert (r["port"] != "") == (r["kind"] == "port_visit")


def test_nmea_decodes_with_pyais_and_matches_parquet(
    scenario: Path, positions: pd.DataFrame
) -> None:
    lines = (scenario / "ais.nmea").read_bytes().splitlines()
    assert all(line.startswith(b"\\s:sim,c:") for line in lines[:1000])
    decoded: list[dict[str, Any]] = []
    single = [ln for ln in lines[::7] if b"!AIVDM,1,1," in ln]
    for msg in ByteStream(single):
        assert msg.is_valid  # checksum
        decoded.append(msg.decode().asdict())
    types = {d["msg_type"] for d in decoded}
    assert {1, 18, 24} <= types  # class A positions, class B positions and static parts
    ones = pd.DataFrame([d for d in decoded if d["msg_type"] in (1, 18)])
    assert len(ones) > 10_000
    # every decoded fix exists in the canonical positions within AIS resolution (1/10000 min)
    key = positions.assign(
        la=(positions.lat * 600_000).round(), lo=(positions.lon * 600_000).round()
    )
    got = ones.assign(la=(ones.lat * 600_000).round(), lo=(ones.lon * 600_000).round())
    hit = got.merge(key[["mmsi", "la", "lo"]], on=["mmsi", "la", "lo"], how="left", indicator=True)
    assert (hit["_merge"] == "both").mean() > 0.99


def test_type5_multisentence_matches_static(scenario: Path, statics: pd.DataFrame) -> None:
    lines = (scenario / "ais.nmea").read_bytes().splitlines()
    two = [ln for ln in lines if b"!AIVDM,2," in ln][:400]
    msgs = [m.decode().asdict() for m in ByteStream(two)]
    assert len(msgs) == 200
    known = {
        (int(r.mmsi), r.name, int(r.imo) if r.imo == r.imo else 0, round(float(r.draught), 1))
        for r in statics.itertuples()
    }
    for d in msgs:
        assert d["msg_type"] == 5
        assert (d["mmsi"], d["shipname"], d["imo"], round(d["draught"], 1)) in known


def test_feeds_split_vessels(scenario: Path, positions: pd.DataFrame) -> None:
    csv = pd.read_csv(scenario / "ais_marinecadastre.csv")
    nmea = {m.decode().mmsi for m in ByteStream((scenario / "ais.nmea").read_bytes().splitlines())}
    assert set(csv.MMSI).isdisjoint(nmea)
    assert 0 < len(csv) < len(positions)
    assert set(csv.MMSI) | nmea == set(positions.mmsi)


def test_demo_settings_small() -> None:
    assert (DEMO_SCENARIO.seed, DEMO_SCENARIO.days, DEMO_SCENARIO.vessels) == (7, 14, 60)


def test_cli_bad_usage_one_line(tmp_path: Path) -> None:
    runner = CliRunner()
    r = runner.invoke(app, ["simulate", "--out", str(tmp_path / "x"), "--days", "0"])
    assert r.exit_code == 2
    assert "--days" in r.output and "Traceback" not in r.output
    r = runner.invoke(app, ["simulate", "--out", str(tmp_path / "x"), "--format", "xml"])
    assert r.exit_code == 2 and "unknown format" in r.output
    r = runner.invoke(app, ["simulate", "--out", str(tmp_path / "x"), "--start", "yesterday"])
    assert r.exit_code == 2 and "ISO 8601" in r.output
    (tmp_path / "file").write_text("")
    r = runner.invoke(app, ["simulate", "--out", str(tmp_path / "file")])
    assert r.exit_code == 2 and "not a folder" in r.output
    r = runner.invoke(app, ["simulate", "--out", str(tmp_path / "x"), "--vessels", "9000"])
    assert r.exit_code == 2 and "fewer days or vessels" in r.output
    assert not (tmp_path / "x").exists()  # nothing written on bad usage


def test_simulate_files_option_and_the_old_spelling(tmp_path: Path) -> None:
    runner = CliRunner()
    old = runner.invoke(app, ["simulate", "--out", str(tmp_path / "a"), "--format", "xml"])
    assert old.exit_code == 2 and "--format is deprecated: use --files" in old.stderr
    new = runner.invoke(app, ["simulate", "--out", str(tmp_path / "b"), "--files", "xml"])
    assert new.exit_code == 2 and "deprecated" not in new.stderr
