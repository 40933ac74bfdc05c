"""Exact losses, derivatives and polynomials of deep linear networks (checker side).

The loss of a network ``W = (W_1, ..., W_h)`` on data ``X`` (d_0 x N), ``Y``
(d_h x N) with positive weights ``w`` (d_h x N) is

    L(W) = 1/2 * sum_ij w_ij * ((W_h ... W_1 X - Y)_ij)^2.

Matrices are lists of rows of Fractions; a polynomial matrix is the list of
its coefficient matrices, lowest degree first.  Sums of many products (the
Gauss-Newton parts of Hessians, the loss along a curve) are Gram matrices of
integer vectors over one common denominator.
"""

from fractions import Fraction
from math import lcm
from operator import mul as times

ZERO = Fraction(0)


def transpose(rows, n):
    return [list(c) for c in zip(*rows)] if rows else [[] for _ in range(n)]


def mul(a, b, n):
    """Product of rational matrices (a: m x k rows, b: k x n rows), skipping the zeros of a."""
    cols = list(zip(*b)) if b else [()] * n
    rows = [[(k, x) for k, x in enumerate(r) if x] for r in a]
    return [[sum((x * c[k] for k, x in r), ZERO) for c in cols] for r in rows]


def eye(n):
    return [[Fraction(int(i == j)) for j in range(n)] for i in range(n)]


def nonzeros(rows):
    return [(i, j, x) for i, row in enumerate(rows) for j, x in enumerate(row) if x]


