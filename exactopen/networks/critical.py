"""What ``classify`` looks for beyond the Hessian (docs/theory.md, "Classifying critical points").

* :func:`zero_layer_descent`: at a critical point with zero layers.  With
  ``k >= 2`` zero layers the product is ``t^k Phi`` along a line ``W + t D``
  that fills only the zero layers, and ``L`` drops at order ``k`` when
  ``<grad l(0), Phi> < 0`` (found from rank-one ``D``).  With one zero layer
  (the generalised Theorem 8 construction) the zero layer moves by ``t^2 E``
  and the outer layers by ``t D``: order 3 or 4.
* :func:`kernel_descent`: lines ``W + t D`` with ``D`` in the kernel of the
  Hessian (no ``t^2`` term there: a non-zero ``t^3`` or a negative ``t^4``
  term is a descent), then curves ``W + t D + t^2 E`` with ``E`` minimising
  the ``t^4`` term.  A bounded search over sparse kernel combinations.
* :func:`low_rank_bound`: for equal weights, the least loss of a product of
  rank ``<= r`` (Eckart-Young, with Ky Fan's dual certificate), when the point
  attains it.

Everything is exact (FLINT rationals); the checker recomputes what it relies on.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from itertools import islice

import flint

from ..linalg import Matrix
from .derivatives import loss_along_curve
from .model import LinearNetwork, unit
from .symmetric import is_psd, ldl


def _q(M: Matrix) -> flint.fmpq_mat:
    return M.to_flint()


def _eye(n: int) -> flint.fmpq_mat:
    m = flint.fmpq_mat(n, n)
    for i in range(n):
        m[i, i] = 1
    return m


def _chain(net: LinearNetwork, lo: int, hi: int) -> flint.fmpq_mat:
    """The layers lo..hi-1 (0-based) multiplied: ``W_hi ... W_(lo+1)``, d_hi x d_lo."""
    M = _eye(net.widths[lo])
    for i in range(lo, hi):
        M = _q(net.layers[i]) * M
    return M


def _nonzero(M: flint.fmpq_mat, limit: int = 8) -> list[tuple[int, int]]:
    """Up to ``limit`` positions of non-zero entries, the largest first."""
    entries = [(abs(Fraction(int(M[i, j].p), int(M[i, j].q))), i, j)
               for i in range(M.nrows()) for j in range(M.ncols()) if M[i, j] != 0]
    return [(i, j) for _, i, j in sorted(entries, key=lambda e: (-e[0], e[1], e[2]))[:limit]]


def zero_layers(net: LinearNetwork) -> list[int]:
    """0-based indices of the layers that are zero."""
    return [i for i, W in enumerate(net.layers) if W.is_zero()]


def descent_gradient(net: LinearNetwork) -> flint.fmpq_mat:
    """``G0 = -grad l(0) = (w o Y) X^T``: the product moves downhill along ``<G0, .> > 0``."""
    return -_q(net.loss_gradient(Matrix.zeros(net.widths[-1], net.widths[0])))


@dataclass(frozen=True)
class Descent:
    """A curve (``curve[i]``: coefficients of layer i, lowest first) with ``L(W(t)) - L(W)`` =
    ``coefficients`` (c_0 = 0), lowest non-zero term ``order`` (negative), and ``t0``."""

    curve: list
    coefficients: list
    order: int
    t0: Fraction
    kind: str           # "zero-layers", "hessian-kernel" (lines) or "theorem-8" (the curve)


def _descent(net: LinearNetwork, curve, kind) -> Descent | None:
    from .theorem8 import descent_order_and_t0

    coeffs = loss_along_curve(net, curve)
    coeffs[0] = Fraction(0)
    while len(coeffs) > 1 and coeffs[-1] == 0:
        coeffs.pop()
    k = next((j for j in range(1, len(coeffs)) if coeffs[j]), None)
    if k is None or coeffs[k] > 0:
        return None
    k, t0 = descent_order_and_t0(coeffs)
    return Descent(curve, coeffs, k, t0, kind)


def _zero_layer_line(net: LinearNetwork, zeros: list[int]) -> Descent | None:
    """``k >= 2`` zero layers z_1 < ... < z_k: fill them with rank-one ``D`` so that the product
    ``t^k A D_k M_(k-1) ... M_1 D_1 B`` meets ``G0`` positively (needs ``A^T G0 B^T != 0`` and
    every ``M_j != 0``)."""
    d, h = net.widths, net.depth
    G0 = descent_gradient(net)
    A, B = _chain(net, zeros[-1] + 1, h), _chain(net, 0, zeros[0])
    N = A.transpose() * G0 * B.transpose()
    mids = [_chain(net, a + 1, b) for a, b in zip(zeros, zeros[1:])]
    picks = [_nonzero(M, 1) for M in mids]
    if not _nonzero(N, 1) or not all(picks):
        return None
    (a, b), picks = _nonzero(N, 1)[0], [p[0] for p in picks]
    sign = 1 if N[a, b] * _product([mid[p] for mid, p in zip(mids, picks)]) > 0 else -1
    directions = {}
    for n, z in enumerate(zeros):      # D_z = e_row e_col^T
        row = a if n == len(zeros) - 1 else picks[n][1]
        col = b if n == 0 else picks[n - 1][0]
        directions[z] = unit(d[z + 1], d[z], row, col, sign if n == 0 else 1)
    curve = [[W, directions[i]] if i in directions else [W] for i, W in enumerate(net.layers)]
    return _descent(net, curve, "zero-layers")


def _product(values):
    out = flint.fmpq(1)
    for v in values:
        out *= v
    return out


def _bridge_candidates(net: LinearNetwork, z: int):
    """Curves for one zero layer z: ``W_z = t^2 E`` with ``E = 1/2 e_a e_b^T``, the top layer
    ``+ t e_p e_c^T`` and the bottom layer ``+ t lam e_d e_q^T`` (where they are not layer z)."""
    d, h = net.widths, net.depth
    G0 = descent_gradient(net)
    top, bottom = z < h - 1, z > 0
    A1 = _chain(net, z + 1, h - 1) if top else None      # d_(h-1) x d_(z+1)
    B1 = _chain(net, 1, z) if bottom else None            # d_z x d_1
    for p, q in _nonzero(G0):
        for c, a in (_nonzero(A1, 4) if top else [(None, p)]):
            for b, e in (_nonzero(B1, 4) if bottom else [(q, None)]):
                cross = G0[p, q] * (A1[c, a] if top else 1) * (B1[b, e] if bottom else 1)
                for lam in (1, 4, 16, 64, 256):
                    curve = [[W] for W in net.layers]
                    curve[z] = [net.layers[z], Matrix.zeros(d[z + 1], d[z]),
                                unit(d[z + 1], d[z], a, b, Fraction(1, 2))]
                    if top:
                        curve[h - 1] = [net.layers[h - 1], unit(d[h], d[h - 1], p, c)]
                    if bottom:
                        curve[0] = [net.layers[0],
                                    unit(d[1], d[0], e, q, lam if cross > 0 else -lam)]
                    yield curve
                    if not (top and bottom):
                        break


def _flip(curve):
    """The curve at ``-t``: odd coefficients negated."""
    return [[C if k % 2 == 0 else -C for k, C in enumerate(layer)] for layer in curve]


def _one_zero_layer(net: LinearNetwork, z: int, tries: int = 200) -> Descent | None:
    for curve in islice(_bridge_candidates(net, z), tries):
        for c in (curve, _flip(curve)):
            found = _descent(net, c, "theorem-8")
            if found:
                return found
    return None


def _split(net: LinearNetwork, v: list) -> list[Matrix]:
    """A flat direction (parameter order) as layer matrices."""
    values = iter(v)
    return [Matrix([[next(values) for _ in range(W.ncols)] for _ in range(W.nrows)], ncols=W.ncols)
            for W in net.layers]


def _kernel_directions(vectors: list[list[int]], few: int = 10, tries: int = 12):
    """Directions in the span of ``vectors``: sums of one to three of the first ``few`` with signs
    (sparse, small coefficients first), the sum of all, then seeded random combinations."""
    from itertools import combinations, product
    from random import Random

    for size in (1, 2, 3):
        for chosen in combinations(vectors[:few], size):
            for signs in product((1, -1), repeat=size - 1):
                yield [sum(s * x for s, x in zip((1,) + signs, col)) for col in zip(*chosen)]
    yield [sum(col) for col in zip(*vectors)]
    rng = Random(len(vectors))
    for _ in range(tries):
        coef = [rng.randint(-3, 3) for _ in vectors]
        yield [sum(c * x for c, x in zip(coef, col)) for col in zip(*vectors)]


def _solve(H: flint.fmpq_mat, g: list) -> list | None:
    """A rational E with ``H E = g``, or None when g is not in the range of H."""
    n = H.nrows()
    aug = flint.fmpq_mat([[H[i, j] for j in range(n)] +
                          [flint.fmpq(Fraction(g[i]).numerator, Fraction(g[i]).denominator)]
                          for i in range(n)])
    R, rank = aug.rref()
    E = [flint.fmpq(0)] * n
    for i in range(rank):
        pivot = next(j for j in range(n + 1) if R[i, j] != 0)
        if pivot == n:
            return None
        E[pivot] = R[i, n]
    return E


def _with(curve, degree, direction):
    """The curve plus ``t^degree`` times the layers of ``direction``."""
    out = []
    for layer, D in zip(curve, direction):
        layer = list(layer) + [Matrix.zeros(*layer[0].shape)] * (degree + 1 - len(layer))
        layer[degree] = layer[degree] + D
        out.append(layer)
    return out


def _parabola(net: LinearNetwork, line, H: flint.fmpq_mat, kernel: list) -> Descent | None:
    """``W + t D + t^2 E`` for ``D`` in the kernel of H with ``c_2 = c_3 = 0`` along the line:
    ``c_4(E) = c_4(0) + g^T E + 1/2 E^T H E`` (g from one curve per parameter); E solves
    ``H E = -g`` (then ``c_4 = c_4(0) + g^T E / 2``), or, when g leaves the range of H, is a
    kernel vector with ``g^T E`` as negative as needed."""
    P = H.nrows()
    base = loss_along_curve(net, _with(line, 2, [Matrix.zeros(*W.shape) for W in net.layers]))
    c4 = base[4] if len(base) > 4 else Fraction(0)
    g = []
    for a in range(P):
        e = [0] * P
        e[a] = 1
        coeffs = loss_along_curve(net, _with(line, 2, _split(net, e)))
        g.append((coeffs[4] if len(coeffs) > 4 else 0) - c4 - Fraction(int(H[a, a].p),
                                                                         int(H[a, a].q)) / 2)
    if not any(g):
        return None
    E = _solve(H, [-x for x in g])
    if E is not None:
        E = [Fraction(int(x.p), int(x.q)) for x in E]
    else:
        k = next(v for v in kernel if sum(x * y for x, y in zip(g, v)))
        dot = sum(x * y for x, y in zip(g, k))
        scale = -(abs(c4) + 1) / dot
        E = [scale * x for x in k]
    return _descent(net, _with(line, 2, _split(net, E)), "hessian-kernel")


def _kernel_line(net: LinearNetwork, max_parameters: int = 1500,
                 evaluations: int = 1500) -> Descent | None:
    """Lines ``W + t D`` with ``D`` in the kernel of the Hessian: there the ``t^2`` term vanishes,
    so a non-zero ``t^3`` term (for ``D`` or ``-D``) or a negative ``t^4`` term is a descent;
    for lines with ``c_3 = 0``, the best ``W + t D + t^2 E`` (P + 1 polynomials each, within
    ``evaluations``)."""
    from .hessian import sparse_hessian

    if len(net.parameters()) > max_parameters:
        return None
    parabolas = evaluations // (len(net.parameters()) + 2)
    S = sparse_hessian(net)
    basis, nullity = S.to_fmpz().nullspace()
    vectors = [[int(basis[i, j]) for i in range(basis.nrows())] for j in range(nullity)]
    H = flint.fmpq_mat(S.to_fmpz()) / S.den
    flat = []                                 # lines with c_3 = 0: parabolas, after every line
    for v in _kernel_directions(vectors) if vectors else ():
        if not any(v):
            continue
        curve = [[W, D] for W, D in zip(net.layers, _split(net, v))]
        for c in (curve, _flip(curve)):
            found = _descent(net, c, "hessian-kernel")
            if found:
                return found
        coeffs = loss_along_curve(net, curve)
        if len(flat) < parabolas and len(coeffs) > 3 and coeffs[3] == 0:
            flat.append(curve)
    for curve in flat:
        found = _parabola(net, curve, H, vectors)
        if found:
            return found
    return None


def zero_layer_descent(net: LinearNetwork) -> Descent | None:
    """A descent curve through the zero layers of a critical point, or None."""
    zeros = zero_layers(net)
    if not zeros or not any(descent_gradient(net).entries()):
        return None
    if len(zeros) >= 2:
        return _zero_layer_line(net, zeros)
    return _one_zero_layer(net, zeros[0]) if net.depth >= 2 else None


def kernel_descent(net: LinearNetwork) -> Descent | None:
    """A descent line in the kernel of the Hessian (of a critical point with PSD Hessian), or None."""
    return _kernel_line(net)


def descent_curve(net: LinearNetwork) -> Descent | None:
    """A descent curve at a critical point whose Hessian is positive semidefinite, or None:
    through zero layers first, then along lines in the Hessian's kernel (see the module doc)."""
    return zero_layer_descent(net) or kernel_descent(net)


