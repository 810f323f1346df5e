"""Errors a user can act on (issue 14): one line, the flag or file named, a documented exit code.

Every reading command refuses a --db with no store; a busy, read-only, damaged, foreign or
older-layout store gets one line and is left as it was; output paths are checked before work;
Ctrl-C ends with 130; "internal error" is kept for real bugs.
"""

from __future__ import annotations

import ast
import hashlib
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from oiltrail import cli
from oiltrail.cli import app
from oiltrail.errors import (
    EXIT_CODES,
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_MISSING_DATA,
    EXIT_STORE,
    EXIT_USAGE,
)
from oiltrail.store import open_store
from oiltrail.store.catalog import DUCKDB_CONFIG

ROOT = Path(__file__).resolve().parent.parent

# Every command that reads a store, with the arguments it needs besides --db.
READERS: dict[str, list[str]] = {
    "status": ["status"],
    "events": ["events"],
    "evaluate": ["evaluate", "TRUTH"],
    "detect": ["detect"],
    "screen": ["screen", "CHON MA SAN"],
    "vessels": ["vessels"],
    "graph": ["graph", "IMO8660313"],
    "trace": ["trace"],
    "estimate": ["estimate"],
    "report": ["report", "-o", "OUT"],
}


def _args(args: list[str], tmp: Path) -> list[str]:
    (tmp / "truth.csv").write_text("event_id,kind,mmsi,other_mmsi,start,end,lat,lon,port,details\n")
    (tmp / "a.txt").write_text("Officials said deliveries were negligible.\n")
    subs = {"TRUTH": str(tmp / "truth.csv"), "ARTICLE": str(tmp / "a.txt")}
    subs["OUT"] = str(tmp / "r.html")
    return [subs.get(a, a) for a in args]


NMEA_LINE = "!AIVDM,1,1,,B,15@vHchP1t9>PpfCpTcHN6j<0000,0*62\n"


def _nmea(tmp: Path) -> str:
    path = tmp / "one.nmea"
    path.write_text(NMEA_LINE)
    return str(path)


def _one_line(output: str) -> str:
    lines = [ln for ln in output.splitlines() if ln.strip()]
    assert "Traceback" not in output
    return " ".join(" ".join(lines).split())  # rich may wrap a long line


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _count(db: Path) -> int:
    con = duckdb.connect(str(db), read_only=True)
    try:
        row = con.execute("SELECT count(*) FROM events").fetchone()
        return int(row[0]) if row else 0
    finally:
        con.close()


def _copy(db: Path, to: Path) -> Path:
    to.mkdir(parents=True, exist_ok=True)
    shutil.copy(db, to / db.name)
    return to / db.name


@pytest.mark.parametrize("name", sorted(READERS))
def test_missing_db_is_refused_and_not_created(name: str, tmp_path: Path) -> None:
    db = tmp_path / "typo.duckdb"
    result = CliRunner().invoke(app, [*_args(READERS[name], tmp_path), "--db", str(db)])
    assert result.exit_code == EXIT_MISSING_DATA, result.output
    text = _one_line(result.output)
    assert f"no store at --db {db}" in text
    assert not db.exists() and not Path(str(db) + ".wal").exists()


def test_check_claims_names_a_missing_db_and_creates_none(tmp_path: Path) -> None:
    """check-claims needs no store (the public record is bundled): a missing --db is said."""
    db = tmp_path / "typo.duckdb"
    result = CliRunner().invoke(
        app, [*_args(["check-claims", "ARTICLE"], tmp_path), "--db", str(db)]
    )
    assert result.exit_code == 0, result.output
    assert f"no store at --db {db} (a typo?)" in " ".join(result.stderr.split())
    assert not db.exists()


