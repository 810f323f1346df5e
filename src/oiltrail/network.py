"""Through whom: Russian oil company -> Singapore trading company -> tanker -> DPRK.

The network the 2017 defector described, link by link from the public record: the sourced
FollowTheMoney links the bundled lists lack (`oiltrail/data/network.ftm.jsonl`: Independent
Petroleum Company and the Singapore companies that paid for its gasoil), the bundled OFAC list's
own "Linked To" records (Singapore operators and their tankers), and the tankers' designations
and documented ship-to-ship transfers with DPRK tankers. Every link carries its source.
"""

from __future__ import annotations

import csv
import re
from functools import cache
from importlib import resources
from typing import Any

from oiltrail.record import Cite, PublicRecord

OFAC_FILE = "oiltrail/data/watchlist/ofac_sdn_2021_vessels_and_dprk.csv"
LINKED_TO = re.compile(r"Linked To: ([^;]+?)\.?(?:;|$)")
# Singapore operators named in the public record (dprk_facts §6 and the bundled OFAC rows).
SINGAPORE = ("PTE", "SINGAPORE")
STAGES = ("oil company -> trader", "trader -> tanker", "tanker -> DPRK")


@cache
def _ofac_rows() -> tuple[tuple[int, list[str]], ...]:
    text = resources.files("oiltrail").joinpath(OFAC_FILE.removeprefix("oiltrail/"))
    rows = csv.reader(text.read_text(encoding="utf-8").splitlines())
    return tuple((n, r) for n, r in enumerate(rows, start=1) if len(r) >= 12)


def _norm(name: str) -> str:
    return re.sub(r"[^A-Z0-9]+", " ", name.upper()).strip()


def through_whom(record: PublicRecord) -> list[dict[str, Any]]:
    """The links, in the order of the flow, each with `stage`, `from`, `role`, `to`, `source`."""
    links: list[dict[str, Any]] = []
    names = {
        e["id"]: e["properties"]["name"][0] for e in record.network if e["schema"] != "UnknownLink"
    }
    traders: set[str] = set()
    for e in record.network:
        if e["schema"] != "UnknownLink":
            continue
        p = e["properties"]
        trader, company = names[p["subject"][0]], names[p["object"][0]]
        traders.add(_norm(trader))
        links.append(
            {
                "stage": STAGES[0],
                "from": f"{company} (Russia)",
                "role": f"sold gasoil for North Korea; {trader} {p['role'][0]} it",
                "to": f"{trader} (Singapore)",
                "when": p.get("startDate", [""])[0],
                "source": f"{p['summary'][0]} [{e['cite']}]",
                "in_bundled_lists": False,
            }
        )
    by_name = {_norm(r[1]): (n, r) for n, r in _ofac_rows()}
    tankers: list[str] = []
    for n, row in _ofac_rows():
        if row[2].strip().strip('"').lower() != "vessel":
            continue
        for target in LINKED_TO.findall(row[11]):
            owner = by_name.get(_norm(target))
            if owner is None or not any(w in _norm(target) for w in SINGAPORE):
                continue
            tankers.append(row[1])
            links.append(
                {
                    "stage": STAGES[1],
                    "from": f"{owner[1][1]} (Singapore)",
                    "role": "linked to (OFAC: operator) the tanker",
                    "to": row[1],
                    "when": "",
                    "source": f"OFAC SDN uid {row[0]} 'Linked To: {target}', program "
                    f"{row[3]} [{Cite(OFAC_FILE, n)}]",
                    "in_bundled_lists": True,
                }
            )
    for tanker in tankers:
        for case in record.sts_for([tanker]):
            other = case.vessel_a if case.vessel_b.upper() == tanker.upper() else case.vessel_b
            links.append(
                {
                    "stage": STAGES[2],
                    "from": tanker,
                    "role": f"ship-to-ship transfer ({case.area})",
                    "to": f"{other} (DPRK tanker)",
                    "when": case.date,
                    "source": str(case.cite),
                    "in_bundled_lists": True,
                }
            )
        for d in record.designated(tanker):
            links.append(
                {
                    "stage": STAGES[2],
                    "from": tanker,
                    "role": f"designated: {d.list}",
                    "to": "DPRK sanctions",
                    "when": d.date,
                    "source": str(d.cite),
                    "in_bundled_lists": True,
                }
            )
    for trader in sorted(traders):
        own = by_name.get(trader) or next(
            (v for k, v in by_name.items() if k.replace(" ", "") == trader.replace(" ", "")), None
        )
        if own is not None:
            n, row = own
            links.append(
                {
                    "stage": STAGES[1],
                    "from": f"{row[1]} (Singapore)",
                    "role": f"OFAC-designated (program {row[3]}); tanker not named in the record",
                    "to": "-",
                    "when": "",
                    "source": f"OFAC SDN uid {row[0]} [{Cite(OFAC_FILE, n)}]",
                    "in_bundled_lists": True,
                }
            )
    return links


def through_whom_text(record: PublicRecord) -> list[str]:
    """One line per link, for the dossier and the report."""
    out = []
    for x in through_whom(record):
        when = f", {x['when']}" if x["when"] else ""
        out.append(f"{x['stage']}: {x['from']} -> {x['to']} ({x['role']}{when}) — {x['source']}")
    return out


def links_for(record: PublicRecord, name: str) -> list[dict[str, Any]]:
    """The links that name `name` (a vessel or company, any case), for a dossier."""
    key = _norm(name)
    if not key:
        return []
    return [
        x
        for x in through_whom(record)
        if key in _norm(str(x["from"])).replace("SINGAPORE", "").replace("RUSSIA", "")
        or key in _norm(str(x["to"]))
    ]


def record_entity(record: PublicRecord, name: str) -> dict[str, Any] | None:
    """The sourced FollowTheMoney entity of the record with this name or alias, if any."""
    key = _norm(name)
    for e in record.network:
        if e["schema"] == "UnknownLink":
            continue
        p = e["properties"]
        if key in {_norm(n) for n in [*p.get("name", []), *p.get("alias", [])]}:
            return e
    return None
