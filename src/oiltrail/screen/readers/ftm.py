"""FollowTheMoney / OpenSanctions JSON lines → entities (edges such as Ownership included)."""

from __future__ import annotations

import json
from pathlib import Path

from followthemoney import model
from followthemoney.exc import InvalidData

from oiltrail.screen.readers.base import ReadResult, make_entity

LIST_NAME = "ftm"


def read_ftm_lines(text: str, path: Path) -> tuple[ReadResult, dict[str, list[str]]]:
    """One entity per line; bad lines and unknown schemata are counted skips.

    Returns:
        The entities, and each entity's own `datasets` (OpenSanctions exports carry them).
    """
    result = ReadResult(path, "ftm_json", LIST_NAME)
    names: set[str] = set()
    lists: dict[str, list[str]] = {}
    for line_no, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError:
            result.skip(line_no, "unparseable:not JSON")
            continue
        if not isinstance(data, dict) or not data.get("id") or not data.get("schema"):
            result.skip(line_no, "unparseable:no id or schema")
            continue
        schema = model.get(str(data["schema"]))
        if schema is None:
            result.skip(line_no, f"unknown_schema:{str(data['schema'])[:40]}")
            continue
        entity = make_entity(schema.name, str(data["id"]))
        props = data.get("properties") or {}
        if not isinstance(props, dict):
            result.skip(line_no, "unparseable:properties is not an object")
            continue
        for prop, values in props.items():
            if prop not in schema.properties:
                continue
            for value in values if isinstance(values, list) else [values]:
                try:
                    entity.add(prop, value if isinstance(value, str) else str(value), quiet=True)
                except InvalidData:
                    continue
        datasets = [str(d) for d in data.get("datasets") or [] if isinstance(d, str)]
        if datasets:
            lists[str(entity.id)] = datasets
        names.update(datasets)
        result.entities.append(entity)
    if len(names) == 1:
        result.list_name = names.pop()
    return result, lists
