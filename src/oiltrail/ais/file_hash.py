"""A file's content hash (the manifest key: sha256 of the file as given), and hashing begun
early.

`oiltrail ingest` starts hashing its files as soon as it has their paths, in a thread, before
it imports numpy, pyarrow and DuckDB: those imports keep one core busy for about 0.2 s, and
the hash (0.07 CPU s for the simulator's 100 MB file) is computed on the other, instead of
beside the threads that decode and write. This module imports only hashlib and
oiltrail.background (threading).
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Sequence
from pathlib import Path

from oiltrail.background import Background, in_turn

# Large reads: between them the thread needs the GIL, which the imports running beside it
# hold (a switch can wait up to 5 ms); hashing itself and reading release it.
HASH_READ_BYTES = 8 << 20


def file_sha256(path: Path) -> str:
    """Content hash of the file as given (compressed bytes): the manifest key."""
    digest = hashlib.sha256()
    buf = bytearray(HASH_READ_BYTES)
    view = memoryview(buf)
    with path.open("rb", buffering=0) as fh:
        while n := fh.readinto(buf):
            digest.update(view[:n])
    return digest.hexdigest()


FileKey = tuple[str, int, int]


def _key(path: Path) -> FileKey | None:
    """The file as it is now (resolved path, size, modification time), None if not a file."""
    try:
        st = path.stat()
        return (str(path.resolve()), st.st_size, st.st_mtime_ns) if path.is_file() else None
    except OSError:
        return None


_EARLY: dict[FileKey, Background[str]] = {}


def hash_early(paths: Sequence[Path]) -> None:
    """Start hashing the files among `paths` in one thread, in order (what is not a file is
    left to the ingest, which says what is wrong with it)."""
    todo: dict[FileKey, Path] = {}
    for path in paths:
        key = _key(Path(path))
        if key is not None and key not in _EARLY:
            todo.setdefault(key, Path(path))
    fns = [functools.partial(file_sha256, p) for p in todo.values()]
    _EARLY.update(zip(todo, in_turn(fns, "oiltrail-hash"), strict=True))


def early_hash(path: Path) -> Background[str] | None:
    """The hash `hash_early` began for `path`, if the file is still as it was then."""
    key = _key(path)
    return None if key is None else _EARLY.get(key)
