"""classify at any depth: a table of known points, then seeded random deep networks whose
critical points are built to be zero points, Theorem 8 constructions or global minima.

Every certificate must verify, and no verdict may be refuted by an independent exact check:
the loss (plain Fractions, from the definition) along the certificate's own descent curve, at
random nearby and far points of a certified minimum, and the best rank-r value from a
floating-point SVD for a certified global minimum.
"""

import random
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import examples
from exactopen.certify.classify import classify
from exactopen.certify.encode import dumps
from exactopen.checker import check_text
from exactopen.errors import NotApplicable
from exactopen.linalg import Matrix
from exactopen.networks.model import LinearNetwork
from exactopen.networks.theorem8 import analyze_widths, paper_construction, weighted_minimum

I, Z = Matrix.identity, Matrix.zeros

#: Examples per property test (conftest.examples: --full for 60, EXACTOPEN_PROPERTY_EXAMPLES=200
#: for a long run).
PROPERTY = settings(max_examples=examples(60, 6), deadline=None, derandomize=True)


def ones(m, n):
    return Matrix([[1] * n for _ in range(m)], ncols=n)


def net_of(widths, layers, Y, X=None, weights=None):
    X = X if X is not None else I(widths[0])
    return LinearNetwork(tuple(widths), tuple(Matrix(W) if not isinstance(W, Matrix) else W
                                              for W in layers), X,
                         Matrix(Y) if not isinstance(Y, Matrix) else Y,
                         weights if weights is not None else ones(widths[-1], X.ncols))


# -- an independent exact loss: plain Fractions, from the definition ----------------------

def _mat(M):
    return [[Fraction(x) for x in row] for row in (M.tolist() if isinstance(M, Matrix) else M)]


def _mul(a, b):
    return [[sum((x * b[k][j] for k, x in enumerate(row)), Fraction(0)) for j in range(len(b[0]))]
            for row in a] if b and b[0] else [[] for _ in a]


def plain_loss(net, layers):
    F = _mat(I(net.widths[0]))
    for W in layers:
        F = _mul(_mat(W), F)
    R = _mul(F, _mat(net.X))
    Y, w = _mat(net.Y), _mat(net.weights)
    return sum(w[i][j] * (R[i][j] - Y[i][j]) ** 2 for i in range(len(Y))
               for j in range(len(Y[0]))) / 2


def _dense(sparse):
    m, n = sparse["shape"]
    rows = [[Fraction(0)] * n for _ in range(m)]
    for i, j, v in sparse["nonzeros"]:
        rows[i][j] = Fraction(v)
    return rows


def curve_point(net, step, t):
    """The layers of the certificate's curve W + sum_j C_j t^j at t."""
    layers = [_mat(W) for W in net.layers]
    for degree, coeff in enumerate(step["curve"], start=1):
        for i, C in enumerate(coeff):
            D = _dense(C)
            layers[i] = [[x + y * t ** degree for x, y in zip(r, s)] for r, s in zip(layers[i], D)]
    return layers


def refute(net, result, rng):
    """Independent exact checks of the verdict; returns what refutes it, or None."""
    cert = result.certificate
    if check_text(dumps(cert)) != (0, "VERIFIED"):
        return "the certificate does not verify"
    base = plain_loss(net, net.layers)
    if result.verdict in ("second-order-saddle", "not-a-local-minimum"):
        step = next(s for s in cert["steps"] if s["rule"] == "descent-curve")
        t0 = Fraction(step["t0"])
        for k in range(4):      # below the loss at t in (0, t0]
            if not plain_loss(net, curve_point(net, step, t0 / 2 ** k)) < base:
                return f"the curve does not descend at t = t0 / 2^{k}"
    if result.verdict in ("global-minimum", "local-minimum"):
        scale = Fraction(1, 10 ** 6) if result.verdict == "local-minimum" else Fraction(1, 4)
        for _ in range(20):     # random points near (or, for a global minimum, anywhere)
            moved = [[[x + scale * Fraction(rng.randint(-5, 5), rng.randint(1, 5)) for x in row]
                      for row in _mat(W)] for W in net.layers]
            if plain_loss(net, moved) < base:
                return "a point with a lower loss"
    if result.verdict == "global-minimum" and len({x for r in net.weights.tolist() for x in r}) == 1:
        if float(base) > best_rank_r_value(net) + 1e-9:
            return "the SVD finds a lower rank-r value"
    return None


