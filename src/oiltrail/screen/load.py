"""`oiltrail lists load`: read list files, merge their entities into the store, all or none."""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException
from followthemoney import model
from followthemoney.exc import InvalidData

from oiltrail.errors import InputFormatError, NotFoundError, UsageError
from oiltrail.screen.index import is_stub
from oiltrail.screen.normalize import normalize_name
from oiltrail.screen.readers.base import ReadResult, decode
from oiltrail.screen.readers.dprk_csv import HEADER as DPRK_HEADER
from oiltrail.screen.readers.dprk_csv import read_dprk_vessels
from oiltrail.screen.readers.ftm import read_ftm_lines
from oiltrail.screen.readers.ofac_csv import SDN_COLUMNS, read_ofac_csv
from oiltrail.screen.readers.ofac_xml import read_ofac_xml
from oiltrail.screen.readers.un import read_un_xml
from oiltrail.store import Store
from oiltrail.store.lists import (
    count_entities,
    delete_files,
    ensure_lists_tables,
    file_rows,
    insert_file_rows,
    loaded_files,
    record_file,
    replace_entities,
)

MAX_LIST_BYTES = 2_000_000_000  # refuse anything larger than any published list
_COMPANION_NAMES = {"add.csv": "add", "alt.csv": "alt", "sdn_comments.csv": "comments"}


@dataclass
class FileReport:
    path: str
    fmt: str
    list_name: str
    entities: int
    skipped: int
    already_loaded: bool = False
    list_date: str = ""
    skip_reasons: dict[str, int] = field(default_factory=dict)
    replaces: list[str] = field(default_factory=list)  # files of the same source and name


@dataclass
class LoadReport:
    """What a load did: `entities_before` - `dropped` (with replaced lists) + `read` -
    `merged` (the same entity by id or IMO number) = `entities_total`."""

    files: list[FileReport] = field(default_factory=list)
    entities_total: int = 0
    entities_before: int = 0
    read: int = 0
    merged: int = 0
    dropped: int = 0


@dataclass
class _Parsed:
    result: ReadResult
    file_hash: str
    lists_by_id: dict[str, list[str]] = field(default_factory=dict)


def _read_bytes(path: Path) -> bytes:
    if not path.is_file():
        raise NotFoundError(f"no such list file: {path}")
    if path.stat().st_size > MAX_LIST_BYTES:
        raise InputFormatError(f"{path}: larger than {MAX_LIST_BYTES} bytes")
    raw = path.read_bytes()
    if not raw.strip():
        raise InputFormatError(f"{path}: empty file")
    return raw


def _parse_xml(text: str, path: Path) -> Element:
    try:
        root: Element = SafeET.fromstring(text.encode("utf-8"), forbid_dtd=True)
    except DefusedXmlException as exc:
        raise InputFormatError(f"{path}: refused hostile XML ({type(exc).__name__})") from exc
    except ParseError as exc:
        raise InputFormatError(f"{path}: malformed XML: {exc}") from exc
    except (LookupError, ValueError) as exc:  # an unknown encoding in the XML declaration
        raise InputFormatError(f"{path}: malformed XML: {exc}") from exc
    return root


def _csv_kind(text: str) -> str:
    """sdn | add | alt | comments | dprk, from the first line's shape."""
    import csv
    import io

    first = next(csv.reader(io.StringIO(text)), [])
    if tuple(c.strip().lower() for c in first[: len(DPRK_HEADER)]) == DPRK_HEADER:
        return "dprk"
    width = len(first)
    if width >= SDN_COLUMNS:
        return "sdn"
    return {6: "add", 5: "alt", 2: "comments"}.get(width, "unknown")


