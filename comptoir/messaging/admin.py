"""messaging admin."""
