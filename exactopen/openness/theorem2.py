"""Local openness of matrix multiplication at (W1, W2): Theorem 2 and Behrends' case.

For ``W1`` (m x k) and ``W2`` (k x n) with ranks ``r1, r2`` and ``r12 =
rank(W1 W2)``:

* ``k < min(m, n)`` (Theorem 2, openness in the range of rank-<=k matrices):
  conditions (i)-(v) of the paper; locally open iff ``r1 == r2 == r12``.
* ``k >= min(m, n)`` (Behrends): (A) ``m + r2 <= k + r12`` or
  (B) ``n + r1 <= k + r12``.

The mathematics is in docs/theory.md, sections 1-3.

:func:`analyze` never forms the m x n product: ``r12`` is the rank of the
core ``W1[I, :] W2[:, J]`` (r1 x r2, with ``I`` rows of a basis of W1's row
space and ``J`` columns of a basis of C(W2)), and every other computation is
on the factors or on subspaces of Q^k.  Each condition is computed by
separate routes (the core's rank; explicit intersection bases in Q^k;
witness construction) and :class:`~exactopen.errors.InternalError` is
raised if they disagree.

Examples
--------
>>> from exactopen.linalg import Matrix
>>> report = analyze(Matrix([[1], [2]]), Matrix([[1, 1]]))
>>> report.setting, report.locally_open, report.conditions["iii"]
('theorem-2', True, True)
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import InputError, InternalError
from ..linalg import FLINT, Engine, Matrix, column_space, intersection, null_space, rank
from ..linalg.rank_evidence import linked_transpose
from .witnesses import (Perturbation, intersection_vector, perturbation_T1, pivot_columns,
                        pivot_rows, product_vanishes)


@dataclass
class OpennessReport:
    """Everything exactopen knows about (W1, W2); witnesses are verified.

    ``T1`` / ``T2`` are the witnesses of a true (i)/(A) and (ii)/(B), None
    where the condition fails; a witness with ``left is None`` is ``T = 0``
    (the factor already has the rank asked for), otherwise ``T = left right``.
    """

    W1: Matrix
    W2: Matrix
    setting: str                 # "theorem-2" or "behrends"
    r1: int
    r2: int
    r12: int                     # rank of the core W1[I, :] W2[:, J], = rank(W1 W2)
    dim_iii: int                 # dim N(W1) ∩ C(W2), from explicit bases
    dim_iv: int                  # dim N(W2^T) ∩ C(W1^T)
    conditions: dict
    locally_open: bool
    max_rank_T1: int             # max rank(W1 + T1) over T1 W2 = 0
    max_rank_T2: int             # max rank(W2 + T2) over W1 T2 = 0
    T1: Perturbation | None = None
    T2: Perturbation | None = None
    u: Matrix | None = None      # W2 u != 0, W1 W2 u = 0
    y: Matrix | None = None      # y W1 != 0, y W1 W2 = 0
    engine: Engine = FLINT

    @property
    def shape(self):
        return self.W1.nrows, self.W1.ncols, self.W2.ncols


def _require(ok: bool, what: str) -> None:
    if not ok:
        raise InternalError(f"independent routes disagree: {what}")


def core(W1: Matrix, W2: Matrix, engine: Engine = FLINT) -> Matrix:
    """``W1[I, :] W2[:, J]`` (r1 x r2): ``I`` rows spanning W1's row space, ``J`` columns
    spanning C(W2).  ``W1 = C W1[I, :]`` and ``W2 = W2[:, J] D`` with C of full column
    rank and D of full row rank, so ``W1 W2 = C core D`` has the core's rank."""
    I, J = pivot_rows(W1, engine), pivot_columns(W2, engine)
    return W1.submatrix(I, range(W1.ncols)) @ W2.submatrix(range(W2.nrows), J)


def _intersection_dim(U: Matrix, V: Matrix, engine: Engine) -> int:
    """``dim span(U) ∩ span(V)`` for column bases; 0 at once when either space is {0}."""
    if U.ncols == 0 or V.ncols == 0:
        return 0
    return intersection(U, V, engine).ncols