def best_rank_r_value(net):
    """The least loss over products of rank <= min width (equal weights), in floating point."""
    X, Y = (np.array([[float(x) for x in r] for r in M.tolist()], dtype=float).reshape(
        M.nrows, M.ncols) for M in (net.X, net.Y))
    c = float(net.weights.tolist()[0][0])
    proj = X.T @ np.linalg.pinv(X @ X.T) @ X if X.size else np.zeros((X.shape[1],) * 2)
    Yp = Y @ proj
    s = np.linalg.svd(Yp, compute_uv=False) if Yp.size else np.zeros(0)
    r = min(net.widths)
    return c / 2 * (float(np.sum((Y - Yp) ** 2)) + float(np.sum(s[r:] ** 2)))


# -- known points ------------------------------------------------------------------------

DIAG = [[1, 0], [0, 2]]
KNOWN = {
    # name: (network, verdict, degeneracy, route)
    "three-layer zero point, X = Y = I": (
        net_of((2, 2, 2, 2), [Z(2, 2)] * 3, I(2)), "not-a-local-minimum", True, "descent-curve"),
    "four-layer zero point": (
        net_of((2, 2, 2, 2, 2), [Z(2, 2)] * 4, DIAG), "not-a-local-minimum", True,
        "descent-curve"),
    "two-layer zero point": (
        net_of((2, 1, 2), [Z(1, 2), Z(2, 1)], DIAG), "second-order-saddle", True,
        "negative-curvature"),
    "zero point, Y = 0": (
        net_of((2, 1, 2), [Z(1, 2), Z(2, 1)], Z(2, 2)), "global-minimum", True, "stationary-loss"),
    "best rank-1 fit of diag(1, 2) (issue 14)": (
        net_of((2, 1, 2), [[[0, 1]], [[0], [2]]], DIAG), "global-minimum", False, "low-rank-bound"),
    "best rank-1 fit at depth three": (
        net_of((2, 1, 1, 2), [[[0, 1]], [[1]], [[0], [2]]], DIAG), "global-minimum", False,
        "low-rank-bound"),
    "W1 = [1 0], W2 = [1; 0], Y = diag(1, 2) (issue 14)": (
        net_of((2, 1, 2), [[[1, 0]], [[1], [0]]], DIAG), "second-order-saddle", False,
        "negative-curvature"),
    "rank-deficient X: the bound with a generalised inverse of X X^T": (
        net_of((3, 1, 2), [[[1, 1, 0]], [[1], [0]]], [[3, 1, 0], [0, 0, 2]],
               X=Matrix([[1, 1, 0], [1, 1, 0], [0, 0, 1]])), "global-minimum", False,
        "low-rank-bound"),
    "one layer: a convex problem": (
        net_of((2, 2), [DIAG], DIAG), "global-minimum", False, "stationary-loss"),
    "repeated singular value: Y = I, rank-1 fit": (
        net_of((2, 1, 2), [[[1, 0]], [[1], [0]]], I(2)), "global-minimum", False,
        "low-rank-bound"),
    "Theorem 8 construction (2,1,1,2)": (
        paper_construction((2, 1, 1, 2)).network, "not-a-local-minimum", True, "descent-curve"),
    "Theorem 8 construction (2,1,3,1,2)": (
        paper_construction((2, 1, 3, 1, 2)).network, "not-a-local-minimum", True,
        "descent-curve"),
    "weighted minimum (2,1,2,2)": (
        weighted_minimum((2, 1, 2, 2)).network, "local-minimum", False, "chart-minimum"),
    "no zero layer, PSD Hessian, a kernel line": (
        net_of((2, 2, 2, 2), [[[0, 0], [1, 0]], [[0, 1], [0, 0]], [[1, 1], [0, 0]]], I(2)),
        "not-a-local-minimum", True, "descent-curve"),
    "three zero layers of four": (
        net_of((2, 2, 2, 2, 2), [Z(2, 2), I(2), Z(2, 2), Z(2, 2)], DIAG),
        "not-a-local-minimum", True, "descent-curve"),
}


