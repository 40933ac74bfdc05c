"""Exact integer arithmetic for the checker (standard library only).

Two tricks keep checking fast without giving up exactness:

* a determinant that is non-zero modulo a prime is non-zero; only when it
  vanishes modulo :data:`~.spec.PRIME` is the exact fraction-free (Bareiss)
  determinant computed, and only for small minors;
* integer matrix products are done row by row on *packed* integers: the
  entries of a row of B are laid side by side in one big integer with slots
  wide enough for every partial sum, so one big-integer multiply-add handles a
  whole row.  A row of ``A K`` is zero exactly when its packed value is 0,
  because slot values are bounded by half the slot range.

``accel`` is the optional accelerator the caller lent the checker (or None):
an object whose ``kernel_vanishes``, ``inverse_holds`` and ``product`` answer
exactly as the functions here do, or None to leave the work to them.
"""

from math import lcm

from .jsonload import Mat, canonical


def det_mod_p(rows, p):
    """Determinant of a square integer matrix modulo the prime p (dense elimination)."""
    a = [[x % p for x in r] for r in rows]
    n, det = len(a), 1
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


def inverse_mod_p_holds(ints, inverse, p, accel=None):
    """``B C = I`` modulo p for an integer block B and C with entries in [0, p)."""
    if any(not 0 <= x < p for row in inverse for x in row):
        return False
    fast = accel.inverse_holds(ints, inverse, p) if accel else None
    if fast is not None:
        return fast
    product = int_matmul([[x % p for x in row] for row in ints], inverse, len(inverse))
    return all((x - (i == j)) % p == 0 for i, row in enumerate(product) for j, x in enumerate(row))


def max_abs(rows):
    """The largest absolute value of the entries of integer rows (0 for none)."""
    return max((max(max(r), -min(r)) for r in rows if r), default=0)


def _slot_bytes(bound):
    """Bytes per slot so that every value of absolute value <= bound fits, signed."""
    return (bound.bit_length() + 2 + 7) // 8


def _pack(row, nbytes):
    """Sum of row[c] * 2^(8 nbytes c), built in linear time from offset bytes."""
    half = 1 << (8 * nbytes - 1)
    data = b"".join((x + half).to_bytes(nbytes, "little") for x in row)
    offset = int.from_bytes(half.to_bytes(nbytes, "little") * len(row), "little")
    return int.from_bytes(data, "little") - offset


def int_matmul(a_rows, b_rows, n, accel=None):
    """Exact product of integer matrices (a: m x k, b: k x n) by packed rows."""
    fast = accel.product(a_rows, b_rows, n) if accel else None
    if fast is not None:
        return fast
    amax = max((sum(map(abs, r)) for r in a_rows), default=0)
    bmax = max_abs(b_rows)
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


def kernel_vanishes(ints, cols, free, pivot_part, d, accel=None):
    """``A K = 0`` for ``K[cols, :] = pivot_part``, ``K[free, :] = d I`` (A: integer rows).

    Row i of ``A K`` is ``sum_a A[i, J_a] P[a, :] + d A[i, F]``; packed, that is
    one multiply-add per pivot column plus one scaled packing, and it is zero
    exactly when its packed value is 0 (every slot is bounded by half its range).
    """
    fast = accel.kernel_vanishes(ints, cols, free, pivot_part, d) if accel else None
    if fast is not None:
        return fast
    pmax, amax = max_abs(pivot_part), max_abs(ints)
    jsum = max((sum(abs(r[j]) for j in cols) for r in ints), default=0)
    nbytes = _slot_bytes(max(pmax, amax, jsum * pmax + d * amax))
    packed = [_pack(r, nbytes) for r in pivot_part]
    for row in ints:
        s = sum(row[j] * p for j, p in zip(cols, packed) if row[j])
        if s + d * _pack([row[j] for j in free], nbytes):
            return False
    return True


def matmul(a, b, accel=None):
    """Exact product of two :class:`Mat` (a: m x k, b: k x n)."""
    den = lcm(*b.dens) if b.dens else 1
    b_ints = b.rows if den == 1 else [[x * (den // d) for x in r] for r, d in zip(b.rows, b.dens)]
    rows = int_matmul(a.rows, b_ints, b.n, accel) if a.n else [[0] * b.n for _ in range(a.m)]
    return canonical(a.m, b.n, rows, [d * den for d in a.dens])


def chain_order(dims):
    """Cheapest order of a chain of factors ``dims[i] x dims[i + 1]``: ``{(i, j): (cost, split)}``,
    the cost counted in scalar multiplications."""
    h = len(dims) - 1
    best = {(i, i): (0, None) for i in range(h)}
    for length in range(2, h + 1):
        for i in range(h - length + 1):
            j = i + length - 1
            best[i, j] = min((best[i, s][0] + best[s + 1, j][0] + dims[i] * dims[s + 1] * dims[j + 1],
                              s) for s in range(i, j))
    return best


def chain(mats, accel=None):
    """Product of a chain of :class:`Mat`, multiplied in the cheapest order."""
    best = chain_order([mats[0].m] + [x.n for x in mats])

    def product(i, j):
        if i == j:
            return mats[i]
        s = best[i, j][1]
        return matmul(product(i, s), product(s + 1, j), accel)
    return product(0, len(mats) - 1)


def take(a, rows=None, cols=None):
    """The submatrix ``a[rows, cols]`` (all rows or columns when None)."""
    rows = range(a.m) if rows is None else rows
    picked = [a.rows[i] if cols is None else [a.rows[i][j] for j in cols] for i in rows]
    return canonical(len(rows), a.n if cols is None else len(cols), picked,
                     [a.dens[i] for i in rows])


def add(a, b):
    den = [lcm(x, y) for x, y in zip(a.dens, b.dens)]
    rows = [[x * (d // da) + y * (d // db) for x, y in zip(r, s)]
            for r, s, d, da, db in zip(a.rows, b.rows, den, a.dens, b.dens)]
    return canonical(a.m, a.n, rows, den)


def transpose(a):
    den = lcm(*a.dens) if a.dens else 1
    scaled = [[x * (den // d) for x in r] for r, d in zip(a.rows, a.dens)]
    cols = [list(c) for c in zip(*scaled)] if a.m else [[] for _ in range(a.n)]
    return canonical(a.n, a.m, cols, [den] * a.n)
