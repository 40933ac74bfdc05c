"""Local openness as an algorithm: exact factors for a nearby target (docs/theory.md, section 4).

Given an open pair ``(W1, W2)`` and a target ``Z'`` in the range near
``Z = W1 W2``, :func:`lift` returns rational ``W1', W2'`` with
``W1' W2' = Z'`` exactly and close to ``(W1, W2)``.

*Theorem 2 case* (``k < min(m, n)``, ``r = r1 = r2 = r12``): with
``G = [basis of C(W2) | basis of N(W1)]``, ``W1 G = [P | 0]`` and
``G^-1 W2 = [Q ; 0]``; rows ``I`` and columns ``J`` with ``P[I,:]`` and
``Q[:,J]`` invertible give ``P' = Z'[:,J] Z'[I,J]^-1 P[I,:]`` and
``Q' = P[I,:]^-1 Z'[I,:]``; the Schur complement ``S = Z' - P'Q'`` has rank
``<= k - r`` and is factored exactly, ``S = E2 F2``, balanced so both factors
have norm about ``sqrt(||S||)``.  Then ``W1' = [P' | E2] G^-1`` and
``W2' = G [Q' ; F2]``.  The reach is ``O(delta)`` when ``r = k`` and
``O(sqrt(delta))`` otherwise.

*Behrends' case* (``k >= min(m, n)``): with the witness ``T1`` of (A)
(``T1 W2 = 0``, ``W1 + T1`` of full row rank), ``W1(s) = W1 + s T1`` has a
right inverse for small ``s != 0``; ``W2' = W2 + W1(s)^+ (Z' - Z)``.
Dually for (B).  ``s = 0`` when a factor already has full rank.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from math import isqrt

from ..errors import InputError, InternalError, NotApplicable
from ..linalg import Matrix, column_space, null_space, rank, rref
from .theorem2 import OpennessReport, analyze


class NotLiftable(NotApplicable):
    """The pair is not open, the target is outside the range, or too far for the construction."""


@dataclass(frozen=True)
class Lift:
    """Exact factors of a target and the exact squared distances."""

    W1: Matrix
    W2: Matrix
    target: Matrix
    delta_squared: Fraction      # ||Z' - W1 W2||^2
    reach1_squared: Fraction     # ||W1' - W1||^2
    reach2_squared: Fraction     # ||W2' - W2||^2


def _independent_rows(A: Matrix) -> list[int]:
    """Rows forming a basis of the row space (pivot columns of A^T)."""
    return list(rref(A.T)[1])


def sqrt_approx(x: Fraction) -> Fraction:
    """A rational within a few percent of ``sqrt(x)`` (x >= 0), for balancing only."""
    if x <= 0:
        return Fraction(0)
    scale = 1 << 40
    return Fraction(isqrt(int(x * scale * scale)) or 1, scale)


def _balanced_factors(S: Matrix, size: int) -> tuple[Matrix, Matrix]:
    """``S = E F`` with E (m x size), F (size x n), norms balanced by a rational scale."""
    m, n = S.shape
    R, pivots = rref(S)
    if len(pivots) > size:
        raise NotLiftable(f"the target has rank above k: its Schur complement has rank "
                          f"{len(pivots)} > {size}")
    E = Matrix.from_columns([S.column(j) for j in pivots] + [[0] * m] * (size - len(pivots)), m)
    F = Matrix([R.row(i) for i in range(len(pivots))] + [[0] * n] * (size - len(pivots)), ncols=n) \
        if size else Matrix.zeros(0, n)
    ne, nf = E.frobenius_squared(), F.frobenius_squared()
    if ne and nf:
        c = sqrt_approx(sqrt_approx(nf / ne))  # c^2 ~ ||F|| / ||E||
        if c:
            E, F = E.scale(c), F.scale(1 / c)
    return E, F


def _lift_theorem2(report: OpennessReport, target: Matrix) -> tuple[Matrix, Matrix]:
    W1, W2 = report.W1, report.W2
    m, k, n = report.shape
    r = report.r1
    if rank(target) > k:
        raise NotLiftable(f"the target has rank {rank(target)} > k = {k}: it is outside the range")
    G = Matrix.hstack(column_space(W2), null_space(W1))
    Ginv = G.inv()
    P = (W1 @ G).submatrix(range(m), range(r))
    Q = (Ginv @ W2).submatrix(range(r), range(n))
    I = _independent_rows(P)
    J = _independent_rows(Q.T)
    if r:
        block = target.submatrix(I, J)
        if rank(block) < r:
            raise NotLiftable("the target is too far for this construction: its pivot block "
                              f"Z'[I, J] (rows {I}, columns {J}) is singular")
        P_I_inv = P.submatrix(I, range(r)).inv()
        P2 = target.submatrix(range(m), J) @ block.inv() @ P.submatrix(I, range(r))
        Q2 = P_I_inv @ target.submatrix(I, range(n))
    else:
        P2, Q2 = Matrix.zeros(m, 0), Matrix.zeros(0, n)
    S = target - P2 @ Q2
    E2, F2 = _balanced_factors(S, k - r)
    return Matrix.hstack(P2, E2) @ Ginv, G @ Matrix.vstack(Q2, F2)


def _full_row_rank_perturbation(W1: Matrix, T1: Matrix, delta_squared: Fraction) -> Matrix:
    """``W1 + s T1`` of full row rank with ``s`` about ``sqrt(delta)`` (0 if W1 already is)."""
    m = W1.nrows
    if rank(W1) == m:
        return W1
    s = sqrt_approx(sqrt_approx(delta_squared)) or Fraction(1, 1 << 20)
    for _ in range(64):
        candidate = W1 + T1.scale(s)
        if rank(candidate) == m:
            return candidate
        s /= 2
    raise NotLiftable("no full-rank perturbation found")  # pragma: no cover - finitely many bad s


def _lift_behrends(report: OpennessReport, target: Matrix, delta_squared) -> tuple[Matrix, Matrix]:
    W1, W2 = report.W1, report.W2
    m, k, n = report.shape
    D = target - W1 @ W2
    use_a = report.conditions["A"] and (rank(W1) == m or not (report.conditions["B"]
                                                             and rank(W2) == n))
    if use_a:
        A = _full_row_rank_perturbation(W1, report.T1.matrix, delta_squared)
        right_inverse = A.T @ (A @ A.T).inv()
        return A, W2 + right_inverse @ D
    B = _full_row_rank_perturbation(W2.T, report.T2.matrix.T, delta_squared).T
    left_inverse = (B.T @ B).inv() @ B.T
    return W1 + D @ left_inverse, B


def lift(W1: Matrix, W2: Matrix, target: Matrix, report: OpennessReport | None = None) -> Lift:
    """Exact factors ``W1' W2' = target`` near ``(W1, W2)``.

    Raises
    ------
    InputError
        Shapes do not fit.
    NotLiftable
        The pair is not locally open, the target is outside the range, or the
        construction's pivot block is singular (target too far).

    Examples
    --------
    >>> L = lift(Matrix([[1], [2]]), Matrix([[1, 1]]), Matrix([[1, "11/10"], [2, "11/5"]]))
    >>> (L.W1 @ L.W2) == L.target
    True
    """
    report = report or analyze(W1, W2)
    m, k, n = report.shape
    if target.shape != (m, n):
        raise InputError(f"the target is {target.nrows} x {target.ncols}, but W1 W2 is {m} x {n}")
    if not report.locally_open:
        raise NotLiftable("the pair is not locally open, so nearby targets need not have nearby "
                          "factors; " + obstruction(report))
    delta_squared = (target - W1 @ W2).frobenius_squared()
    if report.setting == "theorem-2":
        new1, new2 = _lift_theorem2(report, target)
    else:
        new1, new2 = _lift_behrends(report, target, delta_squared)
    if new1 @ new2 != target:  # pragma: no cover - exact by construction
        raise InternalError("lift does not reproduce the target")
    return Lift(new1, new2, target, delta_squared, (new1 - W1).frobenius_squared(),
                (new2 - W2).frobenius_squared())


def obstruction(report: OpennessReport) -> str:
    """One line naming why a pair is not open."""
    if report.setting == "behrends":
        m, k, n = report.shape
        return (f"neither (A) m + r2 = {m + report.r2} <= k + r12 = {k + report.r12} nor (B) "
                f"n + r1 = {n + report.r1} <= {k + report.r12} holds")
    if report.r1 != report.r2:
        return f"rank(W1) = {report.r1} != rank(W2) = {report.r2} (Theorem 2)"
    u = ", ".join(str(x) for x in report.u.column(0))
    return f"N(W1) ∩ C(W2) != 0: u = [{u}] has W2 u != 0 and W1 W2 u = 0"
