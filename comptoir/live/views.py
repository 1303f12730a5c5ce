"""live views."""
