"""Exceptions of the computing (untrusted) side of exactopen, by who is at fault.

* :class:`InputError` -- the user's data cannot be read, is malformed, or does
  not fit the request (the command line exits 2);
* :class:`NotApplicable` -- the input is fine, but the mathematics says no: the
  theorem asked for does not apply here (a degenerate point for Lemma 7, a
  point that is not critical, a pair that is not open for ``lift``) (exit 5);
* :class:`InternalError` -- two independent routes of exactopen disagreed: a
  bug, never an answer (exit 4).

A verdict such as "not locally open" is a result, never an exception.  Every
exception raised here derives from :class:`ExactOpenError`.
"""


class ExactOpenError(Exception):
    """Root of every exception raised by exactopen's computing side."""


class InputError(ExactOpenError, ValueError):
    """The input cannot be read, is malformed, or does not fit the request."""


class ResourceLimitError(InputError):
    """The input exceeds a documented size cap."""


class NotApplicable(ExactOpenError):
    """The input is well formed, but the requested theorem or construction does not apply."""


class InternalError(ExactOpenError, RuntimeError):
    """Two independent computations disagreed; please report it as a bug."""
