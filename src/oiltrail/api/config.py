"""What a served app needs to know: the store, the token, the limits (docs/serve.md)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
MAX_BODY_BYTES = 2_000_000  # an article for POST /claims/check; every body is bounded by it
BUSY_WAIT_S = 10.0  # how long a request waits for a CLI writer before 503 store busy


@dataclass(frozen=True)
class ServeConfig:
    db: Path
    token: str
    max_body_bytes: int = MAX_BODY_BYTES
    busy_wait_s: float = BUSY_WAIT_S
