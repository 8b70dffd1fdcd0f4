"""One module per command; each a thin shell around services (and, for output, selectors)."""
