"""imports admin."""
