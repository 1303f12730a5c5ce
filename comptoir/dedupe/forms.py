"""dedupe forms."""
