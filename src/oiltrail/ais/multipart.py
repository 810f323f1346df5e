"""Reassemble multi-sentence AIS messages (types 5, 19, 24 split over 2+ sentences).

Only the few multi-sentence rows pass through this loop; single-sentence messages never do.
State is kept between batches so a message split across a batch boundary still assembles.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# A message's sentences are sent back to back (ITU-R M.1371 slots of one transmission), and a
# receiver interleaves them with a few others at most: a fragment more than this many lines
# after the last one of its group, or this many seconds after its first (both timed), does not
# belong to it. The bound also keeps a file of lone fragments from growing the pending set.
FRAGMENT_WINDOW_LINES = 1000
FRAGMENT_WINDOW_S = 60.0


@dataclass
class Fragment:
    line: int
    count: int
    num: int
    key: tuple[bytes, int, bytes]  # (sequence or tag-block group id, count, channel)
    payload: bytes
    fill: int
    ts_s: float  # NaN when the sentence carries no time of its own
    raw: bytes


@dataclass
class Assembled:
    """Complete messages and the fragments that could not be completed."""

    lines: list[int] = field(default_factory=list)
    payloads: list[bytes] = field(default_factory=list)
    fills: list[int] = field(default_factory=list)
    ts_s: list[float] = field(default_factory=list)
    raws: list[bytes] = field(default_factory=list)
    orphans: list[Fragment] = field(default_factory=list)  # → quarantine missing_fragment


class Assembler:
    """Group fragments by key; a group completes when fragments 1..count arrived in order."""

    def __init__(self) -> None:
        self.pending: dict[tuple[bytes, int, bytes], list[Fragment]] = {}

    def feed(self, fragments: list[Fragment]) -> Assembled:
        out = Assembled()
        for frag in fragments:
            self._expire(frag.line, out)
            group = self.pending.pop(frag.key, None)
            if group is not None and _too_late(group, frag):
                out.orphans.extend(group)
                group = None
            if frag.num == 1:
                if group is not None:
                    out.orphans.extend(group)
                group = [frag]
            elif group is None or group[-1].num != frag.num - 1 or frag.num > frag.count:
                if group is not None:
                    out.orphans.extend(group)
                out.orphans.append(frag)
                continue
            else:
                group.append(frag)
            if len(group) == frag.count:
                _emit(group, out)
            else:
                self.pending[frag.key] = group
        return out

    def _expire(self, line: int, out: Assembled) -> None:
        """Groups whose last fragment is FRAGMENT_WINDOW_LINES before `line` lack one."""
        while self.pending:
            key = next(iter(self.pending))  # the least recently fed group comes first
            if self.pending[key][-1].line >= line - FRAGMENT_WINDOW_LINES:
                return
            out.orphans.extend(self.pending.pop(key))

    def finish(self) -> Assembled:
        """End of file: every group still open lacks a fragment."""
        out = Assembled()
        for group in self.pending.values():
            out.orphans.extend(group)
        self.pending.clear()
        out.orphans.sort(key=lambda f: f.line)
        return out


def _too_late(group: list[Fragment], frag: Fragment) -> bool:
    start = group[0].ts_s
    timed = start == start and frag.ts_s == frag.ts_s  # neither is NaN
    return timed and abs(frag.ts_s - start) > FRAGMENT_WINDOW_S


def _emit(group: list[Fragment], out: Assembled) -> None:
    times = [f.ts_s for f in group if f.ts_s == f.ts_s]  # first fragment with a time
    out.lines.append(group[0].line)
    out.payloads.append(b"".join(f.payload for f in group))
    out.fills.append(group[-1].fill)
    out.ts_s.append(times[0] if times else float("nan"))
    out.raws.append(b"\n".join(f.raw for f in group))
