"""Thin adapters to TRL, veRL, OpenRLHF, a reward server and Ray."""
