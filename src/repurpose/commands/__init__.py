"""One module per CLI command; each exposes `command` and maps options to one core call."""
