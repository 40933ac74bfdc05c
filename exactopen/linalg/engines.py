"""Interchangeable exact engines, and whether kernel identities are proven or projected.

An :class:`Engine` names the elimination engine and says whether results are
checked exactly.  ``"flint"`` (python-flint ``fmpq_mat``, with rank evidence
from :mod:`~exactopen.linalg.rank_evidence`) is the working engine; with
``exact=False`` its kernel identities are checked by random projections
modulo primes instead of exactly, for pipelines whose certificates the
independent checker proves anyway.  ``"sympy"`` (SymPy's sparse ``SDM``
representation of ``DomainMatrix`` over its pure Python rational field, so
that it shares no code with FLINT) is the independent second engine.  Each
engine does one thing, reduced row echelon form; everything else in
:mod:`exactopen.linalg.spaces` is built on it, and the engine is always
passed explicitly.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from ..errors import InputError
from .matrix import Matrix


@dataclass(frozen=True)
class Engine:
    """An exact engine: ``name`` ("flint" or "sympy"), and ``exact``: prove kernel
    identities (True) or check them by projections modulo primes (False)."""

    name: str = "flint"
    exact: bool = True

    def __post_init__(self):
        if self.name not in ("flint", "sympy"):
            raise InputError(f"unknown engine {self.name!r}; choose flint or sympy")


FLINT = Engine("flint")
#: FLINT with kernel identities checked modulo primes: only for certificates the checker verifies.
FLINT_PROJECTED = Engine("flint", exact=False)
SYMPY = Engine("sympy")
ENGINES = (FLINT, FLINT_PROJECTED, SYMPY)


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


def rref(A: Matrix, engine: Engine = FLINT) -> tuple[Matrix, tuple[int, ...]]:
    """Reduced row echelon form of ``A`` and its pivot columns.

    Examples
    --------
    >>> R, pivots = rref(Matrix([[2, 4], [1, 2]]), SYMPY)
    >>> R.tolist(), pivots
    ([[Fraction(1, 1), Fraction(2, 1)], [Fraction(0, 1), Fraction(0, 1)]], (0,))
    """
    return (_sympy_rref if engine.name == "sympy" else _flint_rref)(A)
