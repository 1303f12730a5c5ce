"""Template tags of receivables."""
