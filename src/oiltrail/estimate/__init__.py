"""Cargo volumes from hull and draught, barrels, and the UNSCR 2397 cap tracker (docs/chains.md)."""
