"""Structured gradients and Hessians (networks.hessian) against the polarised ones
(networks.derivatives), the checker's (checker.landscape) and SymPy."""

import random
from fractions import Fraction

import flint
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from exactopen.checker import landscape
from exactopen.linalg import Matrix
from exactopen.networks import derivatives, hessian
from exactopen.networks.derivatives import chart_parameters
from exactopen.networks.model import LinearNetwork
from exactopen.networks.theorem8 import paper_construction, weighted_minimum

def _q(rng):
    return Fraction(rng.randint(-3, 3), rng.randint(1, 3))


def _mat(rng, m, n, zero=False):
    return Matrix([[0 if zero else _q(rng) for _ in range(n)] for _ in range(m)], ncols=n)


def _weights(rng, m, n):
    """Positive weights: all different, or mostly one value (the Kronecker route)."""
    if rng.random() < 0.5:
        return Matrix([[Fraction(rng.randint(1, 4), rng.randint(1, 3)) for _ in range(n)]
                       for _ in range(m)], ncols=n)
    base = Fraction(rng.randint(1, 3), rng.randint(1, 2))
    return Matrix([[base if rng.random() < 0.8 else Fraction(rng.randint(1, 4), rng.randint(1, 3))
                    for _ in range(n)] for _ in range(m)], ncols=n)


def random_network(rng, max_width=4, max_depth=4):
    h = rng.randint(1, max_depth)
    d = [rng.randint(1, max_width) for _ in range(h + 1)]
    N = rng.randint(1, 4)
    layers = [_mat(rng, d[i + 1], d[i], zero=rng.random() < 0.15) for i in range(h)]
    return LinearNetwork(tuple(d), tuple(layers), _mat(rng, d[0], N), _mat(rng, d[h], N),
                         _weights(rng, d[h], N))


def checker_args(net):
    return list(net.widths), net.X.tolist(), net.Y.tolist(), net.weights.tolist()


def checker_derivatives(net):
    c = landscape.Network(*checker_args(net))
    layers = [W.tolist() for W in net.layers]
    grad = [x for G in c.gradient(layers) for row in G for x in row]
    return grad, c.hessian(layers)


@pytest.mark.parametrize("seed", range(4))
def test_equals_polarised_derivatives(seed):
    rng = random.Random(seed)
    for _ in range(10):
        net = random_network(rng, max_width=3)
        assert hessian.gradient_and_hessian(net) == derivatives.gradient_and_hessian(net)


@pytest.mark.parametrize("seed", range(4))
def test_equals_checker_and_flint_forms_agree(seed):
    rng = random.Random(100 + seed)
    for _ in range(15):
        net = random_network(rng)
        g, H = hessian.gradient_and_hessian(net)
        assert (g, H) == checker_derivatives(net)
        assert hessian.gradient(net) == g
        gq, Hq = hessian.gradient_and_hessian_flint(net)
        P = len(g)
        assert (gq.nrows(), gq.ncols(), Hq.nrows(), Hq.ncols()) == (P, 1, P, P)
        assert [Fraction(int(x.p), int(x.q)) for x in gq.entries()] == g
        assert Hq == hessian.hessian_flint(net)
        num, den = hessian.integer_hessian(net)
        assert flint.fmpq_mat(num) / den == Hq
        S = hessian.sparse_hessian(net)
        assert S.to_fractions() == H and all(x for row in S.rows for x in row.values())


@settings(max_examples=20, deadline=None, derandomize=True)
@given(st.integers(0, 2 ** 32))
def test_property_equals_checker(seed):
    net = random_network(random.Random(seed))
    assert hessian.gradient_and_hessian(net) == checker_derivatives(net)


def test_zero_layers_and_zero_residual():
    rng = random.Random(7)
    d = (3, 2, 2, 3)
    layers = (_mat(rng, 2, 3), _mat(rng, 2, 2, zero=True), _mat(rng, 3, 2))
    X = _mat(rng, 3, 2)
    net = LinearNetwork(d, layers, X, _mat(rng, 3, 2), _weights(rng, 3, 2))
    assert hessian.gradient_and_hessian(net) == derivatives.gradient_and_hessian(net)
    # Y = F X: zero residual, so the Hessian is J^T diag(w) J alone (PSD)
    Y = Matrix.from_flint(net.product().to_flint() * X.to_flint())
    fitted = LinearNetwork(d, layers, X, Y, net.weights)
    g, H = hessian.gradient_and_hessian(fitted)
    assert not any(g) and (g, H) == checker_derivatives(fitted)


def _sympy_derivatives(net):
    d = net.widths
    symbols, layers = [], []
    for i in range(net.depth):
        S = sympy.Matrix(d[i + 1], d[i], lambda p, q: sympy.Symbol(f"w{i}_{p}_{q}"))
        layers.append(S)
        symbols += list(S)
    F = sympy.eye(d[0])
    for S in layers:
        F = S * F
    R = F * sympy.Matrix(net.X.tolist()) - sympy.Matrix(net.Y.tolist())
    W = net.weights.tolist()
    L = sum(W[i][j] * R[i, j] ** 2 for i in range(R.rows) for j in range(R.cols)) / 2
    point = dict(zip(symbols, [x for M in net.layers for row in M.tolist() for x in row]))
    return ([sympy.diff(L, s).subs(point) for s in symbols],
            [[sympy.diff(L, a, b).subs(point) for b in symbols] for a in symbols])


