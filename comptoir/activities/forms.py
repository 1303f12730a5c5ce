"""Forms of activities: parse HTTP input, services validate and write."""
