"""Benchmarks: the app's figure next to a raw-SQL baseline of the same work, same run."""
