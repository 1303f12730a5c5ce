"""One search box across customers and interactions (an interface app composing selectors)."""
