"""Exact solution of ``B X = C`` over Q by p-adic lifting in float64 (Dixon's method).

``B`` is a non-singular integer matrix, ``C`` an integer matrix; the result is
``X = N / d`` in lowest terms.  Every lifting step works on integers of
absolute value at most 2^51 stored in float64 arrays, so NumPy's BLAS
products are exact (sums of integers stay exact below 2^53, in any order),
and so is rounding ``a / p`` to the nearest integer; the bounds are checked
before the first step, and inputs outside them go to FLINT's own Dixon
solver.

The method, in two phases:

1. The denominator.  Lift ``x = B^-1 (C w)`` for a few seeded random integer
   combinations ``w`` of the columns of ``C`` until one entry's rational
   reconstruction is stable; then ``d`` is the least common multiple of the
   denominators that make every entry of ``d x`` small.
2. The numerators.  Lift ``Y = B^-1 (d C)`` with digits in ``[-h, h]``
   (``p = 2 h + 1``).  When ``d X`` is an integer matrix its expansion is
   finite and the residual becomes exactly zero, which proves ``B Y = d C``
   (the residual identity ``d C - B sum_k y_k p^k = p^K R_K`` holds exactly).
   A residual that never vanishes means ``d`` missed a factor (phase 1 can
   miss a small prime with probability about ``q^-8``); the lifting is then
   repeated with ``d = |det B|``, a multiple of every denominator.

``gcd(d, Y)`` is divided out at the end, so the answer is in lowest terms
whatever ``d`` phase 1 produced.
"""

from __future__ import annotations

import math
import random

import flint

try:  # NumPy is a dependency, but the exact FLINT route needs none of it
    import numpy as np
except ImportError:  # pragma: no cover - exercised by the fallback test
    np = None

#: Systems with fewer right-hand side entries than this go straight to FLINT,
#: which is as fast there (bench/run.py, the "exact solve" table).
FLOAT_FROM = 4096

#: Every integer held in a float64 during lifting stays at or below this
#: (2^51 rather than 2^53 so that rounding a / p to the nearest integer is exact).
EXACT = 1 << 51


def solve(B: flint.fmpz_mat, C: flint.fmpz_mat, seed: bytes = b"") -> tuple[flint.fmpz_mat, int]:
    """Return ``(N, d)`` with ``B N = d C``, ``d > 0`` and ``gcd(d, N) = 1``.

    Parameters
    ----------
    B : flint.fmpz_mat
        Square and non-singular.
    C : flint.fmpz_mat
        Same number of rows as ``B``.
    seed : bytes
        Seeds the random combinations of phase 1 (the answer does not depend on it).

    Examples
    --------
    >>> N, d = solve(flint.fmpz_mat([[2, 0], [0, 3]]), flint.fmpz_mat([[1], [1]]))
    >>> N.tolist(), d
    ([[3], [2]], 6)
    """
    if B.nrows() != B.ncols() or B.nrows() != C.nrows():
        raise ValueError("need a square B and a C with as many rows")
    if C.ncols() == 0 or B.nrows() == 0:
        return flint.fmpz_mat(B.ncols(), C.ncols()), 1
    found = lift_float64(B, C, seed) if B.nrows() * C.ncols() >= FLOAT_FROM else None
    if found is not None:
        return found
    num, den = flint.fmpq_mat(B).solve(flint.fmpq_mat(C), algorithm="dixon").numer_denom()
    return num, int(den)