# -- the low-rank bound ----------------------------------------------------------------

@dataclass(frozen=True)
class LowRankBound:
    """``l(Z) >= c/2 (||Y||^2 - r t - tr S)`` for every Z of rank <= r (the checker's
    ``low-rank-bound`` rule); ``S`` and ``gap = t I + S - M`` are PSD, ``inverse`` is G."""

    threshold: Fraction
    inverse: Matrix
    S: list
    gap: list
    value: Fraction


def _lists(M: flint.fmpq_mat) -> list[list[Fraction]]:
    return [[Fraction(int(x.p), int(x.q)) for x in row] for row in M.tolist()]


def symmetric_inverse(A: flint.fmpq_mat) -> flint.fmpq_mat:
    """A symmetric G with ``A G A = A`` for a PSD ``A``: the inverse of a non-singular principal
    block ``A[J, J]`` of full rank, zero elsewhere."""
    n = A.nrows()
    R, rank = A.rref()
    pivots = [next(j for j in range(n) if R[i, j] != 0) for i in range(rank)]
    G = flint.fmpq_mat(n, n)
    if pivots:
        block = flint.fmpq_mat([[A[i, j] for j in pivots] for i in pivots]).inv()
        for a, i in enumerate(pivots):
            for b, j in enumerate(pivots):
                G[i, j] = block[a, b]
    return G


