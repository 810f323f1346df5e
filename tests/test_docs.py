"""The user documentation in docs/ names every event kind, parameter, store table and column the
code has, and the README links it (the docs are the package's contract for its users)."""

from __future__ import annotations

import re
from dataclasses import fields
from pathlib import Path

import pytest

from oiltrail.detect.params import DetectParams
from oiltrail.kinds import KINDS
from oiltrail.store.anchorages import ANCHORAGES_DDL
from oiltrail.store.catalog import CORE_DDL
from oiltrail.store.chains import CHAINS_DDL
from oiltrail.store.events import DETECT_DDL
from oiltrail.store.lists import LISTS_DDL
from oiltrail.store.reference import REFERENCE_DDL

DOCS = Path(__file__).resolve().parent.parent / "docs"
TABLE = re.compile(r"CREATE (?:TABLE|VIEW) IF NOT EXISTS (\w+)")


def _doc(name: str) -> str:
    return (DOCS / name).read_text(encoding="utf-8")


def test_readme_links_the_docs_and_the_docs_link_each_page() -> None:
    readme = (DOCS.parent / "README.md").read_text(encoding="utf-8")
    assert "](docs/README.md)" in readme
    index = _doc("README.md")
    pages = ("inputs.md", "ports.md", "events.md", "chains.md", "screening.md", "exports.md")
    for page in (*pages, "store.md"):
        assert f"]({page})" in index and (DOCS / page).is_file()


def test_events_doc_defines_every_kind_and_parameter() -> None:
    text = _doc("events.md")
    for kind in KINDS:
        assert f"| `{kind}` |" in text, kind
    defaults = DetectParams()
    for f in fields(DetectParams):
        for p in fields(getattr(defaults, f.name)):
            value = getattr(getattr(defaults, f.name), p.name)
            assert f"| `{f.name}.{p.name}` | {value!r} |" in text, (f.name, p.name)


@pytest.mark.parametrize(
    "ddl", [CORE_DDL, DETECT_DDL, REFERENCE_DDL, CHAINS_DDL, LISTS_DDL, ANCHORAGES_DDL]
)
def test_store_doc_lists_every_table(ddl: tuple[str, ...]) -> None:
    text = _doc("store.md")
    for stmt in ddl:
        m = TABLE.search(stmt)
        if m:
            assert f"| `{m.group(1)}`" in text, m.group(1)


def test_no_help_or_doc_points_to_a_spec_the_user_does_not_have() -> None:
    for page in DOCS.glob("*.md"):
        assert "SPEC" not in page.read_text(encoding="utf-8"), page.name


def test_the_code_cites_docs_pages_that_exist_never_the_spec() -> None:
    src = DOCS.parent / "src" / "oiltrail"
    cited = set()
    for path in src.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "SPEC §" not in text, path.relative_to(src)
        cited.update(re.findall(r"docs/([\w.-]+\.md)", text))
    assert {"events.md", "inputs.md", "chains.md"} <= cited
    for page in cited:
        assert (DOCS / page).is_file(), page


def test_no_command_help_refers_to_the_spec() -> None:
    from typer.main import get_command
    from typer.testing import CliRunner

    from oiltrail.cli import app

    group = get_command(app)
    names = list(group.commands)  # type: ignore[attr-defined]
    assert "detect" in names and "trace" in names
    for name in names:
        result = CliRunner().invoke(app, [name, "--help"])
        assert result.exit_code == 0, name
        assert "SPEC" not in result.output, name
