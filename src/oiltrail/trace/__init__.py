"""Delivery chains from behaviour events: source port → STS encounter → DPRK (SPEC §6)."""
