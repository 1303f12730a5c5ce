"""live admin."""