def lift_float64(B, C, seed=b""):
    """The float64 lifting route of :func:`solve`; None when its bounds do not hold or it fails."""
    if np is None:
        return None
    r = B.nrows()
    b_rows = [[int(x) for x in row] for row in B.tolist()]
    c_rows = [[int(x) for x in row] for row in C.tolist()]
    bsum = max(sum(map(abs, row)) for row in b_rows)
    cmax = max(max(map(abs, row)) for row in c_rows)
    k = C.ncols()
    if k <= 8:  # phase 1 on the columns themselves
        W = [[int(i == j) for j in range(k)] for i in range(k)]
    else:
        rng = random.Random(b"dixon:" + seed)
        W = [[rng.randint(-8, 8) for _ in range(8)] for _ in range(k)]
    h = math.isqrt(EXACT // r)
    # r h^2 <= EXACT bounds inverse @ R.  Residuals stay below bsum + 2 rhs,
    # rhs the largest right-hand side entry (h cmax in phase 2, 8 k cmax in
    # phase 1), and R - B y below that plus bsum h.
    rhs = cmax * max(h, 8 * k)
    if bsum + 2 * rhs + bsum * h >= EXACT:
        return None
    for p in _primes_below(2 * h + 1):
        try:
            inverse = flint.nmod_mat(B, p).inv()
        except ZeroDivisionError:
            continue
        lifter = _Lifter(b_rows, inverse, p)
        Cf = np.array(c_rows, dtype=np.float64)
        hadamard = _hadamard_bits(b_rows)  # |det B| < 2^hadamard
        # phase 1 succeeds once p^k > 2 |numerators| |denominators|, a bound it never needs to reach
        steps = (2 * hadamard + rhs.bit_length() + r.bit_length() + 2) // (p.bit_length() - 1) + 24
        d = _denominator(lifter, Cf @ np.array(W, dtype=np.float64), steps)
        # |d X| <= d |adj(B) C| <= d 2^bits
        bits = hadamard + cmax.bit_length() + r.bit_length()
        Y = lifter.integer_solution(Cf, d, bits + d.bit_length()) if d else None
        if Y is None:
            # d misses a factor of the true denominator (the residual never
            # vanished); |det B| is always a multiple of it
            d = abs(int(B.det()))
            Y = lifter.integer_solution(Cf, d, bits + d.bit_length())
            if Y is None:
                return None
        g = d
        for y in Y.entries():
            g = math.gcd(g, int(y))
            if g == 1:
                break
        return (Y, d) if g == 1 else (Y / g, d // g)
    return None


def _primes_below(n, count=4):
    out = []
    while len(out) < count and n > 2:
        if flint.fmpz(n).is_prime():
            out.append(n)
        n -= 1
    return out


def _hadamard_bits(rows):
    """An upper bound on the bit length of the Hadamard bound of the columns of ``rows``."""
    total = 0
    for j in range(len(rows[0])):
        total += (math.isqrt(sum(row[j] ** 2 for row in rows)) + 1).bit_length()
    return total


class _Lifter:
    """p-adic digits of ``B^-1 R`` with every value an integer below 2^53 in float64."""

    def __init__(self, b_rows, inverse, p):
        self.B = np.array(b_rows, dtype=np.float64)
        n = inverse.nrows()
        entries = np.array([int(x) for x in inverse.entries()], dtype=np.float64).reshape(n, n)
        self.inverse = self._centred(entries, p)
        self.p = p

    @staticmethod
    def _centred(a, p):
        # |a| <= 2^51: the quotient a / p is correctly rounded, within 1/(4p)
        # of the true one, which is 1/(2p) or more from any half-integer.
        return a - p * np.rint(a / p)

    def step(self, R):
        """Return ``(y, R')`` with ``y = B^-1 R mod p`` in ``[-h, h]`` and ``R' = (R - B y) / p``."""
        y = self._centred(self.inverse @ self._centred(R, self.p), self.p)
        return y, (R - self.B @ y) / self.p

    def integer_solution(self, C, d, max_bits):
        """``Y`` with ``B Y = d C`` as an fmpz_mat, or None when no integer solution shows up."""
        p = self.p
        dd = _balanced_digits(d, p)
        R = dd[0] * C
        pairs, low = [], None  # digits paired as they come: low + p high, in int64
        limit = len(dd) + max_bits // (p.bit_length() - 1) + 2
        for k in range(limit):
            y, R = self.step(R)
            if low is None:
                low = y
            else:
                pairs.append(_pair(low, y, p))
                low = None
            if k + 1 < len(dd):
                R += dd[k + 1] * C
            elif not R.any():
                if low is not None:
                    pairs.append(_pair(low, 0 * low, p))
                return _assemble(pairs, p * p)
        return None


def _balanced_digits(n, p):
    """Digits of ``n`` in base p with values in ``[-h, h]``, lowest first."""
    h, out = (p - 1) // 2, []
    while n:
        r = n % p
        if r > h:
            r -= p
        out.append(r)
        n = (n - r) // p
    return out or [0]


def _pair(low, high, p):
    """``low + p high`` (digits below p/2 in absolute value, so below 2^63) in int64."""
    return low.astype(np.int64) + high.astype(np.int64) * p


def _assemble(pairs, base):
    """``sum_k pairs[k] base^k`` as an fmpz_mat: one FLINT product of the matrix with a row
    of digits per entry by the column of powers of ``base`` (one conversion per digit, and
    the carrying in C)."""
    rows, cols = pairs[0].shape
    digits = np.stack(pairs).reshape(len(pairs), rows * cols).T  # entries x digits
    D = flint.fmpz_mat(rows * cols, len(pairs), digits.ravel().tolist())
    powers = flint.fmpz_mat(len(pairs), 1, [flint.fmpz(base) ** k for k in range(len(pairs))])
    return flint.fmpz_mat(rows, cols, (D * powers).entries())


def _reconstruct(a, m):
    """``(n, d)`` with ``n = a d mod m``, ``|n|, d <= sqrt(m / 2)``, or None."""
    bound = math.isqrt(m // 2)
    r0, r1, t0, t1 = m, a % m, 0, 1
    while r1 > bound:
        q = r0 // r1
        r0, r1, t0, t1 = r1, r0 - q * r1, t1, t0 - q * t1
    if t1 == 0 or abs(t1) > bound or math.gcd(r1, abs(t1)) != 1:
        return None
    return (r1, t1) if t1 > 0 else (-r1, -t1)


def _denominator(lifter, rhs, max_steps):
    """Phase 1: a common denominator of ``B^-1 rhs`` (usually that of ``B^-1 C``)."""
    p, R = lifter.p, rhs
    value = np.zeros(rhs.shape, dtype=object)  # x mod p^k, exact Python integers
    power, previous = 1, None
    for k in range(max_steps):
        y, R = lifter.step(R)
        value += y.astype(np.int64).astype(object) * power
        power *= p
        if k % 8 != 7 or power.bit_length() < 64:
            continue
        first = _reconstruct(int(value.flat[0]), power)
        if first is None or first != previous:
            previous = first
            continue
        d, bound = first[1], math.isqrt(power // 2)
        for a in value.flat:
            v = int(a) * d % power
            if min(v, power - v) > bound:
                extra = _reconstruct(v, power)
                if extra is None:
                    break
                d *= extra[1]
        else:
            return d if d <= bound else None
        previous = None
    return None
