"""imports tasks."""
