"""Uploaded files under /media/: each one served only to those allowed to see its owning row."""
