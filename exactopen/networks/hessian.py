"""Exact gradients and Hessians of network losses from the structure of the product.

For ``L(W) = 1/2 sum_ij w_ij ((W_h ... W_1 X - Y)_ij)^2`` write, for layer i
(1-based), ``A_i = W_h ... W_{i+1}``, ``B_i = W_{i-1} ... W_1``, ``C_i = B_i X``,
``R = F X - Y`` and ``S = w o R``.  Then

* the gradient of layer i is ``A_i^T S X^T B_i^T``;
* the Jacobian of ``vec(F X)`` (row-major) in the entries of ``W_i`` (row-major)
  is ``J_i = kron(A_i, C_i^T)``, and the Gauss-Newton part of the Hessian is
  ``J^T diag(w) J``.  With ``w = w0 + E`` (``w0`` the most frequent weight) its
  block ``(i, j)`` is ``w0 kron(A_i^T A_j, C_i C_j^T)`` plus one FLINT product
  ``J_E^T diag(E) J_E`` over the few rows of ``J`` where ``E != 0`` (all rows,
  when no weight covers half of them);
* for layers ``i > j`` the product has the mixed second derivative
  ``A_i E_pq M_ij E_rt B_j`` with ``M_ij = W_{i-1} ... W_{j+1}``, so the
  residual adds ``M_ij[q, r] * (A_i^T S X^T B_j^T)[p, t]`` at
  ``((i, p, q), (j, r, t))`` and at its mirror.

The Hessian is assembled as sparse integer rows over one denominator (a
:class:`~exactopen.networks.symmetric.SparseSymmetric`), touching only the
non-zero entries of the small factors: the Hessians of the Theorem 8
constructions, with thousands of parameters, take milliseconds.

The same is done for the chart of rank-r matrices ``Z' = Z'[:,J] Z'[I,J]^-1
Z'[I,:]``: with ``P = Z[:,J] A^-1``, ``Q = A^-1 Z[I,:]`` (``A = Z[I,J]``) and a
direction ``V``, ``U = V[:,J] - P V[I,J]`` and ``T = V[I,:] - V[I,J] Q``, the
first two Taylor coefficients of the chart are ``U Q + P V[I,:]`` and
``U A^-1 T``.  Along a coordinate direction ``E_a`` (a = (i, j)) the first is
a sum of at most three outer products of columns of ``P``, rows of ``Q`` and
unit vectors, and ``U = u_a e_jj^T``, ``T = e_ii t_a^T`` are rank one, so the
curvature entry is ``(u_a^T G t_b) A^-1[jj_a, ii_b]`` plus its mirror
(``G`` the gradient of the loss at Z).  The sparse route gathers the
Gauss-Newton products position by position over the non-zero entries; the
dense route (taken when that would cost more) builds the Jacobians as FLINT
integer matrices, ``O(p^2 m N)`` inside FLINT for p chart parameters.

Parameter order: that of :meth:`LinearNetwork.parameters` (layer 1..h,
entries row-major) and of
:func:`exactopen.networks.derivatives.chart_parameters`.  The ``*_flint``
functions return ``fmpq_mat`` objects, :func:`sparse_hessian`,
:func:`chart_sparse_hessian` and :func:`integer_hessian` integer forms for
:mod:`exactopen.networks.symmetric`;
:func:`gradient`, :func:`gradient_and_hessian` and
:func:`chart_gradient_and_hessian` return Fractions exactly like (and can
replace) their namesakes in :mod:`exactopen.networks.derivatives`.
"""

from __future__ import annotations

from fractions import Fraction
from math import lcm

import flint

from ..linalg import Matrix
from .model import LinearNetwork
from .symmetric import SparseSymmetric


# -- small helpers -------------------------------------------------------------

def _mul(a, b):
    """FLINT product that also handles an empty inner dimension."""
    if a.ncols() == 0 or a.nrows() == 0 or b.ncols() == 0:
        return type(a)(a.nrows(), b.ncols())
    return a * b


def _eye(n: int) -> flint.fmpq_mat:
    m = flint.fmpq_mat(n, n)
    for i in range(n):
        m[i, i] = 1
    return m


