"""Local openness of matrix multiplication at (W1, W2): Theorem 2 and Behrends' case.

For ``W1`` (m x k) and ``W2`` (k x n) with ranks ``r1, r2`` and ``r12 =
rank(W1 W2)``:

* ``k < min(m, n)`` (Theorem 2, openness in the range of rank-<=k matrices):
  conditions (i)-(v) of the paper; locally open iff ``r1 == r2 == r12``.
* ``k >= min(m, n)`` (Behrends): (A) ``m + r2 <= k + r12`` or
  (B) ``n + r1 <= k + r12``.

The mathematics is in docs/theory.md, sections 1-3.

:func:`analyze` computes every condition by separate routes (ranks;
explicit intersection bases; witness construction) and raises
:class:`~exactopen.errors.InternalError` if they disagree.

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
from ..linalg import FLINT, Engine, Matrix, column_space, intersection, left_null_space, null_space, rank
from .witnesses import intersection_vector, perturbation_T1, product_vanishes


@dataclass
class OpennessReport:
    """Everything exactopen knows about (W1, W2); witnesses are verified."""

    W1: Matrix
    W2: Matrix
    Z: Matrix                    # W1 W2 (kept: its rank evidence is cached on it)
    setting: str                 # "theorem-2" or "behrends"
    r1: int
    r2: int
    r12: int
    dim_iii: int                 # dim N(W1) ∩ C(W2), from explicit bases
    dim_iv: int                  # dim N(W2^T) ∩ C(W1^T)
    conditions: dict
    locally_open: bool
    max_rank_T1: int             # max rank(W1 + T1) over T1 W2 = 0
    max_rank_T2: int             # max rank(W2 + T2) over W1 T2 = 0
    T1: Matrix | None = None
    T2: Matrix | None = None
    u: Matrix | None = None      # W2 u != 0, W1 W2 u = 0
    y: Matrix | None = None      # y W1 != 0, y W1 W2 = 0
    W1_plus_T1: Matrix | None = None
    W2_plus_T2: Matrix | None = None
    engine: Engine = FLINT

    @property
    def shape(self):
        return self.W1.nrows, self.W1.ncols, self.W2.ncols


def _require(ok: bool, what: str) -> None:
    if not ok:
        raise InternalError(f"independent routes disagree: {what}")


def analyze(W1: Matrix, W2: Matrix, engine: Engine = FLINT) -> OpennessReport:
    """Decide local openness at (W1, W2) and build verified witnesses.

    Raises
    ------
    InputError
        If the inner dimensions differ or a factor is empty where a shape is needed.
    InternalError
        If two routes (ranks, intersection bases, witnesses) disagree.
    """
    m, k = W1.shape
    k2, n = W2.shape
    if k != k2:
        raise InputError(f"W1 is {m} x {k} but W2 is {k2} x {n}: the inner dimensions differ")
    if min(m, k, n) == 0:
        raise InputError(f"empty factor: W1 is {m} x {k}, W2 is {k2} x {n}")
    Z = W1 @ W2
    r1, r2, r12 = rank(W1, engine), rank(W2, engine), rank(Z, engine)
    dim_iii = intersection(null_space(W1, engine), column_space(W2, engine), engine).ncols
    dim_iv = intersection(left_null_space(W2, engine), column_space(W1.T, engine), engine).ncols
    _require(dim_iii == r2 - r12, f"dim N(W1) ∩ C(W2) = {dim_iii}, r2 - r12 = {r2 - r12}")
    _require(dim_iv == r1 - r12, f"dim N(W2^T) ∩ C(W1^T) = {dim_iv}, r1 - r12 = {r1 - r12}")
    max1, max2 = min(m, r12 + k - r2), min(n, r12 + k - r1)
    if k < min(m, n):
        setting, target1, target2 = "theorem-2", k, k
    else:
        setting, target1, target2 = "behrends", m, n
    found1 = perturbation_T1(W1, W2, target1, engine)
    found2 = perturbation_T1(W2.T, W1.T, target2, engine)
    T1, sum1 = found1 if found1 else (None, None)
    T2, sum2 = (found2[0].T, W2 + found2[0].T) if found2 else (None, None)
    _require((T1 is not None) == (max1 >= target1), f"T1 witness vs max rank {max1}")
    _require((T2 is not None) == (max2 >= target2), f"T2 witness vs max rank {max2}")
    if T1 is not None:
        _require(product_vanishes(T1, W2, engine) and rank(sum1, engine) >= target1,
                 "T1 witness check")
    if T2 is not None:
        _require(product_vanishes(W1, T2, engine) and rank(sum2, engine) >= target2,
                 "T2 witness check")
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
    report = OpennessReport(W1, W2, Z, setting, r1, r2, r12, dim_iii, dim_iv, conditions, is_open,
                            max1, max2, T1, T2, W1_plus_T1=sum1, W2_plus_T2=sum2,
                            engine=engine)
    if setting == "theorem-2":
        if not conditions["iii"]:
            report.u = intersection_vector(W1, W2, engine)
            _require(report.u is not None, "vector of N(W1) ∩ C(W2)")
        if not conditions["iv"]:
            yt = intersection_vector(W2.T, W1.T, engine)
            _require(yt is not None, "vector of N(W2^T) ∩ C(W1^T)")
            report.y = yt.T
    return report

