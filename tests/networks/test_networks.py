"""Deep linear networks: exact polynomials, derivatives against SymPy, Theorem 8 certificates."""

import itertools
import random
from fractions import Fraction

import pytest
import sympy

from exactopen.certify.encode import dumps
from exactopen.certify.networks import (lemma3_certificate, lemma7_certificate,
                                        square_refutation_certificate,
                                        weighted_minimum_certificate)
from exactopen.checker import check_text
from exactopen.checker.landscape import Network as CheckerNetwork
from exactopen.errors import InputError, NotApplicable
from exactopen.linalg import Matrix
from exactopen.networks.derivatives import (chart_gradient_and_hessian, chart_parameters,
                                            gradient_and_hessian, loss_along_curve)
from exactopen.networks.model import LinearNetwork, parse_widths
from exactopen.networks.theorem8 import analyze_widths, paper_construction, weighted_minimum

ALL_WIDTHS = [d for h in (3, 4) for d in itertools.product(range(1, 5), repeat=h + 1)]
PAPER = [d for d in ALL_WIDTHS if analyze_widths(d).paper_condition]
BOTTLENECK = [d for d in ALL_WIDTHS if analyze_widths(d).bottleneck is not None]


def with_layers(net, layers):
    """The same network and data at another point."""
    return LinearNetwork(net.widths, tuple(layers), net.X, net.Y, net.weights)


def _ones(m, n):
    return Matrix([[1] * n for _ in range(m)], ncols=n)


def _checker_net(net):
    return CheckerNetwork(list(net.widths), net.X.tolist(), net.Y.tolist(), net.weights.tolist())


def test_printed_instance_polynomial_by_hand():
    """W1 = [1 t], W2 = [t^2/2], W3 = [1; t], X = I, Y = e2 e2^T: hand-derived polynomial."""
    net = LinearNetwork((2, 1, 1, 2), (Matrix([[1, 0]]), Matrix([[0]]), Matrix([[1], [0]])),
                        Matrix.identity(2), Matrix([[0, 0], [0, 1]]), _ones(2, 2))
    curve = [[Matrix([[1, 0]]), Matrix([[0, 1]])],
             [Matrix([[0]]), Matrix([[0]]), Matrix([["1/2"]])],
             [Matrix([[1], [0]]), Matrix([[0], [1]])]]
    expected = [Fraction(1, 2), 0, 0, 0, Fraction(-3, 8), 0, Fraction(1, 4), 0, Fraction(1, 8)]
    assert loss_along_curve(net, curve) == expected
    layers = [[c.tolist() for c in layer] for layer in curve]
    assert _checker_net(net).loss_polynomial(layers) == expected
    # and symbolically, from the definition
    t = sympy.symbols("t")
    F = sympy.Matrix([[1], [t]]) * sympy.Matrix([[t ** 2 / 2]]) * sympy.Matrix([[1, t]])
    L = sympy.expand(sum((F - sympy.Matrix([[0, 0], [0, 1]])).applyfunc(lambda x: x ** 2)) / 2)
    assert sympy.Poly(L, t).all_coeffs()[::-1] == [sympy.Rational(c) for c in expected]


def _random_network(rng, widths, samples=None):
    samples = samples or rng.randint(1, 3)
    layers = tuple(Matrix([[rng.randint(-2, 2) for _ in range(widths[i])]
                           for _ in range(widths[i + 1])], ncols=widths[i])
                   for i in range(len(widths) - 1))
    X = Matrix([[rng.randint(-2, 2) for _ in range(samples)] for _ in range(widths[0])],
               ncols=samples)
    Y = Matrix([[rng.randint(-2, 2) for _ in range(samples)] for _ in range(widths[-1])],
               ncols=samples)
    w = Matrix([[Fraction(rng.randint(1, 4), rng.randint(1, 3)) for _ in range(samples)]
                for _ in range(widths[-1])], ncols=samples)
    return LinearNetwork(tuple(widths), layers, X, Y, w)


