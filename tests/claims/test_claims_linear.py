"""The claim check's work grows linearly with the text: counted, never timed.

Two counters over a 1x and a 4x text: characters handed to every regex the claims modules use
(module patterns, gazetteer alternations, `re.*` calls), and Python lines executed inside
src/oiltrail/claims. A per-sentence rescan of the paragraph, the lead or the speaker list
makes one of them grow about 16x; linear code stays near 4x.
"""

from __future__ import annotations

import importlib
import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType, ModuleType
from typing import Any

import pytest

from oiltrail.claims import gazetteer

ARTICLES = Path(__file__).resolve().parent / "articles"
CLAIMS_DIR = str(Path(gazetteer.__file__).resolve().parent)
MODULES = (
    "assertions",
    "attribution",
    "check",
    "entities",
    "gazetteer",
    "judge",
    "sentences",
    "text",
)
STRING_ARG = {"sub": 1, "subn": 1}  # Pattern methods: where the scanned string is
RE_STRING_ARG = {"sub": 2, "subn": 2}  # re module functions: after the pattern (and repl)
MAX_GROWTH = 4.5


class Counter:
    def __init__(self) -> None:
        self.chars = 0
        self.lines = 0


class CountingPattern:
    """A compiled pattern that adds the length of every string it scans to `counter.chars`."""

    def __init__(self, pattern: re.Pattern[str], counter: Counter) -> None:
        self._pattern = pattern
        self._counter = counter

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._pattern, name)
        if not callable(attr):
            return attr
        at = STRING_ARG.get(name, 0)

        def call(*args: Any, **kwargs: Any) -> Any:
            if len(args) > at and isinstance(args[at], str):
                self._counter.chars += len(args[at])
            return attr(*args, **kwargs)

        return call


class CountingRe:
    """Stands in for the `re` module inside the claims modules."""

    def __init__(self, counter: Counter) -> None:
        self._counter = counter

    def __getattr__(self, name: str) -> Any:
        attr = getattr(re, name)
        if name not in {"sub", "subn", "split", "search", "match", "fullmatch", "findall"} | {
            "finditer"
        }:
            return attr
        at = RE_STRING_ARG.get(name, 1)

        def call(*args: Any, **kwargs: Any) -> Any:
            if len(args) > at and isinstance(args[at], str):
                self._counter.chars += len(args[at])
            return attr(*args, **kwargs)

        return call


def _instrument(monkeypatch: pytest.MonkeyPatch, counter: Counter) -> None:
    modules: list[ModuleType] = [importlib.import_module(f"oiltrail.claims.{m}") for m in MODULES]
    original = gazetteer.alias_pattern
    for module in modules:
        for name, value in list(vars(module).items()):
            if isinstance(value, re.Pattern):
                monkeypatch.setattr(module, name, CountingPattern(value, counter))
        if hasattr(module, "re"):
            monkeypatch.setattr(module, "re", CountingRe(counter))
        if hasattr(module, "alias_pattern"):
            monkeypatch.setattr(
                module, "alias_pattern", lambda kind: CountingPattern(original(kind), counter)
            )


def _line_tracer(counter: Counter) -> Callable[[FrameType, str, Any], Any]:
    def local(frame: FrameType, event: str, arg: Any) -> Any:
        if event == "line":
            counter.lines += 1
        return local

    def tracer(frame: FrameType, event: str, arg: Any) -> Any:
        return local if frame.f_code.co_filename.startswith(CLAIMS_DIR) else None

    return tracer


def _work(text: str, monkeypatch: pytest.MonkeyPatch) -> Counter:
    from oiltrail.claims.check import check_claims

    counter = Counter()
    with monkeypatch.context() as patch:
        _instrument(patch, counter)
        sys.settrace(_line_tracer(counter))
        try:
            result = check_claims(text, None)
        finally:
            sys.settrace(None)
    assert result["claims"], "the test text must hold claims, or nothing is measured"
    return counter


def _units(n: int) -> Iterator[str]:
    """Articles, quoted statements by ever new speakers, and supply talk far from any oil word."""
    articles = [
        p.read_text(encoding="utf-8") for p in sorted(ARTICLES.iterdir()) if p.suffix == ".txt"
    ]
    for k in range(n):
        yield articles[k % len(articles)]
        yield (
            f'"Diesel deliveries to North Korea were negligible," said Deputy Minister '
            f"Ivan Sol{k}. Sol{k} added that the spokesman had said so. The spokesman said "
            f"exports were minimal. Deliveries were negligible, a spokesperson for Group{k} said. "
        )


@pytest.mark.parametrize("one_paragraph", [False, True], ids=["paragraphs", "one-paragraph"])
def test_claim_check_work_grows_linearly(
    one_paragraph: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    from oiltrail.claims.check import check_claims

    def text(n: int) -> str:
        body = "\n\n".join(_units(n))
        return re.sub(r"\s*\n\s*", " ", body) if one_paragraph else body

    check_claims(text(2), None)  # warm the gazetteer caches: one-off work is not growth
    small = _work(text(10), monkeypatch)
    large = _work(text(40), monkeypatch)
    assert large.chars <= MAX_GROWTH * small.chars, (small.chars, large.chars)
    assert large.lines <= MAX_GROWTH * small.lines, (small.lines, large.lines)
    assert large.lines > 2 * small.lines  # the counters do count the text's work