@pytest.mark.parametrize("name", sorted(KNOWN))
def test_known_points(name):
    net, verdict, degenerate, route = KNOWN[name]
    result = classify(net)
    assert (result.verdict, result.degenerate, result.route) == (verdict, degenerate, route)
    assert result.certificate["verdict"] == verdict
    assert result.certificate["claim"]["degeneracy"] == \
        ("degenerate" if degenerate else "non-degenerate")
    assert refute(net, result, random.Random(1)) is None


def test_zero_point_orders_and_the_paper_polynomial():
    """W = 0 with X = I, Y = I drops at order h (= the depth); the Theorem 8 construction's own
    polynomial -3/8 t^4 + 1/4 t^6 + 1/8 t^8 is found again."""
    for h in (3, 4, 5):
        result = classify(net_of((2,) * (h + 1), [Z(2, 2)] * h, I(2)))
        assert result.descent.order == h and result.descent.kind == "zero-layers"
    found = classify(paper_construction((3, 2, 1, 3)).network).descent
    assert [str(c) for c in found.coefficients] == ["0", "0", "0", "0", "-3/8", "0", "1/4", "0",
                                                    "1/8"]


def test_not_a_critical_point_names_the_largest_partial_derivative():
    net = net_of((2, 1, 2), [[[1, 0]], [[1], [1]]], DIAG)
    with pytest.raises(NotApplicable, match=r"largest partial derivative is dL/dW1\[1,2\] = -2"):
        classify(net)


def test_progress_reports_every_stage():
    from exactopen.certify.classify import STAGES
    seen = []
    classify(KNOWN["three-layer zero point, X = Y = I"][0], progress=seen.append)
    assert seen == list(STAGES)


def _block_diagonal(A, B):
    A, B = A.tolist(), B.tolist()
    n1, n2 = len(A[0]), len(B[0])
    return Matrix([r + [0] * n2 for r in A] + [[0] * n1 + r for r in B], ncols=n1 + n2)


def embedded_construction(widths):
    """The Theorem 8 construction for ``widths`` beside a fitted channel (one more unit in every
    layer, weight 1, target 1): no layer is zero any more."""
    c = paper_construction(widths).network
    one = Matrix([[1]])
    d = tuple(x + 1 for x in widths)
    return net_of(d, [_block_diagonal(W, one) for W in c.layers], _block_diagonal(c.Y, one))


def test_embedded_constructions():
    """(2,1,1,2) beside a fitted channel: the curve W + t D + t^2 E with D in the Hessian's kernel
    finds the order-4 descent; (3,2,1,3) beside one is beyond the search: undecided, and its
    certificate claims only the critical point and its degeneracy."""
    found = classify(embedded_construction((2, 1, 1, 2)))
    assert found.verdict == "not-a-local-minimum" and found.descent.order == 4
    undecided = classify(embedded_construction((3, 2, 1, 3)))
    assert (undecided.verdict, undecided.route, undecided.degenerate) == \
        ("critical-point", None, True)
    assert {s["rule"] for s in undecided.certificate["steps"]} == {"critical-point", "product",
                                                                   "rank"}
    assert check_text(dumps(undecided.certificate)) == (0, "VERIFIED")


def test_undecided_certificates_claim_only_the_critical_point():
    """Verdict "critical-point": the checker accepts it with no further fact, and refuses the
    same evidence under any stronger verdict."""
    net = KNOWN["weighted minimum (2,1,2,2)"][0]
    cert = classify(net).certificate
    cert["steps"] = [s for s in cert["steps"] if s["rule"] != "chart-minimum"]
    for verdict, code in (("critical-point", 0), ("local-minimum", 1), ("global-minimum", 1),
                          ("not-a-local-minimum", 1), ("second-order-saddle", 1)):
        cert["verdict"] = verdict
        assert check_text(dumps(cert))[0] == code, verdict


