"""Deep linear networks: exact losses, Lemmas 3 and 7, Theorems 5 and 8."""
