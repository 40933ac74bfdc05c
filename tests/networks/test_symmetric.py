"""Integer symmetric elimination (networks.symmetric) against plain Fractions (fraction_ldl)."""

import random
from fractions import Fraction

import flint
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exactopen.checker.landscape import ldl_product
from exactopen.networks import derivatives, hessian, symmetric
import fraction_ldl as quadratic  # the plain Fraction elimination, the reference
from exactopen.networks.theorem8 import paper_construction, weighted_minimum

METHODS = ("auto", "sparse", "dense")


def gram(rng, n, k, den=1):
    """B^T B for a random k x n B: PSD, rank <= k."""
    B = [[Fraction(rng.randint(-3, 3), rng.randint(1, den)) for _ in range(n)] for _ in range(k)]
    return [[sum((B[t][i] * B[t][j] for t in range(k)), Fraction(0)) for j in range(n)]
            for i in range(n)]


def zero_out(H, i):
    for t in range(len(H)):
        H[i][t] = H[t][i] = Fraction(0)


def perturb(rng, H):
    n = len(H)
    i, j = rng.randrange(n), rng.randrange(n)
    e = Fraction(rng.choice([-3, -2, -1, 1, 2, 3]), rng.randint(1, 2))
    H[i][j] += e
    if i != j:
        H[j][i] += e


def forms(H):
    """The same matrix as a list, an fmpq_mat, an (fmpz_mat, den) pair and a SparseSymmetric."""
    n = len(H)
    q = flint.fmpq_mat(n, n, [flint.fmpq(x.numerator, x.denominator) for r in H for x in r]) \
        if n else flint.fmpq_mat(0, 0)
    num, den = q.numer_denom()
    return [H, q, (num, den), symmetric.SparseSymmetric.from_any(H)]


def check_against_old(H):
    expected_ldl = quadratic.ldl(H)
    expected_v = quadratic.negative_direction(H)
    for form in forms(H):
        for method in METHODS:
            assert symmetric.ldl(form, method) == expected_ldl
            assert symmetric.is_psd(form, method) == (expected_ldl is not None)
        assert symmetric.negative_direction(form) == expected_v
    if expected_ldl is not None:
        L, D = expected_ldl
        assert ldl_product(L, D) == [[Fraction(x) for x in r] for r in H]
        for j, d in enumerate(D):   # canonical form: L zero below a zero pivot
            assert d >= 0 and (d or not any(L[i][j] for i in range(j + 1, len(H))))
    else:
        assert symmetric.quadratic_form(H, expected_v) < 0
    return expected_ldl is not None


@pytest.mark.parametrize("seed", range(4))
def test_random_psd_and_indefinite(seed):
    rng = random.Random(seed)
    kinds = {True: 0, False: 0}
    for _ in range(60):
        n, k = rng.randint(0, 7), rng.randint(0, 8)
        H = gram(rng, n, k, den=rng.choice([1, 1, 4]))
        if n and rng.random() < 0.4:
            for _ in range(rng.randint(1, 2)):
                zero_out(H, rng.randrange(n))
        if n and rng.random() < 0.4:
            perturb(rng, H)
        kinds[check_against_old(H)] += 1
    assert kinds[True] and kinds[False]


def test_edge_cases():
    F = Fraction
    for H in ([], [[F(0)]], [[F(-1)]], [[F(3)]], [[F(0), F(1)], [F(1), F(0)]],
              [[F(0), F(0)], [F(0), F(1)]], [[F(1), F(1)], [F(1), F(1)]],
              [[F(1), F(1)], [F(1), F(0)]],
              [[F(0), F(0), F(1)], [F(0), F(0), F(0)], [F(1), F(0), F(5)]]):
        check_against_old(H)


@settings(max_examples=40, deadline=None, derandomize=True)
@given(st.integers(1, 6).flatmap(lambda n: st.lists(
    st.lists(st.integers(-4, 4), min_size=n, max_size=n), min_size=0, max_size=n + 1)
    .map(lambda B: (n, B))), st.booleans())
def test_property_gram_and_shift(nb, shift):
    n, B = nb
    H = [[Fraction(sum(r[i] * r[j] for r in B)) for j in range(n)] for i in range(n)]
    if shift:
        H[0][0] -= 1
    check_against_old(H)


def test_dense_route_on_larger_matrices():
    rng = random.Random(5)
    for n, k in ((24, 24), (40, 6), (36, 9)):
        H = gram(rng, n, k)
        assert symmetric.ldl(H, "dense") == symmetric.ldl(H, "sparse") == quadratic.ldl(H)
        perturb(rng, H)
        H[n // 2][n // 2] -= 100
        assert not symmetric.is_psd(H, "dense") and not symmetric.is_psd(H, "sparse")
        assert symmetric.negative_direction(H) == quadratic.negative_direction(H)


@pytest.mark.parametrize("widths", [(2, 1, 1, 2), (3, 2, 1, 3), (2, 1, 3, 1, 2), (6, 1, 1, 6)])
def test_theorem8_hessians(widths):
    _, H = derivatives.gradient_and_hessian(paper_construction(widths).network)
    assert check_against_old(H)
    c = weighted_minimum(widths)
    Z = c.network.product()
    _, H = derivatives.chart_gradient_and_hessian(c.network, Z, c.rows, c.cols)
    assert check_against_old(H)
    assert all(symmetric.ldl(H)[1])                     # positive definite
    S = hessian.sparse_hessian(c.network)
    assert symmetric.ldl(S) == quadratic.ldl(S.to_fractions())


def test_saddle_direction_of_a_two_layer_network():
    """A non-PSD network Hessian: the same negative direction as before."""
    from exactopen.linalg import Matrix
    from exactopen.networks.model import LinearNetwork

    net = LinearNetwork((2, 1, 2), (Matrix([[0, 0]]), Matrix([[0], [0]])), Matrix.identity(2),
                        Matrix([[1, 0], [0, 2]]), Matrix([[1, 1], [1, 1]]))
    _, H = derivatives.gradient_and_hessian(net)
    assert not check_against_old(H)
    assert symmetric.negative_direction(hessian.sparse_hessian(net)) == \
        quadratic.negative_direction(H)


def test_thousands_of_rows():
    """The full Hessians of (64, 32, 16, 32, 64): 5120 parameters, decided in milliseconds."""
    for net in (paper_construction((64, 32, 16, 32, 64)).network,
                weighted_minimum((64, 32, 16, 32, 64)).network):
        S = hessian.sparse_hessian(net)
        assert S.n == 5120 and symmetric.is_psd(S)
        columns, D = symmetric.ldl_columns(S)
        assert len(D) == 5120 and all(d >= 0 for d in D)
