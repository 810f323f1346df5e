"""The ownership graph: list entities as nodes; Ownership, Directorship, UnknownLink edges,
vessel owner/operator properties and OFAC `Linked To:` remarks as links.

Parties named only in free text (stubs) are resolved to the listed entity with the same
normalised name, so "Linked To: KOREA ACHIM SHIPPING CO." reaches the listed company.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from oiltrail.screen.index import is_stub
from oiltrail.screen.normalize import normalize_name
from oiltrail.screen.schemata import related
from oiltrail.store.lists import cached_by_lists

# Edge schema → (from property, to property); the graph is walked in both directions.
EDGE_ENDS = {
    "Ownership": ("owner", "asset"),
    "Directorship": ("director", "organization"),
    "UnknownLink": ("subject", "object"),
    "Associate": ("person", "associate"),
    "Family": ("person", "relative"),
}
# Entity properties that are links themselves (FtM Vessel.owner / operator, Company.parent):
# property → (label from the entity, label back to it).
LINK_PROPS = {
    "owner": ("owned by", "owns"),
    "operator": ("operated by", "operates"),
    "parent": ("subsidiary of", "parent of"),
}


@dataclass(frozen=True)
class Node:
    id: str
    schema: str
    caption: str
    datasets: tuple[str, ...]
    sanctioned: bool
    program: tuple[str, ...]


@dataclass
class Graph:
    """Adjacency lists: node id → [(neighbour id, label)]."""

    nodes: dict[str, Node] = field(default_factory=dict)
    adjacent: dict[str, list[tuple[str, str]]] = field(default_factory=lambda: defaultdict(list))

    def link(self, a: str, b: str, forward: str, backward: str) -> None:
        """a —forward→ b, and b —backward→ a."""
        if a == b or a not in self.nodes or b not in self.nodes:
            return
        if (b, forward) not in self.adjacent[a]:
            self.adjacent[a].append((b, forward))
            self.adjacent[b].append((a, backward))


def _key(name: str) -> str:
    forms = normalize_name(name)
    return forms[0].joined if forms else ""


def _node(row: dict[str, Any]) -> Node:
    props = row["properties"]
    return Node(
        id=row["id"],
        schema=row["schema"],
        caption=row["caption"] or row["id"],
        datasets=tuple(row["datasets"]),
        sanctioned="sanction" in props.get("topics", []),
        program=tuple(props.get("program", [])),
    )


def _compatible(stub_schema: str, schema: str) -> bool:
    return related(stub_schema, schema)


def _resolve_stubs(rows: list[dict[str, Any]]) -> dict[str, str]:
    """Stub id → id of the listed entity with the same normalised name (designated first)."""
    by_key: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        if row["schema"] in EDGE_ENDS or is_stub(row):
            continue
        for name in row["properties"].get("name", []) + row["properties"].get("alias", []):
            by_key[_key(name)].append(row)
    resolved: dict[str, str] = {}
    for row in rows:
        if not is_stub(row):
            continue
        for name in row["properties"].get("name", []):
            found = [
                r for r in by_key.get(_key(name), []) if _compatible(row["schema"], r["schema"])
            ]
            found.sort(key=lambda r: ("sanction" not in r["properties"].get("topics", []), r["id"]))
            if found:
                resolved[row["id"]] = found[0]["id"]
    return resolved


def _edge_labels(schema: str, role: str) -> tuple[str, str]:
    role = role.strip().lower()
    if schema == "Ownership":
        return "owns", "owned by"
    if schema == "Directorship":
        return "director of", "has director"
    if role in ("manager", "operator"):
        return f"{role} of", f"has {role}"
    return role or "linked to", role or "linked to"


def build_graph(rows: list[dict[str, Any]]) -> Graph:
    """The graph of list entities `rows` (as `store.lists.read_entities` returns them)."""
    resolved = _resolve_stubs(rows)
    graph = Graph()
    for row in rows:
        if row["schema"] not in EDGE_ENDS and row["id"] not in resolved:
            graph.nodes[row["id"]] = _node(row)
    for row in rows:
        props = row["properties"]
        ends = EDGE_ENDS.get(row["schema"])
        if ends is not None:
            forward, backward = _edge_labels(row["schema"], (props.get("role") or [""])[0])
            for a in props.get(ends[0], []):
                for b in props.get(ends[1], []):
                    graph.link(resolved.get(a, a), resolved.get(b, b), forward, backward)
            continue
        for prop, (forward, backward) in LINK_PROPS.items():
            for target in props.get(prop, []):
                src = resolved.get(row["id"], row["id"])
                graph.link(src, resolved.get(target, target), forward, backward)
    return graph


# The graph of the store's lists, rebuilt only when the lists changed.
get_graph = cached_by_lists(build_graph)
