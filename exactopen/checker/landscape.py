"""Exact losses, derivatives and polynomials of deep linear networks (checker side).

The loss of a network ``W = (W_1, ..., W_h)`` on data ``X`` (d_0 x N), ``Y``
(d_h x N) with positive weights ``w`` (d_h x N) is

    L(W) = 1/2 * sum_ij w_ij * ((W_h ... W_1 X - Y)_ij)^2.

Matrices are lists of rows of Fractions; a polynomial (or truncated power
series) matrix is the list of its coefficient matrices, lowest degree first.
"""

from fractions import Fraction

ZERO = Fraction(0)


def add(a, b):
    return [[x + y for x, y in zip(r, s)] for r, s in zip(a, b)]


def transpose(rows, n):
    return [list(c) for c in zip(*rows)] if rows else [[] for _ in range(n)]


def mul(a, b, n):
    """Product of small rational matrices (a: m x k rows, b: k x n rows)."""
    cols = list(zip(*b)) if b else [()] * n
    return [[sum((x * y for x, y in zip(r, c) if x), ZERO) for c in cols] for r in a]


def eye(n):
    return [[Fraction(int(i == j)) for j in range(n)] for i in range(n)]


def zeros(m, n):
    return [[ZERO] * n for _ in range(m)]


def series_mul(p, q, m, n, deg=None):
    """Product of matrix series p (m x k) and q (k x n), truncated after ``deg``."""
    top = len(p) + len(q) - 2 if deg is None else min(deg, len(p) + len(q) - 2)
    out = [zeros(m, n) for _ in range(top + 1)]
    for a, pa in enumerate(p):
        for b, qb in enumerate(q):
            if a + b <= top:
                out[a + b] = add(out[a + b], mul(pa, qb, n))
    return out


class Network:
    """Widths, data and weights of a network; layers are passed separately."""

    def __init__(self, widths, X, Y, weights):
        self.widths, self.X, self.Y, self.w = widths, X, Y, weights
        self.samples = (len(X[0]) if X else 0) if X is not None else None  # None: no data
        self.parameters = sum(a * b for a, b in zip(widths, widths[1:]))

    def product(self, layers):
        """``F = W_h ... W_1`` (d_h x d_0)."""
        f = eye(self.widths[0])
        for i, layer in enumerate(layers):
            f = mul(layer, f, self.widths[0])
        return f

    def loss_of_product(self, f):
        r = add(mul(f, self.X, self.samples), [[-y for y in row] for row in self.Y])
        return sum((w * x * x for wr, rr in zip(self.w, r) for w, x in zip(wr, rr)), ZERO) / 2

    def loss(self, layers):
        return self.loss_of_product(self.product(layers))

    def weighted_residual(self, f):
        """``S = w o (F X - Y)``, the gradient of the loss in ``F X``."""
        r = mul(f, self.X, self.samples)
        return [[w * (x - y) for w, x, y in zip(wr, rr, yr)] for wr, rr, yr in zip(self.w, r, self.Y)]

    def loss_gradient(self, f):
        """Gradient of ``l`` at ``Z = F``: ``S X^T`` (d_h x d_0)."""
        return mul(self.weighted_residual(f), transpose(self.X, self.widths[0]), self.widths[0])

    def _partials(self, layers):
        """A[i] = W_h...W_{i+2}, B[i] = W_i...W_1 (0-based i), so F = A[i] W_{i+1} B[i]."""
        d, h = self.widths, len(layers)
        before = [eye(d[0])]
        for i in range(h):
            before.append(mul(layers[i], before[-1], d[0]))
        after = [eye(d[h])]
        for i in range(h - 1, -1, -1):
            after.append(mul(after[-1], layers[i], d[i]))
        after.reverse()  # after[i] = W_h ... W_{i+1} (1-based W), d_h x d_i
        return before, after

    def gradient(self, layers):
        """Per-layer gradient ``A_i^T G B_i^T`` with ``G = S X^T``."""
        d = self.widths
        before, after = self._partials(layers)
        g = self.loss_gradient(before[-1])
        out = []
        for i in range(len(layers)):
            left = mul(transpose(after[i + 1], d[i + 1]), g, d[0])
            out.append(mul(left, transpose(before[i], d[0]), d[i]))
        return out

    def hessian(self, layers):
        """Exact Hessian of L in the parameter order layer 1..h, row-major entries."""
        d, h = self.widths, len(layers)
        before, after = self._partials(layers)
        s = self.weighted_residual(before[-1])
        xt = transpose(self.X, d[0])
        index = []  # (layer, p, q)
        for i in range(h):
            index += [(i, p, q) for p in range(d[i + 1]) for q in range(d[i])]
        # Gauss-Newton part: J_a = A_i[:, p] (B_i X)[q, :], weighted inner products.
        bx = [mul(before[i], self.X, self.samples) for i in range(h)]
        jac = []
        for i, p, q in index:
            col = [row[p] for row in after[i + 1]]
            jac.append([[c * x for x in bx[i][q]] for c in col])
        size = len(index)
        hess = [[ZERO] * size for _ in range(size)]
        for a in range(size):
            for b in range(a, size):
                v = sum((w * x * y for wr, ra, rb in zip(self.w, jac[a], jac[b])
                         for w, x, y in zip(wr, ra, rb)), ZERO)
                hess[a][b] = hess[b][a] = v
        # Curvature of the product: layers i > j, F2 = A_i E_pq M E_rs B_j.
        sxt = mul(s, xt, d[0])
        for i in range(h):
            for j in range(i):
                mid = eye(d[j + 1])
                for k in range(j + 1, i):
                    mid = mul(layers[k], mid, d[j + 1])
                n_ij = mul(mul(transpose(after[i + 1], d[i + 1]), sxt, d[0]),
                           transpose(before[j], d[0]), d[j])
                for a, (li, p, q) in enumerate(index):
                    if li != i:
                        continue
                    for b, (lj, r, t) in enumerate(index):
                        if lj == j and mid[q][r]:
                            hess[a][b] += mid[q][r] * n_ij[p][t]
                            hess[b][a] = hess[a][b]
        return hess

    def loss_polynomial(self, curve):
        """Coefficients of ``L(W(t))`` for layer series ``curve[i]`` (exact, untruncated)."""
        d = self.widths
        f = [eye(d[0])]
        for i, layer in enumerate(curve):
            f = series_mul(layer, f, d[i + 1], d[0])
        return self._loss_series(f)

    def _loss_series(self, f):
        r = [mul(c, self.X, self.samples) for c in f]
        r[0] = add(r[0], [[-y for y in row] for row in self.Y])
        coeffs = [ZERO] * (2 * len(r) - 1)
        for a, ra in enumerate(r):
            for b, rb in enumerate(r):
                coeffs[a + b] += sum((w * x * y for wr, xa, xb in zip(self.w, ra, rb)
                                      for w, x, y in zip(wr, xa, xb)), ZERO) / 2
        return coeffs


