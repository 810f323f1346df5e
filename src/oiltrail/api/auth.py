"""The API token: `OILTRAIL_API_TOKEN`, or generated at first start and kept beside the store
(mode 0600), and the check every route but /healthz makes (docs/serve.md)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from fastapi import Request

from oiltrail.errors import OiltrailError

TOKEN_ENV = "OILTRAIL_API_TOKEN"
MIN_TOKEN_CHARS = 16


class AuthError(OiltrailError):
    """No token, or the wrong one."""

    http_status = 401


def token_path(db: Path) -> Path:
    return db.with_name(db.name + ".api-token")


def load_token(db: Path) -> tuple[str, bool]:
    """The token, and True when it was generated now (print it once, then never again)."""
    given = os.environ.get(TOKEN_ENV, "").strip()
    if given:
        if len(given) < MIN_TOKEN_CHARS:
            raise OiltrailError(f"{TOKEN_ENV} is {len(given)} characters: give at least 16")
        return given, False
    path = token_path(db)
    if path.exists():
        text = path.read_text(encoding="utf-8").strip()
        if len(text) >= MIN_TOKEN_CHARS:
            if path.stat().st_mode & 0o077:
                os.chmod(path, 0o600)
            return text, False
        path.unlink()
    token = secrets.token_urlsafe(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(token + "\n")
    return token, True


def check_token(request: Request) -> None:
    """FastAPI dependency: `Authorization: Bearer TOKEN` or 401."""
    expected: str = request.app.state.config.token
    header = request.headers.get("authorization", "")
    scheme, _, given = header.partition(" ")
    if scheme.lower() != "bearer" or not given:
        raise AuthError("missing token: send Authorization: Bearer TOKEN (see docs/serve.md)")
    if not secrets.compare_digest(given.strip().encode(), expected.encode()):
        raise AuthError("wrong token")
