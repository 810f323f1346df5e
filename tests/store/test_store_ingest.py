"""Ingest into a real DuckDB file: manifest, duplicates, strict mode, simulated flag, status."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from oiltrail.cli import app
from oiltrail.errors import InputFormatError, StrictModeError
from oiltrail.store import open_store
from oiltrail.store.ingest import ingest_into, ingest_paths
from oiltrail.store.parquet import export_positions
from oiltrail.store.status import STATUS_KEYS, store_status

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "ais"))
from ais_factory import BASE_S, encode, fleet_lines, position, tag

DATA = Path(__file__).resolve().parent.parent / "data" / "ais"


def write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n")
    return path


def counts(db: Path) -> tuple[int, ...]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = ("positions", "static_reports", "quarantine", "manifest")
        return tuple(con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables)
    finally:
        con.close()


def test_reingest_is_a_no_op(tmp_path: Path, db_path: Path) -> None:
    nmea = write(tmp_path / "a.nmea", fleet_lines(300, vessels=10))
    first = ingest_into(db_path, [nmea, DATA / "test_aisdk_20180208_sample.csv"], progress=False)
    assert first.total("positions") == 310 and first.total("static_reports") > 0
    before = counts(db_path)
    again = ingest_into(db_path, [nmea, DATA / "test_aisdk_20180208_sample.csv"], progress=False)
    assert all(f.already_ingested for f in again.files) and again.total("positions") == 0
    assert counts(db_path) == before


def test_hash_ready_late_still_stops_a_reingest_and_marks_quarantine(
    tmp_path: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The file is hashed while it is written. Quarantine rows written before the hash was
    ready get it at the end; a second ingest finds it in the manifest and leaves nothing."""
    import time

    from oiltrail.store import ingest

    def slow_sha256(path: Path) -> str:
        time.sleep(0.5)
        return real_sha256(path)

    real_sha256 = ingest.file_sha256
    monkeypatch.setattr(ingest, "file_sha256", slow_sha256)
    monkeypatch.setattr(ingest, "PIPELINE_ROWS", 50)  # many batches, each written in time
    lines = fleet_lines(400, vessels=10)
    for i in range(0, 400, 80):
        lines.insert(i, "garbage line")
    nmea = write(tmp_path / "a.nmea", lines)
    first = ingest_into(db_path, [nmea], progress=False)
    assert (first.total("positions"), sum(first.quarantined.values())) == (400, 5)
    con = duckdb.connect(str(db_path), read_only=True)
    hashes = con.execute("SELECT DISTINCT file_hash FROM quarantine").fetchall()
    assert hashes == [(first.files[0].file_hash,)] and len(hashes[0][0]) == 64
    con.close()
    before = counts(db_path)
    again = ingest_into(db_path, [nmea], progress=False)
    assert again.files[0].already_ingested and again.total("positions") == 0
    assert not again.quarantined and counts(db_path) == before


def test_hash_begun_early_is_the_files_and_is_dropped_once_the_file_changes(
    tmp_path: Path, db_path: Path
) -> None:
    """`oiltrail ingest` hashes its files from its start (ais.file_hash.hash_early): the
    ingest uses that hash, the file's sha256, unless the file changed after it began."""
    import hashlib

    from oiltrail.ais.file_hash import early_hash, hash_early

    nmea = write(tmp_path / "a.nmea", fleet_lines(50, vessels=5))
    hash_early([nmea, tmp_path / "missing.nmea", tmp_path])
    begun = early_hash(nmea)
    assert begun is not None and early_hash(tmp_path / "missing.nmea") is None
    assert begun.result() == hashlib.sha256(nmea.read_bytes()).hexdigest()
    rep = ingest_into(db_path, [nmea], progress=False)
    assert rep.files[0].file_hash == begun.result()
    with nmea.open("a") as fh:
        fh.write("\n")
    assert early_hash(nmea) is None  # changed since: hashed again by the ingest
    again = ingest_into(db_path, [nmea], progress=False)
    assert not again.files[0].already_ingested
    assert again.files[0].file_hash == hashlib.sha256(nmea.read_bytes()).hexdigest()


def test_store_from_an_older_version_gets_a_one_line_error(db_path: Path) -> None:
    con = duckdb.connect(str(db_path))
    con.execute("CREATE TABLE positions (mmsi UINTEGER, ts TIMESTAMP, source VARCHAR)")
    con.close()
    nmea = DATA / "nmea_data_sample.txt"
    for args in (["status"], ["ingest", str(nmea)]):  # ingest opens it while decoding starts
        res = CliRunner().invoke(app, [*args, "--db", str(db_path)])
        assert res.exit_code != 0 and "Traceback" not in res.output
        assert "older oiltrail" in res.output and len(res.output.strip().splitlines()) == 1


