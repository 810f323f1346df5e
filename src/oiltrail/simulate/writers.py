"""Write a scenario: tag-blocked NMEA, MarineCadastre CSV, Parquet, truth CSVs, scenario.json."""

from __future__ import annotations

import csv
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from oiltrail.ais.schema import EVENT_COLUMNS, POSITIONS, STATIC
from oiltrail.simulate.emit import Rows
from oiltrail.simulate.fleet import Vessel
from oiltrail.simulate.nmea import position_payload, sentences, type5_payload, type24_payloads
from oiltrail.store.chains import CHAIN_COLUMNS as EXPORT_CHAIN_COLUMNS

MARINECADASTRE_HEADER = (
    "MMSI",
    "BaseDateTime",
    "LAT",
    "LON",
    "SOG",
    "COG",
    "Heading",
    "VesselName",
    "IMO",
    "CallSign",
    "VesselType",
    "Status",
    "Length",
    "Width",
    "Draft",
    "Cargo",
    "TransceiverClass",
)
CHAIN_COLUMNS = (*EXPORT_CHAIN_COLUMNS, "cargo_tonnes", "cargo_barrels")  # + the true cargo


def _channels(n: int, rng: np.random.Generator) -> np.ndarray:
    return np.where(rng.random(n) < 0.5, ord("A"), ord("B")).astype(np.uint8)


def _lines(m: np.ndarray) -> np.ndarray:
    return m.view(f"S{m.shape[1]}").ravel() if m.shape[0] else np.empty(0, "S1")


