"""Small exact computations the readable proofs show beside the verified facts.

The report recomputes, with :class:`~fractions.Fraction`, values a reader
would otherwise have to work out by hand: a product of small matrices, a
minor and its determinant, a kernel matrix, a Hessian from its factors, a
curve of matrices.  Nothing here is trusted: the checker has already
verified the certificate before a proof is written, and these values only
illustrate what it checked.  Every function works on matrices with at most
:data:`MAX_COMPUTE` entries and answers ``None`` beyond that.
"""

from __future__ import annotations

from fractions import Fraction

#: Matrices with more entries than this are not computed with (nor typeset).
MAX_COMPUTE = 4096


def dense(obj) -> list[list[str]] | None:
    """The rows of a certificate matrix as strings; ``None`` for a tensor of a data file."""
    if "tensor" in obj:
        return None
    m, n = obj["shape"]
    if "rows" in obj:
        return obj["rows"]
    rows = [["0"] * n for _ in range(m)]
    for i, j, v in obj["nonzeros"]:
        rows[i][j] = v
    return rows


def fractions(obj) -> list[list[Fraction]] | None:
    """A certificate matrix as Fractions, or ``None`` (a tensor, or too large to compute with)."""
    m, n = obj["shape"]
    rows = dense(obj) if m * n <= MAX_COMPUTE else None
    return None if rows is None else [[Fraction(x) for x in r] for r in rows]


def text(x: Fraction) -> str:
    """``Fraction(-3, 8)`` -> ``"-3/8"``, ``Fraction(2)`` -> ``"2"``."""
    return str(x.numerator) if x.denominator == 1 else f"{x.numerator}/{x.denominator}"


def strings(rows) -> list[list[str]]:
    return [[text(x) for x in r] for r in rows]


def mul(a, b, ncols: int):
    """``a b`` for ``a`` (m x k) and ``b`` (k x ncols) given as rows."""
    return [[sum((x * b[t][j] for t, x in enumerate(row) if x), Fraction(0)) for j in range(ncols)]
            for row in a]


def chain(factors, limit: int = MAX_COMPUTE):
    """The product of ``factors``, each ``(rows or None, (m, n))``, as ``(rows or None, shape)``:
    ``None`` when a factor is unknown or a partial product would exceed ``limit`` entries."""
    rows, (m, n) = factors[0]
    for f, (k, p) in factors[1:]:
        if rows is not None and f is not None and m * p <= limit:
            rows = mul(rows, f, p)
        else:
            rows = None
        n = p
    return rows, (m, n)


def add(a, b):
    return [[x + y for x, y in zip(r, s)] for r, s in zip(a, b)]


def transpose(rows, ncols: int):
    return [[row[j] for row in rows] for j in range(ncols)]


def take(rows, row_indices, col_indices):
    return [[rows[i][j] for j in col_indices] for i in row_indices]


def det(rows) -> Fraction:
    """The exact determinant by Gaussian elimination (1 for the empty matrix)."""
    a = [list(r) for r in rows]
    n, out = len(a), Fraction(1)
    for c in range(n):
        p = next((i for i in range(c, n) if a[i][c]), None)
        if p is None:
            return Fraction(0)
        if p != c:
            a[c], a[p], out = a[p], a[c], -out
        out *= a[c][c]
        for i in range(c + 1, n):
            f = a[i][c] / a[c][c]
            if f:
                a[i] = [x - f * y for x, y in zip(a[i], a[c])]
    return out


def kernel(n: int, cols, pivot_part, denominator) -> list[list[Fraction]]:
    """The kernel matrix K (n x (n - r)) of a rank step: ``K[J, :] = P``, ``K[F, :] = d I``."""
    free = [j for j in range(n) if j not in set(cols)]
    k = [[Fraction(0)] * len(free) for _ in range(n)]
    for a, j in enumerate(cols):
        for f in range(len(free)):
            k[j][f] = Fraction(pivot_part[a][f])
    for f, j in enumerate(free):
        k[j][f] = Fraction(denominator)
    return k


def ldl(lower, diagonal):
    """``L diag(D) L^T`` from rows of ``L`` and the diagonal ``D``."""
    d = [Fraction(x) for x in diagonal]
    return [[sum((a * x * b for a, x, b in zip(r, d, s)), Fraction(0)) for s in lower]
            for r in lower]


def curve(layer, coefficients):
    """The entries of ``W_i(t) = W_i + sum_j C_ji t^j`` as coefficient lists (strings)."""
    m, n = len(layer), len(layer[0]) if layer else 0
    out = []
    for i in range(m):
        row = []
        for j in range(n):
            poly = [layer[i][j]] + [c[i][j] for c in coefficients]
            while len(poly) > 1 and poly[-1] == 0:
                poly.pop()
            row.append(text(poly[0]) if len(poly) == 1 else tuple(text(c) for c in poly))
        out.append(row)
    return out
