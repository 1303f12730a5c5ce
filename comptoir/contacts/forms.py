"""Forms of contacts: parse HTTP input, services validate and write."""