def _parse_file(path: Path, raw: bytes, siblings: dict[str, str]) -> _Parsed:
    file_hash = hashlib.sha256(raw).hexdigest()
    text = decode(raw, path)
    head = text.lstrip()[:1]
    if head == "<":
        root = _parse_xml(text, path)
        tag = root.tag.rsplit("}", 1)[-1]
        if tag == "CONSOLIDATED_LIST":
            return _Parsed(read_un_xml(root, path), file_hash)
        if tag == "Sanctions":
            return _Parsed(read_ofac_xml(root, path), file_hash)
        raise InputFormatError(f"{path}: XML root <{tag}> is neither a UN nor an OFAC list")
    if head in "{[":
        result, lists = read_ftm_lines(text, path)
        return _Parsed(result, file_hash, lists)
    kind = _csv_kind(text)
    if kind == "dprk":
        result, lists = read_dprk_vessels(text, path)
        return _Parsed(result, file_hash, lists)
    if kind == "sdn":
        return _Parsed(read_ofac_csv(text, path, siblings), file_hash)
    raise InputFormatError(f"{path}: not a list format oiltrail reads (UN/OFAC XML, OFAC CSV, FtM)")


def _companions(paths: list[Path]) -> tuple[list[Path], dict[str, str]]:
    """Split OFAC add/alt/comments CSVs from the main files; find them beside sdn.csv too."""
    main: list[Path] = []
    companions: dict[str, str] = {}
    for path in paths:
        raw = _read_bytes(path)
        text = decode(raw, path)
        kind = "" if text.lstrip()[:1] in "<{[" else _csv_kind(text)
        if kind in ("add", "alt", "comments"):
            companions[kind] = text
        else:
            main.append(path)
    for path in main:
        for name, kind in _COMPANION_NAMES.items():
            sibling = path.parent / name
            if kind not in companions and path.name == "sdn.csv" and sibling.is_file():
                companions[kind] = decode(sibling.read_bytes(), sibling)
    if companions and not main:
        raise UsageError("OFAC add/alt/comments files need their sdn.csv in the same load")
    return main, companions


def _merge(rows: dict[str, dict[str, Any]], row: dict[str, Any]) -> None:
    old = rows.get(row["id"])
    if old is None:
        rows[row["id"]] = row
        return
    props: dict[str, list[str]] = defaultdict(list)
    for source in (old["properties"], row["properties"]):
        for prop, values in source.items():
            props[prop].extend(v for v in values if v not in props[prop])
    old.update(
        schema=_common_schema(old["schema"], row["schema"]),
        properties=dict(props),
        datasets=sorted(set(old["datasets"]) | set(row["datasets"])),
    )


def _common_schema(a: str, b: str) -> str:
    if a == b:
        return a
    try:
        return str(model.common_schema(a, b).name)
    except InvalidData:
        return a


def _to_rows(parsed: _Parsed) -> list[dict[str, Any]]:
    rows = []
    for entity in parsed.result.entities:
        data = entity.to_dict()
        lists = parsed.lists_by_id.get(str(entity.id)) or [parsed.result.list_name]
        rows.append(
            {
                "id": data["id"],
                "schema": data["schema"],
                "caption": entity.caption,
                "datasets": sorted(set(lists)),
                "properties": data["properties"],
            }
        )
    return rows


def _imo_key(row: dict[str, Any]) -> str | None:
    if row["schema"] != "Vessel":
        return None
    imos = row["properties"].get("imoNumber") or []
    return str(imos[0]) if imos else None


def _name_key(row: dict[str, Any]) -> str:
    forms = normalize_name((row["properties"].get("name") or [""])[0])
    return forms[0].joined if forms else ""


def _dedupe_vessels(rows: list[dict[str, Any]], existing: list[dict[str, Any]]) -> dict[str, str]:
    """Map vessel ids onto the vessel already holding the same ship.

    The same IMO number is the same ship. A listed vessel with no IMO number (news-sourced
    UN designations) is the ship of the one vessel with an IMO number and exactly the same
    normalised name, when there is exactly one; stubs named in remarks are left to the graph.
    """
    vessels = [r for r in [*existing, *rows] if r["schema"] == "Vessel" and not is_stub(r)]
    first_by_imo: dict[str, str] = {}
    for row in vessels:
        imo = _imo_key(row)
        if imo is not None:
            first_by_imo.setdefault(imo, row["id"])
    with_imo_by_name: dict[str, set[str]] = defaultdict(set)
    for row in vessels:
        imo = _imo_key(row)
        if imo is not None:
            with_imo_by_name[_name_key(row)].add(first_by_imo[imo])
    remap: dict[str, str] = {}
    for row in rows:
        if row["schema"] != "Vessel" or is_stub(row):
            continue
        imo = _imo_key(row)
        if imo is not None and first_by_imo[imo] != row["id"]:
            remap[row["id"]] = first_by_imo[imo]
        elif imo is None:
            same = with_imo_by_name.get(_name_key(row), set())
            if len(same) == 1:
                remap[row["id"]] = next(iter(same))
    return remap


