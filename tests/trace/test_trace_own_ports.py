"""A user's own ports file (names and kinds unlike the bundled table) reaches trace through the
store: simulate → detect --ports FILE → trace, 3 seeds, source port and destination scored
against the simulator's truth under the renaming. Also: a bad row in a ports file and a store
from before the reference tables."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from trace_fixtures import full_chain
from typer.testing import CliRunner

from oiltrail.cli import app
from oiltrail.engines.local import detect
from oiltrail.reference.ports import read_ports
from oiltrail.simulate import simulate
from oiltrail.store import open_store
from oiltrail.store.reference import ports_origin, stored_ports
from oiltrail.store.writes import insert_canonical
from oiltrail.trace.chains import trace_chains
from oiltrail.trace.evaluate import read_truth, score_chains

SEEDS = (1, 2, 3)
DAYS, VESSELS = 14, 30


def own_ports(path: Path) -> dict[str, str]:
    """The bundled table as a user might keep it: short names, their own kinds and countries;
    the roles said by a `role` column, by a kind of the documented list, or by the country.
    Returns bundled name -> the user's name."""
    rename: dict[str, str] = {}
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["name", "country", "lat", "lon", "kind", "source", "role"])
        for i, r in enumerate(read_ports().to_pylist()):
            name = r["name"].split(" (")[0].strip()
            if r["role"] == "other":
                name = f"{name} #{i}"  # the world's ports, renamed too
            kind, country, role = "harbour", r["country"], ""
            if r["role"] == "source":
                kind, role = ("oil_terminal", "") if i % 2 else ("bunker base", "source")
            elif r["role"] == "destination":
                country, role = ("KP", "") if i % 2 else ("Korea DPR", "destination")
            out.writerow([name, country, r["lat"], r["lon"], kind, "my list", role])
            rename[r["name"]] = name
    return rename


def _run(folder: Path, seed: int, ports_file: Path) -> tuple[int, int, int, list[Any]]:
    out = folder / f"seed{seed}"
    simulate(out, seed=seed, days=DAYS, vessels=VESSELS, formats=("parquet",))
    rename = own_ports(ports_file)
    with open_store(folder / f"seed{seed}.duckdb") as store:
        for table, name in (("positions", "positions"), ("static_reports", "static")):
            insert_canonical(store.con, table, pq.read_table(out / f"{name}.parquet"))
        detect(store, ports=ports_file)
        found = trace_chains(store)
    truth, encounters = read_truth(out)
    score = score_chains(found, truth, encounters)
    by_id = {f["chain_id"]: f for f in found}
    right_source = right_dest = 0
    wrong = []
    for t_id, f_id in score.pairs:
        t = next(x for x in truth if x["chain_id"] == t_id)
        f = by_id[f_id]
        src_ok = f["source_port"] == rename.get(t["source_port"], t["source_port"])
        dest_ok = f["destination"] == rename.get(t["destination"], t["destination"])
        right_source += src_ok
        right_dest += dest_ok
        if not (src_ok and dest_ok):
            wrong.append(
                (seed, t["source_port"], f["source_port"], t["destination"], f["destination"])
            )
    return len(truth), right_source, right_dest, wrong


@pytest.mark.slow
def test_own_ports_give_the_right_source_and_destination(tmp_path: Path) -> None:
    runs = [_run(tmp_path, seed, tmp_path / f"my_ports_{seed}.csv") for seed in SEEDS]
    truth = sum(r[0] for r in runs)
    wrong = [w for r in runs for w in r[3]]
    assert truth >= 6
    assert sum(r[1] for r in runs) / truth >= 0.95, wrong
    assert sum(r[2] for r in runs) / truth >= 0.95, wrong


def test_detect_keeps_the_ports_it_used(tmp_path: Path) -> None:
    ports_file = tmp_path / "mine.csv"
    own_ports(ports_file)
    db = tmp_path / "s.duckdb"
    with open_store(db) as store:
        detect(store, ports=ports_file)
        kept = stored_ports(store)
        origin = ports_origin(store)
    assert origin is not None and origin[0] == str(ports_file)
    names = set(kept.column("name").to_pylist())
    assert "Vostochny" in names and "Nampo" in names
    roles = dict(zip(kept.column("name").to_pylist(), kept.column("role").to_pylist(), strict=True))
    assert roles["Vostochny"] == "source" and roles["Nampo"] == "destination"


@pytest.mark.parametrize(
    ("row", "where"),
    [
        ("Nampo,KP,38.7,abc,harbour,x,", "line 3, column 4 (lon): 'abc' is not a number"),
        ("Nampo,KP,98.7,125.4,harbour,x,", "line 3, column 3 (lat): 98.7 is outside -90..90"),
        (",KP,38.7,125.4,harbour,x,", "line 3, column 1 (name): empty port name"),
        ("Nampo,KP,38.7,125.4,harbour,x,sink", "line 3, column 7 (role): 'sink' is not one of"),
        ("Nampo,KP,38.7", "line 3: 3 field(s), the header has 7"),
    ],
)
def test_bad_ports_row_is_one_line_exit_2_store_unchanged(
    tmp_path: Path, row: str, where: str
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "name,country,lat,lon,kind,source,role\n"
        "Vostochny,Russia,42.75,133.08,oil_terminal,x,\n" + row + "\n",
        encoding="utf-8",
    )
    db = tmp_path / "s.duckdb"
    with open_store(db) as store:
        detect(store)  # bundled ports stored
        before = ports_origin(store)
    result = CliRunner().invoke(app, ["detect", "--db", str(db), "--ports", str(bad)])
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and str(bad) in lines[0] and where in lines[0], lines
    with open_store(db) as store:
        assert ports_origin(store) == before


def test_store_without_reference_ports_says_how_to_refresh(db_path: Path) -> None:
    with open_store(db_path) as store:
        full_chain(store, 273_000_001, 445_000_001)
        store.con.execute("DROP TABLE ref_ports")  # as a store from before the table
    result = CliRunner().invoke(app, ["trace", "--db", str(db_path)])
    assert result.exit_code == 4  # MissingDataError: the store lacks what trace needs
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "run `oiltrail detect`" in lines[0], lines


def test_a_renamed_table_with_the_same_coordinates_gets_its_own_names(tmp_path: Path) -> None:
    """The detect kernels' port index is built once per table: not once per coordinates."""
    from oiltrail.detect.kernels import port_lookup
    from oiltrail.detect.params import DetectParams

    mine = tmp_path / "mine.csv"
    own_ports(mine)
    params = DetectParams()
    bundled = port_lookup(read_ports(), params)
    renamed = port_lookup(read_ports(mine), params)
    assert "Nampo (Chinnampo)" in bundled.visit.names
    assert "Nampo" in renamed.visit.names and "Nampo (Chinnampo)" not in renamed.visit.names
