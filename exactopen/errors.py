"""Exceptions of the computing (untrusted) side of exactopen.

Bad input and "the mathematics says no" are kept apart: :class:`InputError`
means the user's data cannot be read or does not fit; a verdict such as
"not locally open" is a result, never an exception.  :class:`InternalError`
means two independent routes of exactopen disagreed: a bug, never an answer.
"""


class ExactOpenError(Exception):
    """Root of every exception raised by exactopen's computing side."""


class InputError(ExactOpenError, ValueError):
    """The input cannot be read, is malformed, or does not fit the request."""


class ResourceLimitError(InputError):
    """The input exceeds a documented size cap."""


class InternalError(ExactOpenError, RuntimeError):
    """Two independent computations disagreed; please report it as a bug."""