def test_default_db_missing_check_claims_still_lists_claims(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """check-claims without --db works with no store (claims without evidence), as before."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.txt").write_text("An official said deliveries were negligible.\n")
    result = CliRunner().invoke(app, ["check-claims", "a.txt"])
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "oiltrail.duckdb").exists()


@pytest.mark.parametrize(
    ("content", "expect"),
    [
        (b"SQLite format 3\x00" + bytes(4080), "starts like a SQLite database"),
        (os.urandom(4096), "is not a DuckDB file"),
    ],
)
def test_foreign_file_is_refused_untouched(tmp_path: Path, content: bytes, expect: str) -> None:
    db = tmp_path / "s.duckdb"
    db.write_bytes(content)
    before = _digest(db)
    for args in (["status"], ["ingest", _nmea(tmp_path)], ["screen", "X"]):
        result = CliRunner().invoke(app, [*args, "--db", str(db)])
        assert result.exit_code == EXIT_STORE, result.output
        assert expect in _one_line(result.output)
    assert _digest(db) == before


def test_md_prefix_never_reaches_duckdb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    calls: list[str] = []
    real = duckdb.connect
    monkeypatch.setattr(duckdb, "connect", lambda *a, **k: calls.append(str(a)) or real(*a, **k))
    for args in (["status"], ["screen", "X"], ["lists", "load", "x.csv"], ["demo"]):
        result = CliRunner().invoke(app, [*args, "--db", "md:foo"])
        assert result.exit_code == EXIT_USAGE, result.output
        assert "not a local file path" in _one_line(result.output)
    assert calls == []


def test_duckdb_never_loads_extensions(tmp_path: Path) -> None:
    assert DUCKDB_CONFIG["autoinstall_known_extensions"] is False
    with open_store(tmp_path / "s.duckdb") as store:
        row = store.con.execute(
            "SELECT current_setting('autoinstall_known_extensions'), "
            "current_setting('autoload_known_extensions')"
        ).fetchone()
    assert row == (False, False)


def test_damaged_store_one_line_untouched(small_store: Path, tmp_path: Path) -> None:
    db = _copy(small_store, tmp_path)
    with db.open("r+b") as f:  # the header block's checksum no longer matches
        f.seek(100)
        f.write(b"\xff" * 2000)
    before = _digest(db)
    for args in (["status"], ["detect"], ["events"]):
        result = CliRunner().invoke(app, [*args, "--db", str(db)])
        assert result.exit_code == EXIT_STORE, result.output
        assert "is damaged" in _one_line(result.output)
    assert _digest(db) == before


def test_older_layout_one_line_untouched(tmp_path: Path) -> None:
    db = tmp_path / "old.duckdb"
    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE positions (mmsi UINTEGER, ts TIMESTAMP, source VARCHAR)")
    con.execute("INSERT INTO positions VALUES (1, '2026-01-01', 'a.nmea')")
    con.close()
    before = _digest(db)
    for args in (["status"], ["detect"], ["ingest", _nmea(tmp_path)]):
        result = CliRunner().invoke(app, [*args, "--db", str(db)])
        assert result.exit_code == EXIT_STORE, result.output
        assert "written by an older oiltrail" in _one_line(result.output)
    assert _digest(db) == before


@pytest.fixture
def held(small_store: Path, tmp_path: Path) -> Iterator[Path]:
    """Another process holds the store open for writing (DuckDB's file lock)."""
    db = _copy(small_store, tmp_path / "busy")
    code = "import duckdb, sys; c = duckdb.connect(sys.argv[1]); print('ready', flush=True); "
    code += "sys.stdin.read()"
    proc = subprocess.Popen(
        [sys.executable, "-c", code, str(db)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    try:
        yield db
    finally:
        assert proc.stdin is not None
        proc.stdin.close()
        proc.wait(timeout=60)


@pytest.mark.parametrize("args", [["status"], ["events"], ["detect"], ["screen", "X"]])
def test_busy_store_says_so_and_what_to_do(held: Path, args: list[str]) -> None:
    result = CliRunner().invoke(app, [*args, "--db", str(held)])
    assert result.exit_code == EXIT_STORE, result.output
    text = _one_line(result.output)
    assert f"store {held} is busy" in text and "oiltrail serve" in text and "wait" in text


def test_readers_share_a_store_another_process_reads(small_store: Path, tmp_path: Path) -> None:
    """A process reading the store (read lock) does not block screen, vessels or report."""
    db = _copy(small_store, tmp_path / "shared")
    code = "import duckdb, sys; c = duckdb.connect(sys.argv[1], read_only=True); "
    code += "print('ready', flush=True); sys.stdin.read()"
    proc = subprocess.Popen(
        [sys.executable, "-c", code, str(db)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        for args in (["status"], ["screen", "CHON MA SAN"], ["vessels"]):
            result = CliRunner().invoke(app, [*args, "--db", str(db)])
            assert result.exit_code == 0, (args, result.output)
        busy = CliRunner().invoke(app, ["detect", "--db", str(db)])
        assert busy.exit_code == EXIT_STORE and "is busy" in _one_line(busy.output)
    finally:
        assert proc.stdin is not None
        proc.stdin.close()
        proc.wait(timeout=60)


@pytest.fixture
def read_only_store(small_store: Path, tmp_path: Path) -> Iterator[Path]:
    """The store on a read-only file system (root ignores file modes, so a tmpfs remounted
    read-only; without root, the folder and file made read-only)."""
    mnt = tmp_path / "ro"
    mnt.mkdir()
    if os.geteuid() != 0:
        db = _copy(small_store, mnt)
        db.chmod(0o444)
        mnt.chmod(0o555)
        yield db
        mnt.chmod(0o755)
        return
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(mnt)]).returncode:
        pytest.skip("cannot mount a tmpfs here to make a read-only store")
    try:
        db = _copy(small_store, mnt)
        subprocess.run(["mount", "-o", "remount,ro", str(mnt)], check=True)
        yield db
    finally:
        subprocess.run(["umount", str(mnt)], check=False)


def test_read_only_store_reads_work_writes_say_so(read_only_store: Path, tmp_path: Path) -> None:
    db = read_only_store
    readers = {**READERS, "check-claims": ["check-claims", "ARTICLE"]}
    for name in ("status", "events", "screen", "vessels", "estimate", "check-claims", "report"):
        result = CliRunner().invoke(app, [*_args(readers[name], tmp_path), "--db", str(db)])
        assert result.exit_code == 0, (name, result.output)
    for args in (["detect"], ["trace"], ["ingest", _nmea(tmp_path)], ["demo"]):
        result = CliRunner().invoke(app, [*args, "--db", str(db)])
        assert result.exit_code == EXIT_STORE, (args, result.output)
        text = _one_line(result.output)
        assert f"store {db} is read-only" in text and "reading commands still work" in text


def test_read_only_store_without_lists(tmp_path: Path) -> None:
    from oiltrail.store.catalog import StoreReadOnlyError

    db = tmp_path / "s.duckdb"
    open_store(db).close()
    with open_store(db, read_only=True) as store, pytest.raises(StoreReadOnlyError) as err:
        from oiltrail.screen.watchlist import ensure_lists

        ensure_lists(store)
    assert "holds no sanctions lists" in err.value.detail


@pytest.mark.parametrize("cmd", [["events"], ["trace"], ["estimate"], ["report"]])
def test_output_into_missing_folder_or_onto_folder(
    small_store: Path, tmp_path: Path, cmd: list[str]
) -> None:
    for out, expect in ((tmp_path / "nope" / "x.out", "does not exist"), (tmp_path, "folder")):
        result = CliRunner().invoke(app, [*cmd, "--db", str(small_store), "-o", str(out)])
        assert result.exit_code == EXIT_USAGE, result.output
        text = _one_line(result.output)
        assert text.startswith(f"error: -o {out}") and expect in text


def test_screen_missing_file_names_the_flag(small_store: Path, tmp_path: Path) -> None:
    for f, expect in ((tmp_path / "q.csv", "does not exist"), (tmp_path, "is a folder")):
        result = CliRunner().invoke(app, ["screen", "--file", str(f), "--db", str(small_store)])
        assert result.exit_code == EXIT_USAGE, result.output
        assert f"--file {f} {expect}" in _one_line(result.output)


def test_detect_since_spellings(small_store: Path, tmp_path: Path) -> None:
    db = _copy(small_store, tmp_path)
    ok = CliRunner().invoke(app, ["detect", "--db", str(db), "--since", "20260106"])
    assert ok.exit_code == 0, ok.output  # ISO 8601's basic form is a date too
    bad = CliRunner().invoke(app, ["detect", "--db", str(db), "--since", "2026-13-01"])
    assert bad.exit_code == EXIT_USAGE and "--since" in _one_line(bad.output)


@pytest.mark.parametrize(
    "exc",
    [KeyboardInterrupt(), duckdb.InterruptException("INTERRUPT Error: Interrupted!")],
    ids=["KeyboardInterrupt", "duckdb.InterruptException"],
)
def test_ctrl_c_during_detect_exits_130(
    small_store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, exc: BaseException
) -> None:
    """DuckDB turns SIGINT mid-query into InterruptException: that is Ctrl-C too, not a bug."""
    import oiltrail.engines.local as local

    db = _copy(small_store, tmp_path)

    def interrupted(*args: object, **kwargs: object) -> object:
        raise exc

    monkeypatch.setattr(local, "_detect_static", interrupted)
    before = _count(db)
    result = CliRunner().invoke(app, ["detect", "--db", str(db), "--set", "gap.min_duration_h=9"])
    assert result.exit_code == EXIT_INTERRUPTED, result.output
    assert _one_line(result.output).startswith("interrupted: the store is as it was")
    assert _count(db) == before


def test_a_real_bug_is_an_internal_error(
    small_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import oiltrail.store.status as status

    def broken(*args: object) -> object:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(status, "store_status", broken)
    result = CliRunner().invoke(app, ["status", "--db", str(small_store)])
    assert result.exit_code == EXIT_INTERNAL
    text = _one_line(result.output)
    assert text.startswith("internal error: ZeroDivisionError") and "OILTRAIL_DEBUG=1" in text


def test_exit_code_table_is_documented() -> None:
    """README's table and docs/errors.md show every code of errors.EXIT_CODES."""
    for doc in (ROOT / "README.md", ROOT / "docs" / "errors.md"):
        text = doc.read_text(encoding="utf-8")
        for code in EXIT_CODES:
            assert f"| {code} |" in text, (doc.name, code)
    assert set(EXIT_CODES) == {0, 1, 2, 3, 4, 5, 130}


def test_readme_commands_need_no_path_change() -> None:
    """`make demo` may leave uv in ~/.local/bin, off PATH: the README's next step must work."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "uv run oiltrail" not in text
    assert "`.venv/bin/oiltrail" in text
    assert (Path(sys.executable).parent / "oiltrail").exists()  # the entry point it names


def test_cli_uses_one_store_opener() -> None:
    """Commands open --db through cli.open_db, so a missing store is refused everywhere."""
    source = Path(cli.__file__).read_text(encoding="utf-8")
    assert source.count("open_store(") == 1  # inside open_db


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 3 MB tmpfs (root only): room for a small store, not for a second file's positions."""
    mnt = tmp_path / "small"
    mnt.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mnt)]).returncode:
        pytest.skip("cannot mount a tmpfs here")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", str(mnt)], check=False)


def test_disk_full_during_ingest_one_line_nothing_lost(small_disk: Path, tmp_path: Path) -> None:
    from oiltrail.simulate import simulate

    simulate(tmp_path / "sim", 5, 2, 6, formats=("nmea",))
    big = tmp_path / "sim" / "ais.nmea"
    small = tmp_path / "first.nmea"
    small.write_bytes(b"".join(big.read_bytes().splitlines(keepends=True)[:200]))
    db = small_disk / "s.duckdb"
    runner = CliRunner()
    assert runner.invoke(app, ["ingest", str(small), "--db", str(db)]).exit_code == 0
    before = runner.invoke(app, ["status", "--db", str(db), "--format", "json"]).output
    result = runner.invoke(app, ["ingest", str(big), "--db", str(db)])
    assert result.exit_code == EXIT_STORE, result.output
    text = _one_line(result.output)
    assert text.startswith(f"error: disk full writing {db}") and "as it was before" in text
    after = runner.invoke(app, ["status", "--db", str(db), "--format", "json"])
    assert after.exit_code == 0 and after.output == before


def _error_texts(tree: ast.AST) -> list[tuple[int, str]]:
    """The literal text of every `...Error(...)` call's first argument."""
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and node.args):
            continue
        name = getattr(node.func, "id", getattr(node.func, "attr", ""))
        if not str(name).endswith("Error"):
            continue
        parts = [p for p in ast.walk(node.args[0]) if isinstance(p, ast.Constant)]
        text = "".join(p.value for p in parts if isinstance(p.value, str))
        found.append((node.lineno, text))
    return found


def test_library_errors_name_no_cli_flags() -> None:
    """The CLI writes flags into messages (cli.with_flags); the library names parameters."""
    src = Path(__file__).resolve().parents[1] / "src" / "oiltrail"
    flagged = [
        f"{path.relative_to(src)}:{line}: {text}"
        for path in sorted(src.rglob("*.py"))
        if path.name not in ("cli.py",)
        for line, text in _error_texts(ast.parse(path.read_text(encoding="utf-8")))
        if re.search(r"(?<![\w-])--[a-z]", text.replace("uv sync --group dev", ""))
    ]
    assert flagged == []


def test_the_cli_writes_the_flag_the_library_names(tmp_path: Path) -> None:
    from oiltrail.errors import UsageError
    from oiltrail.simulate import simulate

    with pytest.raises(UsageError) as caught:
        simulate(tmp_path, seed=5, days=0, vessels=6)
    assert caught.value.params == ("days",) and "--" not in caught.value.detail
    result = CliRunner().invoke(app, ["simulate", "--days", "0", "--out", str(tmp_path)])
    assert result.exit_code == EXIT_USAGE
    assert _one_line(result.output) == "error: --days must be between 1 and 366, got 0"
    result = CliRunner().invoke(
        app, ["ingest", "--input-format", "nope", _nmea(tmp_path), "--db", str(tmp_path / "n.db")]
    )
    assert "unknown --input-format 'nope'" in _one_line(result.output)
