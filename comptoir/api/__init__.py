"""REST API v1 (django-ninja): an interface app calling domain services and selectors."""