def _projection(B: flint.fmpq_mat) -> tuple[flint.fmpq_mat, int]:
    """The orthogonal projection onto the column space of B, and its rank."""
    R, rank = B.transpose().rref()
    if not rank:
        return flint.fmpq_mat(B.nrows(), B.nrows()), 0
    basis = flint.fmpq_mat([[R[i, j] for i in range(rank)] for j in range(B.nrows())])
    return basis * (basis.transpose() * basis).inv() * basis.transpose(), rank


def _threshold(M: flint.fmpq_mat, P: flint.fmpq_mat) -> flint.fmpq | None:
    """A rational ``t >= 0`` between the spectra: ``t (I - P) >= (I - P) M (I - P)`` and
    ``P (M - t I) P >= 0``.  The largest rational eigenvalue of ``(I - P) M (I - P)`` (or 0) is
    tried first, then bisection between 0 and ``tr M + 1``."""
    n = M.nrows()
    I = _eye(n)
    C = (I - P) * M * (I - P)

    def fits(t):
        return is_psd(_lists(t * (I - P) - C)), is_psd(_lists(P * (M - t * I) * P))

    roots = [flint.fmpq(0)] + [-f[0][0] / f[0][1] for f in C.charpoly().factor()[1]
                               if f[0].degree() == 1]
    lo, hi = flint.fmpq(0), flint.fmpq(sum((M[i, i] for i in range(n)), flint.fmpq(0))) + 1
    for t in [max(roots)] + [None] * 80:
        t = (lo + hi) / 2 if t is None else t
        above, below = fits(t)
        if above and below:
            return t
        lo, hi = (max(lo, t), hi) if not above else (lo, min(hi, t))
    return None


