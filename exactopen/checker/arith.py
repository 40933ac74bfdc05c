"""Exact integer and rational arithmetic for the checker (standard library only).

Two tricks keep checking fast without giving up exactness:

* a determinant that is non-zero modulo a prime is non-zero; only when it
  vanishes modulo :data:`PRIME` is the exact fraction-free (Bareiss)
  determinant computed;
* integer matrix products are done row by row on *packed* integers: the
  entries of a row of B are laid side by side in one big integer with slots
  wide enough for every partial sum, so one big-integer multiply-add handles a
  whole row.  A row of ``A K`` is zero exactly when its packed value is 0,
  because slot values are bounded by half the slot range.
"""

from fractions import Fraction
from math import lcm

#: Set by :func:`exactopen.checker.check_text` for one check: None, or an object
#: whose ``kernel_vanishes``, ``inverse_holds`` and ``product`` answer exactly as
#: the functions here do, or None to leave the work to them (exactopen.limbs).
accelerator = None


def _accelerated(name, *args):
    """The accelerator's answer, or None when there is none or it declines."""
    return None if accelerator is None else getattr(accelerator, name)(*args)

#: The prime (checked in the test suite) of the determinant residues in minor steps.
PRIME = 2305843009213693951  # 2^61 - 1


def integer_rows(rows):
    """Scale each row of a rational matrix to integers (rank and kernel unchanged)."""
    if all(type(x) is int for row in rows for x in row):
        return rows
    out = []
    for row in rows:
        d = 1
        for x in row:
            d = lcm(d, x.denominator)
        out.append([int(x * d) for x in row])
    return out


def _det_mod_p_sparse(rows, p):
    """Determinant modulo p by elimination on {column: value} rows (little fill-in when sparse)."""
    n = len(rows)
    pending = {i: {j: x % p for j, x in enumerate(r) if x % p} for i, r in enumerate(rows)}
    det, chosen = 1, []
    for c in range(n):
        holders = [i for i, r in pending.items() if c in r]
        if not holders:
            return 0
        k = min(holders, key=lambda i: (len(pending[i]), i))
        pivot_row = pending.pop(k)
        chosen.append(k)
        det = det * pivot_row[c] % p
        inverse = pow(pivot_row[c], p - 2, p)
        for i in holders:
            if i == k:
                continue
            r = pending[i]
            f = r[c] * inverse % p
            for j, x in pivot_row.items():
                v = (r.get(j, 0) - f * x) % p
                if v:
                    r[j] = v
                else:
                    r.pop(j, None)
    seen, sign = [False] * n, 1  # sign of the permutation column c -> row chosen[c]
    for start in range(n):
        length, j = 0, start
        while not seen[j]:
            seen[j], j, length = True, chosen[j], length + 1
        if length and length % 2 == 0:
            sign = -sign
    return det * sign % p


def _det_mod_p(rows, p):
    """Determinant modulo p: sparse elimination when under a quarter of the entries are non-zero."""
    n = len(rows)
    if n > 8 and sum(1 for r in rows for x in r if x) < n * n // 4:
        return _det_mod_p_sparse(rows, p)
    return _det_mod_p_dense(rows, p)


def _det_mod_p_dense(rows, p):
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


def determinant_residue(rows):
    """Determinant of the row-scaled integer block modulo :data:`PRIME`, and that block."""
    ints = integer_rows(rows)
    return _det_mod_p(ints, PRIME), ints


def nonsingular(rows, stated):
    """Check the stated determinant residue of a square block; True when it is non-singular.

    A non-zero residue proves ``det != 0``; a zero residue leaves it to the
    exact (Bareiss) determinant.  Returns None when the residue differs.
    """
    residue, ints = determinant_residue(rows)
    if residue != stated:
        return None
    return residue != 0 or bareiss_det(ints) != 0


