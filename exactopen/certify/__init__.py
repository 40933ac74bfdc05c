"""Building certificates from computed results (the untrusted side)."""
