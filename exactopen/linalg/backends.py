"""Interchangeable exact elimination backends.

``"flint"`` (python-flint ``fmpq_mat``) is the working backend; ``"modular"``
is the same with kernel identities checked by random projections modulo
primes instead of exactly (for pipelines whose certificates the independent
checker verifies anyway); ``"sympy"``
(SymPy's sparse ``SDM`` representation of ``DomainMatrix`` over its pure
Python rational field, so that it shares no code with FLINT) is the
independent second one.  Each backend does one thing, reduced row echelon
form; everything else in :mod:`exactopen.linalg.spaces` is built on it, and
the backend is always passed explicitly.
"""

from __future__ import annotations

from fractions import Fraction

from ..errors import InputError
from .matrix import Matrix

BACKENDS = ("flint", "modular", "sympy")


def _flint_rref(A: Matrix) -> tuple[Matrix, tuple[int, ...]]:
    m, n = A.shape
    if m == 0 or n == 0:
        return Matrix.zeros(m, n), ()
    R, rank = A.to_flint().rref()
    pivots, j = [], 0
    for i in range(rank):
        while R[i, j] == 0:
            j += 1
        pivots.append(j)
    return Matrix.from_flint(R), tuple(pivots)


def _sympy_rref(A: Matrix) -> tuple[Matrix, tuple[int, ...]]:
    from sympy.polys.domains import QQ_python
    from sympy.polys.matrices.sdm import SDM

    m, n = A.shape
    if m == 0 or n == 0:
        return Matrix.zeros(m, n), ()
    field = QQ_python()
    rows = [[field(x.numerator, x.denominator) for x in r] for r in A.tolist()]
    R, pivots = SDM.from_list(rows, (m, n), field).rref()
    out = [[Fraction(int(x.numerator), int(x.denominator)) for x in r] for r in R.to_list()]
    return Matrix(out, ncols=n), tuple(pivots)


_RREF = {"flint": _flint_rref, "modular": _flint_rref, "sympy": _sympy_rref}


def rref(A: Matrix, backend: str = "flint") -> tuple[Matrix, tuple[int, ...]]:
    """Reduced row echelon form of ``A`` and its pivot columns.

    Examples
    --------
    >>> R, pivots = rref(Matrix([[2, 4], [1, 2]]), backend="sympy")
    >>> R.tolist(), pivots
    ([[Fraction(1, 1), Fraction(2, 1)], [Fraction(0, 1), Fraction(0, 1)]], (0,))
    """
    try:
        return _RREF[backend](A)
    except KeyError:
        raise InputError(f"unknown backend {backend!r}; choose one of {', '.join(BACKENDS)}") from None
