"""scheduling forms."""
