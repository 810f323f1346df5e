"""Claims benchmark: `check_claims` on long wire text, beside a plain regex sentence filter.

Reproduce: `uv run python -m benchmarks.run claims` (add `--quick` for 100 kB and 400 kB only).
The text is the hand-written test articles (tests/claims/articles, .txt and .md) interleaved
with distractor paragraphs written here (weather, sport, oil prices, missiles), repeated to
size. It is checked in three shapes: paragraphs as written, the same words as one single
paragraph (no line breaks at all), plus the report tests' long article. No store is
given, so the figures are the text analysis alone (screening and verdicts need a store and
cost the same per claim at any size).

The peer is a floor, not a competitor: `re.finditer` sentence split plus an oil-and-DPRK
keyword filter over the same text. It finds no speakers, quantities, periods or entities.
"""

from __future__ import annotations

import re
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from oiltrail.claims.check import check_claims

CMD = "uv run python -m benchmarks.run claims"
ARTICLES = Path(__file__).resolve().parent.parent / "tests" / "claims" / "articles"
DISTRACTORS = (
    "SEOUL, May 2, 2026 (Wire) - Heavy rain flooded parts of the capital on Tuesday, and the "
    "weather service said more storms would reach the south coast by the weekend.",
    "Brent crude futures rose 2 percent to $81 a barrel in London, traders said, as refining "
    "margins in Europe widened after an outage at a plant in Rotterdam.",
    "North Korea fired two short-range ballistic missiles into the sea off its east coast, "
    "the Joint Chiefs of Staff in Seoul said, the third launch this month.",
    "The national football team beat Japan 2-1 in a friendly match, the coach told reporters, "
    "adding that the young squad had shown it could win away from home.",
    '"We expect exports of cars and chips to keep growing," the trade minister said at a '
    "briefing, citing strong orders from the United States and Europe.",
)
SIZES_CHARS = (100_000, 400_000, 1_000_000, 2_000_000)
QUICK_SIZES_CHARS = (100_000, 400_000)
PEER_SENTENCE = re.compile(r"[^.!?]+[.!?]+")
PEER_OIL = re.compile(r"\b(?:oil|diesel|petroleum|fuel|barrels?|tonnes?|tankers?)\b", re.I)
PEER_DPRK = re.compile(r"\b(?:North Korea|DPRK|Pyongyang|Nampo)\b", re.I)


SHAPES = ("paragraphs", "one paragraph", "one sentence repeated")
REPEATED = "Deliveries were negligible. "


def wire_text(size_chars: int, shape: str = "paragraphs") -> str:
    """Test articles and distractor paragraphs, repeated to `size_chars` characters.

    "one paragraph" removes every line break; "one sentence repeated" is the report tests'
    long article instead (supply words, no oil word anywhere: the old worst case).
    """
    if shape == "one sentence repeated":
        return (REPEATED * (size_chars // len(REPEATED) + 1))[:size_chars]
    articles = [
        p.read_text(encoding="utf-8").strip()
        for p in sorted(ARTICLES.iterdir())
        if p.suffix in {".txt", ".md"}
    ]
    parts: list[str] = []
    total, i = 0, 0
    while total < size_chars:
        chunk = articles[i % len(articles)] + "\n\n" + DISTRACTORS[i % len(DISTRACTORS)] + "\n\n"
        parts.append(chunk)
        total += len(chunk)
        i += 1
    text = "".join(parts)[:size_chars]
    return re.sub(r"\s*\n\s*", " ", text) if shape == "one paragraph" else text


def peer_filter(text: str) -> list[str]:
    """The floor: split sentences with one regex, keep those naming oil and DPRK."""
    return [
        m.group(0)
        for m in PEER_SENTENCE.finditer(text)
        if PEER_OIL.search(m.group(0)) and PEER_DPRK.search(m.group(0))
    ]


def _median_s(fn: Callable[[], Any], repeats: int) -> tuple[float, float, Any]:
    """Median wall seconds, median CPU seconds of this process, and the last result."""
    wall, cpu, out = [], [], None
    for _ in range(repeats):
        started, started_cpu = time.perf_counter(), time.process_time()
        out = fn()
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return statistics.median(wall), statistics.median(cpu), out


def measure(size_chars: int, shape: str, repeats: int) -> dict[str, Any]:
    text = wire_text(size_chars, shape)
    ours_s, ours_cpu_s, result = _median_s(lambda: check_claims(text, None), repeats)
    peer_s, _, kept = _median_s(lambda: peer_filter(text), repeats)
    return {
        "size": size_chars,
        "shape": shape,
        "ours_s": ours_s,
        "ours_cpu_s": ours_cpu_s,
        "peer_s": peer_s,
        "claims": len(result["claims"]),
        "peer_sentences": len(kept),
    }


def run(quick: bool) -> str:
    sizes = QUICK_SIZES_CHARS if quick else SIZES_CHARS
    repeats = 1 if quick else 3
    check_claims(wire_text(5_000), None)  # warm the gazetteer caches and imports
    results = [measure(n, shape, repeats) for shape in SHAPES for n in sizes]
    lines = [
        "## Claims",
        "",
        "`check_claims(text, None)` (no store: the text analysis alone) on test articles "
        "interleaved with distractor paragraphs, as written and as one single paragraph, and "
        f"the report tests' long article (`{REPEATED.strip()}` repeated: one paragraph with "
        "supply words and no oil word, which cost quadratic time before commit b2a9154: "
        "15.6 s CPU for 100 kB, 4.1 s for 50 kB). "
        "Peer (a floor, not a rival): a `re.finditer` sentence split plus an oil-and-DPRK "
        "keyword filter over the same text; it finds no speakers, quantities or periods. "
        f"Median of {repeats} run(s); CPU is this process's CPU time (the machine is shared, "
        f"so wall time includes waiting). Reproduce: `{CMD}`. Text beyond 2 MB is cut "
        "(`MAX_ARTICLE_BYTES`) and the CLI says so.",
        "",
        "| text (kB) | shape | check_claims wall (s) | CPU (s) | wall s per MB | claims | "
        "peer (s) | peer sentences | ours / peer |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r['size'] // 1000:,} | {r['shape']} | {r['ours_s']:.2f} | {r['ours_cpu_s']:.2f} | "
            f"{r['ours_s'] / (r['size'] / 1e6):.2f} | {r['claims']:,} | {r['peer_s']:.3f} | "
            f"{r['peer_sentences']:,} | {r['ours_s'] / max(r['peer_s'], 1e-9):.0f}× |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(run(quick=True))
