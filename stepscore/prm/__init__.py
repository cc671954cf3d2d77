"""Learned step scorers (process reward models): inference, aggregation, training."""
