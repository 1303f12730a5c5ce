"""live tasks."""