def _sympy_derivatives(net):
    """Gradient and Hessian with SymPy: ``L(W + e D)`` to second order in a scalar ``e`` (the
    product of the layer series truncated after ``e^2``), then the coefficients of the
    polynomials in the entries of ``D`` (linear: the gradient; quadratic: ``1/2 D^T H D``)."""
    d = net.widths
    symbols = []
    F = [sympy.eye(d[0]), sympy.zeros(d[0], d[0]), sympy.zeros(d[0], d[0])]
    for i, layer in enumerate(net.layers):
        D = sympy.Matrix(d[i + 1], d[i], lambda p, q: sympy.Symbol(f"w{i}_{p}_{q}"))
        symbols += list(D)
        W = sympy.Matrix(d[i + 1], d[i], [sympy.Rational(x) for row in layer.tolist() for x in row])
        F = [W * F[0], W * F[1] + D * F[0], W * F[2] + D * F[1]]
    X, Y, w = (sympy.Matrix([[sympy.Rational(x) for x in row] for row in M.tolist()])
               for M in (net.X, net.Y, net.weights))
    R = [F[0] * X - Y, F[1] * X, F[2] * X]
    cells = [(i, j) for i in range(R[0].rows) for j in range(R[0].cols)]
    first = sympy.expand(sum(w[c] * R[0][c] * R[1][c] for c in cells))
    second = sympy.Poly(sympy.expand(sum(w[c] * (R[1][c] ** 2 / 2 + R[0][c] * R[2][c])
                                         for c in cells)), *symbols)
    grad = [first.coeff(s) for s in symbols]
    hess = [[sympy.Integer(0)] * len(symbols) for _ in symbols]
    for monomial, c in second.terms():
        powers = [k for k, e in enumerate(monomial) for _ in range(e)]
        if len(powers) == 2:
            a, b = powers
            hess[a][b] = hess[b][a] = 2 * c if a == b else c
    return grad, hess


@pytest.mark.parametrize("seed", range(6))
def test_gradient_and_hessian_match_sympy(seed):
    rng = random.Random(seed)
    widths = [rng.randint(1, 3) for _ in range(rng.randint(3, 4))]
    net = _random_network(rng, widths)
    grad, hess = _sympy_derivatives(net)
    g, H = gradient_and_hessian(net)
    assert [sympy.Rational(x) for x in g] == grad
    assert [[sympy.Rational(x) for x in r] for r in H] == hess
    checker = _checker_net(net)
    layers = [W.tolist() for W in net.layers]
    flat = [x for G in checker.gradient(layers) for row in G for x in row]
    assert [sympy.Rational(x) for x in flat] == grad
    assert [[sympy.Rational(x) for x in r] for r in checker.hessian(layers)] == hess


def test_chart_derivatives_match_sympy():
    c = weighted_minimum((2, 1, 2, 2))
    net, Z = c.network, c.network.product()
    m, n = Z.shape
    params = chart_parameters(m, n, c.rows, c.cols)
    syms = sympy.symbols(f"p0:{len(params)}")
    V = sympy.Matrix(Z.tolist())
    for (i, j), s in zip(params, syms):
        V[i, j] = V[i, j] + s
    rows, cols = list(c.rows), list(c.cols)
    chart = V[:, cols] * V.extract(rows, cols).inv() * V.extract(rows, list(range(n)))
    R = chart * sympy.Matrix(net.X.tolist()) - sympy.Matrix(net.Y.tolist())
    W = net.weights.tolist()
    f = sum(W[i][j] * R[i, j] ** 2 for i in range(m) for j in range(n)) / 2
    at0 = {s: 0 for s in syms}
    grad = [sympy.simplify(sympy.diff(f, s).subs(at0)) for s in syms]
    hess = [[sympy.simplify(sympy.diff(f, a, b).subs(at0)) for b in syms] for a in syms]
    g, H = chart_gradient_and_hessian(net, Z, c.rows, c.cols)
    assert [sympy.Rational(x) for x in g] == grad
    assert [[sympy.Rational(x) for x in r] for r in H] == hess


