"""The trusted, independent certificate checker of exactopen.

Standard library only; it never imports the rest of exactopen (a test
enforces this).  Read it in one sitting: ``spec`` (what generator and checker
share), ``jsonload`` (strict input), ``tensors`` (weight files), ``arith``
(exact integer arithmetic), ``landscape`` (network losses), ``plan`` (the
work budget), ``rules`` (one function per proof rule, in one table),
``conclude`` (verdicts), ``verify`` (the replay loop).

>>> from exactopen.checker import check_text
>>> check_text('{"format": "exactopen-certificate"}')[0]
2
"""

import os

from .errors import CheckerError, Malformed, NotVerified, ResourceCap
from .jsonload import loads
from .spec import BUDGET, MAX_FILE_BYTES, long_integers
from .verify import verify_document

KIND = {2: "malformed: ", 3: "resource cap: "}


def check_text(text, accelerator=None, data=None, budget=BUDGET):
    """Return ``(exit_code, message)``: 0 VERIFIED, 1 NOT VERIFIED, 2 malformed, 3 over a cap.

    ``accelerator`` (optional, e.g. :mod:`exactopen.accel.limbs`) is asked first
    for large kernel checks, modular inverses and products; where it answers
    None, or without one, the standard-library path decides.  ``data`` is the
    content (bytes) of the data file the claim names, if any; ``budget`` the
    work budget in cost units.
    """
    try:
        if len(text) > MAX_FILE_BYTES:
            raise ResourceCap(f"certificate of {len(text)} characters exceeds {MAX_FILE_BYTES}")
        with long_integers():
            verify_document(loads(text), data, accelerator, budget)
    except CheckerError as exc:
        return exc.exit_code, f"NOT VERIFIED: {KIND.get(exc.exit_code, '')}{exc}"
    except (MemoryError, RecursionError) as exc:
        return 3, f"NOT VERIFIED: resource cap: {type(exc).__name__} while checking"
    except (ArithmeticError, ValueError, TypeError, KeyError, IndexError, AttributeError) as exc:
        # never accept what could not be checked; report it as a defect of the certificate
        return 1, f"NOT VERIFIED: the certificate could not be checked ({type(exc).__name__}: {exc})"
    return 0, "VERIFIED"


def read_capped(path, binary=False):
    """A file's content, refused before reading when it exceeds the file cap; read in pieces, so
    that memory grows with the file, not with the cap."""
    if os.path.getsize(path) > MAX_FILE_BYTES:
        raise ResourceCap(f"{path}: {os.path.getsize(path)} bytes exceeds {MAX_FILE_BYTES}")
    pieces, size = [], 0
    with open(path, "rb" if binary else "r", **({} if binary else {"encoding": "utf-8-sig"})) as f:
        while piece := f.read(1 << 20):
            size += len(piece)
            if size > MAX_FILE_BYTES:
                raise ResourceCap(f"{path}: more than {MAX_FILE_BYTES} bytes")
            pieces.append(piece)
    return (b"" if binary else "").join(pieces)


def check_file(path, accelerator=None, data_path=None, budget=BUDGET):
    """Like :func:`check_text` for a file (and the data file); unreadable files are malformed."""
    try:
        text = read_capped(path)
        data = read_capped(data_path, binary=True) if data_path else None
    except CheckerError as exc:
        return exc.exit_code, f"NOT VERIFIED: {KIND[exc.exit_code]}{exc}"
    except OSError as exc:
        return 2, f"NOT VERIFIED: malformed: cannot read {exc.filename or path}: {exc.strerror}"
    except UnicodeDecodeError:
        return 2, f"NOT VERIFIED: malformed: cannot read {path}: not UTF-8 text (a certificate " \
                  "is JSON in UTF-8; a data file goes after --data)"
    except MemoryError:
        return 3, f"NOT VERIFIED: resource cap: MemoryError while reading {path}"
    return check_text(text, accelerator, data, budget)


__all__ = ["CheckerError", "Malformed", "NotVerified", "ResourceCap", "check_file", "check_text",
           "read_capped", "verify_document"]
