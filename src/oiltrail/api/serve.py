"""`oiltrail serve`: check the store, load or make the token, run uvicorn (docs/serve.md)."""

from __future__ import annotations

import ipaddress
import signal
from pathlib import Path

from oiltrail.api.auth import load_token, token_path
from oiltrail.api.config import ServeConfig
from oiltrail.render import err_console

KEEP_ALIVE_S = 30  # an idle connection is kept this long (uvicorn's 5 s races busy clients)


def prepare_store(db: Path) -> bool:
    """Refuse a missing or unusable store before binding; load the bundled watchlist into a
    store with no lists (the server itself only reads). Returns True when simulated."""
    from oiltrail.errors import StoreReadOnlyError
    from oiltrail.store import open_store
    from oiltrail.store.layout import upgrade
    from oiltrail.store.lists import has_entities

    try:  # an older store gains this version's columns now: the server only reads
        with open_store(db, read_only=False, create=False) as store:
            upgrade(store)
    except StoreReadOnlyError:
        pass  # a read-only file is served as it is
    with open_store(db, read_only=True, create=False) as store:
        lists = has_entities(store)
        simulated = store.simulated
    if not lists:
        from oiltrail.screen.watchlist import ensure_lists

        with open_store(db, read_only=False, create=False) as store:
            ensure_lists(store)
    return simulated


def loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def run_server(db: Path, host: str, port: int) -> None:
    import uvicorn

    from oiltrail.api.app import create_app
    from oiltrail.store.handoff import serving

    simulated = prepare_store(db)
    token, new = load_token(db)
    app = create_app(ServeConfig(db=db, token=token))
    url = f"http://{'127.0.0.1' if host == '0.0.0.0' else host}:{port}/"
    if new:
        err_console.print(
            f"API token (shown once; saved to {token_path(db)}, mode 0600): {token}",
            highlight=False,
        )
        err_console.print(f"open {url}#token={token}", highlight=False)
    else:
        err_console.print(
            f"open {url}#token=TOKEN (the token is in {token_path(db)} or OILTRAIL_API_TOKEN)",
            highlight=False,
        )
    if not loopback(host):
        err_console.print(
            f"[yellow]note:[/yellow] listening on {host}, reachable beyond this machine; "
            "plain HTTP: put TLS in front of it",
            highlight=False,
        )
    if simulated:
        err_console.print("[bold red]SIMULATED DATA[/bold red]: the store holds simulate output")
    err_console.print(f"serving {db} on {url} (Ctrl-C stops)", highlight=False)
    # uvicorn re-raises the signal that stopped it: SIGTERM, like Ctrl-C, then ends here
    # through `serving`'s clean-up (else <db>.serving would outlive the process).
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        with serving(db):
            uvicorn.run(
                app,
                host=host,
                port=port,
                log_level="warning",
                access_log=False,
                timeout_keep_alive=KEEP_ALIVE_S,
            )
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
    err_console.print("stopped", highlight=False)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt
