"""Forms of accounts: parse HTTP input, services validate and write."""
