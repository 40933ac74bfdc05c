"""Optional accelerators for the checker, kept apart from it: the checker never imports them;
the command line lends one to it (``--plain`` goes without)."""
