"""dedupe tasks."""
