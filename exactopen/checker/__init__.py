"""The trusted, independent certificate checker of exactopen.

Standard library only; it never imports the rest of exactopen (a test
enforces this).  Read it in one sitting: ``jsonload`` (strict input),
``arith`` (exact integer arithmetic), ``landscape`` (network losses),
``rules`` (one function per proof rule), ``conclude`` (verdicts),
``verify`` (the replay loop).

>>> from exactopen.checker import check_text
>>> check_text('{"format": "exactopen-certificate"}')[0]
2
"""

from . import arith
from .errors import CheckerError, Malformed, NotVerified, ResourceCap
from .verify import verify_document, verify_text


def check_text(text, accelerator=None):
    """Return ``(exit_code, message)``: 0 VERIFIED, 1 NOT VERIFIED, 2 malformed, 3 cap.

    ``accelerator`` (optional, e.g. :mod:`exactopen.limbs`) is asked first for
    large kernel checks, modular inverses and products; where it answers None,
    or without one, the standard-library path decides.
    """
    arith.accelerator = accelerator
    try:
        verify_text(text)
    except CheckerError as exc:
        kind = {2: "malformed: ", 3: "resource cap: "}.get(exc.exit_code, "")
        return exc.exit_code, f"NOT VERIFIED: {kind}{exc}"
    except (ArithmeticError, ValueError, TypeError, KeyError, IndexError, AttributeError,
            RecursionError) as exc:
        # never accept what could not be checked; report it as a defect of the certificate
        return 1, f"NOT VERIFIED: the certificate could not be checked ({type(exc).__name__}: {exc})"
    finally:
        arith.accelerator = None
    return 0, "VERIFIED"


def check_file(path, accelerator=None):
    """Like :func:`check_text` for a file; unreadable files count as malformed."""
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except (OSError, UnicodeDecodeError) as exc:
        return 2, f"NOT VERIFIED: malformed: cannot read {path}: {exc}"
    return check_text(text, accelerator)


__all__ = ["CheckerError", "Malformed", "NotVerified", "ResourceCap", "check_file", "check_text",
           "verify_document", "verify_text"]
