"""Engines partition the store's data and call the `oiltrail.detect` kernels; nothing else.

`local` (default) runs on this machine's cores; a Spark engine calls the same kernels.
"""
