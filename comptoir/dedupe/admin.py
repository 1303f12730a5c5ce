"""dedupe admin."""
