"""Plain Fraction symmetric elimination: LDL^T and directions of negative curvature (the tests'
reference for exactopen.networks.symmetric).

Examples
--------
>>> from fractions import Fraction as F
>>> ldl([[F(2), F(1)], [F(1), F(2)]])
([[Fraction(1, 1), Fraction(0, 1)], [Fraction(1, 2), Fraction(1, 1)]], [Fraction(2, 1), Fraction(3, 2)])
>>> negative_direction([[F(0), F(1)], [F(1), F(0)]])
[Fraction(-1, 2), Fraction(1, 1)]
"""

from __future__ import annotations

from fractions import Fraction


def _quadratic_form(H, v) -> Fraction:
    return sum((v[i] * H[i][j] * v[j] for i in range(len(v)) for j in range(len(v))
                if v[i] and v[j]), Fraction(0))


def ldl(H) -> tuple[list, list] | None:
    """``H = L diag(D) L^T`` with L unit lower triangular, D >= 0, or None if H is not PSD.

    Without pivoting: a zero pivot of a positive semidefinite matrix has a zero
    column below it, so the factorisation exists exactly when H is PSD.
    """
    n = len(H)
    A = [[Fraction(x) for x in row] for row in H]
    L = [[Fraction(int(i == j)) for j in range(n)] for i in range(n)]
    D = []
    for j in range(n):
        d = A[j][j]
        if d < 0:
            return None
        if d == 0:
            if any(A[i][j] for i in range(j + 1, n)):
                return None
            D.append(d)
            continue
        D.append(d)
        for i in range(j + 1, n):
            L[i][j] = A[i][j] / d
        for i in range(j + 1, n):
            if A[i][j]:
                f = A[i][j] / d
                row_i, row_j = A[i], A[j]
                for k in range(j + 1, n):
                    row_i[k] -= f * row_j[k]
    return L, D


def negative_direction(H) -> list[Fraction] | None:
    """A rational ``v`` with ``v^T H v < 0``, or None when H is positive semidefinite.

    Symmetric elimination keeps ``S`` with ``A = S^T H S`` (S unit upper
    triangular); a negative pivot, or a zero pivot with a non-zero entry beside
    it, gives a negative direction of A, mapped back through S.
    """
    n = len(H)
    A = [[Fraction(x) for x in row] for row in H]
    S = [[Fraction(int(i == j)) for j in range(n)] for i in range(n)]
    for j in range(n):
        d = A[j][j]
        w = None
        if d < 0:
            w = {j: Fraction(1)}
        elif d == 0:
            k = next((k for k in range(j + 1, n) if A[j][k]), None)
            if k is not None:  # q(s e_j + e_k) = 2 s A_jk + A_kk = -1
                w = {j: -(A[k][k] + 1) / (2 * A[j][k]), k: Fraction(1)}
        if w is not None:
            v = [sum((S[i][c] * x for c, x in w.items()), Fraction(0)) for i in range(n)]
            assert _quadratic_form(H, v) < 0
            return v
        if d == 0:
            continue
        for k in range(j + 1, n):
            f = A[j][k] / d
            if f:
                for i in range(n):  # column op k -= f j, then the row op
                    S[i][k] -= f * S[i][j]
                for i in range(n):
                    A[i][k] -= f * A[i][j]
                for i in range(n):
                    A[k][i] -= f * A[j][i]
    return None
