"""live forms."""
