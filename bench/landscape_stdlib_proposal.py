"""Proposal: a fast standard-library Hessian for the checker (``exactopen/checker/landscape.py``).

Standard library only (fractions, math, operator), so it could move into the
checker unchanged.  Same values as ``landscape.Network.hessian`` and as the
polarised chart Hessian of ``rules.rule_chart_minimum``, computed from the
structure of the product instead of entry by entry in Fractions:

* ``hessian``: the Jacobian column of parameter ``(i, p, q)`` is
  ``vec(A_i[:, p] (B_i X)[q, :])``.  The columns are integer lists over one
  common denominator, the weights too, and the Gauss-Newton part
  ``J^T diag(w) J`` is ``sum(map(mul, w*J_a, J_b))`` over the non-zero columns
  (integer multiply-adds in C).  The residual's part for layers ``i > j`` is
  ``M_ij[q, r] * (A_i^T S X^T B_j^T)[p, t]`` over the non-zero entries of
  ``M_ij = W_{i-1} ... W_{j+1}``, in Fractions.
  Cost: ``O(P'^2 d_h N)`` integer operations for P' non-zero Jacobian columns
  (P' <= P parameters), plus ``O(P^2)`` to lay out the result.
* ``chart_gradient_and_hessian``: for the chart ``Z' = Z'[:,J] A^-1 Z'[I,:]``
  with ``P = Z[:,J] A^-1``, ``Q = A^-1 Z[I,:]``, the first Taylor coefficient
  along ``E_a`` (a = (i, j)) is ``phi_a = U_a Q + P E_a[I,:]`` with
  ``U_a = E_a[:,J] - P E_a[I,J]`` and the second is ``U_a A^-1 T_a`` with
  ``T_a = E_a[I,:] - E_a[I,J] Q``.  ``U_a = u_a e_jj^T`` and ``T_a = e_ii t_a^T``
  are rank one, so with ``G = (w o (Z X - Y)) X^T``:
  gradient ``<G, phi_a>``, Hessian ``<phi_a X, phi_b X>_w +
  (u_a^T G t_b) A^-1[jj_a, ii_b] + (u_b^T G t_a) A^-1[jj_b, ii_a]``.
  Cost: ``O(p^2 m N)`` integer operations (p chart parameters).

Run ``python bench/landscape_stdlib_proposal.py`` for timings against the
current checker code (``--quick`` for the small cases only).
"""

from fractions import Fraction
from math import lcm
from operator import mul as _times

ZERO = Fraction(0)


def _mul(a, b, n):
    """Product of Fraction matrices (lists of rows), skipping the zeros of ``a``."""
    cols = list(zip(*b)) if b else [()] * n
    out = []
    for r in a:
        nz = [(k, x) for k, x in enumerate(r) if x]
        out.append([sum((x * c[k] for k, x in nz), ZERO) for c in cols] if nz else [ZERO] * n)
    return out


def _eye(n):
    return [[Fraction(int(i == j)) for j in range(n)] for i in range(n)]


def _integers(rows):
    """Rows of Fractions as integer rows and one common denominator."""
    den = lcm(1, *(Fraction(x).denominator for r in rows for x in r))
    return [[int(x * den) for x in r] for r in rows], den


def _gram(cols, wcols, den):
    """``[sum(w*c_a * c_b)] / den`` for integer columns (zero columns skipped)."""
    size = len(cols)
    live = [a for a in range(size) if any(cols[a])]
    out = [[ZERO] * size for _ in range(size)]
    for x, a in enumerate(live):
        wa = wcols[a]
        for b in live[x:]:
            v = sum(map(_times, wa, cols[b]))
            if v:
                out[a][b] = out[b][a] = Fraction(v, den)
    return out


