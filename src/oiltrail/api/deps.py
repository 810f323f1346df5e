"""FastAPI dependencies: the request's read-only store."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import Request

from oiltrail.store import Store


def read_store(request: Request) -> Iterator[Store]:
    """The store for this request, read-only (docs/serve.md, "Concurrency")."""
    with request.app.state.gate.read() as store:
        yield store
