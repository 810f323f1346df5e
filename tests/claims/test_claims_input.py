"""Bad input: empty, binary, other languages, encodings, huge files, hostile text; and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from oiltrail.claims.check import check_article, check_claims
from oiltrail.claims.text import read_article
from oiltrail.cli import app
from oiltrail.errors import InputFormatError

ARTICLES = Path(__file__).resolve().parent / "articles"


def test_empty_and_binary_files_are_one_line_errors(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"  \n")
    with pytest.raises(InputFormatError, match="empty"):
        read_article(empty)
    binary = tmp_path / "blob.txt"
    binary.write_bytes(bytes(range(256)) * 50)
    with pytest.raises(InputFormatError, match="binary"):
        read_article(binary)
    pdf = tmp_path / "report.txt"
    pdf.write_bytes(b"%PDF-1.7\n" + b"x" * 100)
    with pytest.raises(InputFormatError, match="PDF"):
        read_article(pdf)


def test_utf16_and_cp1252_are_decoded(tmp_path: Path) -> None:
    text = (ARTICLES / "kremlin_negligible.txt").read_text(encoding="utf-8")
    for encoding in ("utf-16", "cp1252"):
        path = tmp_path / f"a-{encoding}.txt"
        path.write_bytes(text.replace("-", "–").encode(encoding))
        claims = check_claims(read_article(path).text, None)["claims"]
        assert [c["speaker"] for c in claims][:3] == ["Russia", "Kremlin", "Dmitry Peskov"]


def test_another_language_says_no_english_statements(tmp_path: Path) -> None:
    path = tmp_path / "ru.txt"
    path.write_text(
        "Песков заявил, что поставки российского топлива в КНДР незначительны. " * 5,
        encoding="utf-8",
    )
    result, notes = check_article(path, None)
    assert result["claims"] == []
    assert any("no English supply statements" in n for n in notes)


def test_huge_file_is_read_only_up_to_the_cap(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    para = (ARTICLES / "kremlin_negligible.txt").read_text(encoding="utf-8") + "\n\n"
    with path.open("w", encoding="utf-8") as fh:
        for _ in range(100_000_000 // len(para) + 1):
            fh.write(para)
    article = read_article(path)
    assert article.truncated and len(article.text) <= 2_000_000
    assert "only the first 2 MB" in article.notes[0]


def test_hostile_text_finishes(tmp_path: Path) -> None:
    # Long runs without full stops, capitalised words and open quotes: linear patterns only.
    hostile = (
        "North Korea diesel said "
        + "Aa " * 50_000
        + '"'
        + "a, " * 50_000
        + "1" * 5_000
        + " barrels "
        + "Kim " * 20_000
        + "said"
    )
    result = check_claims(hostile, None)
    assert isinstance(result["claims"], list)


def test_cli_json_and_md(tmp_path: Path) -> None:
    runner = CliRunner()
    article = str(ARTICLES / "kremlin_negligible.txt")
    db = str(tmp_path / "none.duckdb")
    out = runner.invoke(app, ["check-claims", article, "--db", db])
    assert out.exit_code == 0
    data = json.loads(out.stdout)
    assert data["claims"][2]["speaker"] == "Dmitry Peskov"
    md = runner.invoke(app, ["check-claims", article, "--db", db, "--format", "md"])
    assert md.exit_code == 0 and "## 3. NOT ENOUGH EVIDENCE — Dmitry Peskov" in md.stdout
    bad = runner.invoke(app, ["check-claims", article, "--db", db, "--format", "xml"])
    assert bad.exit_code == 2
    missing = runner.invoke(app, ["check-claims", str(tmp_path / "nope.txt"), "--db", db])
    assert missing.exit_code == 2 and "Traceback" not in missing.output
    assert not Path(db).exists()  # checking claims never creates a store


def test_screening_is_capped_and_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys
    import types

    from oiltrail.claims import entities as ents

    queries: list[str] = []
    match = types.ModuleType("oiltrail.screen.match")
    match.screen_query = lambda store, name, schema, **_: queries.append(name) or []  # type: ignore[attr-defined]
    watchlist = types.ModuleType("oiltrail.screen.watchlist")
    watchlist.ensure_lists = lambda store: None  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "oiltrail.screen.match", match)
    monkeypatch.setitem(sys.modules, "oiltrail.screen.watchlist", watchlist)
    monkeypatch.setattr(ents, "MAX_SCREENED_ENTITIES", 2)
    found = [ents._entity(f"Ocean Star {i} Shipping Ltd", "company") for i in range(5)]
    ents.screen_entities(object(), found)
    assert queries == ["Ocean Star 0 Shipping Ltd", "Ocean Star 1 Shipping Ltd"]
    assert [e["screening"]["status"] for e in found] == ["no match"] * 2 + ["not screened"] * 3
    assert "only the first 2 were screened" in found[4]["screening"]["note"]


@pytest.mark.parametrize(
    "page",
    [
        "<html>" + "<a " * 3000,  # tags that never close: the stdlib parser rescans at each
        "<html>" + "<!--a" * 3000 + "<p>Diesel</p>",  # comments that never close
        "<html><!-- ok -->" + "<![a>" * 3000,  # unknown marked sections: the parser raises
        "<html>" + "<![CDATA[x>" * 3000,
    ],
    ids=["open-tags", "open-comments", "marked-sections", "open-cdata"],
)
def test_hostile_html_is_escaped_before_parsing(page: str) -> None:
    from oiltrail.claims.text import escape_stray_tags, html_to_text

    safe = escape_stray_tags(page)
    assert "<![" not in safe
    assert "<!--" not in safe[safe.rfind("-->") + 1 :]  # every comment left closes
    for chunk in safe.split("<")[1:]:  # every "<" left opens a tag that closes
        assert ">" in chunk
    assert isinstance(html_to_text(page), str)  # no traceback


def test_html_escaping_keeps_real_pages() -> None:
    from oiltrail.claims.text import html_to_text

    page = (
        "<html><head><style>p{x:1}</style><!-- note <b> --></head><body>"
        '<p class="a>b">Tanker <b>Yuk Tung</b> took on diesel.</p><p>1 < 2 and 3 > 2</p></body>'
    )
    assert html_to_text(page).split("\n\n") == [
        "Tanker Yuk Tung took on diesel.",
        "1 < 2 and 3 > 2",
    ]
