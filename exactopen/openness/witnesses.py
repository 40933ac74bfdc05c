"""Witnesses of Theorem 2 and Behrends' case: the perturbations T1, T2 and intersection vectors.

See ``docs/theory.md`` section 2 for the constructions and why they work.
"""

from __future__ import annotations

import random

from ..linalg import FLINT, Engine, Matrix, column_space, left_null_space, null_space, rank, rref
from ..linalg.matrix import primitive_integer_vector
from ..linalg.rank_evidence import independent_rows


def _standard_completion(basis: Matrix, count: int, engine: Engine) -> list[list[int]]:
    """Up to ``count`` standard basis vectors completing the columns of ``basis`` independently.

    If the rows ``I`` of ``basis`` (full column rank) carry a non-singular
    minor, then ``basis`` together with ``e_i`` for ``i`` not in ``I`` is
    invertible, so any of those ``e_i`` extend it.
    """
    m = basis.nrows
    if basis.ncols == 0:
        chosen = []
    elif engine.name == "flint":
        chosen = independent_rows(basis, engine.exact)
    else:
        chosen = list(rref(basis.T, engine)[1])
    rest = [i for i in range(m) if i not in set(chosen)][:count]
    return [[1 if j == i else 0 for j in range(m)] for i in rest]


def perturbation_T1(W1: Matrix, W2: Matrix, target: int, engine: Engine = FLINT):
    """``(T1, W1 + T1)`` with ``T1 W2 = 0`` and ``rank(W1 + T1) >= target``, or None if none exists.

    Rows of ``T1`` must lie in ``N(W2^T)``, so ``T1 = M N^T`` for a basis ``N``
    of ``N(W2^T)``.  First the small integer form ``E N^T`` with ``E`` standard
    vectors completing ``C(W1)`` (docs/theory.md, section 2); otherwise the form
    ``(F - W1 N)(N^T N)^-1 N^T`` with ``F`` completing ``C(W1 W2)``, which
    reaches the maximum ``min(m, r12 + k - r2)``.
    """
    m, k = W1.shape
    N = left_null_space(W2, engine)
    s = N.ncols
    if rank(W1, engine) >= target:
        return Matrix.zeros(m, k), W1
    if s == 0:
        return None
    E = _standard_completion(column_space(W1, engine), s, engine)
    if len(E) == s:
        T1 = Matrix.from_columns(E, m) @ N.T
        total = W1 + T1
        if rank(total, engine) >= target:
            return T1, total
    F = _standard_completion(column_space(W1 @ W2, engine), s, engine)
    F = Matrix.from_columns(F + [[0] * m] * (s - len(F)), m)
    gram_inverse = (N.T @ N).inv()
    T1 = (F - W1 @ N) @ gram_inverse @ N.T
    total = W1 + T1
    return (T1, total) if rank(total, engine) >= target else None


def intersection_vector(W1: Matrix, W2: Matrix, engine: Engine = FLINT) -> Matrix | None:
    """A column ``u`` with ``W2 u != 0`` and ``W1 W2 u = 0`` (smallest entries first), or None."""
    candidates = null_space(W1 @ W2, engine).columns()
    candidates.sort(key=lambda v: (max(abs(x) for x in v), sum(abs(x) for x in v)))
    for v in candidates:
        u = Matrix.from_columns([primitive_integer_vector(v)], W2.ncols)
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