def test_exact_duplicates_dropped_within_file_and_against_store(
    tmp_path: Path, db_path: Path
) -> None:
    a = encode(position(445123456, 39.0, 125.0))[0]
    b = encode(position(445123456, 39.1, 125.0))[0]
    one = write(tmp_path / "one.nmea", [tag(a, c=BASE_S), tag(a, c=BASE_S), tag(b, c=BASE_S)])
    rep = ingest_into(db_path, [one], progress=False)
    assert (rep.total("positions"), rep.total("duplicates")) == (2, 1)
    two = write(tmp_path / "two.nmea", [tag(a, c=BASE_S, s="other"), tag(b, c=BASE_S + 60)])
    rep = ingest_into(db_path, [two], progress=False)
    assert (rep.total("positions"), rep.total("duplicates")) == (1, 1)
    assert counts(db_path)[0] == 3


def test_strict_rolls_back_the_file_with_quarantine(tmp_path: Path, db_path: Path) -> None:
    good = write(tmp_path / "good.nmea", fleet_lines(50, vessels=5))
    bad = write(tmp_path / "bad.nmea", [*fleet_lines(20, vessels=5, seed=3), "garbage line"])
    with open_store(db_path) as store, pytest.raises(StrictModeError) as err:
        ingest_paths(store, [good, bad], strict=True, progress=False)
    assert "unparseable 1" in err.value.detail
    positions, _, quarantined, files = counts(db_path)
    assert (positions, quarantined, files) == (50, 0, 1)  # good.nmea kept, bad.nmea not at all


def test_not_ais_writes_nothing_not_even_the_store(tmp_path: Path, db_path: Path) -> None:
    good = write(tmp_path / "good.nmea", fleet_lines(10))
    junk = tmp_path / "junk.csv"
    junk.write_text("name,colour\nx,red\n")
    with pytest.raises(InputFormatError):
        ingest_into(db_path, [good, junk], progress=False)
    assert not db_path.exists()


def test_cli_exit_codes_and_one_line_errors(tmp_path: Path, db_path: Path) -> None:
    empty = tmp_path / "empty.nmea"
    empty.write_bytes(b"")
    runner = CliRunner()
    res = runner.invoke(app, ["ingest", str(empty), "--db", str(db_path)])
    assert res.exit_code == 2 and "empty.nmea" in res.output and "Traceback" not in res.output
    assert not db_path.exists()
    res = runner.invoke(app, ["ingest", str(DATA / "mixed.txt"), "--db", str(db_path), "--strict"])
    assert res.exit_code == 3
    nmea = write(tmp_path / "a.nmea", fleet_lines(40, vessels=4))
    res = runner.invoke(app, ["ingest", str(nmea), "--db", str(db_path)])
    assert res.exit_code == 0 and "a.nmea" in res.output
    res = runner.invoke(app, ["status", "--db", str(db_path), "--format", "json"])
    status = json.loads(res.output)
    assert tuple(status) == STATUS_KEYS and status["positions"] == 40
    assert status["first"] == "2026-01-05T00:00:00Z"


def test_status_counts_quarantine_by_reason_code(tmp_path: Path, db_path: Path) -> None:
    rep = ingest_into(db_path, [DATA / "mixed.txt", DATA / "nmea_data_sample.txt"], progress=False)
    with open_store(db_path) as store:
        status = store_status(store)
    mixed, sample = rep.files
    # Every row of nmea_data_sample.txt is quarantined (no times): it is not kept, so that it
    # can be ingested again with --base-time; mixed.txt has one timed sentence and is kept.
    assert sample.refused and not mixed.refused
    assert status["quarantined"]["no_time"] == mixed.quarantined["no_time"] > 0
    assert status["quarantined"]["truncated"] == sum(
        n for r, n in mixed.quarantined.items() if r.startswith("truncated")
    )
    # Only mixed.txt's `$PGHP`-timed sentence has a time (Gatehouse wrapper, 2008-05-09).
    assert status["positions"] == 1 and status["first"] == "2008-05-09T00:00:00Z"


def test_base_time_gives_untimed_lines_a_time(db_path: Path) -> None:
    rep = ingest_into(db_path, [DATA / "nmea_data_sample.txt"], base_time="2026-01-05T00:00:00Z",
                      progress=False)  # fmt: skip
    assert rep.total("positions") > 300 and "no_time" not in rep.quarantined


