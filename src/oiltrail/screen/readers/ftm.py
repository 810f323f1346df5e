"""FollowTheMoney / OpenSanctions JSON lines → entities (edges such as Ownership included)."""

from __future__ import annotations

import json
from pathlib import Path

from followthemoney import model
from followthemoney.exc import InvalidData

from oiltrail.screen.readers.base import Entity, ReadResult, make_entity

LIST_NAME = "ftm"
# An OpenSanctions entity line is at most a few hundred kilobytes (long sanction programmes and
# address lists); a longer line is not an entity but a damaged or hostile file, counted skip.
MAX_LINE_CHARS = 8 << 20


class _BadLine(Exception):
    """A JSON line that is not an entity: the message is the skip reason."""


def _entity(data: object) -> tuple[Entity, list[str]]:
    """The entity of one parsed line and its `datasets`; _BadLine when it is not one."""
    if not isinstance(data, dict) or not data.get("id") or not data.get("schema"):
        raise _BadLine("unparseable:no id or schema")
    if not isinstance(data["id"], str | int) or not isinstance(data["schema"], str):
        raise _BadLine("unparseable:id or schema is not text")
    schema = model.get(data["schema"])
    if schema is None:
        raise _BadLine(f"unknown_schema:{data['schema'][:40]}")
    props = data.get("properties") or {}
    if not isinstance(props, dict):
        raise _BadLine("unparseable:properties is not an object")
    datasets = data.get("datasets") or []
    if not isinstance(datasets, list):
        raise _BadLine("unparseable:datasets is not a list")
    entity = make_entity(schema.name, str(data["id"]))
    for prop, values in props.items():
        if prop not in schema.properties:
            continue
        for value in values if isinstance(values, list) else [values]:
            if isinstance(value, dict | list):  # not a property value
                continue
            try:
                entity.add(prop, value if isinstance(value, str) else str(value), quiet=True)
            except InvalidData:
                continue
    return entity, [str(d) for d in datasets if isinstance(d, str)]


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
        if len(line) > MAX_LINE_CHARS:
            result.skip(line_no, f"unparseable:line longer than {MAX_LINE_CHARS} characters")
            continue
        try:
            data = json.loads(line)
        except (json.JSONDecodeError, RecursionError):  # RecursionError: nesting too deep
            result.skip(line_no, "unparseable:not JSON")
            continue
        try:
            entity, datasets = _entity(data)
        except _BadLine as exc:
            result.skip(line_no, str(exc))
            continue
        if datasets:
            lists[str(entity.id)] = datasets
        names.update(datasets)
        result.entities.append(entity)
    if len(names) == 1:
        result.list_name = names.pop()
    return result, lists
