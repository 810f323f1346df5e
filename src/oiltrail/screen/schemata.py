"""Which FollowTheMoney schemata extend which, without loading FollowTheMoney's model.

Importing `followthemoney` parses its 71 YAML schema files with PyYAML's pure-Python loader
(about 0.5 s) and imports SQLAlchemy (0.1 s), yet screening a query, building the ownership
graph and screening a fleet ask FtM only one thing: is schema A a kind of schema B
(a stub `LegalEntity` matches a listed `Company`, a `Vessel` query never matches a `Person`).
That answer comes from `data/ftm_schemata.json`: each schema's ancestors (itself included) as
the installed FtM's model gives them, with that FtM's version. The file is a cache, not a
second home of the fact: `python -m oiltrail.screen.schemata` writes it from the model, a
test checks it equals the model, and when the installed FtM's version is not the file's,
the model itself answers (docs/performance.md).
"""

from __future__ import annotations

import functools
import json
from importlib import metadata, resources
from pathlib import Path

_FILE = "ftm_schemata.json"


def _path() -> Path:
    return Path(str(resources.files("oiltrail") / "data" / _FILE))


def from_model() -> dict[str, object]:
    """The cache's content, from the installed FtM model (this loads it)."""
    from followthemoney import __version__, model

    ancestors = {name: sorted(schema.names) for name, schema in sorted(model.schemata.items())}
    return {"followthemoney": __version__, "ancestors": ancestors}


@functools.cache
def _ancestors() -> dict[str, frozenset[str]]:
    data = json.loads(_path().read_text(encoding="utf-8"))
    if data.get("followthemoney") != metadata.version("followthemoney"):
        data = from_model()  # another FtM than the cache was written from: ask it
    return {name: frozenset(up) for name, up in data["ancestors"].items()}


def is_a(schema: str, other: str) -> bool:
    """`schema` is `other` or extends it (FtM's Schema.is_a); False for unknown names."""
    up = _ancestors().get(schema)
    return up is not None and other in up


def related(a: str, b: str) -> bool:
    """One of the two schemata is a kind of the other (both known to FtM)."""
    return is_a(a, b) or is_a(b, a)


if __name__ == "__main__":
    _path().write_text(json.dumps(from_model(), indent=1) + "\n", encoding="utf-8")
    print(f"wrote {_path()}")
