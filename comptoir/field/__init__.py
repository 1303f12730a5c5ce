"""Technician app: the day on a phone, reports offline, needs captured on site."""