def test_simulated_marks_from_tag_source_and_scenario_json(tmp_path: Path, db_path: Path) -> None:
    sim = write(tmp_path / "sim.nmea", fleet_lines(10))
    real = write(tmp_path / "real.nmea", [tag(encode(position(445000001, 39, 125))[0], c=BASE_S,
                                              s="r003669945")])  # fmt: skip
    folder = tmp_path / "scenario"
    folder.mkdir()
    (folder / "scenario.json").write_text(json.dumps({"seed": 1, "simulated": True}))
    csv = folder / "ais_marinecadastre.csv"
    csv.write_text(
        "MMSI,BaseDateTime,LAT,LON,SOG,COG,Heading,VesselName,IMO,CallSign,"
        "VesselType,Status,Length,Width,Draft,Cargo,TransceiverClass\n"
        "445000002,2026-01-05T00:00:00,39.0,125.0,1,2,3,,,,,,,,,,A\n"
    )
    rep = ingest_into(db_path, [real], progress=False)
    with open_store(db_path) as store:
        assert not store.simulated and not rep.simulated
    rep = ingest_into(db_path, [sim, csv], progress=False)
    assert [f.simulated for f in rep.files] == [True, True]
    with open_store(db_path) as store:
        assert store.simulated and store_status(store)["simulated"]
    again = ingest_into(db_path, [csv], progress=False).file_rows()[0]  # the CLI's row
    assert (again["positions"], again["static"], again["note"]) == (0, 0, "already ingested")


def test_gzip_zstd_zip_and_parquet_round_trip(tmp_path: Path, db_path: Path) -> None:
    import gzip
    import zipfile

    lines = fleet_lines(200, vessels=8)
    (tmp_path / "a.nmea.gz").write_bytes(gzip.compress(("\n".join(lines) + "\n").encode()))
    with zipfile.ZipFile(tmp_path / "b.zip", "w") as zf:
        zf.writestr("b.nmea", "\n".join(fleet_lines(50, vessels=3, seed=7)) + "\n")
    rep = ingest_into(db_path, [tmp_path / "a.nmea.gz", tmp_path / "b.zip"], progress=False)
    assert [f.positions for f in rep.files] == [200, 50]
    with open_store(db_path) as store:
        out = export_positions(store, tmp_path / "parquet")
        assert sorted(p.name for p in out.iterdir()) == ["day=2026-01-05"]
        table = pq.read_table(out)
        assert table.num_rows == 250 and "mmsi" in table.column_names
        sources = store.con.execute(
            "SELECT source, count(*) FROM canonical_positions GROUP BY 1"
        ).fetchall()
        assert sorted(sources) == [("a.nmea.gz", 200), ("b.zip!b.nmea", 50)]
        store.con.execute(
            f"COPY canonical_positions TO '{tmp_path / 'p.parquet'}' (FORMAT parquet)"
        )
    other = tmp_path / "other.duckdb"
    rep = ingest_into(other, [tmp_path / "p.parquet"], progress=False)
    assert rep.files[0].format == "parquet" and rep.total("positions") == 250


def test_rows_keep_their_source_when_a_batch_mixes_them(db_path: Path) -> None:
    """The usual batch has one source (written as one parameter); a mixed one keeps each row's."""
    import pyarrow as pa

    from oiltrail.ais.decoded import empty_decoded
    from oiltrail.ais.schema import POSITIONS
    from oiltrail.store.writes import FileWrites, insert_batch

    rows = {
        "mmsi": [445123456] * 3,
        "ts": [BASE_S * 10**6 + i for i in range(3)],
        "lat": [39.0] * 3,
        "lon": [125.0] * 3,
        "sog": [1.0] * 3,
        "cog": [2.0] * 3,
        "heading": [3] * 3,
        "nav_status": [0] * 3,
        "source": ["a.nmea", "b.csv", "a.nmea"],
    }
    d = empty_decoded()
    d.positions = pa.table(rows, schema=POSITIONS)
    with open_store(db_path) as store:
        assert insert_batch(FileWrites(store.con), d, "h") == ((3, 0), 0)
        got = store.con.execute("SELECT source FROM canonical_positions ORDER BY ts").fetchall()
        assert [g[0] for g in got] == ["a.nmea", "b.csv", "a.nmea"]
        names = store.con.execute("SELECT name FROM sources ORDER BY name").fetchall()
        assert names == [("a.nmea",), ("b.csv",)]  # one number per name


