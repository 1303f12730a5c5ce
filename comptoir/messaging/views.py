"""messaging views."""
