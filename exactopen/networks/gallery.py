"""Gallery entries for deep linear networks."""

NETWORK_ENTRIES = []
