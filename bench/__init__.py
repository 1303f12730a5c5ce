"""Benchmarks and their data generator (see bench/run.py)."""
