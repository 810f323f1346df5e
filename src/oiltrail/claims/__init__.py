"""Claims against evidence: supply statements in articles, set beside the store (SPEC §7)."""