def _ints(M: flint.fmpq_mat) -> tuple[list[list[int]], int]:
    """An ``fmpq_mat`` as integer rows and one common denominator."""
    num, den = M.numer_denom()
    return _zrows(num), int(den)


def _zrows(M: flint.fmpz_mat) -> list[list[int]]:
    return [[int(x) for x in row] for row in M.tolist()]


def _to_fmpq(num: flint.fmpz_mat, den: int) -> flint.fmpq_mat:
    q = flint.fmpq_mat(num)
    return q if den == 1 else q / den


def _fraction(x) -> Fraction:
    return Fraction(int(x.p), int(x.q))


def _column_to_list(v: flint.fmpq_mat) -> list[Fraction]:
    return [_fraction(x) for x in v.entries()]


def _matrix_to_lists(H: flint.fmpq_mat) -> list[list[Fraction]]:
    n = H.ncols()
    flat = [_fraction(x) for x in H.entries()]
    return [flat[i * n:(i + 1) * n] for i in range(H.nrows())]


def _data(net: LinearNetwork):
    X, Y, w = net.X.to_flint(), net.Y.to_flint(), net.weights.to_flint()
    return X, Y, w


def _weighted_residual(F: flint.fmpq_mat, X, Y, w) -> flint.fmpq_mat:
    R = _mul(F, X) - Y
    S = flint.fmpq_mat(R.nrows(), R.ncols())
    for i in range(R.nrows()):
        for j in range(R.ncols()):
            r = R[i, j]
            if r:
                S[i, j] = w[i, j] * r
    return S


class _Structure:
    """Partial products of a network: ``after[i] = A`` and ``before[i] = B`` of layer i."""

    def __init__(self, net: LinearNetwork):
        d, h = net.widths, net.depth
        self.widths, self.depth = d, h
        self.layers = [W.to_flint() for W in net.layers]
        before = [_eye(d[0])]
        for i in range(h):
            before.append(_mul(self.layers[i], before[-1]))
        after = [_eye(d[h])]
        for i in range(h - 1, -1, -1):
            after.append(_mul(after[-1], self.layers[i]))
        after.reverse()
        self.before = before        # before[i] = W_i ... W_1 (1-based W), d_i x d_0
        self.after = after          # after[i] = W_h ... W_{i+1}, d_h x d_i
        self.X, self.Y, self.w = _data(net)
        self.S = _weighted_residual(before[-1], self.X, self.Y, self.w)
        self.SXt = _mul(self.S, self.X.transpose())
        sizes = [d[i + 1] * d[i] for i in range(h)]
        self.offsets = [sum(sizes[:i]) for i in range(h + 1)]
        self.size = self.offsets[-1]

    def A(self, i):  # 0-based layer i: A = W_h ... W_{i+2} (1-based), d_h x d_{i+1}
        return self.after[i + 1]

    def B(self, i):  # 0-based layer i: B = W_i ... W_1 (1-based), d_i x d_0
        return self.before[i]


# -- networks ----------------------------------------------------------------------

def _gradient_column(st: _Structure) -> flint.fmpq_mat:
    g = flint.fmpq_mat(st.size, 1)
    k = 0
    for i in range(st.depth):
        G = _mul(_mul(st.A(i).transpose(), st.SXt), st.B(i).transpose())
        for x in G.entries():
            if x:
                g[k, 0] = x
            k += 1
    return g


def gradient_flint(net: LinearNetwork) -> flint.fmpq_mat:
    """The gradient as a ``P x 1`` ``fmpq_mat`` (parameter order)."""
    return _gradient_column(_Structure(net))


def gradient(net: LinearNetwork) -> list[Fraction]:
    """Exact gradient (flat, in :meth:`LinearNetwork.parameters` order)."""
    return _column_to_list(gradient_flint(net))


def _mode(values: list[int]) -> tuple[int, int]:
    """The most frequent value and how often it occurs."""
    counts: dict[int, int] = {}
    for v in values:
        counts[v] = counts.get(v, 0) + 1
    return max(counts.items(), key=lambda kv: kv[1]) if counts else (0, 0)