def _check_witness(W: Matrix, other: Matrix, witness: Perturbation, target: int, left: bool,
                   engine: Engine) -> bool:
    """``T other = 0`` (``other T = 0`` when not ``left``) and ``rank(W + T) >= target``."""
    if witness.left is not None:
        vanishes = product_vanishes(witness.right, other, engine) if left else \
            product_vanishes(other, witness.left, engine)
        if not vanishes or witness.total != W + witness.matrix:
            return False
    return rank(witness.total, engine) >= target


def analyze(W1: Matrix, W2: Matrix, engine: Engine = FLINT) -> OpennessReport:
    """Decide local openness at (W1, W2) and build verified witnesses.

    Raises
    ------
    InputError
        If the inner dimensions differ or a factor is empty where a shape is needed.
    InternalError
        If two routes (the core's rank, intersection bases, witnesses) disagree.
    """
    m, k = W1.shape
    k2, n = W2.shape
    if k != k2:
        raise InputError(f"W1 is {m} x {k} but W2 is {k2} x {n}: the inner dimensions differ")
    if min(m, k, n) == 0:
        raise InputError(f"empty factor: W1 is {m} x {k}, W2 is {k2} x {n}")
    W1t, W2t = linked_transpose(W1), linked_transpose(W2)  # share rank evidence with W1, W2
    r1, r2 = rank(W1, engine), rank(W2, engine)
    r12 = rank(core(W1, W2, engine), engine)
    # a second route, in Q^k: explicit bases of the two intersections
    dim_iii = _intersection_dim(null_space(W1, engine), column_space(W2, engine), engine)
    dim_iv = _intersection_dim(null_space(W2t, engine), column_space(W1t, engine), engine)
    _require(dim_iii == r2 - r12, f"dim N(W1) ∩ C(W2) = {dim_iii}, r2 - r12 = {r2 - r12}")
    _require(dim_iv == r1 - r12, f"dim N(W2^T) ∩ C(W1^T) = {dim_iv}, r1 - r12 = {r1 - r12}")
    max1, max2 = min(m, r12 + k - r2), min(n, r12 + k - r1)
    if k < min(m, n):
        setting, target1, target2 = "theorem-2", k, k
    else:
        setting, target1, target2 = "behrends", m, n
    T1 = perturbation_T1(W1, W2, target1, engine)
    found2 = perturbation_T1(W2t, W1t, target2, engine)
    T2 = None if found2 is None else Perturbation(None, None, W2) if found2.left is None else \
        found2.transposed()
    _require((T1 is not None) == (max1 >= target1), f"T1 witness vs max rank {max1}")
    _require((T2 is not None) == (max2 >= target2), f"T2 witness vs max rank {max2}")
    if T1 is not None:
        _require(_check_witness(W1, W2, T1, target1, True, engine), "T1 witness check")
    if T2 is not None:
        _require(_check_witness(W2, W1, T2, target2, False, engine), "T2 witness check")
    if setting == "theorem-2":
        conditions = {"i": T1 is not None, "ii": T2 is not None, "iii": dim_iii == 0,
                      "iv": dim_iv == 0, "v": r1 == r2 == r12}
        _require(conditions["i"] == conditions["iii"], "(i) and (iii)")
        _require(conditions["ii"] == conditions["iv"], "(ii) and (iv)")
        if r1 == r2:
            _require(len(set(conditions.values())) == 1, "(i)-(v) equivalent when r1 == r2")
        is_open = conditions["v"]
    else:
        conditions = {"A": T1 is not None, "B": T2 is not None}
        _require(conditions["A"] == (m + r2 <= k + r12), "(A) rank form")
        _require(conditions["B"] == (n + r1 <= k + r12), "(B) rank form")
        is_open = conditions["A"] or conditions["B"]
    report = OpennessReport(W1, W2, setting, r1, r2, r12, dim_iii, dim_iv, conditions, is_open,
                            max1, max2, T1, T2, engine=engine)
    if setting == "theorem-2":
        if not conditions["iii"]:
            report.u = intersection_vector(W1, W2, engine)
            _require(report.u is not None and product_vanishes(W1, W2 @ report.u, engine),
                     "vector of N(W1) ∩ C(W2)")
        if not conditions["iv"]:
            yt = intersection_vector(W2t, W1t, engine)
            _require(yt is not None and product_vanishes(yt.T @ W1, W2, engine),
                     "vector of N(W2^T) ∩ C(W1^T)")
            report.y = yt.T
    return report
