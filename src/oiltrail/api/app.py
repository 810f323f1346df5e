"""The app factory of `oiltrail serve`: routers, token check, errors as JSON, bounded bodies,
Content-Security-Policy on every response (docs/serve.md)."""

from __future__ import annotations

import json
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from oiltrail.api.access import StoreGate
from oiltrail.api.auth import check_token
from oiltrail.api.config import ServeConfig
from oiltrail.errors import OiltrailError

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "worker-src 'self' blob:; child-src 'self' blob:; connect-src 'self'; font-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]


DRAIN_BYTES = 16_000_000  # a refused body up to this size is read before the 413


class BodyTooLarge(HTTPException):
    def __init__(self, limit: int) -> None:
        super().__init__(413, f"request body over {limit:,} bytes")


class Guard:
    """ASGI middleware: security headers on every response, request bodies bounded."""

    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app = app
        self.limit = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS]
            await send(message)

        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.limit):
            if length.isdigit() and int(length) <= DRAIN_BYTES:
                await _drain(receive)  # read what the client sends, so it reads the answer
            await _too_large(send_with_headers, self.limit)
            return
        seen = 0

        async def bounded() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise BodyTooLarge(self.limit)
            return message

        try:
            await self.app(scope, bounded, send_with_headers)
        except BodyTooLarge:
            if not started:
                await _drain(receive)
                await _too_large(send_with_headers, self.limit)


async def _drain(receive: Receive) -> None:
    """Read and drop the rest of a refused body, up to DRAIN_BYTES (then the connection
    closes: a client still sending may see it reset)."""
    seen = 0
    while seen <= DRAIN_BYTES:
        message = await receive()
        if message["type"] != "http.request":
            return
        seen += len(message.get("body", b""))
        if not message.get("more_body", False):
            return


async def _too_large(send: Send, limit: int) -> None:
    body = json.dumps({"detail": f"request body over {limit:,} bytes"}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [(b"content-type", b"application/json"), (b"connection", b"close")],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _error(status: int, detail: str, **extra: Any) -> JSONResponse:
    headers = {"Retry-After": "2"} if status == 503 else None
    if status == 401:
        headers = {"WWW-Authenticate": "Bearer"}
    return JSONResponse({"detail": detail, **extra}, status_code=status, headers=headers)


def _install_errors(app: FastAPI) -> None:
    @app.exception_handler(OiltrailError)
    async def known(_: Request, exc: OiltrailError) -> JSONResponse:
        return _error(exc.http_status, exc.detail)

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"loc": [str(x) for x in e.get("loc", ())], "msg": str(e.get("msg", ""))}
            for e in exc.errors()
        ]
        if any(e.get("type") == "json_invalid" for e in exc.errors()):
            return _error(400, "malformed JSON body", errors=errors[:5])
        loc: list[str] = list(errors[0]["loc"]) if errors else []
        msg = str(errors[0]["msg"]) if errors else "invalid request"
        where = ".".join(loc[1:] if len(loc) > 1 else loc)
        return _error(422, f"{where}: {msg}" if where else msg, errors=errors[:20])

    @app.exception_handler(HTTPException)
    async def http(_: Request, exc: HTTPException) -> JSONResponse:
        detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        return _error(exc.status_code, detail)

    @app.exception_handler(Exception)
    async def internal(request: Request, exc: Exception) -> JSONResponse:
        from oiltrail.store.catalog import store_error

        known = store_error(exc, request.app.state.config.db)
        if known is not None:
            return _error(known.http_status, known.detail)
        return _error(500, f"internal error: {type(exc).__name__} (a bug: see the server log)")


def _warm(gate: StoreGate) -> None:
    """What the first page asks of a new server, computed at start (in a thread): the app's
    files and land outline read, the store's status and the map's cached levels."""
    from oiltrail.api.routes.maps import status_of
    from oiltrail.api.routes.web import app_files, land_geojson
    from oiltrail.api.tracks import warm

    app_files()
    land_geojson()
    try:
        with gate.read() as store:
            status_of(store)
            warm(store)
    except Exception:  # a busy or empty store: the first requests compute them instead
        return


def create_app(config: ServeConfig) -> FastAPI:
    """The FastAPI app serving `config.db`; every route but /healthz wants the token."""
    from oiltrail import __version__
    from oiltrail.api.routes import (
        analysis,
        claims,
        health,
        maps,
        match,
        records,
        vessels,
        watch,
        web,
    )

    gate = StoreGate(config.db, config.busy_wait_s)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        warming = threading.Thread(target=_warm, args=(gate,), daemon=True)
        warming.start()
        yield
        warming.join(timeout=120)  # DuckDB must not be mid-query when the process ends
        gate.close()

    app = FastAPI(
        lifespan=lifespan,
        title="oiltrail",
        version=__version__,
        description="Refined oil into North Korea: vessels, events, chains, screening, claims.",
        openapi_url=None,  # served below, behind the token
        docs_url=None,  # the interactive docs load assets from a CDN: not offered
        redoc_url=None,
    )
    app.state.config = config
    app.state.gate = gate
    _install_errors(app)
    auth = [Depends(check_token)]
    app.include_router(health.router)
    app.include_router(vessels.router, dependencies=auth)
    app.include_router(records.router, dependencies=auth)
    app.include_router(analysis.router, dependencies=auth)
    app.include_router(match.router, dependencies=auth)
    app.include_router(claims.router, dependencies=auth)
    app.include_router(maps.router, dependencies=auth)
    app.include_router(watch.router, dependencies=auth)

    app.include_router(web.router)

    @app.get("/openapi.json", dependencies=auth, include_in_schema=False)
    def openapi() -> dict[str, Any]:
        return app.openapi()

    app.add_middleware(Guard, max_body_bytes=config.max_body_bytes)
    return app
