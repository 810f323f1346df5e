"""The bundled DPRK designated-vessels CSV (`imo,name,former_names,flag,vessel_type,list,...`)."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from oiltrail.screen.readers.base import ReadResult, add, make_entity, slug

HEADER = ("imo", "name", "former_names", "flag", "vessel_type", "list", "designation_date")
LIST_NAME = "dprk_designated_vessels"


def _list_name(listed: str) -> str:
    low = listed.lower()
    if low.startswith("un1718"):
        return "un_1718_vessels"
    if low.startswith("ofac"):
        return "us_ofac_sdn"
    return "us_advisory_2019_dprk_tankers" if "advisory" in low else slug(listed)


def read_dprk_vessels(text: str, path: Path) -> tuple[ReadResult, dict[str, list[str]]]:
    """Vessels, and each vessel id's list names (a row's `list` column, e.g. UN1718)."""
    result = ReadResult(path, "dprk_vessels_csv", LIST_NAME)
    lists: dict[str, list[str]] = {}
    for line, row in enumerate(csv.DictReader(io.StringIO(text)), start=2):
        name = (row.get("name") or "").strip()
        if not name or None in row:
            result.skip(line, "unparseable:no name" if not name else "truncated")
            continue
        imo = (row.get("imo") or "").strip()
        vessel = make_entity("Vessel", f"dprk-vessel-{imo or slug(name)}")
        add(vessel, "name", name)
        add(vessel, "imoNumber", f"IMO{imo}" if imo else None)
        for former in (row.get("former_names") or "").replace(";", "/").split("/"):
            add(vessel, "previousName", re.sub(r"\(.*$", "", former))  # "KUM UN SAN 3 (aka)"
        add(vessel, "flag", row.get("flag"))
        add(vessel, "type", row.get("vessel_type"))
        listed = (row.get("list") or "").strip()
        add(vessel, "program", listed)
        add(vessel, "sourceUrl", (row.get("source") or "").split(" ; ")[0])
        if "not a designation" not in listed.lower():
            add(vessel, "topics", "sanction")
        else:
            add(vessel, "notes", listed)
        assert vessel.id
        lists.setdefault(vessel.id, []).append(_list_name(listed))
        result.entities.append(vessel)
    return result, lists
