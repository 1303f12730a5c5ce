"""messaging tasks."""
