"""imports forms."""
