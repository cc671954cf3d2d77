"""Benchmark loaders, metrics, search and reports."""