def low_rank_bound(net: LinearNetwork) -> LowRankBound | None:
    """The low-rank bound when all weights are equal and ``L(W)`` attains it, else None.

    With ``P`` the projection onto the column space of ``Z X`` (rank k): if ``k = r`` the
    certificate takes ``S = P (M - t I) P`` with t between the spectra of M on and off that
    space; if ``k < r`` it takes ``t = 0``, ``S = M`` (the unconstrained value)."""
    weights = {x for row in net.weights.tolist() for x in row}
    if len(weights) != 1:
        return None
    c = weights.pop()
    X, Y = _q(net.X), _q(net.Y)
    G = symmetric_inverse(X * X.transpose())
    M = Y * X.transpose() * G * X * Y.transpose()
    r = min(net.widths)
    P, k = _projection(_q(net.product()) * X)
    t = _threshold(M, P) if k == r else flint.fmpq(0)
    if t is None:
        return None
    I = _eye(M.nrows())
    S = P * (M - t * I) * P if k == r else M
    S_l, gap_l = _lists(S), _lists(t * I + S - M)
    if ldl(S_l) is None or ldl(gap_l) is None:
        return None
    tF = Fraction(int(t.p), int(t.q))
    value = c * (sum(x * x for row in net.Y.tolist() for x in row) - r * tF
                 - sum(S_l[i][i] for i in range(len(S_l)))) / 2
    if value != net.loss():
        return None
    return LowRankBound(tF, Matrix.from_flint(G), S_l, gap_l, value)
