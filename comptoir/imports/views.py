"""imports views."""
