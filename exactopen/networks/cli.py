"""Command-line commands for deep linear networks."""


def register(sub, fmt, add_output, write_certificate) -> None:
    """Add the network commands to the ``exactopen`` parser."""
