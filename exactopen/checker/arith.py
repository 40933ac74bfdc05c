"""Exact integer and rational arithmetic for the checker (standard library only).

Two tricks keep checking fast without giving up exactness:

* a determinant that is non-zero modulo a prime is non-zero; only when it
  vanishes modulo every prime in :data:`PRIMES` is the exact fraction-free
  (Bareiss) determinant computed;
* integer matrix products are done row by row on *packed* integers: the
  entries of a row of B are laid side by side in one big integer with slots
  wide enough for every partial sum, so one big-integer multiply-add handles a
  whole row.  A row of ``A K`` is zero exactly when its packed value is 0,
  because slot values are bounded by half the slot range.
"""

from fractions import Fraction
from math import lcm

#: Primes (checked in the test suite) used for determinants modulo p.
PRIMES = (2305843009213693951, 4611686018427387847, 9223372036854775783)


def integer_rows(rows):
    """Scale each row of a rational matrix to integers (rank and kernel unchanged)."""
    out = []
    for row in rows:
        d = 1
        for x in row:
            d = lcm(d, Fraction(x).denominator)
        out.append([int(x * d) for x in row])
    return out


def _det_mod_p(rows, p):
    a = [[x % p for x in r] for r in rows]
    n = len(a)
    det = 1
    for c in range(n):
        piv = next((i for i in range(c, n) if a[i][c]), None)
        if piv is None:
            return 0
        if piv != c:
            a[c], a[piv] = a[piv], a[c]
            det = -det
        pr = a[c]
        det = det * pr[c] % p
        inv = pow(pr[c], p - 2, p)
        for i in range(c + 1, n):
            f = a[i][c] * inv % p
            if f:
                a[i] = [(x - f * y) % p for x, y in zip(a[i], pr)]
    return det % p


def bareiss_det(rows):
    """Exact determinant of a square integer matrix (fraction-free elimination)."""
    a = [list(r) for r in rows]
    n = len(a)
    sign, prev = 1, 1
    for c in range(n - 1):
        piv = next((i for i in range(c, n) if a[i][c]), None)
        if piv is None:
            return 0
        if piv != c:
            a[c], a[piv] = a[piv], a[c]
            sign = -sign
        for i in range(c + 1, n):
            for j in range(c + 1, n):
                a[i][j] = (a[i][j] * a[c][c] - a[i][c] * a[c][j]) // prev
        prev = a[c][c]
    return sign * a[-1][-1] if n else 1


def determinant_residues(rows):
    """Determinant of the row-scaled integer block modulo each prime of :data:`PRIMES`."""
    ints = integer_rows(rows)
    return [_det_mod_p(ints, p) for p in PRIMES], ints


def nonsingular(rows, stated):
    """Check the stated determinant residues of a square block; True when it is non-singular.

    A non-zero residue proves ``det != 0``; if every residue is zero the exact
    (Bareiss) determinant decides.  Returns None when the residues differ.
    """
    residues, ints = determinant_residues(rows)
    if residues != stated:
        return None
    return any(residues) or bareiss_det(ints) != 0


def _slot_bits(a_rows, b_rows):
    amax = max((sum(abs(x) for x in r) for r in a_rows), default=0)
    bmax = max((abs(x) for r in b_rows for x in r), default=0)
    bits = (amax * bmax).bit_length() + 2
    return (bits + 7) // 8 * 8


def _pack(row, w):
    v = 0
    for x in reversed(row):
        v = (v << w) + x
    return v


def int_matmul(a_rows, b_rows, n):
    """Exact product of integer matrices (a: m x k, b: k x n) by packed rows."""
    w = _slot_bits(a_rows, b_rows)
    packed = [_pack(r, w) for r in b_rows]
    half = 1 << (w - 1)
    offset = _pack([half] * n, w)
    nbytes = w // 8
    out = []
    for row in a_rows:
        s = sum(x * p for x, p in zip(row, packed) if x)
        raw = (s + offset).to_bytes(nbytes * n, "little") if n else b""
        out.append([int.from_bytes(raw[c * nbytes:(c + 1) * nbytes], "little") - half
                    for c in range(n)])
    return out


def int_product_is_zero(a_rows, b_rows):
    """``A B == 0`` for integer matrices, without unpacking (see module doc)."""
    w = _slot_bits(a_rows, b_rows)
    packed = [_pack(r, w) for r in b_rows]
    return all(sum(x * p for x, p in zip(row, packed) if x) == 0 for row in a_rows)


def matmul(a_rows, b_rows, k, n):
    """Exact product of rational matrices given as rows (a: m x k, b: k x n)."""
    if not a_rows or k == 0:
        return [[Fraction(0)] * n for _ in a_rows]
    bden = 1
    for r in b_rows:
        for x in r:
            bden = lcm(bden, Fraction(x).denominator)
    b_int = [[int(x * bden) for x in r] for r in b_rows]
    aden = []
    a_int = []
    for r in a_rows:
        d = 1
        for x in r:
            d = lcm(d, Fraction(x).denominator)
        aden.append(d * bden)
        a_int.append([int(x * d) for x in r])
    prod = int_matmul(a_int, b_int, n)
    return [[Fraction(x, d) for x in r] for r, d in zip(prod, aden)]


def add(a_rows, b_rows):
    return [[x + y for x, y in zip(r, s)] for r, s in zip(a_rows, b_rows)]


def transpose(rows, n):
    return [list(c) for c in zip(*rows)] if rows else [[] for _ in range(n)]
