"""A file's content hash (the manifest key: sha256 of the file as given), and hashing begun
early.

`oiltrail ingest` starts hashing its files as soon as it has their paths, in a thread, before
it imports numpy, pyarrow and DuckDB: those imports keep one core busy for about 0.2 s, and
the hash (0.07 CPU s for the simulator's 100 MB file) is computed on the other, instead of
beside the threads that decode and write. This module imports only hashlib and threading.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Sequence
from pathlib import Path

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


class EarlyHash:
    """The hash of one file, being computed by `hash_early`'s thread."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._done = threading.Event()
        self._value = ""
        self._error: BaseException | None = None

    def compute(self) -> None:
        try:
            self._value = file_sha256(self.path)
        except BaseException as exc:  # raised by result(), where the ingest asks for it
            self._error = exc
        finally:
            self._done.set()

    def done(self) -> bool:
        return self._done.is_set()

    def result(self) -> str:
        self._done.wait()
        if self._error is not None:
            raise self._error
        return self._value


_EARLY: dict[FileKey, EarlyHash] = {}


def hash_early(paths: Sequence[Path]) -> None:
    """Start hashing the files among `paths` in one thread, in order (what is not a file is
    left to the ingest, which says what is wrong with it)."""
    todo = []
    for path in paths:
        key = _key(Path(path))
        if key is not None and key not in _EARLY:
            _EARLY[key] = EarlyHash(Path(path))
            todo.append(_EARLY[key])
    if todo:
        threading.Thread(
            target=_compute_all, args=(todo,), name="oiltrail-hash", daemon=True
        ).start()


def _compute_all(todo: list[EarlyHash]) -> None:
    for h in todo:
        h.compute()


def early_hash(path: Path) -> EarlyHash | None:
    """The hash `hash_early` began for `path`, if the file is still as it was then."""
    key = _key(path)
    return None if key is None else _EARLY.get(key)
