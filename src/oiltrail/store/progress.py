"""A progress bar for long ingests, on standard error (silent when disabled or not a terminal)."""

from __future__ import annotations

from types import TracebackType
from typing import TYPE_CHECKING

from oiltrail.render import err_console

if TYPE_CHECKING:
    from rich.progress import Progress as RichProgress


class Progress:
    def __init__(self, enabled: bool = True) -> None:
        self._bar: RichProgress | None = None
        if enabled and err_console.is_terminal:  # rich.progress: imported only to be shown
            from rich.progress import BarColumn, DownloadColumn, TextColumn, TimeElapsedColumn
            from rich.progress import Progress as RichProgress

            self._bar = RichProgress(
                TextColumn("{task.description}"), BarColumn(), DownloadColumn(),
                TimeElapsedColumn(), console=err_console, transient=True,
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