@pytest.mark.parametrize("widths", [(2, 1, 2), (1, 2, 2, 1)])
def test_matches_sympy(widths):
    rng = random.Random(sum(widths))
    layers = tuple(_mat(rng, widths[i + 1], widths[i]) for i in range(len(widths) - 1))
    net = LinearNetwork(widths, layers, _mat(rng, widths[0], 2), _mat(rng, widths[-1], 2),
                        _weights(rng, widths[-1], 2))
    grad, hess = _sympy_derivatives(net)
    g, H = hessian.gradient_and_hessian(net)
    assert [sympy.Rational(x) for x in g] == grad
    assert [[sympy.Rational(x) for x in row] for row in H] == hess


@pytest.mark.parametrize("widths", [(2, 1, 1, 2), (3, 2, 1, 3), (2, 1, 3, 1, 2), (5, 1, 1, 5)])
def test_theorem8_constructions(widths):
    net = paper_construction(widths).network
    assert hessian.gradient_and_hessian(net) == derivatives.gradient_and_hessian(net)
    assert hessian.gradient_and_hessian(net) == checker_derivatives(net)
    w = weighted_minimum(widths).network
    assert hessian.gradient_and_hessian(w) == checker_derivatives(w)


def test_large_constructions():
    """(40, 1, 1, 40): 81 parameters (the polarised route takes tens of seconds)."""
    net = paper_construction((40, 1, 1, 40)).network
    g, H = hessian.gradient_and_hessian(net)
    assert len(g) == 81 and not any(g)
    assert checker_derivatives(net) == (g, H)
    S = hessian.sparse_hessian(paper_construction((64, 32, 16, 32, 64)).network)
    assert S.n == 5120 and S.nnz() == 512


# -- the chart of rank-r matrices --------------------------------------------------------

def _random_chart(rng):
    m, n = rng.randint(1, 4), rng.randint(1, 4)
    r = rng.randint(1, min(m, n))
    while True:
        Z = _mat(rng, m, r) @ _mat(rng, r, n)
        rows, cols = rng.sample(range(m), r), rng.sample(range(n), r)   # any order
        if Z.submatrix(rows, cols).to_flint().det() != 0:
            break
    N = rng.randint(1, 3)
    net = LinearNetwork((n, r, m), (Matrix.zeros(r, n), Matrix.zeros(m, r)), _mat(rng, n, N),
                        _mat(rng, m, N), _weights(rng, m, N))
    return net, Z, rows, cols


@pytest.mark.parametrize("seed", range(3))
def test_chart_equals_polarised(seed):
    rng = random.Random(200 + seed)
    for _ in range(12):
        net, Z, rows, cols = _random_chart(rng)
        if rng.random() < 0.3:    # X = I: the sparse route skips the product with X
            n, N = Z.ncols, Z.ncols
            net = LinearNetwork(net.widths, net.layers, Matrix.identity(n), _mat(rng, Z.nrows, N),
                                _weights(rng, Z.nrows, N))
        expected = derivatives.chart_gradient_and_hessian(net, Z, rows, cols)
        for method in ("auto", "sparse", "dense"):
            assert hessian.chart_gradient_and_hessian(net, Z, rows, cols, method) == expected
            g, H = hessian.chart_gradient_and_hessian_flint(net, Z, rows, cols, method)
            assert [Fraction(int(x.p), int(x.q)) for x in g.entries()] == expected[0]
            assert H == flint.fmpq_mat(len(expected[1]), len(expected[1]),
                                       [flint.fmpq(x.numerator, x.denominator)
                                        for row in expected[1] for x in row])
        grad, S = hessian.chart_sparse_hessian(net, Z, rows, cols)
        assert (grad, S.to_fractions()) == expected


@pytest.mark.parametrize("widths", [(2, 1, 2), (2, 1, 2, 2), (4, 2, 1, 2, 4), (3, 2, 3)])
def test_chart_of_weighted_minima(widths):
    c = weighted_minimum(widths)
    Z = c.network.product()
    expected = derivatives.chart_gradient_and_hessian(c.network, Z, c.rows, c.cols)
    for method in ("auto", "sparse", "dense"):
        assert hessian.chart_gradient_and_hessian(c.network, Z, c.rows, c.cols, method) == expected
    g, H = hessian.chart_gradient_and_hessian_flint(c.network, Z, c.rows, c.cols)
    assert H.nrows() == len(chart_parameters(*Z.shape, c.rows, c.cols)) and not any(g.entries())


# -- the checker's chart derivatives -------------------------------------------------------

def _checker_chart(net, Z, rows, cols):
    inverse = Matrix.from_flint(Z.submatrix(rows, cols).to_flint().inv()).tolist()
    params = chart_parameters(*Z.shape, rows, cols)
    return landscape.chart_derivatives(landscape.Network(*checker_args(net)), Z.tolist(),
                                       list(rows), list(cols), inverse, params)


@pytest.mark.parametrize("seed", range(3))
def test_checker_chart_equals_polarised(seed):
    rng = random.Random(400 + seed)
    cases = [_random_chart(rng) for _ in range(8)]
    c = weighted_minimum((4, 2, 1, 2, 4))
    cases.append((c.network, c.network.product(), list(c.rows), list(c.cols)))
    for net, Z, rows, cols in cases:
        expected = derivatives.chart_gradient_and_hessian(net, Z, rows, cols)
        assert _checker_chart(net, Z, rows, cols) == expected


def test_chart_routes_agree_on_a_larger_minimum():
    """(16, 8, 4, 8, 16): 112 chart parameters; sparse route = dense route = checker."""
    c = weighted_minimum((16, 8, 4, 8, 16))
    net, Z = c.network, c.network.product()
    sparse = hessian.chart_gradient_and_hessian(net, Z, c.rows, c.cols, "sparse")
    assert sparse == hessian.chart_gradient_and_hessian(net, Z, c.rows, c.cols, "dense")
    assert _checker_chart(net, Z, c.rows, c.cols) == sparse