def _apply_remap(row: dict[str, Any], remap: dict[str, str]) -> dict[str, Any]:
    schema = model.get(row["schema"])
    props = row["properties"]
    if schema is not None:
        for name, values in props.items():
            prop = schema.properties.get(name)
            if prop is not None and prop.type.name == "entity":
                props[name] = [remap.get(v, v) for v in values]
    row["id"] = remap.get(row["id"], row["id"])
    return row


def list_date(result: ReadResult) -> str:
    """The date a list gives itself, else one its file name gives ("..._2021_..." or
    "..._2026-02-27_..."), else ''."""
    if result.list_date:
        return result.list_date
    found = _DATE_IN_NAME_RE.search(Path(result.path).name)
    return f"{found.group(1)} snapshot" if found else ""


_DATE_IN_NAME_RE = re.compile(r"(?<!\d)((?:19|20)\d\d(?:-\d\d-\d\d)?)(?!\d)")


def _fresh_copy(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [json.loads(json.dumps(r)) for r in rows]  # _merge changes rows in place


def merge_files(files: list[list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """The lists' entities from each file's own rows, in load order: the same id merges,
    and the same ship (IMO number, or a unique name) merges into the vessel holding it."""
    merged: dict[str, dict[str, Any]] = {}
    for rows in files:
        rows = _fresh_copy(rows)
        existing = [r for r in merged.values() if r["schema"] == "Vessel"]
        remap = _dedupe_vessels(rows, existing)
        for row in rows:
            _merge(merged, _apply_remap(row, remap))
    return list(merged.values())


def _kept_rows(store: Store, files: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    old = [f["path"] for f in files if not f["has_rows"]]
    if old:
        raise UsageError(
            f"the lists in this store were loaded by an older oiltrail ({old[0]}): run "
            "`oiltrail lists reset`, then load the files again"
        )
    return [file_rows(store, f["file_hash"]) for f in files]


def load_lists(
    store: Store, paths: list[Path], reset: bool = False, bundled_first: list[Path] | None = None
) -> LoadReport:
    """Load list files into the store in one transaction: all of them, or none on error.

    A file of the same source (format) and list name as a loaded one replaces it; a file
    loaded before (the same content) is left as it is.

    Args:
        store: the open store.
        paths: UN XML, OFAC CSV (sdn.csv with add/alt/sdn_comments) or XML, FtM JSON lines,
            or the DPRK vessels CSV; the format is detected from the content.
        reset: forget every loaded list first (`lists reset`).
        bundled_first: files loaded before `paths` in the same transaction when the store
            holds no list yet (the bundled watchlist, which a load adds to).

    Returns:
        Per-file counts of entities and skipped records, and how the totals add up.
    """
    if not paths:
        raise UsageError("give at least one list file")
    ensure_lists_tables(store)
    parsed = []
    if bundled_first and count_entities(store) == 0:
        first, first_companions = _companions(bundled_first)
        parsed = [_parse_file(p, _read_bytes(p), first_companions) for p in first]
    n_bundled = len(parsed)
    main, companions = _companions(paths)
    parsed += [_parse_file(p, _read_bytes(p), companions) for p in main]
    loaded = [] if reset else loaded_files(store)
    hashes = {f["file_hash"] for f in loaded}
    fresh = [p for p in parsed if p.file_hash not in hashes]
    # A given file replaces a bundled one of the same source and name; the given files of
    # one load never replace each other (a list may come in several files).
    given = {(p.result.fmt, p.result.list_name) for p in parsed[n_bundled:]}
    superseded = [p for p in parsed[:n_bundled] if (p.result.fmt, p.result.list_name) in given]
    parsed = [p for p in parsed if p not in superseded]
    fresh = [p for p in fresh if p not in superseded]
    sources = {(p.result.fmt, p.result.list_name) for p in fresh}
    replaced = [f for f in loaded if (f["format"], f["list_name"]) in sources]
    kept = [f for f in loaded if f not in replaced]
    report = LoadReport(entities_before=count_entities(store))
    for p in parsed:
        r = p.result
        report.files.append(
            FileReport(
                str(r.path),
                r.fmt,
                r.list_name,
                len(r.entities),
                len(r.skips),
                already_loaded=p not in fresh,
                list_date=list_date(r),
                skip_reasons=dict(Counter(reason for _, reason in r.skips).most_common()),
                replaces=[
                    f"{f['path']} ({f['loaded_at'][:19]})"
                    for f in replaced
                    if (f["format"], f["list_name"]) == (r.fmt, r.list_name)
                ]
                + [
                    f"{o.result.path} (bundled, not loaded)"
                    for o in superseded
                    if (o.result.fmt, o.result.list_name) == (r.fmt, r.list_name)
                ],
            )
        )
    if not fresh and not reset:
        report.entities_total = report.entities_before
        return report
    kept_rows = _kept_rows(store, kept)
    fresh_rows = [_to_rows(p) for p in fresh]
    without = merge_files(kept_rows)
    entities = merge_files([*kept_rows, *fresh_rows])
    report.read = sum(len(rows) for rows in fresh_rows)
    report.dropped = report.entities_before - len(without)
    report.merged = len(without) + report.read - len(entities)
    with store.transaction():
        delete_files(store, [f["file_hash"] for f in (loaded_files(store) if reset else replaced)])
        for p, rows in zip(fresh, fresh_rows, strict=True):
            insert_file_rows(store, p.file_hash, rows)
        replace_entities(store, entities)
        for p in fresh:
            r = p.result
            record_file(
                store,
                p.file_hash,
                str(r.path),
                r.fmt,
                r.list_name,
                len(r.entities),
                r.skips,
                list_date(r),
            )
    report.entities_total = count_entities(store)
    return report


def remove_list(store: Store, name: str) -> LoadReport:
    """Forget every file of the list `name` (or the file at path `name`) and rebuild the
    entities from the other files, in one transaction."""
    loaded = loaded_files(store)
    gone = [f for f in loaded if name in (f["list_name"], f["path"], Path(f["path"]).name)]
    if not gone:
        names = ", ".join(sorted({f["list_name"] for f in loaded})) or "none"
        raise NotFoundError(f"no loaded list {name!r} (loaded: {names})")
    report = LoadReport(entities_before=count_entities(store))
    entities = merge_files(_kept_rows(store, [f for f in loaded if f not in gone]))
    with store.transaction():
        delete_files(store, [f["file_hash"] for f in gone])
        replace_entities(store, entities)
    report.entities_total = count_entities(store)
    report.dropped = report.entities_before - report.entities_total
    report.files = [
        FileReport(f["path"], f["format"], f["list_name"], f["entities"], f["skipped"])
        for f in gone
    ]
    return report


def describe_load(report: LoadReport) -> list[str]:
    """What `lists load` says: per file, then how the totals add up."""
    lines = []
    for f in report.files:
        date = f" ({f.list_date})" if f.list_date else " (undated)"
        if f.already_loaded:
            lines.append(f"{f.path}: {f.fmt} ({f.list_name}){date}: already loaded, unchanged")
            continue
        why = ", ".join(f"{n} {r}" for r, n in f.skip_reasons.items())
        skipped = f"{f.skipped} skipped" + (f" ({why})" if why else "")
        lines.append(f"{f.path}: {f.fmt} ({f.list_name}){date}: {f.entities} entities, {skipped}")
        lines.extend(f"  replaces {old}: same source and list name" for old in f.replaces)
    if report.read or report.dropped:
        lines.append(
            f"lists held {report.entities_before} entities; {report.dropped} went with replaced "
            f"lists, {report.read} read, {report.merged} merged into entities already held (same "
            f"id or IMO number): lists now hold {report.entities_total} entities"
        )
    else:
        lines.append(f"lists hold {report.entities_total} entities")
    return lines