def test_duplicates_across_batches_of_one_file(
    tmp_path: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from oiltrail.settings import get_settings

    monkeypatch.setattr(get_settings(), "batch_rows", 2)  # ~2 lines per NMEA block
    msgs = [encode(position(445123456, 39.0 + i / 100, 125.0))[0] for i in range(4)]
    lines = [tag(m, c=BASE_S + i) for i, m in enumerate(msgs)]
    lines.insert(3, lines[0])  # the first row again, two batches later, out of time order
    rep = ingest_into(db_path, [write(tmp_path / "a.nmea", lines)], progress=False)
    assert (rep.total("positions"), rep.total("duplicates")) == (4, 1)


def test_static_reports_held_across_batches_all_written_once(
    tmp_path: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Static reports are held and written several batches at a time, and the rest at the end
    of the file: every one is written, and an exact repeat in another batch is dropped."""
    from ais_factory import static5

    from oiltrail.settings import get_settings
    from oiltrail.store import ingest

    monkeypatch.setattr(get_settings(), "batch_rows", 4)  # a few lines per NMEA block
    monkeypatch.setattr(ingest, "STATIC_BATCH_ROWS", 3)
    lines = []
    for i in range(7):
        lines += [tag(s, c=BASE_S + i) for s in encode(static5(445123450 + i, 9074729, "A"), i)]
        lines.append(tag(encode(position(445123456, 39.0 + i / 100, 125.0))[0], c=BASE_S + i))
    lines += lines[:2]  # the first static report again, at the end of the file
    rep = ingest_into(db_path, [write(tmp_path / "s.nmea", lines)], progress=False)
    assert (rep.total("static_reports"), rep.total("positions"), rep.total("duplicates")) == (
        7, 7, 1,
    )  # fmt: skip
    with open_store(db_path) as store:
        got = store.con.execute("SELECT mmsi FROM static_reports ORDER BY mmsi").fetchall()
    assert [g[0] for g in got] == [445123450 + i for i in range(7)]


def test_static_reports_exact_repeats_dropped_distinct_kept(tmp_path: Path, db_path: Path) -> None:
    from ais_factory import static5

    same = [tag(s, c=BASE_S) for s in encode(static5(445123456, 9074729, "ALPHA"), 1)]
    other = [tag(s, c=BASE_S) for s in encode(static5(445123456, 9074729, "BRAVO"), 2)]
    later = [tag(s, c=BASE_S + 60) for s in encode(static5(445123456, 9074729, "ALPHA"), 3)]
    rep = ingest_into(db_path, [write(tmp_path / "s.nmea", same + same + other + later)],
                      progress=False)  # fmt: skip
    # The exact repeat goes; the same time with another name, and a later report, stay.
    assert (rep.total("static_reports"), rep.total("duplicates")) == (3, 1)
    with open_store(db_path) as store:
        rows = store.con.execute("SELECT name FROM static_reports ORDER BY ts, name").fetchall()
    assert [r[0] for r in rows] == ["ALPHA", "BRAVO", "ALPHA"]


def test_repeat_check_tells_type24_parts_apart_and_never_misses_a_repeat() -> None:
    """The decode thread's check: False lets the insert skip DISTINCT ON, so it must never be
    False when two rows share the whole key; text counts by null-ness only (coarser)."""
    import pyarrow as pa

    from oiltrail.ais.schema import STATIC
    from oiltrail.store.writes import STATIC_KEY, maybe_repeats

    part_a = {"mmsi": 445123456, "ts": BASE_S * 10**6, "name": "ALPHA"}
    part_b = {"mmsi": 445123456, "ts": BASE_S * 10**6, "callsign": "HPAB", "ship_type": 80}
    rows = [part_a, part_b, {**part_a, "mmsi": 445123457}]
    assert not maybe_repeats(pa.Table.from_pylist(rows, schema=STATIC), STATIC_KEY)
    assert maybe_repeats(pa.Table.from_pylist([*rows, part_b], schema=STATIC), STATIC_KEY)
    renamed = {**part_a, "name": "BRAVO"}  # same null pattern: "maybe", SQL decides
    assert maybe_repeats(pa.Table.from_pylist([part_a, renamed], schema=STATIC), STATIC_KEY)


def test_ingest_commits_into_the_file_and_restores_settings(tmp_path: Path, db_path: Path) -> None:
    """An ingest's commit is a checkpoint (no write-ahead log left behind), and the DuckDB
    settings it changes are back as they were afterwards."""
    from oiltrail.store.writes import INGEST_SETTINGS

    nmea = write(tmp_path / "a.nmea", fleet_lines(300, vessels=10))
    with open_store(db_path) as store:
        names = list(INGEST_SETTINGS)
        sql = "SELECT " + ", ".join(f"current_setting('{n}')" for n in names)
        before = store.con.execute(sql).fetchone()
        ingest_paths(store, [nmea], progress=False)
        assert store.con.execute(sql).fetchone() == before
        wal = db_path.with_name(db_path.name + ".wal")
        assert not wal.exists() or wal.stat().st_size == 0
        assert store.con.execute("SELECT count(*) FROM positions").fetchone() == (300,)