# -- seeded random deep networks -----------------------------------------------------------

def _rand(rng, m, n, lo=-2, hi=2, den=1):
    return Matrix([[Fraction(rng.randint(lo, hi), rng.randint(1, den)) for _ in range(n)]
                   for _ in range(m)], ncols=n)


def _widths(rng):
    h = rng.choice((3, 4))
    return tuple(rng.randint(1, 4) for _ in range(h + 1))


def _weights(rng, m, n):
    if rng.random() < 0.5:
        return ones(m, n)
    return Matrix([[rng.randint(1, 3) for _ in range(n)] for _ in range(m)], ncols=n)


def _zero_layer_point(rng):
    """Random layers with at least two of them zero (always a critical point)."""
    d = _widths(rng)
    h = len(d) - 1
    zeros = set(rng.sample(range(h), rng.randint(2, h)))
    layers = [Z(d[i + 1], d[i]) if i in zeros else _rand(rng, d[i + 1], d[i]) for i in range(h)]
    N = rng.randint(1, 3)
    X = I(d[0]) if rng.random() < 0.5 else _rand(rng, d[0], N)
    return net_of(d, layers, _rand(rng, d[-1], X.ncols), X, _weights(rng, d[-1], X.ncols))


def _rational_orthogonal(rng, n):
    """The Cayley transform (I - S)(I + S)^-1 of a random skew-symmetric S."""
    S = [[Fraction(0)] * n for _ in range(n)]
    for i in range(n):
        for j in range(i + 1, n):
            S[i][j] = Fraction(rng.randint(-2, 2), rng.randint(1, 2))
            S[j][i] = -S[i][j]
    S = Matrix(S, ncols=n).to_flint()
    E = I(n).to_flint()
    return Matrix.from_flint((E - S) * (E + S).inv())


def _global_minimum_point(rng):
    """The best rank-r fit of Y = Q diag(s) Q'^T (rational orthogonal Q, Q'), X = I, factored
    through random invertible changes of basis between the layers."""
    d = _widths(rng)
    h, r, n = len(d) - 1, min(d), min(d[0], d[-1])
    s = sorted(rng.sample(range(1, 9), n), reverse=True)
    Q, Qp = _rational_orthogonal(rng, d[-1]), _rational_orthogonal(rng, d[0])
    core = Matrix([[s[i] if i == j else 0 for j in range(d[0])] for i in range(d[-1])],
                  ncols=d[0])
    Y = Q @ core @ Qp.T
    # layers: W1 = P1 (top-left identity, rows 1..r) Qp^T, W_i = identity blocks, W_h = Q diag
    first = Matrix([[1 if i == j and i < r else 0 for j in range(d[0])] for i in range(d[1])],
                   ncols=d[0]) @ Qp.T
    mids = [Matrix([[1 if i == j and i < r else 0 for j in range(d[k])] for i in range(d[k + 1])],
                   ncols=d[k]) for k in range(1, h - 1)]
    last = Q @ Matrix([[s[i] if i == j and i < r else 0 for j in range(d[h - 1])]
                       for i in range(d[h])], ncols=d[h - 1])
    layers = [first] + mids + [last] if h > 1 else [Q @ core @ Qp.T]
    for k in range(1, h):                    # W_k -> T W_k, W_(k+1) -> W_(k+1) T^-1
        T = _rand(rng, d[k], d[k])
        if T.to_flint().det() == 0:
            continue
        layers[k - 1] = T @ layers[k - 1]
        layers[k] = layers[k] @ Matrix.from_flint(T.to_flint().inv())
    return net_of(d, layers, Y)


def _construction_point(rng):
    """The generalised Theorem 8 construction for random widths meeting the paper's condition,
    with a random invertible change of basis on one hidden layer."""
    while True:
        d = _widths(rng)
        report = analyze_widths(d)
        if report.paper_condition:
            break
    p1 = rng.choice(sorted({a for a, _ in report.pairs}))
    net = paper_construction(d, p1).network
    layers = list(net.layers)
    k = rng.randrange(1, len(d) - 1)
    T = _rand(rng, d[k], d[k])
    if T.to_flint().det() != 0:
        layers[k - 1] = T @ layers[k - 1]
        layers[k] = layers[k] @ Matrix.from_flint(T.to_flint().inv())
    return net_of(d, layers, net.Y)


