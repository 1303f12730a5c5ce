"""messaging forms."""
