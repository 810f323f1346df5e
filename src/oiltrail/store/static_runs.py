"""The static reports where a vessel's values change, kept in the store between detect runs.

A ship repeats its static report every six minutes, the same for days; the static kinds, the
identity anomalies' IMO numbers and the dark rendezvous' draughts read only the first and
the last report of each run of identical values (`static_runs`). Each detect run brings the
table up to date from the reports appended since the last (static reports are only ever
appended): a vessel whose new reports all follow its last stored one is continued from its
last two stored rows; any other (a report earlier than one stored) is computed again from
all its reports. Either way the rows are those of one pass over every report.
"""

from __future__ import annotations

import pyarrow as pa

from oiltrail.store.catalog import Store
from oiltrail.store.marks import appended_after, mark
from oiltrail.store.reads import has_table

MARK_KEY = "static_runs.mark"  # meta: "<last rowid>:<rows>" of static_reports when made
COLS = "mmsi, ts, imo, name, callsign, draught"
ORDER = "ts, imo, name, callsign, draught"


def _run_ends(source: str) -> str:
    """The first and last report of each run of identical values in `source`."""
    return f"""SELECT {COLS} FROM (
                 SELECT *, row(imo, name, callsign, draught) AS v,
                        v IS DISTINCT FROM lag(v) OVER w AS first_of_run,
                        v IS DISTINCT FROM lead(v) OVER w AS last_of_run
                 FROM {source} WINDOW w AS (PARTITION BY mmsi ORDER BY {ORDER}))
               WHERE first_of_run OR last_of_run"""


def update(store: Store) -> None:
    """Bring `static_runs` up to date with the static reports (inside the caller's write
    transaction); a read-only store is read as it is."""
    if store.read_only:
        return
    con = store.con
    now = mark(store, "static_reports")
    old = store.get_meta(MARK_KEY) if has_table(store, "static_runs") else None
    if old == now:
        return
    last_rowid = appended_after(old, now)
    if last_rowid is None:  # first run, or reports not simply appended: from every report
        con.execute(f"CREATE OR REPLACE TABLE static_runs AS {_run_ends('static_reports')}")
        store.set_meta(MARK_KEY, now)
        return
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _new_static AS
            SELECT {COLS} FROM static_reports WHERE rowid > ?""",
        [int(last_rowid)],
    )
    # Per vessel with new reports: continued when they all come after its last stored row
    con.execute(
        """CREATE OR REPLACE TEMP TABLE _static_vessels AS
           SELECT n.mmsi, coalesce(n.first > s.last, TRUE) AS continued FROM
             (SELECT mmsi, min(ts) AS first FROM _new_static GROUP BY mmsi) n
             LEFT JOIN (SELECT mmsi, max(ts) AS last FROM static_runs
                        WHERE mmsi IN (SELECT mmsi FROM _new_static) GROUP BY mmsi) s
             USING (mmsi)"""
    )
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _static_tail AS
            SELECT {COLS}, r FROM (
              SELECT *, rowid AS r,  -- k: 1 for the last row (DESC would put NULLs last)
                     count(*) OVER (PARTITION BY mmsi) + 1
                       - row_number() OVER (PARTITION BY mmsi ORDER BY {ORDER}) AS k
              FROM static_runs
              WHERE mmsi IN (SELECT mmsi FROM _static_vessels WHERE continued))
            WHERE k <= 2"""
    )
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _static_redo AS
            {
            _run_ends(f'''(SELECT {COLS} FROM _static_tail UNION ALL
                SELECT n.* FROM _new_static n JOIN _static_vessels v USING (mmsi)
                WHERE v.continued)''')
        }
            UNION ALL
            {
            _run_ends(f'''(SELECT {COLS} FROM static_reports WHERE mmsi IN
                (SELECT mmsi FROM _static_vessels WHERE NOT continued))''')
        }"""
    )
    con.execute(
        """DELETE FROM static_runs WHERE rowid IN (SELECT r FROM _static_tail)
           OR mmsi IN (SELECT mmsi FROM _static_vessels WHERE NOT continued)"""
    )
    con.execute(f"INSERT INTO static_runs SELECT {COLS} FROM _static_redo")
    for t in ("_new_static", "_static_vessels", "_static_tail", "_static_redo"):
        con.execute(f"DROP TABLE {t}")
    store.set_meta(MARK_KEY, now)


def static_changes(store: Store) -> pa.Table:
    """(mmsi, ts, imo, name, callsign, draught) of the static reports where a vessel's values
    change, by vessel and time (module doc): the same identity and draught changes as every
    report would give, in memory that grows with the changes only."""
    update(store)
    return store.con.execute(
        f"SELECT {COLS} FROM static_runs ORDER BY mmsi, {ORDER}"
    ).to_arrow_table()
