"""The store's own findings beside a claim: reported apart from the verdict, labelled.

A verdict about a real statement rests on the public record only (`oiltrail.claims.judge`);
what oiltrail found in the store's AIS data (chains, encounters of the ships a claim names) is
listed with each claim under `store_findings`, and says SIMULATED when the store was made by
`oiltrail simulate`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import duckdb

if TYPE_CHECKING:
    from oiltrail.claims.judge import Claim, Period

MAX_LISTED = 6


@dataclass(frozen=True)
class StoreFindings:
    chains: tuple[dict[str, Any], ...] = ()
    simulated: bool = False
    present: bool = False
    mmsi_by_name: dict[str, tuple[int, ...]] = field(default_factory=dict)
    events: tuple[tuple[str, str, int, int | None, datetime], ...] = ()

    @classmethod
    def read(cls, store: Any) -> StoreFindings:
        if store is None:
            return cls()
        from oiltrail.store.chains import read_chains
        from oiltrail.store.reads import mmsis_by_name, pair_events

        try:
            chains = tuple(read_chains(store) or ())
            names = mmsis_by_name(store)
            events = tuple(pair_events(store))
        except duckdb.Error:  # a store without these tables has no findings, not an error
            return cls(present=True, simulated=bool(getattr(store, "simulated", False)))
        return cls(
            chains=chains,
            simulated=bool(getattr(store, "simulated", False)),
            present=True,
            mmsi_by_name=names,
            events=events,
        )

    @property
    def label(self) -> str:
        if self.simulated:
            return (
                "SIMULATED store finding (data made by `oiltrail simulate`; "
                "not part of the verdict)"
            )
        return "store finding (AIS data in the store; not part of the verdict)"

    def about(self, claim: Claim, period: Period | None) -> list[str]:
        """Lines for one claim: the named ships' encounters, else the period's chains."""
        if not self.present:
            return []
        if claim.vessels:
            return self._ships(claim.vessels, period)
        mine = [c for c in self.chains if _in(_year(c), period)]
        if not mine:
            span = period.text if period else "any year"
            return [f"{self.label}: no delivery chain in the store for {span}"]
        ids = ", ".join(str(c["chain_id"]) for c in mine[:MAX_LISTED])
        more = f" and {len(mine) - MAX_LISTED} more" if len(mine) > MAX_LISTED else ""
        mid = sum(float(c.get("barrels_mid") or 0) for c in mine)
        return [
            f"{self.label}: {len(mine)} delivery chain(s) ({ids}{more}), about {mid:,.0f} bbl "
            "(mid estimate)"
        ]

    def _ships(self, vessels: tuple[str, ...], period: Period | None) -> list[str]:
        found = {v: self.mmsi_by_name.get(v.upper(), ()) for v in vessels}
        unknown = [v for v, ms in found.items() if not ms]
        if unknown:
            return [f"{self.label}: no ship named {', '.join(unknown)} in the store"]
        sets = [set(ms) for ms in found.values()]
        hits = []
        for eid, kind, m, o, start in self.events:
            if not _in(start.year, period):
                continue
            pair = {m, o}
            if all(pair & s for s in sets) if len(sets) > 1 else pair & sets[0]:
                hits.append(f"{kind} {eid} on {start:%Y-%m-%d}")
        names = " and ".join(vessels)
        if not hits:
            return [f"{self.label}: no encounter of {names} in the store"]
        return [f"{self.label}: {names}: " + "; ".join(hits[:MAX_LISTED])]


def _year(chain: dict[str, Any]) -> int | None:
    for key in ("arrival", "load_start"):
        value = chain.get(key)
        if isinstance(value, datetime | date):
            return value.year
    return None


def _in(year: int | None, period: Period | None) -> bool:
    if year is None:
        return False
    return period is None or period.start[0] <= year <= period.end[0]
