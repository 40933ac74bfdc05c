"""Witnesses of Theorem 2 and Behrends' case: the perturbations T1, T2 and intersection vectors.

Every witness is built from the factors alone, never from the m x n product
``W1 W2``, and in the smallest form that proves it: no perturbation when the
factor already has the rank asked for; otherwise the factored form
``T1 = L R`` with ``R = N^T`` for a basis ``N`` of ``N(W2^T)`` (so
``R W2 = 0`` is a small product to check); intersection vectors supported on
the columns of a basis of ``C(W2)``.  See ``docs/theory.md`` section 2 for
the constructions and why they work.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from ..linalg import FLINT, Engine, Matrix, column_space, left_null_space, null_space, rank, rref
from ..linalg.matrix import primitive_integer_vector
from ..linalg.rank_evidence import independent_columns, independent_rows


@dataclass(frozen=True)
class Perturbation:
    """``T = left @ right`` with ``T W2 = 0`` (``right W2 = 0``) and ``total = W1 + T`` of the
    rank asked for; ``left`` and ``right`` are None when ``T = 0`` (W1 already has that rank)."""

    left: Matrix | None
    right: Matrix | None
    total: Matrix

    @property
    def matrix(self) -> Matrix:
        """``T`` itself (m x k)."""
        if self.left is None:
            return Matrix.zeros(*self.total.shape)
        return self.left @ self.right

    def transposed(self) -> "Perturbation":
        """The same witness for the transposed problem: ``T^T = right^T left^T``."""
        if self.left is None:
            return Perturbation(None, None, self.total.T)
        return Perturbation(self.right.T, self.left.T, self.total.T)


def pivot_rows(A: Matrix, engine: Engine = FLINT) -> list[int]:
    """Rows of ``A`` forming a basis of its row space."""
    if A.nrows == 0 or A.ncols == 0:
        return []
    if engine.name == "flint":
        return independent_rows(A, engine.exact)
    return list(rref(A.T, engine)[1])


def pivot_columns(A: Matrix, engine: Engine = FLINT) -> list[int]:
    """Columns of ``A`` forming a basis of its column space."""
    if A.nrows == 0 or A.ncols == 0:
        return []
    if engine.name == "flint":
        return independent_columns(A, engine.exact)
    return list(rref(A, engine)[1])


def _standard_completion(basis: Matrix, count: int, engine: Engine) -> list[list[int]]:
    """Up to ``count`` standard basis vectors completing the columns of ``basis`` independently.

    If the rows ``I`` of ``basis`` (full column rank) carry a non-singular
    minor, then ``basis`` together with ``e_i`` for ``i`` not in ``I`` is
    invertible, so any of those ``e_i`` extend it.
    """
    m = basis.nrows
    chosen = set(pivot_rows(basis, engine)) if basis.ncols else set()
    rest = [i for i in range(m) if i not in chosen][:count]
    return [[1 if j == i else 0 for j in range(m)] for i in rest]


def perturbation_T1(W1: Matrix, W2: Matrix, target: int,
                    engine: Engine = FLINT) -> Perturbation | None:
    """``T1 = L R`` with ``T1 W2 = 0`` and ``rank(W1 + T1) >= target``, or None if none exists.

    Rows of ``T1`` must lie in ``N(W2^T)``, so ``T1 = L N^T`` for a basis ``N``
    of ``N(W2^T)``; ``R = N^T``.  First ``L = E``, standard vectors completing
    ``C(W1)`` (docs/theory.md, section 2); otherwise ``L = (F - W1 N)(N^T N)^-1``
    with ``F`` completing ``C(W1 W2) = W1 C(W2)``, which reaches the maximum
    ``min(m, r12 + k - r2)``.
    """
    m, k = W1.shape
    if rank(W1, engine) >= target:
        return Perturbation(None, None, W1)
    N = left_null_space(W2, engine)
    s = N.ncols
    if s == 0:
        return None
    E = _standard_completion(column_space(W1, engine), s, engine)
    if len(E) == s:
        L = Matrix.from_columns(E, m)
        total = W1 + L @ N.T
        if rank(total, engine) >= target:
            return Perturbation(L, N.T, total)
    image = W1 @ column_space(W2, engine)  # spans C(W1 W2), m x r2
    F = _standard_completion(column_space(image, engine), s, engine)
    F = Matrix.from_columns(F + [[0] * m] * (s - len(F)), m)
    L = (F - W1 @ N) @ (N.T @ N).inv()
    total = W1 + L @ N.T
    return Perturbation(L, N.T, total) if rank(total, engine) >= target else None


def intersection_vector(W1: Matrix, W2: Matrix, engine: Engine = FLINT) -> Matrix | None:
    """A column ``u`` with ``W2 u != 0`` and ``W1 W2 u = 0`` (smallest entries first), or None.

    With ``J`` the columns of a basis of ``C(W2)``, ``u`` is supported on
    ``J``: ``u[J] = c`` for ``c`` in ``N(W1 W2[:, J])`` (an m x r2 matrix).
    ``W2 u = W2[:, J] c`` is non-zero because those columns are independent.
    """
    J = pivot_columns(W2, engine)
    if not J:
        return None
    candidates = null_space(W1 @ W2.submatrix(range(W2.nrows), J), engine).columns()
    candidates.sort(key=lambda v: (max(abs(x) for x in v), sum(abs(x) for x in v)))
    for c in candidates:
        entries = dict(zip(J, primitive_integer_vector(c)))
        u = Matrix([[entries.get(j, 0)] for j in range(W2.ncols)], ncols=1)
        if not (W2 @ u).is_zero():
            return u
    return None


def product_vanishes(A: Matrix, B: Matrix, engine: Engine) -> bool:
    """``A B = 0``: exactly, or for an engine that is not exact (whose certificates the
    checker proves anyway) as ``A (B v) = 0`` for one seeded random integer ``v``,
    which a non-zero ``A B`` passes with probability at most 2^-64."""
    if engine.exact:
        return (A @ B).is_zero()
    rng = random.Random(B.ncols)
    v = Matrix([[rng.getrandbits(64)] for _ in range(B.ncols)], ncols=1)
    return (A @ (B @ v)).is_zero()
