"""The demo workspace "Duret Électricité" and generated data for benchmarks."""
