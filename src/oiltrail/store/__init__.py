"""The store: one DuckDB file (the only place that writes), with a Parquet export for engines."""

from oiltrail.store.catalog import Store, open_store

__all__ = ["Store", "open_store"]
