"""Claims against evidence: supply statements in articles, set beside the store (docs/claims.md)."""