def inverse_mod_p_holds(ints, inverse):
    """``B C = I`` modulo :data:`PRIME` for an integer block B and C with entries in [0, p)."""
    p = PRIME
    if any(not 0 <= x < p for row in inverse for x in row):
        return False
    fast = _accelerated("inverse_holds", ints, inverse, p)
    if fast is not None:
        return fast
    product = int_matmul([[x % p for x in row] for row in ints], inverse, len(inverse))
    return all((x - (i == j)) % p == 0 for i, row in enumerate(product) for j, x in enumerate(row))


def _slot_bytes(bound):
    """Bytes per slot so that every value of absolute value <= bound fits, signed."""
    return (bound.bit_length() + 2 + 7) // 8


def _pack(row, nbytes):
    """Sum of row[c] * 2^(8 nbytes c), built in linear time from offset bytes."""
    half = 1 << (8 * nbytes - 1)
    data = b"".join((x + half).to_bytes(nbytes, "little") for x in row)
    offset = int.from_bytes(half.to_bytes(nbytes, "little") * len(row), "little")
    return int.from_bytes(data, "little") - offset


def int_matmul(a_rows, b_rows, n):
    """Exact product of integer matrices (a: m x k, b: k x n) by packed rows."""
    fast = _accelerated("product", a_rows, b_rows, n)
    if fast is not None:
        return fast
    amax = max((sum(abs(x) for x in r) for r in a_rows), default=0)
    bmax = max((abs(x) for r in b_rows for x in r), default=0)
    nbytes = _slot_bytes(max(amax * bmax, bmax))  # slots hold B's entries and every sum
    packed = [_pack(r, nbytes) for r in b_rows]
    half = 1 << (8 * nbytes - 1)
    offset = int.from_bytes(half.to_bytes(nbytes, "little") * n, "little")
    out = []
    for row in a_rows:
        s = sum(x * p for x, p in zip(row, packed) if x)
        raw = (s + offset).to_bytes(nbytes * n, "little") if n else b""
        out.append([int.from_bytes(raw[c * nbytes:(c + 1) * nbytes], "little") - half
                    for c in range(n)])
    return out


def kernel_vanishes(rows, cols, free, pivot_part, d):
    """``A K = 0`` for ``K[cols, :] = pivot_part``, ``K[free, :] = d I`` (rows of A rational).

    Row i of ``A K`` is ``sum_a A[i, J_a] P[a, :] + d A[i, F]``; packed, that is
    one multiply-add per pivot column plus one scaled packing, and it is zero
    exactly when its packed value is 0 (every slot is bounded by half its range).
    """
    ints = integer_rows(rows)
    fast = _accelerated("kernel_vanishes", ints, cols, free, pivot_part, d)
    if fast is not None:
        return fast
    pmax = max((abs(x) for r in pivot_part for x in r), default=0)
    amax = max((abs(x) for r in ints for x in r), default=0)
    jsum = max((sum(abs(r[j]) for j in cols) for r in ints), default=0)
    nbytes = _slot_bytes(max(pmax, amax, jsum * pmax + d * amax))
    packed = [_pack(r, nbytes) for r in pivot_part]
    for row in ints:
        s = sum(row[j] * p for j, p in zip(cols, packed) if row[j])
        if s + d * _pack([row[j] for j in free], nbytes):
            return False
    return True


def matmul(a_rows, b_rows, k, n):
    """Exact product of rational matrices given as rows (a: m x k, b: k x n)."""
    if not a_rows or k == 0:
        return [[0] * n for _ in a_rows]
    bden = 1
    for r in b_rows:
        for x in r:
            bden = lcm(bden, x.denominator)
    b_int = [[int(x * bden) for x in r] for r in b_rows]
    aden, a_int = [], []
    for r in a_rows:
        d = 1
        for x in r:
            d = lcm(d, x.denominator)
        aden.append(d * bden)
        a_int.append([int(x * d) for x in r])
    prod = int_matmul(a_int, b_int, n)
    return [r if d == 1 else [Fraction(x, d) for x in r] for r, d in zip(prod, aden)]


def add(a_rows, b_rows):
    return [[x + y for x, y in zip(r, s)] for r, s in zip(a_rows, b_rows)]


def transpose(rows, n):
    return [list(c) for c in zip(*rows)] if rows else [[] for _ in range(n)]
