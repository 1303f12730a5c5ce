"""Figures: the service dashboard."""
