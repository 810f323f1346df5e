"""The hours with any position (`position_hours`), kept between detect runs, equal one pass
over every position: appended in order, appended back in time, and after rows were lost
(a mark that no longer adds up: built again)."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from oiltrail.store import hours, open_store

T0 = datetime(2026, 1, 5)


def _add(store, minutes: list[int]) -> None:  # type: ignore[no-untyped-def]
    for m in minutes:
        store.con.execute(
            "INSERT INTO positions (mmsi, ts, lat, lon) VALUES (445000001, ?, 39.0, 125.0)",
            [T0 + timedelta(minutes=m)],
        )


def _kept(store) -> list[datetime]:  # type: ignore[no-untyped-def]
    hours.update(store)
    return [r[0] for r in store.con.execute("SELECT h FROM position_hours ORDER BY h").fetchall()]


def _one_pass(store) -> list[datetime]:  # type: ignore[no-untyped-def]
    return [
        r[0]
        for r in store.con.execute(
            "SELECT DISTINCT date_trunc('hour', ts) AS h FROM positions ORDER BY h"
        ).fetchall()
    ]


def test_kept_hours_equal_one_pass(tmp_path: Path) -> None:
    with open_store(tmp_path / "s.duckdb") as store:
        _add(store, [0, 5, 130])
        assert _kept(store) == _one_pass(store) and len(_kept(store)) == 2
        _add(store, [131, 600, 61])  # the same hour, a new one, one back in time
        assert _kept(store) == _one_pass(store) and len(_kept(store)) == 4
        store.con.execute("DELETE FROM positions WHERE ts >= ?", [T0 + timedelta(minutes=600)])
        assert _kept(store) == _one_pass(store) and len(_kept(store)) == 3