def write_nmea(
    path: Path,
    start_unix: int,
    pos: Rows,
    st: Rows,
    cls_b: np.ndarray,
    st_cls_b: np.ndarray,
    start: datetime,
    rng: np.random.Generator,
) -> int:
    """All reports in time order, one tag-blocked sentence group per message; returns lines."""
    groups: list[tuple[np.ndarray, np.ndarray]] = []
    ts = pos.cols["t"].astype(np.int64) + start_unix
    pl_ = position_payload(pos.cols, cls_b)
    groups.append(
        (
            ts,
            _lines(
                sentences(
                    ts, pl_, total=1, part=1, seq=None, fill=0, channel=_channels(len(ts), rng)
                )
            ),
        )
    )
    a_idx, b_idx = np.flatnonzero(~st_cls_b), np.flatnonzero(st_cls_b)
    if a_idx.size:
        c = {k: v[a_idx] for k, v in st.cols.items()}
        t5 = c["t"].astype(np.int64) + start_unix
        base = np.datetime64(start.replace(tzinfo=None), "s")
        when = base + (c["t"].astype(np.int64) + 86_400).astype("timedelta64[s]")  # ETA: +1 day
        month = (when.astype("datetime64[M]").astype(np.int64) % 12) + 1
        day = (when - when.astype("datetime64[M]")).astype("timedelta64[D]").astype(np.int64) + 1
        hour = (when.astype(np.int64) // 3600) % 24
        payload = type5_payload(c, (month, day, hour, np.zeros_like(hour)))
        seq = (48 + (np.arange(a_idx.size) % 10)).astype(np.uint8)
        ch = _channels(a_idx.size, rng)
        one = sentences(t5, payload[:, :60], total=2, part=1, seq=seq, fill=0, channel=ch)
        two = sentences(t5, payload[:, 60:], total=2, part=2, seq=seq, fill=2, channel=ch)
        groups.append((t5, _lines(np.hstack([one, two]))))
    if b_idx.size:
        c = {k: v[b_idx] for k, v in st.cols.items()}
        t24 = c["t"].astype(np.int64) + start_unix
        pa_, pb_ = type24_payloads(c)
        for p in (pa_, pb_):
            groups.append(
                (
                    t24,
                    _lines(
                        sentences(
                            t24,
                            p,
                            total=1,
                            part=1,
                            seq=None,
                            fill=0,
                            channel=_channels(b_idx.size, rng),
                        )
                    ),
                )
            )
    times = np.concatenate([g[0] for g in groups])
    lines = np.concatenate([g[1] for g in groups])
    order = np.argsort(times, kind="stable")
    with path.open("wb") as f:
        step = 500_000
        for i in range(0, order.size, step):
            f.write(b"".join(lines[order[i : i + step]].tolist()))
    return int(order.size)


def _iso_col(start: datetime, t: np.ndarray) -> np.ndarray:
    base = np.datetime64(start.replace(tzinfo=None), "s")
    return (base + t.astype("timedelta64[s]")).astype(str)


def write_marinecadastre(path: Path, pos: Rows, vessels: dict[int, Vessel], start: datetime) -> int:
    """MarineCadastre CSV with its exact header; static fields repeated on each row."""
    vid = pos.cols["vid"]
    uv, inv = np.unique(vid, return_inverse=True)

    def per(f: Any) -> np.ndarray:
        return np.array([f(vessels[int(u)]) for u in uv], dtype=object)[inv]

    df = pl.DataFrame(
        {
            "MMSI": pos.cols["mmsi"].astype(np.int64),
            "BaseDateTime": _iso_col(start, pos.cols["t"]),
            "LAT": np.round(pos.cols["lat"], 5),
            "LON": np.round(pos.cols["lon"], 5),
            "SOG": np.round(pos.cols["sog"], 1),
            "COG": np.round(pos.cols["cog"], 1),
            "Heading": pos.cols["heading"].astype(np.int64),
            "VesselName": per(lambda v: v.name).astype(str),
            "IMO": per(lambda v: f"IMO{v.imo}" if v.imo else "").astype(str),
            "CallSign": per(lambda v: v.callsign).astype(str),
            "VesselType": per(lambda v: v.ship_type).astype(np.int64),
            "Status": pos.cols["nav_status"].astype(np.int64),
            "Length": per(lambda v: v.length_m).astype(float),
            "Width": per(lambda v: v.beam_m).astype(float),
            "Draft": per(lambda v: v.draught_m if v.cls == "A" else np.nan).astype(float),
            "Cargo": per(lambda v: v.ship_type).astype(np.int64),
            "TransceiverClass": per(lambda v: v.cls).astype(str),
        },
        strict=False,
    )
    df = df.with_columns(pl.col("Draft").fill_nan(None))
    df.sort(["BaseDateTime", "MMSI"]).write_csv(path)
    return df.height


def _constant(text: str, n: int) -> pa.Array:
    codes = pa.array(np.zeros(n, np.int32))
    return pa.DictionaryArray.from_arrays(codes, pa.array([text])).cast(pa.string())


def write_parquet(out: Path, pos: Rows, st: Rows, start: datetime) -> None:
    """positions.parquet and static.parquet in the canonical schema (oiltrail.ais.schema)."""
    base = np.datetime64(start.replace(tzinfo=None), "us")
    ts = base + (pos.cols["t"].astype(np.int64) * 1_000_000).astype("timedelta64[us]")
    heading = pos.cols["heading"]
    tbl = pa.table(
        {
            "mmsi": pa.array(pos.cols["mmsi"], pa.uint32()),
            "ts": pa.array(ts, pa.timestamp("us")),
            "lat": pos.cols["lat"],
            "lon": pos.cols["lon"],
            "sog": pa.array(pos.cols["sog"].astype(np.float32)),
            "cog": pa.array(pos.cols["cog"].astype(np.float32)),
            "heading": pa.array(heading.astype(np.uint16), mask=heading == 511),
            "nav_status": pa.array(pos.cols["nav_status"], pa.uint8()),
            "source": _constant("simulated", len(pos)),
        },
        schema=POSITIONS,
    )
    order = np.lexsort((pos.cols["mmsi"], pos.cols["t"]))
    pq.write_table(tbl.take(order), out / "positions.parquet")
    sts = base + (st.cols["t"].astype(np.int64) * 1_000_000).astype("timedelta64[us]")
    stbl = pa.table(
        {
            "mmsi": pa.array(st.cols["mmsi"], pa.uint32()),
            "ts": pa.array(sts, pa.timestamp("us")),
            "imo": pa.array(st.cols["imo"], pa.uint32(), mask=st.cols["imo"] == 0),
            "name": pa.array(st.cols["name"].astype(str)),
            "callsign": pa.array(st.cols["callsign"].astype(str)),
            "ship_type": pa.array(st.cols["ship_type"], pa.uint8()),
            "length": pa.array(st.cols["length"].astype(np.float32)),
            "width": pa.array(st.cols["width"].astype(np.float32)),
            # class B (type 24) reports carry no draught
            "draught": pa.array(
                st.cols["draught"].astype(np.float32), mask=st.cols["draught"] <= 0
            ),
            "destination": pa.array(st.cols["destination"].astype(str)),
            "source": _constant("simulated", len(st)),
        },
        schema=STATIC,
    )
    pq.write_table(stbl.take(np.argsort(st.cols["t"], kind="stable")), out / "static.parquet")


def write_csv_rows(path: Path, rows: list[dict[str, Any]], columns: tuple[str, ...]) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(columns)
        for r in rows:
            w.writerow(["" if r.get(c) is None else r[c] for c in columns])


def write_truth(out: Path, events: list[dict[str, Any]], chains: list[dict[str, Any]]) -> None:
    write_csv_rows(out / "truth_events.csv", events, EVENT_COLUMNS)
    write_csv_rows(out / "truth_chains.csv", chains, CHAIN_COLUMNS)


def write_json(path: Path, data: dict[str, Any]) -> None:
    path.write_text(
        json.dumps(data, indent=2, sort_keys=False, default=str) + "\n", encoding="utf-8"
    )
