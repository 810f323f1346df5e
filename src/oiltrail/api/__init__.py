"""The HTTP API and web app of `oiltrail serve` (docs/serve.md): `create_app(config)` builds it."""

from oiltrail.api.app import create_app
from oiltrail.api.config import ServeConfig

__all__ = ["ServeConfig", "create_app"]
