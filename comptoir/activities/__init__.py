"""Interactions — the unit of work — with their processes, stages and timestamped notes."""
