"""Open AIS input files as byte streams, whatever the compression (.gz, .zst, .zip)."""

from __future__ import annotations

import gzip
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, cast

import numpy as np
import numpy.typing as npt
import zstandard

from oiltrail.errors import InputFormatError, NotFoundError

COMPRESSIONS = (".gz", ".zst", ".zip")
HASH_BLOCK_BYTES = 1 << 20  # compressed bytes read at a time (.zst)


@dataclass(frozen=True)
class Member:
    """One logical input: a plain file, or one member of a .zip archive."""

    path: Path
    name: str  # file name shown in quarantine rows and the `source` column
    member: str | None = None  # zip member name

    def open(self) -> BinaryIO:
        """A decompressed binary stream of the content."""
        suffix = self.path.suffix.lower()
        if self.member is not None:
            return cast(BinaryIO, io.BufferedReader(_ZipStream(self.path, self.member)))
        if suffix == ".gz":
            return cast(BinaryIO, gzip.open(self.path, "rb"))
        if suffix == ".zst":
            return cast(BinaryIO, io.BufferedReader(_ZstdStream(self.path)))
        return self.path.open("rb")

    @property
    def inner_suffix(self) -> str:
        """Suffix of the content once decompressed (".csv", ".parquet", ".nmea", …)."""
        name = self.member if self.member is not None else self.path.name
        stem = Path(name)
        if stem.suffix.lower() in (".gz", ".zst"):
            stem = stem.with_suffix("")
        return stem.suffix.lower()


class _ZstdStream(io.RawIOBase):
    """A .zst file's frames one after another; EOFError when it ends inside a frame (zstandard's
    own stream reader just stops there, and half a file would pass for all of it)."""

    def __init__(self, path: Path) -> None:
        self._fh = path.open("rb")
        self._obj = zstandard.ZstdDecompressor().decompressobj()
        self._out = b""
        self._in_frame = False

    def readable(self) -> bool:
        return True

    def readinto(self, b: bytearray | memoryview) -> int:  # type: ignore[override]
        while not self._out:
            data = self._fh.read(HASH_BLOCK_BYTES)
            if not data:
                if self._in_frame:
                    raise EOFError("compressed file ended before the end of its last frame")
                return 0
            while data:
                self._out += self._obj.decompress(data)
                self._in_frame = not self._obj.eof
                data = self._obj.unused_data if self._obj.eof else b""
                if self._obj.eof:  # another frame may follow
                    self._obj = zstandard.ZstdDecompressor().decompressobj()
        n = min(len(b), len(self._out))
        b[:n] = self._out[:n]
        self._out = self._out[n:]
        return n

    def close(self) -> None:
        self._fh.close()
        super().close()


class _ZipStream(io.RawIOBase):
    """Keep the archive open as long as its member stream is read."""

    def __init__(self, path: Path, member: str) -> None:
        self._zip = zipfile.ZipFile(path)
        self._fh = self._zip.open(member)

    def readable(self) -> bool:
        return True

    def readinto(self, b: bytearray | memoryview) -> int:  # type: ignore[override]
        data = self._fh.read(len(b))
        b[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._fh.close()
        self._zip.close()
        super().close()


def members(path: Path) -> list[Member]:
    """The logical inputs of `path` (one, or one per file in a .zip)."""
    if not path.exists():
        raise NotFoundError(f"{path}: no such file")
    if path.is_dir():
        raise InputFormatError(f"{path}: is a folder; give the AIS files inside it")
    if path.suffix.lower() != ".zip":
        return [Member(path, path.name)]
    try:
        with zipfile.ZipFile(path) as zf:
            names = [i.filename for i in zf.infolist() if not i.is_dir()]
    except zipfile.BadZipFile as exc:
        raise InputFormatError(f"{path}: not a readable .zip archive ({exc})") from exc
    if not names:
        raise InputFormatError(f"{path}: the .zip archive is empty")
    return [Member(path, f"{path.name}!{n}", n) for n in names]


@dataclass(frozen=True)
class Block:
    """Whole lines of a file, `buf[:size]`, followed in `buf` by zero bytes (the padding)."""

    buf: npt.NDArray[np.uint8]
    size: int

    @property
    def data(self) -> memoryview:
        return self.buf.data[: self.size]

    def __len__(self) -> int:
        return self.size


LAST_LINE_WINDOW = 1 << 16  # where the last newline of a block is looked for first
# No AIS line comes near this (an NMEA sentence is 82 characters, a tag-blocked one ~150, a
# CSV row a few hundred): a longer line keeps its first MAX_LINE_BYTES, then LINE_CUT_MARK,
# and the rest up to its newline is read past, so one huge line costs bounded memory.
MAX_LINE_BYTES = 1 << 16
LINE_CUT_MARK = b" [line cut: longer than 65536 bytes]"


def read_blocks(
    stream: BinaryIO, block_bytes: int, first_bytes: int = 0, pad: int = 0
) -> Iterator[Block]:
    """Blocks of whole lines: each block ends at a newline (except maybe the last).

    Each block is read straight into its own buffer, with `pad` zero bytes after it (for
    readers that look a little past a line's end), so no block is copied. The first block is
    `first_bytes` and each next one twice as big up to `block_bytes`, so that a pipeline's
    later stages start sooner. A line longer than MAX_LINE_BYTES is cut (LINE_CUT_MARK)."""
    carry = b""  # the part line at the end of the last read
    size = first_bytes or block_bytes
    cutting = False  # inside a line already cut: read past it to its newline
    while True:
        buf = np.empty(len(carry) + size + pad, np.uint8)
        buf[: len(carry)] = np.frombuffer(carry, np.uint8)
        n = len(carry) + _read_into(stream, buf.data[len(carry) : len(carry) + size])
        size = min(2 * size, block_bytes)
        if n == len(carry):  # end of the stream
            if carry:
                buf[n : n + pad] = 0
                yield Block(buf, n)
            return
        if cutting:
            nl = buf[:n].tobytes().find(b"\n")
            carry, cutting = (b"", True) if nl < 0 else (buf[nl + 1 : n].tobytes(), False)
            continue
        cut = _last_newline(buf, n)
        if cut < 0 and n > MAX_LINE_BYTES:  # one line longer than any AIS line: cut it
            yield _block_of(buf[:MAX_LINE_BYTES].tobytes() + LINE_CUT_MARK + b"\n", pad)
            carry, cutting = b"", True
            continue
        if cut < 0:  # no line end yet: read on
            carry = buf[:n].tobytes()
            continue
        carry = buf[cut + 1 : n].tobytes()
        buf[cut + 1 : cut + 1 + pad] = 0
        yield Block(buf, cut + 1)


def _block_of(data: bytes, pad: int) -> Block:
    buf = np.zeros(len(data) + pad, np.uint8)
    buf[: len(data)] = np.frombuffer(data, np.uint8)
    return Block(buf, len(data))


def _last_newline(buf: npt.NDArray[np.uint8], n: int) -> int:
    """Position of the last newline in buf[:n], or -1: the tail is searched first, so only
    LAST_LINE_WINDOW bytes are copied for it, not the block."""
    lo = max(0, n - LAST_LINE_WINDOW)
    cut = buf[lo:n].tobytes().rfind(b"\n")
    return lo + cut if cut >= 0 else buf[:lo].tobytes().rfind(b"\n")


def _read_into(stream: BinaryIO, view: memoryview) -> int:
    """Fill `view` from `stream` (which may return less than asked); bytes read."""
    got = 0
    while got < len(view):
        n = stream.readinto(view[got:])  # type: ignore[attr-defined]
        if not n:
            break
        got += n
    return got
