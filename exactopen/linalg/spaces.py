"""Ranks, null spaces, column spaces, intersections and sums of subspaces.

A subspace of Q^n is returned as a :class:`Matrix` whose columns are a basis,
each column scaled to a primitive integer vector.  Every function takes the
``backend`` explicitly: "sympy" works from SymPy's reduced row echelon form;
"flint" and "modular" from
:func:`~exactopen.linalg.rank_evidence.rank_evidence` (pivots modulo a prime,
one exact solve, a kernel check: exact for "flint", by random projections
for "modular"), which gives the same subspaces far faster on large matrices.

Examples
--------
>>> from exactopen.linalg import Matrix
>>> A = Matrix([[1, 1], [1, 1]])
>>> null_space(A).tolist()
[[Fraction(-1, 1)], [Fraction(1, 1)]]
>>> intersection(column_space(A), Matrix([[1], [0]])).ncols
0
"""

from __future__ import annotations

from .backends import rref
from .matrix import Matrix, primitive_columns, primitive_integer_vector
from .rank_evidence import independent_columns, rank_evidence

#: Backends answered from rank evidence, and whether its kernel check is exact.
EVIDENCE = {"flint": True, "modular": False}


def rank(A: Matrix, backend: str = "flint") -> int:
    """Rank of ``A`` over Q."""
    if backend in EVIDENCE:
        return rank_evidence(A, exact=EVIDENCE[backend]).rank
    return len(rref(A, backend)[1])


def null_space(A: Matrix, backend: str = "flint") -> Matrix:
    """Basis of ``N(A) = {x : A x = 0}`` (n x (n - rank)), one vector per free column."""
    n = A.ncols
    if backend in EVIDENCE:
        if A.nrows == 0 or n == 0:
            return Matrix.identity(n)
        evidence = rank_evidence(A, transpose=False, exact=EVIDENCE[backend])
        return primitive_columns(evidence.kernel_basis(n))
    R, pivots = rref(A, backend)
    free = [j for j in range(n) if j not in set(pivots)]
    basis = []
    for f in free:
        v = [0] * n
        v[f] = 1
        for i, p in enumerate(pivots):
            v[p] = -R[i, f]
        basis.append(primitive_integer_vector(v, keep_sign=True))
    return Matrix.from_columns(basis, n)


def left_null_space(A: Matrix, backend: str = "flint") -> Matrix:
    """Basis of ``N(A^T)`` as columns."""
    return null_space(A.T, backend)


def column_space(A: Matrix, backend: str = "flint") -> Matrix:
    """Basis of ``C(A)``: pivot columns of ``A``, scaled to primitive integers."""
    if backend in EVIDENCE:
        pivots = independent_columns(A, EVIDENCE[backend]) if A.nrows and A.ncols else []
    else:
        pivots = rref(A, backend)[1]
    return primitive_columns(A.submatrix(range(A.nrows), pivots))


def row_space(A: Matrix, backend: str = "flint") -> Matrix:
    """Basis of ``C(A^T)`` as columns."""
    return column_space(A.T, backend)


def subspace_sum(U: Matrix, V: Matrix, backend: str = "flint") -> Matrix:
    """Basis of ``span(U) + span(V)``."""
    return column_space(Matrix.hstack(U, V), backend)


def intersection(U: Matrix, V: Matrix, backend: str = "flint") -> Matrix:
    """Basis of ``span(U) ∩ span(V)`` for column bases ``U`` and ``V`` of Q^n.

    A vector ``U a = V b`` of the intersection comes from ``(a, -b)`` in the
    null space of ``[U | V]``; independent columns make the map injective.
    """
    if U.nrows != V.nrows:
        from ..errors import InputError
        raise InputError(f"subspaces of Q^{U.nrows} and Q^{V.nrows} cannot be intersected")
    U, V = column_space(U, backend), column_space(V, backend)
    K = null_space(Matrix.hstack(U, V), backend)
    if K.ncols == 0:
        return Matrix.zeros(U.nrows, 0)
    W = column_space(U @ K.submatrix(range(U.ncols), range(K.ncols)), backend)
    return Matrix.from_columns([primitive_integer_vector(c) for c in W.columns()], U.nrows)
