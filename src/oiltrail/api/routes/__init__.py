"""One router per area of the API (docs/serve.md)."""
