"""Reference data: the tables every stage shares (ports, and later factors and the cap).

Each table has one reader here that validates a file once; `oiltrail.store.reference` keeps
what a run used in the store, with its content hash, so later stages read the same rows.
This package imports nothing else of oiltrail but `errors` (a leaf: no import cycles).
"""
