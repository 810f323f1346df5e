"""What both engines share: the report of a detect run, and the `Engine` protocol.

`oiltrail.engines.local.detect` and `oiltrail.engines.spark_store.detect` both implement
`Engine`; the CLI picks one. A leaf of the engines package (no cycle between the engines).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Protocol

import pyarrow as pa

from oiltrail.detect.params import DetectParams
from oiltrail.reference.ports import BUNDLED_ORIGIN
from oiltrail.store.catalog import Store
from oiltrail.store.events import kind_counts as kind_counts  # the engines report with it


@dataclass
class DetectReport:
    """What a detect run did. `written` counts per kind what this run wrote; `events` counts
    per kind the whole store after the run (an incremental run writes only part of it)."""

    run_id: str
    full: bool
    window_start: datetime | None
    positions_read: int
    vessels: int
    events_written: int
    events: dict[str, int] = field(default_factory=dict)
    simulated: bool = False
    written: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        if self.full:
            mode = "full run"
        elif self.window_start is None:
            mode = "no new positions"
        else:
            mode = f"incremental from {self.window_start:%Y-%m-%d %H:%M}"
        sim = " [SIMULATED DATA]" if self.simulated else ""
        wrote = f"wrote {self.events_written:,} events{_breakdown(self.written)}"
        total = sum(self.events.values())
        held = (
            ""
            if self.written == self.events
            else (f"; the store holds {total:,} events{_breakdown(self.events)}")
        )
        return (
            f"detect {self.run_id}: {mode}; read {self.positions_read:,} positions of "
            f"{self.vessels:,} vessels; {wrote}{held}{sim}"
        )


def _breakdown(counts: dict[str, int]) -> str:
    return f" ({', '.join(f'{k} {v:,}' for k, v in counts.items())})" if counts else ""


class Engine(Protocol):
    """Detect events in the store's positions and write them, with the ports used."""

    def __call__(
        self,
        store: Store,
        params: DetectParams | None = None,
        kinds: Sequence[str] | None = None,
        since: str | date | None = None,
        until: str | date | None = None,
        ports: Path | pa.Table | None = None,
        *,
        ports_from: str | None = None,
    ) -> DetectReport: ...


def describe_ports(ports: Path | pa.Table | None) -> str:
    """Where a run's ports came from, for its run record and the store's reference_sets."""
    if ports is None:
        return BUNDLED_ORIGIN
    return str(ports) if isinstance(ports, Path) else "table given by the caller"
