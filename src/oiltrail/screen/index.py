"""The blocking index: character trigrams of every list name, IMO and MMSI lookups.

A query is scored only against the names that share the most trigrams with it (as yente
takes the top candidates of an Elasticsearch query), never against every entity.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from oiltrail.screen.normalize import NormName, normalize_name
from oiltrail.screen.score import NameFeatures, listed_features, query_features
from oiltrail.store import Store
from oiltrail.store.lists import cached_by_lists, loaded_files

SCREENABLE = ("Person", "Organization", "Company", "LegalEntity", "Vessel", "Airplane")
NAME_PROPS = ("name", "alias", "previousName", "weakAlias")
WEAK_PROPS = frozenset({"weakAlias"})
# The note a list reader puts on a party named only in another entry's remarks (a stub).
STUB_NOTE = "mentioned only: resolved to a listed entity by name in the graph"


@dataclass(frozen=True)
class IndexedEntity:
    """What screening needs of one list entity."""

    id: str
    schema: str
    caption: str
    datasets: tuple[str, ...]
    sanctioned: bool
    imos: tuple[str, ...]
    mmsis: tuple[str, ...]
    program: tuple[str, ...]
    flags: tuple[str, ...] = ()  # ISO alpha-2, lower case
    types: tuple[str, ...] = ()  # vessel types as listed ("Crude Oil Tanker")
    previous: tuple[str, ...] = ()  # former names as listed


@dataclass
class ScreenIndex:
    """Names (each form a row), their entity and trigram postings."""

    entities: list[IndexedEntity] = field(default_factory=list)
    names: list[NormName] = field(default_factory=list)
    name_entity: NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, np.int64))
    name_weak: NDArray[np.bool_] = field(default_factory=lambda: np.zeros(0, bool))
    postings: dict[str, NDArray[np.int64]] = field(default_factory=dict)
    by_imo: dict[str, list[int]] = field(default_factory=dict)
    by_mmsi: dict[str, list[int]] = field(default_factory=dict)
    # The scorer's precomputed view of every name (tokens, weights, numbers, whole names).
    features: NameFeatures = field(default_factory=lambda: listed_features([]))
    # Each loaded list's date as `lists show` gives it ("2021 snapshot", "2026-02-27").
    list_dates: dict[str, str] | None = None

    def candidates(self, forms: Sequence[NormName], k: int) -> NDArray[np.int64]:
        """Indices of the (at most k) names sharing the most trigrams with any form."""
        postings = self.postings
        hits = [postings[g] for f in forms for g in trigrams(f.joined) if g in postings]
        if not hits:
            return np.zeros(0, np.int64)
        found, counts = _hit_counts(np.concatenate(hits), len(self.names))
        if len(found) <= k:
            return found
        top = (-counts).argpartition(k - 1)[:k]
        return found[top]


def _hit_counts(
    values: NDArray[np.int64], size: int
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """The distinct values (all below `size`), ascending, and how often each occurs:
    `np.unique`'s answer without its overhead, by counting over all names when they are few
    against the hits, else by sorting the hits."""
    if size <= 8 * len(values):
        counts = np.bincount(values, minlength=size)
        found = counts.nonzero()[0]
        return found, counts[found]
    values.sort()
    first = np.empty(len(values), dtype=bool)
    first[:1] = True
    np.not_equal(values[1:], values[:-1], out=first[1:])
    starts = first.nonzero()[0]
    counts = np.empty(len(starts), dtype=np.int64)
    counts[:-1] = starts[1:] - starts[:-1]
    counts[-1:] = len(values) - starts[-1:]
    return values[starts], counts


def trigrams(joined: str) -> set[str]:
    padded = f"^{joined}$"
    if len(padded) < 3:
        return {padded}
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def _entity(row: dict[str, Any]) -> IndexedEntity:
    props = row["properties"]
    imos = tuple(dict.fromkeys(str(v).removeprefix("IMO") for v in props.get("imoNumber", [])))
    return IndexedEntity(
        id=row["id"],
        schema=row["schema"],
        caption=row["caption"] or row["id"],
        datasets=tuple(row["datasets"]),
        sanctioned="sanction" in props.get("topics", []),
        imos=imos,
        mmsis=tuple(str(v) for v in props.get("mmsi", [])),
        program=tuple(props.get("program", [])),
        flags=tuple(str(v).lower() for v in props.get("flag", [])),
        types=tuple(props.get("type", [])),
        previous=tuple(props.get("previousName", [])),
    )


def is_stub(row: dict[str, Any]) -> bool:
    """A party only named in another entry's remarks; the graph resolves it by name."""
    return STUB_NOTE in row["properties"].get("notes", [])


def build_index(rows: list[dict[str, Any]]) -> ScreenIndex:
    """Index the screenable entities (no stubs, no edges) of `rows`."""
    index = ScreenIndex()
    name_entity: list[int] = []
    name_weak: list[bool] = []
    postings: dict[str, list[int]] = defaultdict(list)
    for row in rows:
        if row["schema"] not in SCREENABLE or is_stub(row):
            continue
        e = len(index.entities)
        entity = _entity(row)
        index.entities.append(entity)
        for imo in entity.imos:
            index.by_imo.setdefault(imo, []).append(e)
        for mmsi in entity.mmsis:
            index.by_mmsi.setdefault(mmsi, []).append(e)
        for prop in NAME_PROPS:
            for name in row["properties"].get(prop, []):
                for form in normalize_name(name):
                    for gram in trigrams(form.joined):
                        postings[gram].append(len(index.names))
                    index.names.append(form)
                    name_entity.append(e)
                    name_weak.append(prop in WEAK_PROPS)
    index.name_entity = np.asarray(name_entity, dtype=np.int64)
    index.name_weak = np.asarray(name_weak, dtype=bool)
    # Each list holds a name's row once (trigrams() is a set), in increasing order: sorted and
    # unique already (np.unique per gram was a third of building the index).
    index.postings = {g: np.asarray(v, np.int64) for g, v in postings.items()}
    index.features = listed_features(index.names)
    return index


# The index of the store's lists, rebuilt only when the lists changed; the query-feature
# cache's keys hold the former index's features, so it goes with it.
_cached_index = cached_by_lists(build_index, on_rebuild=query_features.cache_clear)


def get_index(store: Store) -> ScreenIndex:
    """The screening index of the store's lists, with each list's date."""
    index = _cached_index(store)
    if index.list_dates is None:
        index.list_dates = {f["list_name"]: f["list_date"] for f in loaded_files(store)}
    return index
