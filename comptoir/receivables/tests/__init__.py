"""Tests of receivables: the accounting import, the customer panel and the call card."""