@pytest.mark.slow
@PROPERTY
@given(st.integers(0, 2 ** 32))
def test_zero_layer_points(seed):
    rng = random.Random(seed)
    net = _zero_layer_point(rng)
    result = classify(net)
    assert refute(net, result, rng) is None, result.verdict
    all_zero = all(W.is_zero() for W in net.layers)
    if all_zero and net.depth >= 3 and not net.loss_gradient(net.product()).is_zero():
        assert result.verdict == "not-a-local-minimum" and result.descent.order == net.depth


@pytest.mark.slow
@PROPERTY
@given(st.integers(0, 2 ** 32))
def test_global_minima(seed):
    rng = random.Random(seed)
    net = _global_minimum_point(rng)
    result = classify(net)
    assert result.verdict == "global-minimum", result.verdict
    assert refute(net, result, rng) is None


@pytest.mark.slow
@PROPERTY
@given(st.integers(0, 2 ** 32))
def test_theorem8_constructions(seed):
    rng = random.Random(seed)
    net = _construction_point(rng)
    result = classify(net)
    assert result.verdict == "not-a-local-minimum", result.verdict
    assert refute(net, result, rng) is None


def _kron(A, B):
    """Kronecker product of FLINT matrices."""
    import flint
    out = flint.fmpq_mat(A.nrows() * B.nrows(), A.ncols() * B.ncols())
    for i in range(A.nrows()):
        for j in range(A.ncols()):
            if A[i, j] != 0:
                for k in range(B.nrows()):
                    for m in range(B.ncols()):
                        out[i * B.nrows() + k, j * B.ncols() + m] = A[i, j] * B[k, m]
    return out


def _critical_target(rng, layers, d, weights):
    """A target Y making W critical (X = I): Y = F - G / w with G = w o (F - Y) a random element
    of the kernel of G -> (A_i^T G B_i^T)_i (the gradient of every layer)."""
    import flint
    net = net_of(d, layers, Z(d[-1], d[0]))
    blocks = []
    for i in range(len(layers)):
        A = net_of(d[i + 1:], layers[i + 1:], Z(d[-1], d[i + 1])).product().to_flint() \
            if i + 1 < len(layers) else I(d[-1]).to_flint()
        B = net_of(d[:i + 1], layers[:i], Z(d[i], d[0])).product().to_flint() \
            if i else I(d[0]).to_flint()
        blocks.append(_kron(A.transpose(), B))          # vec(A^T G B^T) = (A^T kron B) vec(G)
    K = flint.fmpq_mat([row for M in blocks for row in M.tolist()])
    null, k = K.numer_denom()[0].nullspace()
    coef = [rng.randint(-2, 2) for _ in range(k)]
    g = [sum((c * int(null[p, j]) for j, c in enumerate(coef)), 0) for p in range(null.nrows())]
    F, w = net.product().tolist(), weights.tolist()
    return Matrix([[F[a][b] - Fraction(g[a * d[0] + b]) / w[a][b]
                    for b in range(d[0])] for a in range(d[-1])], ncols=d[0])


@pytest.mark.slow
@PROPERTY
@given(st.integers(0, 2 ** 32))
def test_random_critical_points_never_a_refuted_minimum(seed):
    """Random small-integer layers (some rank-deficient, some zero) with a target that makes
    them a critical point: whatever classify says is checked independently."""
    rng = random.Random(seed)
    d = _widths(rng)
    layers = [Z(d[i + 1], d[i]) if rng.random() < 0.15 else _rand(rng, d[i + 1], d[i], -1, 1)
              for i in range(len(d) - 1)]
    weights = _weights(rng, d[-1], d[0])
    net = net_of(d, layers, _critical_target(rng, layers, d, weights), weights=weights)
    result = classify(net)
    assert refute(net, result, rng) is None, result.verdict
