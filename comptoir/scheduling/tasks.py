"""scheduling tasks."""
