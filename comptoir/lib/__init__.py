"""Layer 0: pure helpers shared by every app; imports no app."""
