"""What generator and checker share, defined once: format, prime, caps, budget, claim digest.

The generator imports these names (never a copy of them); the checker reads
them and nothing of the generator.  ``docs/certificate-format.md`` documents
every value here.
"""

import hashlib
import json
import sys
from contextlib import contextmanager

FORMAT = "exactopen-certificate"
#: Versions this checker reads, and the one the generator writes.
VERSIONS = (1, 2)
VERSION = 2

#: The prime of determinant residues and minor inverses: 2^61 - 1.
PRIME = (1 << 61) - 1

#: Largest file read anywhere: matrix, network, certificate or data file (bytes), and
#: largest JSON header of a safetensors file.
MAX_FILE_BYTES = 256 << 20
MAX_HEADER = 16 << 20
#: Longest number in user input (characters), e.g. one entry of a matrix file.
MAX_INPUT_CHARS = 4000
#: Longest number in a certificate (characters).  Larger than the input cap:
#: evidence (kernel entries, by Hadamard's bound up to rank times the input's
#: digits) outgrows its input; a generator that would exceed it refuses.
MAX_DIGITS = 20000
#: Largest number of rows or columns, and of entries, of one matrix.
MAX_DIM = 1 << 17
MAX_ENTRIES = 4_000_000
#: Most matrix entries the checker holds at once (defined and evaluated matrices).
MAX_CELLS = 4 * MAX_ENTRIES
#: Largest network width, and steps per certificate.
MAX_WIDTH = 5000
MAX_STEPS = 100_000
#: Largest minor whose exact (Bareiss) determinant the checker computes when its
#: residue is 0; larger minors must carry a non-zero residue or an inverse.
MAX_BAREISS = 32
#: Default work budget of one certificate, in cost units (see ``plan.py``): about a
#: minute of the standard-library path on a current machine at most, three times
#: the largest certificate of the documented workloads (an 800 x 800 rank).
BUDGET = 2_000_000_000


def claim_digest(claim):
    """SHA-256 of the claim's compact JSON with sorted keys: binds the evidence to the claim."""
    text = json.dumps(claim, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode("ascii")).hexdigest()


@contextmanager
def long_integers():
    """Let ``int`` and ``str`` convert numbers of up to :data:`MAX_DIGITS` digits.

    Python refuses more than 4300 digits by default; the caps here bound the
    lengths instead.
    """
    get = getattr(sys, "get_int_max_str_digits", None)
    old = get() if get else 0
    if old and old < 2 * MAX_DIGITS:
        sys.set_int_max_str_digits(2 * MAX_DIGITS)
    try:
        yield
    finally:
        if old and old < 2 * MAX_DIGITS:
            sys.set_int_max_str_digits(old)
