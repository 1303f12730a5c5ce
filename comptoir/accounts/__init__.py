"""Workspaces (the companies using Comptoir), their users, roles and API tokens."""
