"""scheduling views."""
