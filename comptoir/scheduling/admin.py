"""scheduling admin."""
