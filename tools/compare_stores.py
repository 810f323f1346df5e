"""Compare what two stores hold after ingesting the same files: positions, static reports and
quarantine rows (EXCEPT ALL both ways, so a row held twice in one counts), and each file's
manifest counts. Exit 1 when they differ.

Usage: python tools/compare_stores.py BEFORE.duckdb AFTER.duckdb
"""

from __future__ import annotations

import sys

import duckdb

QUERIES = {
    "positions": "SELECT * FROM {db}.canonical_positions",
    "static_reports": (
        "SELECT r.* EXCLUDE (source_id), s.name AS source FROM {db}.static_reports r "
        "LEFT JOIN {db}.sources s USING (source_id)"
    ),
    "quarantine": "SELECT * FROM {db}.quarantine",
    "manifest": "SELECT * EXCLUDE (ingested_at) FROM {db}.manifest",
}


def differences(before: str, after: str) -> dict[str, tuple[int, int, int]]:
    """Per table: (rows, rows only before, rows only after)."""
    con = duckdb.connect()
    con.execute(f"ATTACH '{before}' AS a (READ_ONLY)")
    con.execute(f"ATTACH '{after}' AS b (READ_ONLY)")
    out = {}
    for name, sql in QUERIES.items():
        a, b = sql.format(db="a"), sql.format(db="b")
        counts = []
        for query in (f"SELECT count(*) FROM ({a})", f"({a}) EXCEPT ALL ({b})",
                      f"({b}) EXCEPT ALL ({a})"):  # fmt: skip
            if "EXCEPT" in query:
                query = f"SELECT count(*) FROM ({query})"
            row = con.execute(query).fetchone()
            counts.append(int(row[0]) if row else 0)
        out[name] = (counts[0], counts[1], counts[2])
    con.close()
    return out


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    found = differences(argv[0], argv[1])
    for name, (rows, only_before, only_after) in found.items():
        print(f"{name}: {rows} rows; only before {only_before}, only after {only_after}")
    return 1 if any(a or b for _, a, b in found.values()) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
