"""Rewards built from verifiers and PRMs, and their weighted combination."""
