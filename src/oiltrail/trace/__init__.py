"""Delivery chains from behaviour events: source port → STS encounter → DPRK (docs/chains.md)."""
