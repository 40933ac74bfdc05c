"""Exact symmetric elimination in integer arithmetic: PSD decisions, LDL^T, negative directions.

The same contracts (and the same exact rationals) as
:mod:`exactopen.networks.quadratic`, computed without Fractions: the matrix
is scaled to integers by one common denominator, and the Schur complement is
kept as sparse integer rows, each with its own denominator (row ``i`` of the
Schur complement is ``num[i] / den[i]``, upper triangle only).  Eliminating
pivot ``j`` touches only the rows ``i`` with a non-zero ``S[j][i]`` and in
them only the columns where row ``j`` is non-zero (plus one rescaling of the
row), and removes the row's common content, so the work follows the fill of
the factor rather than ``n^3``.  Large dense matrices go to FLINT's
fraction-free LU instead (``fmpz_mat.fflu``, whose rows are the same Schur
rows times leading principal minors).  Without pivoting, a zero pivot of a
positive semidefinite matrix has a zero row beside it, so the factorisation
is canonical: ``L`` is zero below a zero pivot (the checker requires this).

Accepted inputs: a list of rows (ints, Fractions, anything ``Fraction``
accepts), an ``fmpq_mat`` or ``fmpz_mat``, a pair ``(fmpz_mat, den)``
meaning ``num / den`` (as returned by
:func:`exactopen.networks.hessian.integer_hessian`), or a
:class:`SparseSymmetric` (as returned by
:func:`exactopen.networks.hessian.sparse_hessian`, the fastest input).

Examples
--------
>>> from fractions import Fraction as F
>>> ldl([[F(2), F(1)], [F(1), F(2)]])
([[Fraction(1, 1), Fraction(0, 1)], [Fraction(1, 2), Fraction(1, 1)]], [Fraction(2, 1), Fraction(3, 2)])
>>> negative_direction([[F(0), F(1)], [F(1), F(0)]])
[Fraction(-1, 2), Fraction(1, 1)]
>>> is_psd([[1, 1], [1, 1]]), is_psd([[1, 2], [2, 1]])
(True, False)
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from math import gcd, lcm

import flint


# -- input ----------------------------------------------------------------------------

@dataclass
class SparseSymmetric:
    """A symmetric ``n x n`` matrix ``rows / den``: ``rows[i] = {k: int}`` holds the
    non-zero entries of row ``i`` with ``k >= i`` (the upper triangle), ``den > 0``."""

    n: int
    rows: list
    den: int = 1

    @classmethod
    def from_any(cls, H) -> "SparseSymmetric":
        """Any accepted input (see the module doc) as a fresh sparse matrix."""
        if isinstance(H, cls):
            return cls(H.n, [dict(r) for r in H.rows], H.den)
        if isinstance(H, tuple):
            num, c = H
            return cls(num.nrows(), _rows_from_fmpz(num), int(c))
        if isinstance(H, flint.fmpz_mat):
            return cls(H.nrows(), _rows_from_fmpz(H), 1)
        if isinstance(H, flint.fmpq_mat):
            num, c = H.numer_denom()
            return cls(H.nrows(), _rows_from_fmpz(num), int(c))
        n = len(H)
        q = [[Fraction(x) for x in row[i:]] for i, row in enumerate(H)]
        c = lcm(*(x.denominator for row in q for x in row)) if n else 1
        rows = [{i + a: x.numerator * (c // x.denominator) for a, x in enumerate(row) if x}
                for i, row in enumerate(q)]
        return cls(n, rows, c)

    def nnz(self) -> int:
        """Non-zero entries of the upper triangle."""
        return sum(len(r) for r in self.rows)

    def to_fmpz(self) -> flint.fmpz_mat:
        """The integer numerator ``rows`` as a dense ``fmpz_mat`` (both triangles)."""
        n = self.n
        flat = [0] * (n * n)
        for i, row in enumerate(self.rows):
            for k, x in row.items():
                flat[i * n + k] = x
                flat[k * n + i] = x
        return flint.fmpz_mat(n, n, flat) if n else flint.fmpz_mat(0, 0)

    def to_fractions(self) -> list[list[Fraction]]:
        n, c = self.n, self.den
        zero = Fraction(0)
        out = [[zero] * n for _ in range(n)]
        for i, row in enumerate(self.rows):
            for k, x in row.items():
                out[i][k] = out[k][i] = Fraction(x, c)
        return out


def _rows_from_fmpz(num: flint.fmpz_mat) -> list[dict]:
    n = num.nrows()
    flat = num.entries()
    rows = []
    for i in range(n):
        seg = flat[i * n + i:(i + 1) * n]
        rows.append({i + a: int(x) for a, x in enumerate(seg) if x})
    return rows


def _upper_rows(H) -> tuple[int, list[dict], int]:
    """``(n, rows, c)``: a fresh copy of the upper rows, ``H = rows / c``."""
    S = SparseSymmetric.from_any(H)
    return S.n, S.rows, S.den


# -- elimination -------------------------------------------------------------------------

class _Stop(Exception):
    """Elimination stopped at pivot ``j``: negative, or zero with a non-zero row."""

    def __init__(self, j: int, dens: list[int]):
        super().__init__(j)
        self.j, self.dens = j, dens


def _eliminate(n: int, rows: list[dict], on_pivot) -> list[int]:
    """Symmetric elimination without pivoting, in place.

    ``on_pivot(j, row_j, pj, den_j)`` is called for every pivot (``pj = 0`` for a zero
    pivot with a zero row); raises :class:`_Stop` at the first pivot that shows the
    matrix is not positive semidefinite, leaving ``rows`` (and the row denominators it
    carries) at that stage.  Returns the row denominators.
    """
    dens = [1] * n
    for j in range(n):
        row_j = rows[j]
        pj = row_j.get(j, 0)
        if pj < 0 or (pj == 0 and row_j):
            raise _Stop(j, dens)
        dj = dens[j]
        on_pivot(j, row_j, pj, dj)
        if pj == 0:
            continue
        denom = dj * pj
        items = sorted((k, x) for k, x in row_j.items() if k > j)
        for pos, (i, a) in enumerate(items):
            # S[i][k] -= S[j][i] S[j][k] / S[j][j] = num_j[i] num_j[k] / (den_j pj)
            row_i, di = rows[i], dens[i]
            L = lcm(di, denom)
            alpha, beta = L // di, (L // denom) * a
            if alpha != 1:
                for k in row_i:
                    row_i[k] *= alpha
            for k, x in items[pos:]:
                v = row_i.get(k, 0) - beta * x
                if v:
                    row_i[k] = v
                else:
                    row_i.pop(k, None)
            g = gcd(L, *row_i.values())
            if g != 1:
                for k in row_i:
                    row_i[k] //= g
                L //= g
            dens[i] = L
        rows[j] = {}
    return dens


def _factor(S: SparseSymmetric):
    """Eliminate ``S`` in place; returns ``(n, c, columns, pivots, rows, dens, stop)``.

    ``columns[j] = {i: L[i][j]}`` below the diagonal, ``pivots[j] = (pj, den_j)``
    (``D_j = pj / (den_j c)``), the Schur rows and their denominators where the
    elimination stopped, and the stop index (None: H is PSD).
    """
    n, rows, c = S.n, S.rows, S.den   # eliminated in place
    columns, pivots = [], []

    def record(j, row_j, pj, dj):
        pivots.append((pj, dj))
        columns.append({i: Fraction(x, pj) for i, x in row_j.items() if i > j} if pj else {})

    try:
        dens = _eliminate(n, rows, record)
    except _Stop as stop:
        return n, c, columns, pivots, rows, stop.dens, stop.j
    return n, c, columns, pivots, rows, dens, None


#: the FLINT (dense) route is taken for matrices at least this large whose upper
#: triangle is at least this full; sparse Schur rows are faster below.
DENSE_MIN_SIZE = 32
DENSE_MIN_FILL = 0.2


def _integer_matrix(H):
    """``(fmpz_mat, den)`` for the FLINT inputs, None for the others."""
    if isinstance(H, tuple):
        return H[0], int(H[1])
    if isinstance(H, flint.fmpz_mat):
        return H, 1
    if isinstance(H, flint.fmpq_mat):
        num, c = H.numer_denom()
        return num, int(c)
    return None


def _fill(num: flint.fmpz_mat, samples: int = 4096) -> float:
    """The fraction of non-zero entries: counted, or estimated from a fixed sample of
    positions for large matrices (it only chooses the route; both are exact)."""
    n = num.nrows()
    if n * n <= 16 * samples:
        return sum(1 for x in num.entries() if x) / (n * n)
    step = n * n // samples
    hits = 0
    for s in range(samples):
        i, j = divmod((s * step + (s * 7919) % step) % (n * n), n)
        hits += bool(num[i, j])
    return hits / samples


def _route(H, method: str):
    """``("sparse", SparseSymmetric)`` or ``("dense", fmpz_mat, den)``."""
    if method not in ("auto", "sparse", "dense"):
        raise ValueError(f"method {method!r}: expected auto, sparse or dense")
    integer = _integer_matrix(H)
    if integer is not None:
        num, c = integer
        n = num.nrows()
        if method == "dense" or (method == "auto" and n >= DENSE_MIN_SIZE and
                                 _fill(num) >= DENSE_MIN_FILL):
            return "dense", num, c
        return "sparse", SparseSymmetric(n, _rows_from_fmpz(num), c)
    S = SparseSymmetric.from_any(H)
    n = S.n
    if method == "dense" or (method == "auto" and n >= DENSE_MIN_SIZE and
                             S.nnz() >= DENSE_MIN_FILL * n * (n + 1) / 2):
        return "dense", S.to_fmpz(), S.den
    return "sparse", S


def _dense_factor(num: flint.fmpz_mat, c: int, want_columns: bool):
    """Canonical LDL^T from FLINT's fraction-free LU (``fmpz_mat.fflu``), or None.

    FLINT eliminates without pivoting until a column has a zero pivot; then it takes the
    first row with a non-zero entry in that column, or skips the column when there is
    none.  Row ``r`` of ``U`` with pivot column ``c_r`` is row ``c_r`` of the Schur
    complement times the leading principal minor on the earlier pivots, so H is PSD
    exactly when every pivot row is the row of its own column (a zero pivot then has a
    zero row) and every pivot ``U[r, c_r]`` is positive.
    """
    n = num.nrows()
    columns = [{} for _ in range(n)]
    D = [Fraction(0)] * n
    if n == 0:
        return columns, D
    P, _, _, U = num.fflu()
    perm = [int(x) for x in (P * flint.fmpz_mat(n, 1, list(range(n)))).entries()]
    start, prev = 0, 1
    for r, row in enumerate(U.tolist()):
        cr = next((k for k in range(start, n) if row[k]), None)
        if cr is None:
            break
        pv = int(row[cr])
        if perm[r] != cr or pv <= 0:
            return None
        D[cr] = Fraction(pv, prev * c)
        if want_columns:
            columns[cr] = {k: Fraction(int(row[k]), pv) for k in range(cr + 1, n) if row[k]}
        prev, start = pv, cr + 1
    return columns, D


def ldl_columns(H, method: str = "auto") -> tuple[list[dict], list[Fraction]] | None:
    """Sparse ``H = L diag(D) L^T``: ``columns[j] = {i: L[i][j]}`` (i > j, non-zero only) and
    ``D``; or None if H is not positive semidefinite.

    ``method``: ``"sparse"`` (Schur rows in Python integers), ``"dense"`` (FLINT's
    fraction-free LU) or ``"auto"`` (dense when large and at least 20% full).
    """
    route = _route(H, method)
    if route[0] == "dense":
        return _dense_factor(route[1], route[2], True)
    S = route[1]
    n, c, columns, pivots, _, _, stop = _factor(S)
    if stop is not None:
        return None
    return columns, [Fraction(pj, dj * c) for pj, dj in pivots]


def ldl(H, method: str = "auto") -> tuple[list, list] | None:
    """``H = L diag(D) L^T`` with L unit lower triangular, D >= 0, or None if H is not PSD.

    Same contract and the same exact rationals as
    :func:`exactopen.networks.quadratic.ldl` (the canonical factorisation is unique).
    """
    out = ldl_columns(H, method)
    if out is None:
        return None
    columns, D = out
    n = len(D)
    one, zero = Fraction(1), Fraction(0)
    L = [[zero] * n for _ in range(n)]
    for j, col in enumerate(columns):
        L[j][j] = one
        for i, x in col.items():
            L[i][j] = x
    return L, D


def is_psd(H, method: str = "auto") -> bool:
    """Exact decision: is the symmetric matrix ``H`` positive semidefinite?"""
    route = _route(H, method)
    if route[0] == "dense":
        return _dense_factor(route[1], route[2], False) is not None
    S = route[1]
    try:
        _eliminate(S.n, S.rows, lambda *args: None)
    except _Stop:
        return False
    return True


def negative_direction(H) -> list[Fraction] | None:
    """A rational ``v`` with ``v^T H v < 0``, or None when H is positive semidefinite.

    The same vector as :func:`exactopen.networks.quadratic.negative_direction`: at the
    first bad pivot ``j`` of the Schur complement ``S``, ``w = e_j`` (negative pivot) or
    ``w = s e_j + e_k`` with ``k`` the first non-zero beside a zero pivot and
    ``s = -(S_kk + 1) / (2 S_jk)``, mapped back by ``v = L^-T w`` (L: the columns
    eliminated so far).
    """
    n, c, columns, pivots, rows, dens, j = _factor(SparseSymmetric.from_any(H))
    if j is None:
        return None
    row_j, dj = rows[j], dens[j]
    pj = row_j.get(j, 0)
    w = {}
    if pj < 0:
        w[j] = Fraction(1)
    else:
        k = min(i for i in row_j if i > j)
        s_jk = Fraction(row_j[k], dj * c)
        s_kk = Fraction(rows[k].get(k, 0), dens[k] * c)
        w = {j: -(s_kk + 1) / (2 * s_jk), k: Fraction(1)}
    v = [Fraction(0)] * n
    for i, x in w.items():
        v[i] = x
    for i in range(j - 1, -1, -1):   # L^T v = w, L unit lower with columns < j
        col = columns[i]
        if col:
            v[i] = v[i] - sum((x * v[l] for l, x in col.items() if v[l]), Fraction(0))
    if not quadratic_form(H, v) < 0:
        raise AssertionError("negative_direction: v^T H v is not negative")
    return v


def quadratic_form(H, v) -> Fraction:
    """``v^T H v`` exactly (H in any accepted form)."""
    n, rows, c = _upper_rows(H)
    total = Fraction(0)
    for i, row in enumerate(rows):
        vi = v[i]
        if not vi:
            continue
        for k, x in row.items():
            if v[k]:
                total += (vi * v[k] * x) * (1 if k == i else 2)
    return total / c
