"""Exact Taylor coefficients, gradients and Hessians of network losses.

Everything here is computed from truncated matrix power series in ``t``
(python-flint ``fmpq_mat`` coefficients): the loss along a polynomial curve
``W(t)``, first and second derivatives by polarisation, and the chart of
rank-r matrices ``Z' = Z'[:,J] Z'[I,J]^-1 Z'[I,:]``.  The checker computes
the same quantities its own way (closed-form gradient and Hessian, Fraction
series); the tests compare both with SymPy's symbolic differentiation.
"""

from __future__ import annotations

from fractions import Fraction

import flint

from ..linalg import Matrix
from .model import LinearNetwork


def _q(M: Matrix) -> flint.fmpq_mat:
    return M.to_flint()


def _zero(m: int, n: int) -> flint.fmpq_mat:
    return flint.fmpq_mat(m, n)


def _mul(a, b):
    if a.ncols() == 0:
        return _zero(a.nrows(), b.ncols())
    return a * b


def series_mul(p: list, q: list, degree: int | None = None) -> list:
    """Product of matrix series (lists of coefficients), truncated after ``degree``."""
    top = len(p) + len(q) - 2 if degree is None else min(degree, len(p) + len(q) - 2)
    out = [_zero(p[0].nrows(), q[0].ncols()) for _ in range(top + 1)]
    for a, pa in enumerate(p):
        for b, qb in enumerate(q):
            if a + b <= top and pa.nrows() * qb.ncols():
                out[a + b] = out[a + b] + _mul(pa, qb)
    return out


def _fraction(x) -> Fraction:
    return Fraction(int(x.p), int(x.q))


def loss_of_series(net: LinearNetwork, F: list, degree: int | None = None) -> list[Fraction]:
    """Coefficients of ``1/2 sum w o (F(t) X - Y)^2`` for a product series ``F``."""
    X, Y = _q(net.X), _q(net.Y)
    R = [_mul(c, X) for c in F]
    R[0] = R[0] - Y
    size = Y.nrows() * Y.ncols()
    w = net.weights.to_flint().entries()
    rows = [flint.fmpq_mat(1, size, c.entries()) if size else None for c in R]
    weighted = [flint.fmpq_mat(size, 1, [x * y for x, y in zip(w, c.entries())]) if size else None
                for c in R]
    top = 2 * len(R) - 2 if degree is None else min(degree, 2 * len(R) - 2)
    coeffs = [Fraction(0)] * (top + 1)
    for a in range(len(R)):
        for b in range(a, min(len(R), top - a + 1)):
            if size:
                v = _fraction((rows[a] * weighted[b])[0, 0])
                coeffs[a + b] += v if a == b else 2 * v
    return [c / 2 for c in coeffs]


def loss_along_curve(net: LinearNetwork, curve: list[list[Matrix]],
                     degree: int | None = None) -> list[Fraction]:
    """Coefficients of ``L(W(t))``; ``curve[i]`` lists layer i's coefficients, lowest first."""
    F = [flint.fmpq_mat(Matrix.identity(net.widths[0]).to_flint())]
    for layer in curve:
        F = series_mul([_q(c) for c in layer], F, degree)
    return loss_of_series(net, F, degree)


def _line(net: LinearNetwork, direction: dict) -> list[list[Matrix]]:
    """The curve ``W + t D`` for a sparse direction ``{(layer, p, q): value}``."""
    curve = []
    for i, W in enumerate(net.layers):
        entries = {(p, q): v for (layer, p, q), v in direction.items() if layer == i}
        D = Matrix([[entries.get((p, q), 0) for q in range(W.ncols)] for p in range(W.nrows)],
                   ncols=W.ncols) if entries else None
        curve.append([W, D] if D is not None else [W])
    return curve


def directional(net: LinearNetwork, direction: dict) -> tuple[Fraction, Fraction]:
    """``(c1, c2)``: ``L(W + tD) = L(W) + c1 t + c2 t^2 + ...``."""
    coeffs = loss_along_curve(net, _line(net, direction), degree=2)
    coeffs += [Fraction(0)] * (3 - len(coeffs))
    return coeffs[1], coeffs[2]


def _polarised(first_and_second, size: int):
    """Gradient and Hessian from directional Taylor coefficients by polarisation."""
    c1, c2 = zip(*(first_and_second({a: 1}) for a in range(size))) if size else ((), ())
    hess = [[Fraction(0)] * size for _ in range(size)]
    for a in range(size):
        hess[a][a] = 2 * c2[a]
        for b in range(a + 1, size):
            both = first_and_second({a: 1, b: 1})[1]
            hess[a][b] = hess[b][a] = both - c2[a] - c2[b]
    return list(c1), hess


def gradient(net: LinearNetwork) -> list[Fraction]:
    """Exact gradient (flat, in :meth:`LinearNetwork.parameters` order)."""
    return [directional(net, {a: 1})[0] for a in net.parameters()]


def gradient_and_hessian(net: LinearNetwork):
    """Exact gradient (flat, in :meth:`LinearNetwork.parameters` order) and Hessian."""
    params = net.parameters()
    return _polarised(lambda v: directional(net, {params[a]: x for a, x in v.items()}),
                      len(params))


def chart_parameters(m: int, n: int, rows, cols) -> list[tuple[int, int]]:
    """Positions in rows I or columns J, row-major: the chart's coordinates."""
    return [(i, j) for i in range(m) for j in range(n) if i in rows or j in cols]


def chart_gradient_and_hessian(net: LinearNetwork, Z: Matrix, rows, cols):
    """Gradient and Hessian of ``l`` in the chart ``Z'[:,J] Z'[I,J]^-1 Z'[I,:]`` at ``Z``."""
    m, n = Z.shape
    params = chart_parameters(m, n, rows, cols)
    A0inv = Z.submatrix(rows, cols).to_flint().inv()

    def taylor(v):
        V = Matrix([[v.get(params.index((i, j)), 0) if (i, j) in params else 0
                     for j in range(n)] for i in range(m)], ncols=n)
        A1 = _q(V.submatrix(rows, cols))
        inv = [A0inv, -(A0inv * A1 * A0inv), A0inv * A1 * A0inv * A1 * A0inv]
        C = [_q(Z.submatrix(range(m), cols)), _q(V.submatrix(range(m), cols))]
        R = [_q(Z.submatrix(rows, range(n))), _q(V.submatrix(rows, range(n)))]
        phi = series_mul(series_mul(C, inv, 2), R, 2)
        coeffs = loss_of_series(net, phi, 2)
        return coeffs[1], coeffs[2]

    return _polarised(taylor, len(params))
