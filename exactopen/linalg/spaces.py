"""Ranks, null spaces, column spaces, intersections and sums of subspaces.

A subspace of Q^n is returned as a :class:`Matrix` whose columns are a basis,
each column scaled to a primitive integer vector.  Every function takes the
:class:`~exactopen.linalg.engines.Engine` explicitly: SymPy's works from its
reduced row echelon form; FLINT's from
:func:`~exactopen.linalg.rank_evidence.rank_evidence` (pivots modulo a prime,
one exact solve, a kernel check: exact, or by random projections when
``engine.exact`` is false), which gives the same subspaces far faster on
large matrices.

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

from ..errors import InputError
from .engines import FLINT, Engine, rref
from .matrix import Matrix, primitive_columns, primitive_integer_vector
from .rank_evidence import independent_columns, rank_evidence


def rank(A: Matrix, engine: Engine = FLINT) -> int:
    """Rank of ``A`` over Q."""
    if engine.name == "flint":
        return rank_evidence(A, exact=engine.exact).rank
    return len(rref(A, engine)[1])


def null_space(A: Matrix, engine: Engine = FLINT) -> Matrix:
    """Basis of ``N(A) = {x : A x = 0}`` (n x (n - rank)), one vector per free column."""
    n = A.ncols
    if engine.name == "flint":
        if A.nrows == 0 or n == 0:
            return Matrix.identity(n)
        evidence = rank_evidence(A, transpose=False, exact=engine.exact)
        return primitive_columns(evidence.kernel_basis(n))
    R, pivots = rref(A, engine)
    free = [j for j in range(n) if j not in set(pivots)]
    basis = []
    for f in free:
        v = [0] * n
        v[f] = 1
        for i, p in enumerate(pivots):
            v[p] = -R[i, f]
        basis.append(primitive_integer_vector(v, keep_sign=True))
    return Matrix.from_columns(basis, n)


def left_null_space(A: Matrix, engine: Engine = FLINT) -> Matrix:
    """Basis of ``N(A^T)`` as columns."""
    return null_space(A.T, engine)


def column_space(A: Matrix, engine: Engine = FLINT) -> Matrix:
    """Basis of ``C(A)``: pivot columns of ``A``, scaled to primitive integers."""
    if engine.name == "flint":
        pivots = independent_columns(A, engine.exact) if A.nrows and A.ncols else []
    else:
        pivots = rref(A, engine)[1]
    return primitive_columns(A.submatrix(range(A.nrows), pivots))


def subspace_sum(U: Matrix, V: Matrix, engine: Engine = FLINT) -> Matrix:
    """Basis of ``span(U) + span(V)``."""
    return column_space(Matrix.hstack(U, V), engine)


def intersection(U: Matrix, V: Matrix, engine: Engine = FLINT) -> Matrix:
    """Basis of ``span(U) ∩ span(V)`` for column bases ``U`` and ``V`` of Q^n.

    A vector ``U a = V b`` of the intersection comes from ``(a, -b)`` in the
    null space of ``[U | V]``; independent columns make the map injective.
    """
    if U.nrows != V.nrows:
        raise InputError(f"subspaces of Q^{U.nrows} and Q^{V.nrows} cannot be intersected")
    U, V = column_space(U, engine), column_space(V, engine)
    K = null_space(Matrix.hstack(U, V), engine)
    if K.ncols == 0:
        return Matrix.zeros(U.nrows, 0)
    W = column_space(U @ K.submatrix(range(U.ncols), range(K.ncols)), engine)
    return Matrix.from_columns([primitive_integer_vector(c) for c in W.columns()], U.nrows)