def _sample(seq, k, seed):
    return sorted(random.Random(seed).sample(seq, min(k, len(seq))))


@pytest.mark.parametrize("widths", _sample(PAPER, 24, 1))
def test_square_loss_refutation_for_paper_widths(widths):
    report = analyze_widths(widths)
    for p1 in sorted({a for a, _ in report.pairs}):
        c = paper_construction(widths, p1)
        cert = square_refutation_certificate(c)
        assert cert["kind"] == "network-not-local-minimum"
        assert cert["verdict"] == "not-a-local-minimum"
        curve = cert["steps"][-1]
        assert curve["coefficients"] == ["0", "0", "0", "0", "-3/8", "0", "1/4", "0", "1/8"]
        assert curve["t0"] == "1/2"
        assert check_text(dumps(cert)) == (0, "VERIFIED")


def test_paper_widths_counted_like_theory():
    """THEORY.md §6.1: 384 (width vector, p1) cases for h in {3, 4}, widths 1..4."""
    cases = sum(len({a for a, _ in analyze_widths(d).pairs}) for d in PAPER)
    assert cases == 384


@pytest.mark.parametrize("widths", _sample(BOTTLENECK, 24, 2))
def test_weighted_minimum_for_bottleneck_widths(widths):
    cert = weighted_minimum_certificate(weighted_minimum(widths))
    assert cert["verdict"] == "non-global-local-minimum"
    assert cert["claim"]["construction"] == "weighted-bottleneck"
    assert check_text(dumps(cert)) == (0, "VERIFIED")


def test_weighted_minimum_needs_a_bottleneck():
    with pytest.raises(NotApplicable, match="no bottleneck"):
        weighted_minimum((2, 2, 2))
    with pytest.raises(NotApplicable, match="paper's condition"):
        paper_construction((2, 1, 2, 2))


def test_widths_report_matches_the_definition():
    for d in _sample(ALL_WIDTHS, 200, 3):
        h = len(d) - 1
        brute = [(a, b) for a in range(1, h) for b in range(1, h)
                 if a < b and d[0] > d[a] and d[h] > d[b]]
        assert list(analyze_widths(d).pairs) == brute
    with pytest.raises(InputError):
        parse_widths("2,x,3")
    with pytest.raises(InputError):
        parse_widths("3")


def test_lemma_certificates_and_refusals():
    net = LinearNetwork((3, 2, 3), (Matrix([[1, 0, 0], [0, 1, 0]]), Matrix([[1, 0], [0, 1], [1, 1]])),
                        Matrix.identity(3), Matrix.zeros(3, 3), _ones(3, 3))
    assert check_text(dumps(lemma7_certificate(net)))[0] == 0
    degenerate = with_layers(net, (Matrix([[1, 0, 0], [1, 0, 0]]), net.layers[1]))
    with pytest.raises(NotApplicable, match="degenerate"):
        lemma7_certificate(degenerate)
    pyramid = LinearNetwork((3, 2, 1), (Matrix([[1, 0, 0], [0, 1, 0]]), Matrix([[1, 1]])),
                            Matrix([[1], [0], [0]]), Matrix.zeros(1, 1), _ones(1, 1))
    act = {"name": "leaky-relu", "slope": "1/10"}
    assert check_text(dumps(lemma3_certificate(pyramid, act)))[0] == 0
    with pytest.raises(NotApplicable, match="full row rank"):
        lemma3_certificate(with_layers(pyramid, (Matrix([[1, 0, 0], [2, 0, 0]]),
                                                 pyramid.layers[1])), act)


def test_network_shape_errors():
    with pytest.raises(InputError, match="layer 1"):
        LinearNetwork((2, 1), (Matrix([[1, 2, 3]]),), Matrix.identity(2), Matrix.zeros(1, 2),
                      _ones(1, 2))
    with pytest.raises(InputError, match="positive"):
        LinearNetwork((1, 1), (Matrix([[1]]),), Matrix([[1]]), Matrix([[1]]), Matrix([[0]]))
