"""An optional accelerator for the checker: exact float64 limb products (NumPy).

The checker (:mod:`exactopen.checker`) is standard library only.  A caller
may hand it this module (``check_text(text, accelerator=limbs)``); the
checker then asks it first for three computations and uses its own
standard-library path whenever it answers None:

* :func:`kernel_vanishes`: ``A[:, J] P + d A[:, F] = 0``;
* :func:`inverse_holds`: ``B C = I`` modulo 2^61 - 1;
* :func:`product`: an integer matrix product with one factor of small entries.

Every large integer is split into L-bit limbs, ``L`` chosen so that every
product and every partial sum of a float64 matrix product is an integer
below 2^53; IEEE-754 double arithmetic is exact on those in any summation
order.  The limbs are recombined by carrying in int64.  Inputs outside the
bounds get None.  This module imports NumPy and the standard library only,
never the rest of exactopen (a test enforces it), and the test suite checks
that its answers agree with the checker's own.
"""

import os
from itertools import chain
from operator import methodcaller

try:
    import numpy
except ImportError:
    numpy = None

#: Float64 values per block of rows of a product (memory stays near 8 times this many bytes).
BLOCK = 1 << 20


def accelerator(plain=False):
    """This module, or None when NumPy is missing, ``plain`` is true or ``EXACTOPEN_PLAIN=1``."""
    if plain or numpy is None or os.environ.get("EXACTOPEN_PLAIN", "") == "1":
        return None
    import sys
    return sys.modules[__name__]


def _split(values, bits, count):
    """Limbs (count x len(values), float64) of the absolute values, signs restored."""
    words = (bits * count + 63) // 64 + 1
    data = b"".join(map(methodcaller("to_bytes", 8 * words, "little"), map(abs, values)))
    table = numpy.frombuffer(data, dtype="<u8").reshape(len(values), words)
    sign = numpy.where(numpy.fromiter(map((0).__gt__, values), bool, len(values)), -1.0, 1.0)
    out = numpy.empty((count, len(values)))
    mask = numpy.uint64((1 << bits) - 1)
    for l in range(count):
        w, shift = divmod(bits * l, 64)
        x = table[:, w] >> numpy.uint64(shift)
        if shift + bits > 64:
            x = x | (table[:, w + 1] << numpy.uint64(64 - shift))
        out[l] = (x & mask).astype(numpy.float64) * sign
    return out


