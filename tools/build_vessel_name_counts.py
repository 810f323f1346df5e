"""Build src/oiltrail/data/vessel_name_counts.csv: how distinctive a vessel name is.

For each normalised vessel name (as screening compares it: `normalize_name(...).joined`):
- `ais_vessels`: distinct MMSIs carrying it in the real AIS samples whose licence lets us ship
  derived counts: NOAA MarineCadastre (US public data) and the pyais test messages (MIT; the
  aishub.net samples). The Spire-style CSV and the AISdb NMEA files (provider not stated) are
  left out: they stay for validation only (tests read them from ../shared).
- `listed_vessels`: distinct vessels of the bundled watchlist carrying it as name, alias or
  former name.
- `word`: 1 when the name is one word of the English word list SCOWL (Debian's wamerican,
  /usr/share/dict/american-english; permissive licence, Kevin Atkinson), proper names included.

Only counts are shipped, never the AIS records. Run:
`.venv/bin/python tools/build_vessel_name_counts.py` (needs the `wamerican` Debian package and
../shared/data/real). SCOWL's notice: "Copyright 2000-2011 by Kevin Atkinson. Permission to use,
copy, modify, distribute and sell these word lists, the associated scripts, the output created
from the scripts, and its documentation for any purpose is hereby granted without fee, provided
that the above copyright notice appears in all copies and that both that copyright notice and
this permission notice appear in supporting documentation.
"""

from __future__ import annotations

import csv
import re
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT.parent / "shared" / "data" / "real"
AIS_SAMPLES = (  # (path under REAL, base time for NMEA lines with none)
    ("aisdb/test_data_noaa_20230101.csv", None),
    ("pyais/nmea_data_sample.txt", "2020-01-01T00:00:00Z"),
    ("pyais/mixed.txt", "2020-01-01T00:00:00Z"),
    ("pyais/sample.ais", "2020-01-01T00:00:00Z"),
    ("pyais/ais_test_messages", "2020-01-01T00:00:00Z"),
    ("pyais/messages.ais", "2020-01-01T00:00:00Z"),
)
WORDS = Path("/usr/share/dict/american-english")
OUT = ROOT / "src" / "oiltrail" / "data" / "vessel_name_counts.csv"
_WORD_RE = re.compile(r"^[A-Za-z]{3,}$")


def _key(name: str) -> str:
    from oiltrail.screen.normalize import normalize_name

    forms = normalize_name(name)
    return forms[0].joined if forms else ""


def ais_counts() -> dict[str, set[str]]:
    from oiltrail.store import open_store
    from oiltrail.store.ingest import ingest_paths

    carried: dict[str, set[str]] = defaultdict(set)
    for rel, base in AIS_SAMPLES:
        with tempfile.TemporaryDirectory() as tmp:
            store = open_store(Path(tmp) / "s.duckdb")
            try:
                ingest_paths(store, [REAL / rel], base_time=base, progress=False)
                rows = store.con.execute(
                    "SELECT DISTINCT mmsi, name FROM static_reports WHERE name <> ''"
                ).fetchall()
            finally:
                store.close()
        for mmsi, name in rows:
            if key := _key(str(name)):
                carried[key].add(f"{rel}:{mmsi}")
    return carried


def listed_counts() -> dict[str, set[str]]:
    from oiltrail.screen.index import is_stub
    from oiltrail.screen.watchlist import ensure_lists
    from oiltrail.store import open_store
    from oiltrail.store.lists import read_entities

    carried: dict[str, set[str]] = defaultdict(set)
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(Path(tmp) / "s.duckdb")
        try:
            ensure_lists(store)
            rows = read_entities(store)
        finally:
            store.close()
    for row in rows:
        if row["schema"] != "Vessel" or is_stub(row):  # stubs: named in remarks only
            continue
        props = row["properties"]
        who = (props.get("imoNumber") or [row["id"]])[0]
        for prop in ("name", "alias", "previousName"):
            for name in props.get(prop, []):
                if key := _key(name):
                    carried[key].add(who)
    return carried


def dictionary_words() -> set[str]:
    if not WORDS.is_file():
        sys.exit(f"{WORDS} missing: apt-get install wamerican")
    words = set()
    for line in WORDS.read_text(encoding="utf-8", errors="replace").splitlines():
        if _WORD_RE.match(line) and (key := _key(line)) and key.isalpha():
            words.add(key)
    return words


def main() -> None:
    ais, listed, words = ais_counts(), listed_counts(), dictionary_words()
    names = sorted(set(ais) | set(listed) | words)
    with OUT.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh, lineterminator="\n")
        out.writerow(["name", "ais_vessels", "listed_vessels", "word"])
        for name in names:
            out.writerow(
                [name, len(ais.get(name, ())), len(listed.get(name, ())), int(name in words)]
            )
    shared = sum(1 for n in names if len(ais.get(n, ())) + len(listed.get(n, ())) >= 2)
    print(
        f"{OUT.relative_to(ROOT)}: {len(names)} names ({len(ais)} from AIS, {len(listed)} "
        f"listed, {len(words)} words); {shared} carried by two vessels or more"
    )


if __name__ == "__main__":
    main()