def _sparse(rows: list[list[int]]) -> list[list[tuple[int, int]]]:
    return [[(k, x) for k, x in enumerate(row) if x] for row in rows]


def _hessian_rows(st: _Structure) -> SparseSymmetric:
    """The Hessian as sparse integer rows (upper triangle) over one denominator.

    With ``A_i = An_i / a`` and ``C_i = Cn_i / c`` (common denominators ``a``, ``c``)
    and integer weights ``w = wn / dw`` split as ``wn = w0 + E`` (``w0`` the most
    frequent value when it covers at least half of the entries, else 0):

    * ``w0 J^T J`` has the Kronecker blocks ``w0 kron(An_i^T An_j, Cn_i Cn_j^T)``;
    * ``J_E^T diag(E) J_E`` is one FLINT product over the rows of J where ``E != 0``
      (on the columns where those rows are non-zero);
    * the residual adds ``M_ij[q, r] N_ij[p, t]`` at ``((j, r, t), (i, p, q))``, i > j.
    """
    d, h, P = st.widths, st.depth, st.size
    N = st.X.ncols()
    As, Cs = [], []
    for i in range(h):
        As.append(st.A(i).numer_denom())
        Cs.append(_mul(st.B(i), st.X).numer_denom())
    a = lcm(*(int(x[1]) for x in As))
    c = lcm(*(int(x[1]) for x in Cs))
    As = [An * (a // int(da)) if a != int(da) else An for An, da in As]
    Cs = [Cn * (c // int(dc)) if c != int(dc) else Cn for Cn, dc in Cs]
    wn, dw = _ints(st.w)
    w0, count = _mode([x for row in wn for x in row])
    if 2 * count < d[h] * N:
        w0 = 0
    gn_den = a * a * c * c * dw
    # the residual's blocks, each over its own denominator
    pieces = []
    for j in range(h):
        mid = _eye(d[j + 1])                      # M_ij for i = j + 1
        Bjt = st.B(j).transpose()
        for i in range(j + 1, h):
            if i > j + 1:
                mid = _mul(st.layers[i - 1], mid)  # W_i ... W_{j+2} (1-based), d_i x d_{j+1}
            if not any(mid.entries()):
                continue
            Nij = _mul(_mul(st.A(i).transpose(), st.SXt), Bjt)   # d_{i+1} x d_j
            if not any(Nij.entries()):
                continue
            Mn, dm = _ints(mid)
            Nn, dn = _ints(Nij)
            pieces.append((i, j, Mn, Nn, dm * dn))
    den = lcm(gn_den, *(piece[-1] for piece in pieces))
    rows = [{} for _ in range(P)]
    off = st.offsets
    if w0:
        s = w0 * (den // gn_den)
        for i in range(h):
            Ait = As[i].transpose()
            for j in range(i, h):
                G1 = _sparse(_zrows(_mul(Ait, As[j])))                 # d_{i+1} x d_{j+1}
                G2 = _sparse(_zrows(_mul(Cs[i], Cs[j].transpose())))   # d_i x d_j
                for p, G1p in enumerate(G1):
                    if not G1p:
                        continue
                    G1p = [(off[j] + r * d[j], g * s) for r, g in G1p]
                    for q, G2q in enumerate(G2):
                        if not G2q:
                            continue
                        row_a = off[i] + p * d[i] + q
                        row = rows[row_a]
                        for base, g in G1p:
                            for t, x in G2q:
                                if base + t >= row_a:
                                    row[base + t] = g * x
    for i, j, Mn, Nn, pden in pieces:
        s = den // pden
        Mcols = _sparse([list(col) for col in zip(*Mn)])    # column r of M_ij: (q, m)
        Ncols = _sparse([list(col) for col in zip(*Nn)])    # column t of N_ij: (p, n)
        for r, Mr in enumerate(Mcols):
            if not Mr:
                continue
            for t, Nt in enumerate(Ncols):
                if not Nt:
                    continue
                row = rows[off[j] + r * d[j] + t]
                for p, nv in Nt:
                    nv *= s
                    base = off[i] + p * d[i]
                    for q, m in Mr:
                        row[base + q] = row.get(base + q, 0) + m * nv
    # the weights that differ from w0: one product over those rows of J
    special = [(k, l, wn[k][l] - w0) for k in range(d[h]) for l in range(N) if wn[k][l] != w0]
    if special and P:
        Al = [_zrows(An) for An in As]
        Cl = [list(zip(*_zrows(Cn))) for Cn in Cs]
        support = sorted({off[i] + p * d[i] + q for k, l, _ in special for i in range(h)
                          for p, x in enumerate(Al[i][k]) if x
                          for q, y in enumerate(Cl[i][l]) if y})
        where = {b: col for col, b in enumerate(support)}
        jac, jac_w = [], []
        for k, l, e in special:
            row = [0] * len(support)
            for i in range(h):
                for p, x in enumerate(Al[i][k]):
                    if x:
                        for q, y in enumerate(Cl[i][l]):
                            if y:
                                row[where[off[i] + p * d[i] + q]] = x * y
            jac += row
            jac_w += [x * e for x in row]
        if support:
            m = len(special)
            G = (flint.fmpz_mat(m, len(support), jac).transpose()
                 * flint.fmpz_mat(m, len(support), jac_w))
            s = den // gn_den
            flat = G.entries()
            width = len(support)
            for u, b_u in enumerate(support):
                row = rows[b_u]
                for v in range(u, width):
                    x = flat[u * width + v]
                    if x:
                        b_v = support[v]
                        row[b_v] = row.get(b_v, 0) + int(x) * s
    for row in rows:
        for k in [k for k, x in row.items() if not x]:
            del row[k]
    return SparseSymmetric(P, rows, den)


def sparse_hessian(net: LinearNetwork) -> SparseSymmetric:
    """The Hessian as a :class:`~exactopen.networks.symmetric.SparseSymmetric` (the input
    :mod:`exactopen.networks.symmetric` eliminates fastest)."""
    return _hessian_rows(_Structure(net))


def integer_hessian(net: LinearNetwork) -> tuple[flint.fmpz_mat, int]:
    """``(H_num, den)`` with Hessian ``= H_num / den``: an integer ``P x P`` matrix."""
    S = sparse_hessian(net)
    return S.to_fmpz(), S.den


def hessian_flint(net: LinearNetwork) -> flint.fmpq_mat:
    """The Hessian as an ``fmpq_mat`` (parameter order)."""
    return _to_fmpq(*integer_hessian(net))


def gradient_and_hessian_flint(net: LinearNetwork) -> tuple[flint.fmpq_mat, flint.fmpq_mat]:
    """``(gradient (P x 1), Hessian (P x P))`` as ``fmpq_mat``."""
    st = _Structure(net)
    S = _hessian_rows(st)
    return _gradient_column(st), _to_fmpq(S.to_fmpz(), S.den)


def gradient_and_hessian(net: LinearNetwork):
    """Exact gradient (flat list of Fractions) and Hessian (list of lists of Fractions);
    a drop-in replacement for :func:`exactopen.networks.derivatives.gradient_and_hessian`."""
    st = _Structure(net)
    return _column_to_list(_gradient_column(st)), _hessian_rows(st).to_fractions()


# -- the chart of rank-r matrices ---------------------------------------------------

def _chart_pieces(net: LinearNetwork, Z: Matrix, rows, cols):
    """Integer Jacobians of the chart: everything over common denominators."""
    from .derivatives import chart_parameters

    m, n = Z.shape
    rows, cols = list(rows), list(cols)
    r = len(rows)
    params = chart_parameters(m, n, rows, cols)
    Zq = Z.to_flint()
    Ainv = Z.submatrix(rows, cols).to_flint().inv()
    Pq = _mul(Z.submatrix(range(m), cols).to_flint(), Ainv)     # m x r
    Qq = _mul(Ainv, Z.submatrix(rows, range(n)).to_flint())     # r x n
    Pn, dP = _ints(Pq)
    Qn, dQ = _ints(Qq)
    row_at = {i: a for a, i in enumerate(rows)}
    col_at = {j: a for a, j in enumerate(cols)}
    p = len(params)
    # phi1(E_ij) = U Q + P V[I,:], over the denominator dP * dQ, as rows (param, k) of
    # an (p m) x n matrix;  U(E_ij) (m x r) and T(E_ij) (r x n) over dP and dQ.
    phi = [0] * (p * m * n)
    U = [0] * (m * r * p)       # rows (k, s), columns params
    T = [0] * (r * n * p)       # rows (s, l), columns params
    for a, (i, j) in enumerate(params):
        base = a * m * n
        ii, jj = row_at.get(i), col_at.get(j)
        if jj is not None:                        # U += e_i e_jj^T
            U[(i * r + jj) * p + a] += dP
            Qrow = Qn[jj]
            for l in range(n):
                phi[base + i * n + l] += dP * Qrow[l]
        if ii is not None:                        # V[I,:] = e_ii e_j^T; T += e_ii e_j^T
            T[(ii * n + j) * p + a] += dQ
            for k in range(m):
                phi[base + k * n + j] += dQ * Pn[k][ii]
        if ii is not None and jj is not None:     # U -= P[:,ii] e_jj^T; T -= e_ii Q[jj,:]
            Qrow = Qn[jj]
            for k in range(m):
                pk = Pn[k][ii]
                if pk:
                    U[(k * r + jj) * p + a] -= pk
                    for l in range(n):
                        phi[base + k * n + l] -= pk * Qrow[l]
            for l in range(n):
                T[(ii * n + l) * p + a] -= Qrow[l]
    return dict(m=m, n=n, r=r, p=p, Zq=Zq, Ainv=Ainv, phi=phi, dphi=dP * dQ,
                U=flint.fmpz_mat(m * r, p, U) if m * r * p else flint.fmpz_mat(m * r, p), dU=dP,
                T=flint.fmpz_mat(r * n, p, T) if r * n * p else flint.fmpz_mat(r * n, p), dT=dQ)


def _chart_dense(net: LinearNetwork, Z: Matrix, rows, cols):
    """Gradient (p x 1) and Hessian (p x p) of ``l`` in the chart at ``Z``, as ``fmpq_mat``,
    from dense integer Jacobians (FLINT products)."""
    c = _chart_pieces(net, Z, rows, cols)
    m, n, r, p = c["m"], c["n"], c["r"], c["p"]
    X, Y, w = _data(net)
    N = X.ncols()
    G = _mul(_weighted_residual(c["Zq"], X, Y, w), X.transpose())   # gradient of l at Z, m x n
    if p == 0:
        return flint.fmpq_mat(0, 1), flint.fmpq_mat(0, 0)
    Phi = flint.fmpz_mat(p * m, n, c["phi"]) if m * n else flint.fmpz_mat(p * m, n)
    # gradient: <G, phi1(e_a)>
    grad = _mul(flint.fmpq_mat(flint.fmpz_mat(p, m * n, Phi.entries())) if m * n
                else flint.fmpq_mat(p, 0),
                flint.fmpq_mat(m * n, 1, G.entries())) / c["dphi"]
    # Gauss-Newton: rows a of (phi1(e_a) X) flattened (k, l); weights w[k, l]
    Xn, dX = _ints(X)
    JX = _mul(Phi, flint.fmpz_mat(Xn) if n and N else flint.fmpz_mat(n, N))   # (p m) x N
    Jt = flint.fmpz_mat(p, m * N, JX.entries()) if m * N else flint.fmpz_mat(p, 0)
    wn, dw = _ints(w)
    flat_w = [x * wn[k][l] for x, (k, l) in
              zip(Jt.entries(), ((k, l) for _ in range(p) for k in range(m) for l in range(N)))]
    WJt = flint.fmpz_mat(p, m * N, flat_w) if m * N else flint.fmpz_mat(p, 0)
    gn = _to_fmpq(_mul(Jt, WJt.transpose()), c["dphi"] ** 2 * dX ** 2 * dw)
    # curvature: 2 <G, U A^-1 T> = v^T (JU^T K JT + its transpose) v,
    # K[(k, s), (s', l)] = G[k, l] A^-1[s, s']
    Gn, dG = _ints(G)
    An, dA = _ints(c["Ainv"])
    K = flint.fmpz_mat(m * r, r * n, [Gn[k][l] * An[s][t] for k in range(m) for s in range(r)
                                      for t in range(r) for l in range(n)]) \
        if m * r * n else flint.fmpz_mat(m * r, r * n)
    half = _mul(_mul(c["U"].transpose(), K), c["T"])
    half = _to_fmpq(half, c["dU"] * c["dT"] * dG * dA)
    return grad, gn + half + half.transpose()


def _nonzero(values) -> list[tuple[int, int]]:
    return [(k, x) for k, x in enumerate(values) if x]


def _chart_sparse(net: LinearNetwork, Z: Matrix, rows, cols, budget: float | None):
    """Gradient (Fractions) and Hessian (:class:`SparseSymmetric`) of ``l`` in the chart,
    from the sparse first-order terms ``phi_a`` and the rank-one ``U_a = u_a e_jj^T``,
    ``T_a = e_ii t_a^T``; or None when the Gauss-Newton pairs would exceed ``budget``
    multiply-adds (the dense route is then faster)."""
    from .derivatives import chart_parameters

    m, n = Z.shape
    rows, cols = list(rows), list(cols)
    params = chart_parameters(m, n, rows, cols)
    p = len(params)
    Ainv = Z.submatrix(rows, cols).to_flint().inv()
    Pn, dP = _ints(_mul(Z.submatrix(range(m), cols).to_flint(), Ainv))     # P = Z[:,J] A^-1
    Qn, dQ = _ints(_mul(Ainv, Z.submatrix(rows, range(n)).to_flint()))     # Q = A^-1 Z[I,:]
    An, dA = _ints(Ainv)
    X, Y, w = _data(net)
    N = X.ncols()
    Gn, dG = _ints(_mul(_weighted_residual(Z.to_flint(), X, Y, w), X.transpose()))
    Xn, dX = _ints(X)
    wn, dw = _ints(w)
    identity = dX == 1 and n == N and all(Xn[i][j] == (i == j) for i in range(n)
                                          for j in range(N))
    Xrows = [_nonzero(row) for row in Xn]
    Pcols = [_nonzero(col) for col in zip(*Pn)] if m else [[] for _ in rows]
    Qrows = [_nonzero(row) for row in Qn]
    row_at = {i: a for a, i in enumerate(rows)}
    col_at = {j: a for a, j in enumerate(cols)}
    # first-order terms over dP dQ, and their images phi_a X over dP dQ dX
    outputs, grad = {}, []
    us, ts = [], []          # (a, jj, u over dP) and (b, ii, t over dQ)
    for a, (i, j) in enumerate(params):
        ii, jj = row_at.get(i), col_at.get(j)
        phi = {}
        if jj is not None:
            for l, q in Qrows[jj]:
                phi[i, l] = phi.get((i, l), 0) + dP * q
            u = {i: dP}
            if ii is not None:
                for k, pk in Pcols[ii]:
                    u[k] = u.get(k, 0) - pk
            us.append((a, jj, {k: x for k, x in u.items() if x}))
        if ii is not None:
            for k, pk in Pcols[ii]:
                phi[k, j] = phi.get((k, j), 0) + dQ * pk
            t = {j: dQ}
            if jj is not None:
                for l, q in Qrows[jj]:
                    t[l] = t.get(l, 0) - q
            ts.append((a, ii, {l: x for l, x in t.items() if x}))
        if ii is not None and jj is not None:
            for k, pk in Pcols[ii]:
                for l, q in Qrows[jj]:
                    phi[k, l] = phi.get((k, l), 0) - pk * q
        grad.append(Fraction(sum(v * Gn[k][l] for (k, l), v in phi.items()), dP * dQ * dG))
        if identity:
            out = phi
        else:
            out = {}
            for (k, l), v in phi.items():
                for l2, x in Xrows[l]:
                    out[k, l2] = out.get((k, l2), 0) + v * x
        for pos, v in out.items():
            if v:
                outputs.setdefault(pos, []).append((a, v))
    if budget is not None and sum(len(v) ** 2 for v in outputs.values()) > 2 * budget:
        return None
    # Gauss-Newton <phi_a X, phi_b X>_w over (dP dQ dX)^2 dw; curvature over dP dQ dG dA
    gn_den = (dP * dQ * dX) ** 2 * dw
    cv_den = dP * dQ * dG * dA
    den = lcm(gn_den, cv_den)
    s_gn, s_cv = den // gn_den, den // cv_den
    H = [{} for _ in range(p)]
    for (k, l), entries in outputs.items():
        wkl = wn[k][l] * s_gn
        for x, (a, va) in enumerate(entries):
            va *= wkl
            row = H[a]
            for b, vb in entries[x:]:
                row[b] = row.get(b, 0) + va * vb
    # curvature: (u_a^T G t_b) A^-1[jj_a, ii_b] + (u_b^T G t_a) A^-1[jj_b, ii_a]
    Grows = [_nonzero(row) for row in Gn]
    by_k = {}                # k -> [(b, (G t_b)[k])]
    for b, ii, t in ts:
        for k, Gk in enumerate(Grows):
            v = sum(x * t[l] for l, x in Gk if l in t)
            if v:
                by_k.setdefault(k, []).append((b, ii, v))
    for a, jj, u in us:
        Arow = An[jj]
        acc = {}
        for k, uk in u.items():
            for b, ii, v in by_k.get(k, ()):
                if Arow[ii]:
                    acc[b] = acc.get(b, 0) + uk * v * Arow[ii]
        for b, v in acc.items():
            if v:
                v *= s_cv
                lo, hi = (a, b) if a <= b else (b, a)
                H[lo][hi] = H[lo].get(hi, 0) + (2 * v if a == b else v)
    for row in H:
        for k in [k for k, x in row.items() if not x]:
            del row[k]
    return grad, SparseSymmetric(p, H, den)


def chart_sparse_hessian(net: LinearNetwork, Z: Matrix, rows, cols
                         ) -> tuple[list[Fraction], SparseSymmetric]:
    """Gradient (Fractions) and Hessian (:class:`SparseSymmetric`) of ``l`` in the chart."""
    return _chart_sparse(net, Z, rows, cols, None)


def _chart_budget(Z: Matrix, net: LinearNetwork, rows, cols) -> float:
    """Multiply-adds of the dense route, scaled by how much faster FLINT does them."""
    m, n = Z.shape
    r = len(rows)
    p = m * n - (m - r) * (n - r)
    return p * p * m * net.X.ncols / 16


def chart_gradient_and_hessian_flint(net: LinearNetwork, Z: Matrix, rows, cols,
                                     method: str = "auto"):
    """Gradient (p x 1) and Hessian (p x p) of ``l`` in the chart at ``Z``, as ``fmpq_mat``.

    ``method``: ``"sparse"`` (sparse first-order terms, Python integers), ``"dense"``
    (dense Jacobians, FLINT products) or ``"auto"`` (sparse unless its Gauss-Newton
    pairs would cost more than the dense products).
    """
    if method not in ("auto", "sparse", "dense"):
        raise ValueError(f"method {method!r}: expected auto, sparse or dense")
    if method != "dense":
        budget = _chart_budget(Z, net, rows, cols) if method == "auto" else None
        out = _chart_sparse(net, Z, rows, cols, budget)
        if out is not None:
            grad, S = out
            g = flint.fmpq_mat(len(grad), 1, [flint.fmpq(x.numerator, x.denominator)
                                              for x in grad]) if grad else flint.fmpq_mat(0, 1)
            return g, _to_fmpq(S.to_fmpz(), S.den)
    return _chart_dense(net, Z, rows, cols)


def chart_gradient_and_hessian(net: LinearNetwork, Z: Matrix, rows, cols, method: str = "auto"):
    """Drop-in replacement for :func:`exactopen.networks.derivatives.chart_gradient_and_hessian`
    (Fractions, same parameter order); ``method`` as for
    :func:`chart_gradient_and_hessian_flint`."""
    if method != "dense":
        budget = _chart_budget(Z, net, rows, cols) if method == "auto" else None
        out = _chart_sparse(net, Z, rows, cols, budget)
        if out is not None:
            return out[0], out[1].to_fractions()
    g, H = _chart_dense(net, Z, rows, cols)
    return _column_to_list(g), _matrix_to_lists(H)