def kernel_vanishes(ints, cols, free, pivot_part, d):
    """``A K = 0`` (True/False) for integer rows ``ints``, or None when this path does not apply.

    ``P`` and ``d`` are split into L-bit limbs with ``sum_a |A[i, J_a]| 2^L``
    below 2^53, so ``S_l = A[:, J] P_l + d_l A[:, F]`` is exact, and
    ``sum_l S_l 2^(L l) = 0`` holds exactly when, carrying from the lowest
    limb, every limb of the running value vanishes and so does the final carry.
    """
    if numpy is None or not ints or not cols or not free:
        return None
    aj = [[row[j] for j in cols] for row in ints]
    af = [[row[j] for j in free] for row in ints]
    jsum = max(sum(map(abs, row)) for row in aj)
    amax = max(max(map(abs, row)) for row in af)
    bits = min(53 - jsum.bit_length(), 60 - amax.bit_length(), 32)
    if bits < 8:
        return None
    top = max(max(max(map(abs, row)) for row in pivot_part), d)
    count = max(1, -(-top.bit_length() // bits))
    r, k = len(cols), len(free)
    P = _split(list(chain.from_iterable(pivot_part)), bits, count).reshape(count, r, k)
    dl = _split([d], bits, count)[:, 0].astype(numpy.int64)
    AJ = numpy.array(aj, dtype=numpy.float64)
    AF = numpy.array(af, dtype=numpy.int64)
    carry = numpy.zeros((len(ints), k), dtype=numpy.int64)
    for l in range(count):  # limb l of A K, plus the carry from below
        v = (AJ @ P[l]).astype(numpy.int64) + dl[l] * AF + carry
        if (v & ((1 << bits) - 1)).any():
            return False
        carry = v >> bits
    if carry.any():
        return False
    return True


def inverse_holds(ints, inverse, p):
    """``B C = I`` modulo ``p = 2^61 - 1`` (True/False) for C in [0, p), or None when inapplicable.

    ``S_l = B C_l`` is exact for L-bit limbs ``C_l``; ``S_l 2^(L l)`` is
    reduced modulo the Mersenne prime by rotating 61-bit values.
    """
    if numpy is None or not ints or p != (1 << 61) - 1:
        return None
    bits = min(53 - max(sum(map(abs, row)) for row in ints).bit_length(), 32)
    if bits < 8:
        return None
    n = len(ints)
    B = numpy.array(ints, dtype=numpy.float64)
    C = numpy.array(inverse, dtype=numpy.uint64)
    total = numpy.zeros((n, n), dtype=numpy.int64)
    for l in range(-(-61 // bits)):
        limb = ((C >> numpy.uint64(bits * l)) & numpy.uint64((1 << bits) - 1))
        s = (B @ limb.astype(numpy.float64)).astype(numpy.int64) % p  # exact, then in [0, p)
        k = bits * l % 61  # s 2^k = hi 2^61 + lo 2^k = hi + lo 2^k (mod p)
        total += ((s & ((1 << (61 - k)) - 1)) << k) + (s >> (61 - k))
        total %= p
    return bool((total == numpy.eye(n, dtype=numpy.int64)).all())


def product(a_rows, b_rows, n):
    """The exact integer product ``A B`` (rows of ints), or None when this path does not apply.

    One factor must be small: the row sums of A (or the column sums of B)
    times 2^L stay below 2^53, L a multiple of 8; the other factor is split
    into L-bit limbs and each entry is rebuilt from its carried limbs.
    """
    if numpy is None or not a_rows or not b_rows or not n:
        return None
    options = []
    for small, big, flip in ((a_rows, b_rows, False),
                             ([list(c) for c in zip(*b_rows)], [list(c) for c in zip(*a_rows)], True)):
        bits = min(53 - max(sum(map(abs, r)) for r in small).bit_length(), 32) // 8 * 8
        if bits >= 8:
            top = max(max(map(abs, r)) for r in big).bit_length()
            options.append((max(1, -(-top // bits)), bits, small, big, flip))
    if not options:
        return None
    count, bits, small, big, flip = min(options, key=lambda o: o[0])
    k, cols = len(big), len(big[0])
    G = _split([x for r in big for x in r], bits, count)
    G = G.reshape(count, k, cols).transpose(1, 0, 2).reshape(k, count * cols)
    out, width = [], bits // 8 * count
    step = max(1, BLOCK // (count * cols))
    for start in range(0, len(small), step):
        rows = small[start:start + step]
        S = (numpy.array(rows, dtype=numpy.float64) @ G).astype(numpy.int64)
        S = S.reshape(len(rows), count, cols)
        if count == 1:
            out.extend(S[:, 0, :].tolist())
            continue
        digits = numpy.empty((len(rows), cols, count), dtype="<u4")
        carry = numpy.zeros((len(rows), cols), dtype=numpy.int64)
        for l in range(count):
            v = S[:, l, :] + carry
            digits[:, :, l] = v & ((1 << bits) - 1)
            carry = v >> bits
        raw = digits.view(numpy.uint8).reshape(len(rows), cols, count, 4)[..., :bits // 8].tobytes()
        at = 0
        for high in carry.tolist():
            row = []
            for c in high:
                row.append(int.from_bytes(raw[at:at + width], "little") + (c << (bits * count)))
                at += width
            out.append(row)
    return [list(c) for c in zip(*out)] if flip else out
