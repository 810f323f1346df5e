"""Paths from an entity to sanctioned parties, with hop counts, and a vessel's risk."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from oiltrail.graph.build import Graph, get_graph
from oiltrail.store import Store

MAX_HOPS = 3  # ownership chains beyond three links say little about control
HOP_DECAY = 0.8  # each link between a ship and a sanctioned party weakens the inference


@dataclass(frozen=True)
class Path:
    """A walk from a start node to a sanctioned node: node ids and the link labels between."""

    nodes: tuple[str, ...]
    labels: tuple[str, ...]

    @property
    def hops(self) -> int:
        return len(self.labels)

    @property
    def target(self) -> str:
        return self.nodes[-1]


def paths_to_sanctioned(graph: Graph, start: str, max_hops: int = MAX_HOPS) -> list[Path]:
    """Shortest path to every sanctioned node within `max_hops` (0 hops: start is listed)."""
    if start not in graph.nodes:
        return []
    found: list[Path] = []
    seen = {start}
    queue: deque[Path] = deque([Path((start,), ())])
    while queue:
        path = queue.popleft()
        if graph.nodes[path.target].sanctioned:
            found.append(path)
        if path.hops >= max_hops:
            continue
        for neighbour, label in sorted(graph.adjacent.get(path.target, [])):
            if neighbour not in seen:
                seen.add(neighbour)
                queue.append(Path((*path.nodes, neighbour), (*path.labels, label)))
    return found


def describe(graph: Graph, path: Path) -> str:
    """`YU JONG 2 —owned by→ KOREA ... (us_ofac_sdn)`."""
    parts = [graph.nodes[path.nodes[0]].caption]
    for label, node in zip(path.labels, path.nodes[1:], strict=True):
        parts.append(f" —{label}→ {graph.nodes[node].caption}")
    target = graph.nodes[path.target]
    return "".join(parts) + f" [{'; '.join(target.datasets)}]"


def vessel_risk(
    store: Store, entity_id: str, match_score: float, graph: Graph | None = None
) -> tuple[float, str]:
    """Risk in [0, 1] of a vessel matched to `entity_id`, and the path that makes it risky.

    The risk is the match score times HOP_DECAY per link to the nearest sanctioned party; a
    listed but undesignated entity with no path keeps a lower risk (half its match score).
    """
    graph = graph if graph is not None else get_graph(store)
    paths = paths_to_sanctioned(graph, entity_id)
    if not paths:
        node = graph.nodes.get(entity_id)
        note = f"listed, not designated: {'; '.join(node.program)}" if node else ""
        return round(match_score * 0.5, 3), note
    best = min(paths, key=lambda p: (p.hops, p.target))
    risk = match_score * HOP_DECAY**best.hops
    how = "designated itself" if best.hops == 0 else f"{best.hops} hop(s)"
    return round(risk, 3), f"{how}: {describe(graph, best)}"