def hessian(widths, X, Y, w, layers):
    """The Hessian of ``L`` (layer 1..h, entries row-major); equals ``Network.hessian``."""
    d, h, n_samples = widths, len(layers), len(X[0]) if X else 0
    before = [_eye(d[0])]                       # W_i ... W_1
    for W in layers:
        before.append(_mul(W, before[-1], d[0]))
    after = [_eye(d[h])]                        # W_h ... W_{i+1}
    for i in range(h - 1, -1, -1):
        after.append(_mul(after[-1], layers[i], d[i]))
    after.reverse()
    fx = _mul(before[-1], X, n_samples)
    s = [[wk * (x - y) for wk, x, y in zip(wr, fr, yr)] for wr, fr, yr in zip(w, fx, Y)]
    # Jacobian columns over one denominator D; weights over dw
    cols, dens = [], []
    for i in range(h):
        an, da = _integers(after[i + 1])
        cn, dc = _integers(_mul(before[i], X, n_samples))
        for p in range(d[i + 1]):
            for q in range(d[i]):
                cols.append([row[p] * c for row in an for c in cn[q]])
                dens.append(da * dc)
    big = lcm(1, *dens)
    cols = [[x * (big // den) for x in col] if big != den else col
            for col, den in zip(cols, dens)]
    wn, dw = _integers(w)
    flat_w = [x for row in wn for x in row]
    hess = _gram(cols, [list(map(_times, flat_w, col)) for col in cols], big * big * dw)
    # the residual's curvature: layers i > j
    offsets = [0]
    for i in range(h):
        offsets.append(offsets[-1] + d[i + 1] * d[i])
    sxt = _mul(s, [list(c) for c in zip(*X)], d[0])
    for j in range(h):
        mid = _eye(d[j + 1])
        bjt = [list(c) for c in zip(*before[j])]
        for i in range(j + 1, h):
            if i > j + 1:
                mid = _mul(layers[i - 1], mid, d[j + 1])
            nonzero = [(q, r, m) for q, row in enumerate(mid) for r, m in enumerate(row) if m]
            if not nonzero:
                continue
            ait = [list(c) for c in zip(*after[i + 1])]
            nij = _mul(_mul(ait, sxt, d[0]), bjt, d[j])
            for p, nrow in enumerate(nij):
                for t, nv in enumerate(nrow):
                    if not nv:
                        continue
                    for q, r, m in nonzero:
                        a = offsets[i] + p * d[i] + q
                        b = offsets[j] + r * d[j] + t
                        hess[a][b] = hess[b][a] = hess[a][b] + m * nv
    return hess


def chart_gradient_and_hessian(widths, X, Y, w, z, rows, cols, inverse):
    """``(c1, H)``: the chart gradient and Hessian that ``rule_chart_minimum`` computes by
    polarising ``chart_taylor`` (parameters: positions in rows I or columns J, row-major)."""
    m, n, r = len(z), len(z[0]), len(rows)
    n_samples = len(X[0]) if X else 0
    pm = _mul([[z[i][j] for j in cols] for i in range(m)], inverse, r)   # P = Z[:,J] A^-1
    qm = _mul(inverse, [z[i][:] for i in rows], n)                     # Q = A^-1 Z[I,:]
    zx = _mul(z, X, n_samples)
    s = [[wk * (x - y) for wk, x, y in zip(wr, fr, yr)] for wr, fr, yr in zip(w, zx, Y)]
    g = _mul(s, [list(c) for c in zip(*X)], n)                          # gradient of l at Z
    params = [(i, j) for i in range(m) for j in range(n) if i in rows or j in cols]
    row_at = {i: a for a, i in enumerate(rows)}
    col_at = {j: a for a, j in enumerate(cols)}
    phis, us, ts = [], [], []
    for i, j in params:
        ii, jj = row_at.get(i), col_at.get(j)
        phi = [[ZERO] * n for _ in range(m)]
        u = t = None
        if jj is not None:     # U = u e_jj^T, u = e_i - [i in I] P[:, ii]
            u = [Fraction(int(k == i)) - (pm[k][ii] if ii is not None else 0) for k in range(m)]
            for k in range(m):
                if u[k]:
                    phi[k] = [x + u[k] * y for x, y in zip(phi[k], qm[jj])]
        if ii is not None:     # P E[I,:] = P[:, ii] e_j^T;  T = e_ii t^T,
            #                        t = e_j - [j in J] Q[jj, :]
            for k in range(m):
                phi[k][j] += pm[k][ii]
            t = [Fraction(int(l == j)) - (qm[jj][l] if jj is not None else 0) for l in range(n)]
        phis.append(phi)
        us.append((jj, u))
        ts.append((ii, t))
    grad = [sum((x * y for pr, gr in zip(phi, g) for x, y in zip(pr, gr) if x), ZERO)
            for phi in phis]
    # Gauss-Newton: integer vec(phi_a X) over one denominator
    outs = [_mul(phi, X, n_samples) for phi in phis]
    big = lcm(1, *(x.denominator for o in outs for row in o for x in row))
    vecs = [[int(x * big) for row in o for x in row] for o in outs]
    wn, dw = _integers(w)
    flat_w = [x for row in wn for x in row]
    hess = _gram(vecs, [list(map(_times, flat_w, v)) for v in vecs], big * big * dw)
    # curvature: (u_a^T G t_b) A^-1[jj_a, ii_b] + (u_b^T G t_a) A^-1[jj_b, ii_a]
    gts = [None if t is None else [sum((x * y for x, y in zip(gr, t) if y), ZERO) for gr in g]
           for _, t in ts]
    ugt = {}
    for a, (jj, u) in enumerate(us):
        if u is None:
            continue
        for b, (ii, _) in enumerate(ts):
            if gts[b] is not None and inverse[jj][ii]:
                ugt[a, b] = sum((x * y for x, y in zip(u, gts[b]) if x), ZERO) * inverse[jj][ii]
    for (a, b), v in ugt.items():
        if v:
            hess[a][b] += v
            hess[b][a] += v
    return grad, hess


# -- timing against the current checker code ------------------------------------------------

def _bench(quick=False):
    import sys
    import time
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from exactopen.checker import landscape
    from exactopen.linalg import Matrix
    from exactopen.networks.theorem8 import paper_construction, weighted_minimum

    def lists(M):
        return [[Fraction(x) for x in row] for row in M.tolist()]

    def polarised_chart(net, z, rows, cols, inverse):
        params = [(i, j) for i in range(len(z)) for j in range(len(z[0]))
                  if i in rows or j in cols]
        c = [landscape.chart_taylor(net, z, rows, cols, inverse, {q: Fraction(1)}) for q in params]
        hess = [[2 * c[a][1] if a == b else ZERO for b in range(len(params))]
                for a in range(len(params))]
        for a in range(len(params)):
            for b in range(a + 1, len(params)):
                both = landscape.chart_taylor(net, z, rows, cols, inverse,
                                              {params[a]: Fraction(1), params[b]: Fraction(1)})[1]
                hess[a][b] = hess[b][a] = both - c[a][1] - c[b][1]
        return [x for x, _ in c], hess

    cases = [("square", (5, 1, 1, 5)), ("square", (10, 1, 1, 10)), ("square", (20, 1, 1, 20)),
             ("weighted", (8, 4, 2, 4, 8))]
    if not quick:
        cases += [("square", (40, 1, 1, 40)), ("weighted", (20, 1, 1, 20)),
                  ("weighted", (16, 8, 4, 8, 16)), ("weighted", (40, 1, 1, 40))]
    print(f"{'case':28} {'size':>5} {'checker now (s)':>16} {'proposal (s)':>13} {'ratio':>8}")
    for loss, widths in cases:
        if loss == "square":
            net = paper_construction(widths).network
        else:
            c = weighted_minimum(widths)
            net = c.network
        args = (list(net.widths), lists(net.X), lists(net.Y), lists(net.weights))
        checker_net = landscape.Network(*args)
        layers = [lists(W) for W in net.layers]
        if loss == "square":
            label = f"Hessian {widths}"
            t = time.perf_counter()
            new = hessian(*args, layers)
            t_new = time.perf_counter() - t
            slow = len(new) > 45
            if not slow:
                t = time.perf_counter()
                old = checker_net.hessian(layers)
                t_old = time.perf_counter() - t
                assert old == new
        else:
            label = f"chart {widths}"
            z = checker_net.product(layers)
            rows, cols = list(c.rows), list(c.cols)
            inv = lists(Matrix.from_flint(Matrix([[z[i][j] for j in cols] for i in rows])
                                          .to_flint().inv()))
            t = time.perf_counter()
            new = chart_gradient_and_hessian(*args, z, rows, cols, inv)
            t_new = time.perf_counter() - t
            slow = len(new[1]) > 60
            if not slow:
                t = time.perf_counter()
                old = polarised_chart(checker_net, z, rows, cols, inv)
                t_old = time.perf_counter() - t
                assert old == new
        size = len(new) if loss == "square" else len(new[1])
        old_text = "skipped" if slow else f"{t_old:.3f}"
        ratio = "" if slow else f"{t_old / t_new:.0f}x"
        print(f"{label:28} {size:>5} {old_text:>16} {t_new:>13.3f} {ratio:>8}", flush=True)


if __name__ == "__main__":
    import sys

    _bench(quick="--quick" in sys.argv)
