"""A progress bar for long ingests, on standard error (silent when disabled or not a terminal)."""

from __future__ import annotations

from types import TracebackType

from rich.progress import BarColumn, DownloadColumn, TextColumn, TimeElapsedColumn
from rich.progress import Progress as RichProgress

from oiltrail.render import err_console


class Progress:
    def __init__(self, enabled: bool = True) -> None:
        self._bar = (
            RichProgress(
                TextColumn("{task.description}"), BarColumn(), DownloadColumn(),
                TimeElapsedColumn(), console=err_console, transient=True,
            )
            if enabled and err_console.is_terminal
            else None
        )  # fmt: skip
        self._task: int | None = None

    def start(self, name: str, total_bytes: int | None) -> None:
        if self._bar is not None:
            self._task = self._bar.add_task(f"ingest {name}", total=total_bytes)

    def advance(self, n_bytes: int) -> None:
        if self._bar is not None and self._task is not None:
            self._bar.advance(self._task, n_bytes)  # type: ignore[arg-type]

    def __enter__(self) -> Progress:
        if self._bar is not None:
            self._bar.start()
        return self

    def __exit__(
        self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._bar is not None:
            self._bar.stop()
