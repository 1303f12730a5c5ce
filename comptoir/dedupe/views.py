"""dedupe views."""