def integers(vectors):
    """Rational vectors as integer vectors over one common denominator."""
    den = lcm(1, *(x.denominator for v in vectors for x in v))
    return [[x.numerator * (den // x.denominator) for x in v] for v in vectors], den


def gram(vectors, weights, den):
    """``[sum_k w_k v_a[k] v_b[k] / den]`` for integer vectors and integer weights."""
    size, live = len(vectors), [a for a, v in enumerate(vectors) if any(v)]
    out = [[ZERO] * size for _ in range(size)]
    for x, a in enumerate(live):
        wa = list(map(times, weights, vectors[a]))
        for b in live[x:]:
            v = sum(map(times, wa, vectors[b]))
            if v:
                out[a][b] = out[b][a] = Fraction(v, den)
    return out


def flat(rows):
    return [x for row in rows for x in row]


class Network:
    """Widths, data and weights of a network; layers are passed separately."""

    def __init__(self, widths, X, Y, weights):
        self.widths, self.X, self.Y, self.w = widths, X, Y, weights
        self.samples = (len(X[0]) if X else 0) if X is not None else None  # None: no data
        self.parameters = sum(a * b for a, b in zip(widths, widths[1:]))

    def product(self, layers):
        """``F = W_h ... W_1`` (d_h x d_0)."""
        f = eye(self.widths[0])
        for layer in layers:
            f = mul(layer, f, self.widths[0])
        return f

    def loss(self, layers):
        r = mul(self.product(layers), self.X, self.samples)
        return sum((w * (x - y) ** 2 for wr, rr, yr in zip(self.w, r, self.Y)
                    for w, x, y in zip(wr, rr, yr)), ZERO) / 2

    def loss_gradient(self, f):
        """Gradient of ``l`` at ``Z = F``: ``S X^T``, ``S = w o (F X - Y)`` (d_h x d_0)."""
        r = mul(f, self.X, self.samples)
        s = [[w * (x - y) for w, x, y in zip(*rows)] for rows in zip(self.w, r, self.Y)]
        return mul(s, transpose(self.X, self.widths[0]), self.widths[0])

    def _partials(self, layers):
        """``before[i] = W_i ... W_1``, ``after[i] = W_h ... W_(i+1)`` (0-based i, 1-based W)."""
        d, h = self.widths, len(layers)
        before, after = [eye(d[0])], [eye(d[h])]
        for i in range(h):
            before.append(mul(layers[i], before[-1], d[0]))
            after.insert(0, mul(after[0], layers[h - 1 - i], d[h - 1 - i]))
        return before, after

    def gradient(self, layers):
        """Per-layer gradient ``A_i^T G B_i^T`` (``A_i = after[i + 1]``, ``B_i = before[i]``)."""
        d = self.widths
        before, after = self._partials(layers)
        g = self.loss_gradient(before[-1])
        return [mul(mul(transpose(after[i + 1], d[i + 1]), g, d[0]), transpose(before[i], d[0]),
                    d[i]) for i in range(len(layers))]

    def hessian(self, layers):
        """Exact Hessian of L (parameters: layer 1..h, entries row-major): the Gauss-Newton part
        ``J^T diag(w) J``, column ``(i, p, q)`` of J being ``vec(A_i[:, p] (B_i X)[q, :])``, plus,
        for layers i > j, ``M[q][r] N[p][t]`` at ``((i, p, q), (j, r, t))`` and its mirror,
        ``M = W_(i-1) ... W_(j+1)`` and ``N = A_i^T G B_j^T``."""
        d, h = self.widths, len(layers)
        before, after = self._partials(layers)
        a, da = integers([c for i in range(h) for c in transpose(after[i + 1], d[i + 1])])
        c, dc = integers([r for i in range(h) for r in mul(before[i], self.X, self.samples)])
        cols, off = [], [0]
        for i in range(h):
            ka, kc = sum(d[1:i + 1]), sum(d[:i])
            cols += [[x * y for x in a[ka + p] for y in c[kc + q]]
                     for p in range(d[i + 1]) for q in range(d[i])]
            off.append(len(cols))
        w, dw = integers(self.w)
        hess = gram(cols, flat(w), da * da * dc * dc * dw)
        g = self.loss_gradient(before[-1])
        for i in range(1, h):
            left, mid = mul(transpose(after[i + 1], d[i + 1]), g, d[0]), eye(d[i])
            for j in range(i - 1, -1, -1):
                mid = mid if j == i - 1 else mul(mid, layers[j + 1], d[j + 1])
                n_ij = nonzeros(mul(left, transpose(before[j], d[0]), d[j]))
                for q, r, m in nonzeros(mid):
                    for p, t, v in n_ij:
                        x, y = off[i] + p * d[i] + q, off[j] + r * d[j] + t
                        hess[x][y] = hess[y][x] = hess[x][y] + m * v
        return hess

    def loss_polynomial(self, curve):
        """Coefficients of ``L(W(t))`` for layer polynomials ``curve[i]`` (exact, untruncated)."""
        f = [eye(self.widths[0])]
        for layer in curve:     # f <- layer f, as matrix polynomials
            terms = [(a + b, mul(c, fb, self.widths[0])) for a, c in enumerate(layer)
                     for b, fb in enumerate(f)]
            f = [[[sum(x) for x in zip(*rows)] for rows in zip(*(m for k, m in terms if k == j))]
                 for j in range(len(layer) + len(f) - 1)]
        r = [mul(c, self.X, self.samples) for c in f]
        r[0] = [[x - y for x, y in zip(*rows)] for rows in zip(r[0], self.Y)]
        (vecs, den), (w, dw) = integers([flat(c) for c in r]), integers(self.w)
        g = gram(vecs, flat(w), den * den * dw)
        return [sum((g[a][k - a] for a in range(len(r)) if 0 <= k - a < len(r)), ZERO) / 2
                for k in range(2 * len(r) - 1)]


def chart_derivatives(net, z, rows, cols, inverse, params):
    """Gradient and Hessian of ``l`` in the chart ``Z' = Z'[:,J] A^-1 Z'[I,:]``, A = Z[I,J], at z.

    With ``P = Z[:,J] A^-1``, ``Q = A^-1 Z[I,:]`` and a direction ``V``, the chart's first two
    Taylor coefficients are ``phi = U Q + P V[I,:]`` and ``U A^-1 T``, ``U = V[:,J] - P V[I,J]``,
    ``T = V[I,:] - V[I,J] Q``.  Along the parameter ``(i, j)``: ``U = u e_jj^T`` when j = J[jj],
    ``u = e_i - P[:, ii]`` (``e_i`` when i is not in I) and ``T = e_ii t^T`` when i = I[ii],
    ``t = e_j - Q[jj, :]`` (``e_j``).  So with ``G = grad l(Z)`` the gradient is ``<G, phi_a>`` and
    the Hessian ``<phi_a X, phi_b X>_w + (u_a^T G t_b) A^-1[jj_a, ii_b] + (a <-> b)``.
    """
    m, n, r = len(z), len(z[0]), len(rows)
    (pm, dp), (qm, dq), (g, dg) = (integers(x) for x in (
        mul([[z[i][j] for j in cols] for i in range(m)], inverse, r),
        mul(inverse, [z[i] for i in rows], n), net.loss_gradient(z)))
    xs, dx = integers(mul(qm, net.X, net.samples) + net.X)   # dq Q X and X, over dx
    outs, grad, us, ts = [], [], [], []   # phi X over dp dq dx; u over dp; G t over dg dq
    for i, j in params:
        ii, jj = rows.index(i) if i in rows else None, cols.index(j) if j in cols else None
        p = [row[ii] for row in pm] if ii is not None else [0] * m
        u = [dp * (k == i) - p[k] for k in range(m)] if jj is not None else [0] * m
        q, qx = (qm[jj], xs[jj]) if jj is not None else ([0] * n, [0] * len(xs[r + j]))
        outs.append([uk * y + pk * dq * x for uk, pk in zip(u, p) for y, x in zip(qx, xs[r + j])])
        grad.append(Fraction(sum(uk * sum(map(times, gk, q)) + pk * gk[j] * dq
                                 for uk, pk, gk in zip(u, p, g)), dp * dg * dq))
        us.append((jj, u))
        ts.append((ii, [sum(map(times, gk, [dq * (l == j) - q[l] for l in range(n)])) for gk in g]))
    w, dw = integers(net.w)
    hess = gram(outs, flat(w), (dp * dq * dx) ** 2 * dw)
    for a, (jj, u) in enumerate(us):
        for b, (ii, gt) in enumerate(ts):
            if jj is not None and ii is not None and inverse[jj][ii]:
                v = Fraction(sum(map(times, u, gt)), dp * dg * dq) * inverse[jj][ii]
                hess[a][b] += v
                hess[b][a] += v
    return grad, hess


def ldl_product(lower, diag):
    """``L diag(D) L^T`` for a unit lower triangular ``L``, column by column over the non-zeros."""
    n = len(diag)
    out = [[ZERO] * n for _ in range(n)]
    for k, dk in enumerate(diag):
        col = [(i, lower[i][k]) for i in range(k, n) if lower[i][k]] if dk else []
        for x, (i, li) in enumerate(col):
            for j, lj in col[x:]:
                out[i][j] = out[j][i] = out[i][j] + dk * li * lj
    return out


# -- costs in rational operations (the rules charge 200 units each); an integer multiply-add
# counts 1/50 inside ``sum(map(...))``, 1/5 in a Python loop (numbers grow) -------------------

def product_ops(d):
    return sum(d[i + 1] * d[i] * d[0] for i in range(len(d) - 1))


def gradient_ops(d, samples):
    return 4 * product_ops(d) + 2 * d[-1] * d[0] * samples + \
        sum(d[i + 1] * d[-1] * d[0] + d[i + 1] * d[0] * d[i] for i in range(len(d) - 1))


def hessian_ops(d, samples):  # the Jacobian columns, their Gram matrix, the residual's blocks
    p, rows = sum(a * b for a, b in zip(d, d[1:])), d[-1] * samples
    return gradient_ops(d, samples) + p * rows // 5 + p * p * rows // 50 + 6 * p * p + \
        sum(d[i] * d[j + 2] * d[j + 1] + d[i + 1] * d[0] * d[j] + d[i] * d[j + 1] * d[i + 1] * d[j]
            for i in range(1, len(d) - 1) for j in range(i))


def polynomial_ops(d, samples, degree):
    h = len(d) - 1
    return sum((i * degree + 1) * (degree + 1) * d[i + 1] * d[i] * d[0] for i in range(h)) + \
        (h * degree + 1) ** 2 * d[-1] * samples


def chart_ops(d, samples):  # the first-order terms, their Gram matrix, the curvature terms
    m, n, r = d[-1], d[0], min(d)
    p = r * (m + n - r)
    return product_ops(d) + (m + n) * (r * r + r * samples + samples) + m * n * samples + \
        p * (m * samples + m * n) // 2 + p * p * (m * samples // 50 + m // 25 + 8)


def bound_ops(d, samples):  # X X^T, its check with G, and M = Y X^T G X Y^T
    return gradient_ops(d, samples) + 3 * d[0] ** 3 + (d[0] + d[-1]) * d[0] * samples + \
        2 * d[-1] * d[-1] * d[0]


def ldl_ops(size, counts, words):  # L D L^T by the non-zeros of L's columns, ``words`` words
    return (size * size + sum(c * c for c in counts)) * words * words