def chart_derivatives(net, z, rows, cols, inverse, params):
    """Gradient and Hessian of ``l`` in the chart at ``z``, by polarisation of :func:`chart_taylor`."""
    one = Fraction(1)
    c1, c2 = zip(*(chart_taylor(net, z, rows, cols, inverse, {p: one}) for p in params))
    size = len(params)
    hess = [[2 * c2[a] if a == b else ZERO for b in range(size)] for a in range(size)]
    for a in range(size):
        for b in range(a + 1, size):
            both = chart_taylor(net, z, rows, cols, inverse, {params[a]: one, params[b]: one})[1]
            hess[a][b] = hess[b][a] = both - c2[a] - c2[b]
    return list(c1), hess


def chart_taylor(net, z, rows, cols, inverse, direction):
    """First two Taylor coefficients of ``l`` along the chart line ``p0 + t v``.

    The chart of the rank-r matrices near ``z``: ``Z' = Z'[:,J] Z'[I,J]^-1
    Z'[I,:]`` with the entries in rows I or columns J as parameters;
    ``direction`` maps such positions to the entries of ``v``.
    """
    m, n, r = len(z), len(z[0]), len(rows)
    v = zeros(m, n)
    for (i, j), x in direction.items():
        v[i][j] = x
    c = [[[z[i][j] for j in cols] for i in range(m)], [[v[i][j] for j in cols] for i in range(m)]]
    a1 = [[v[i][j] for j in cols] for i in rows]
    rr = [[z[i][:] for i in rows], [v[i][:] for i in rows]]
    ai_a1_ai = mul(mul(inverse, a1, r), inverse, r)
    inv_series = [inverse, [[-x for x in row] for row in ai_a1_ai], mul(ai_a1_ai, mul(a1, inverse, r), r)]
    phi = series_mul(series_mul(c, inv_series, m, r, 2), rr, m, n, 2)
    return net._loss_series(phi)[1:3]


def ldl_product(lower, diag):
    """``L diag(D) L^T`` for a unit lower triangular ``L``."""
    n = len(diag)
    return [[sum((lower[i][k] * diag[k] * lower[j][k] for k in range(min(i, j) + 1)), ZERO)
             for j in range(n)] for i in range(n)]


# -- costs: rational operations, for the work budget (rules multiply them by 200) -----

def product_ops(d):
    return sum(d[i + 1] * d[i] * d[0] for i in range(len(d) - 1))


def loss_ops(d, samples):
    return product_ops(d) + 2 * d[-1] * d[0] * samples


def gradient_ops(d, samples):
    return 3 * product_ops(d) + loss_ops(d, samples) + \
        sum(d[i + 1] * d[-1] * d[0] + d[i + 1] * d[0] * d[i] for i in range(len(d) - 1))


def hessian_ops(d, samples):
    p = sum(a * b for a, b in zip(d, d[1:]))
    return gradient_ops(d, samples) + p * p * d[-1] * samples // 2 + p * p + p ** 3 // 6


def polynomial_ops(d, samples, degree):
    h = len(d) - 1
    return sum((i * degree + 1) * (degree + 1) * d[i + 1] * d[i] * d[0] for i in range(h)) + \
        (h * degree + 1) ** 2 * d[-1] * samples


def chart_ops(d, samples):
    m, n, r = d[-1], d[0], min(d)
    p = r * (m + n - r)
    return product_ops(d) + p * p * 5 * (m * r * r + m * n * r + m * samples) + p ** 3 // 6
