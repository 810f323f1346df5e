"""Behaviour detection kernels (docs/events.md): engine-free, pure functions over Arrow tables.

The seam every engine calls (see `kernels.py` for the partitioning contract):

- `run_vessel_kernels(positions, static_reports, ports, params, kinds) -> events`
  per-vessel kinds (port_visit, loitering, gap, spoofing) on a vessel partition, and the
  static kinds (identity_change, draught_change) on the static reports given.
- `resample_partition(positions, params) -> samples` (10-min grid, for encounters).
- `run_cell_kernel(samples_in_cell, params, home=None) -> adjacency` (close pairs per instant).
- `run_pair_kernel(adjacency, ports, params) -> events` (encounters per vessel pair).

Inputs use the canonical columns of `oiltrail.ais.schema`; outputs the `ids.EVENTS` schema
with stable ids. Parameters are the frozen `params.DetectParams`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from oiltrail.ais.schema import EVENTS
    from oiltrail.detect.ids import event_id
    from oiltrail.detect.kernels import (
        resample_partition,
        run_cell_kernel,
        run_pair_kernel,
        run_vessel_kernels,
    )
    from oiltrail.detect.params import DetectParams, load_params, parse_kinds
    from oiltrail.kinds import KINDS

# Imported when first asked for: `events` reads only detect.params, and the kernels' modules
# import polars and numba (0.3 s of its start; docs/performance.md).
_HOMES = {
    "EVENTS": "oiltrail.ais.schema",
    "KINDS": "oiltrail.kinds",
    "DetectParams": "oiltrail.detect.params",
    "event_id": "oiltrail.detect.ids",
    "load_params": "oiltrail.detect.params",
    "parse_kinds": "oiltrail.detect.params",
    "resample_partition": "oiltrail.detect.kernels",
    "run_cell_kernel": "oiltrail.detect.kernels",
    "run_pair_kernel": "oiltrail.detect.kernels",
    "run_vessel_kernels": "oiltrail.detect.kernels",
}


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(_HOMES[name]), name)


__all__ = [
    "EVENTS",
    "KINDS",
    "DetectParams",
    "event_id",
    "load_params",
    "parse_kinds",
    "resample_partition",
    "run_cell_kernel",
    "run_pair_kernel",
    "run_vessel_kernels",
]
