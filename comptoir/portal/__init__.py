"""The customer portal (one-time code sign-in) and satisfaction surveys."""
