"""Theorem 2 and Behrends' case against an independent brute-force route."""

import random
from fractions import Fraction

import pytest

from conftest import brute_rank, low_rank
from exactopen.certify.encode import dumps
from exactopen.certify.theorem2 import openness_certificate
from exactopen.checker import check_text
from exactopen.errors import InputError
from exactopen.linalg import FLINT, FLINT_PROJECTED, SYMPY, Matrix
from exactopen.openness import analyze


def brute_null_basis(A: Matrix) -> list[list[Fraction]]:
    """Null space by plain Fraction elimination (shares no code with exactopen.linalg)."""
    rows = [list(r) for r in A.tolist()]
    n, pivots, r = A.ncols, [], 0
    for c in range(n):
        p = next((i for i in range(r, len(rows)) if rows[i][c]), None)
        if p is None:
            continue
        rows[r], rows[p] = rows[p], rows[r]
        rows[r] = [x / rows[r][c] for x in rows[r]]
        for i in range(len(rows)):
            if i != r and rows[i][c]:
                rows[i] = [a - rows[i][c] * b for a, b in zip(rows[i], rows[r])]
        pivots.append(c)
        r += 1
    basis = []
    for f in (c for c in range(n) if c not in pivots):
        v = [Fraction(0)] * n
        v[f] = Fraction(1)
        for i, p in enumerate(pivots):
            v[p] = -rows[i][f]
        basis.append(v)
    return basis


def brute_max_perturbed_rank(W1: Matrix, W2: Matrix, rng, tries=6) -> int:
    """max rank(W1 + M N^T) over random integer M, N a basis of N(W2^T)."""
    N = brute_null_basis(W2.T)
    m, k = W1.shape
    best = brute_rank(W1)
    for _ in range(tries if N else 0):
        M = [[rng.randint(-20, 20) for _ in N] for _ in range(m)]
        T = [[sum(M[i][a] * N[a][j] for a in range(len(N))) for j in range(k)] for i in range(m)]
        best = max(best, brute_rank(W1 + Matrix(T, ncols=k)))
    return best


def brute_intersection_dim(W1: Matrix, W2: Matrix) -> int:
    """dim N(W1) ∩ C(W2) from explicit bases: dim N + dim C - dim(N + C)."""
    N = brute_null_basis(W1)
    k = W1.ncols
    C = Matrix(W2.tolist(), ncols=W2.ncols) if k else Matrix.zeros(0, W2.ncols)
    both = Matrix([[v[i] for v in N] + C.row(i) for i in range(k)], ncols=len(N) + C.ncols)
    return len(N) + brute_rank(C) - brute_rank(both)


def random_pair(rng):
    m, k, n = rng.randint(1, 8), rng.randint(1, 8), rng.randint(1, 8)
    W1 = low_rank(rng, m, k, rng.randint(0, min(m, k)), -2, 2)
    W2 = low_rank(rng, k, n, rng.randint(0, min(k, n)), -2, 2)
    return W1, W2


def equal_rank_with_intersection(rng):
    """W1, W2 of equal rank r whose product has rank < r: N(W1) ∩ C(W2) != 0."""
    k = rng.randint(2, 5)
    m, n = rng.randint(k + 1, 8), rng.randint(k + 1, 8)
    r = rng.randint(1, k - 1)
    basis = [[int(i == j) for j in range(k)] for i in range(k)]
    rng.shuffle(basis)
    # C(W2) = span(e_a for a < r); N(W1) contains e_0, so the intersection is non-zero.
    W2 = Matrix([[rng.randint(-2, 2) if i < r else 0 for _ in range(n)] for i in range(k)], ncols=n)
    if brute_rank(W2) != r:
        return None
    W1 = Matrix([[0] + [rng.randint(-2, 2) for _ in range(k - 1)] for _ in range(m)], ncols=k)
    return (W1, W2) if brute_rank(W1) == r else None


def check_against_brute_force(W1, W2, rng):
    report = analyze(W1, W2)
    m, k = W1.shape
    n = W2.ncols
    r1, r2, r12 = brute_rank(W1), brute_rank(W2), brute_rank(W1 @ W2)
    assert (report.r1, report.r2, report.r12) == (r1, r2, r12)
    max1 = brute_max_perturbed_rank(W1, W2, rng)
    max2 = brute_max_perturbed_rank(W2.T, W1.T, rng)
    assert report.max_rank_T1 == max1 and report.max_rank_T2 == max2
    dim3 = brute_intersection_dim(W1, W2)
    dim4 = brute_intersection_dim(W2.T, W1.T)
    assert (report.dim_iii, report.dim_iv) == (dim3, dim4)
    c = report.conditions
    if k < min(m, n):
        assert c == {"i": max1 == k, "ii": max2 == k, "iii": dim3 == 0, "iv": dim4 == 0,
                     "v": r1 == r2 and dim3 == 0}
        if r1 == r2:
            assert len(set(c.values())) == 1
        assert report.locally_open == c["v"]
    else:
        assert c == {"A": max1 == m, "B": max2 == n}
        assert report.locally_open == (c["A"] or c["B"])
    assert check_text(dumps(openness_certificate(report))) == (0, "VERIFIED")
    return report


@pytest.mark.parametrize("seed", range(60))
def test_random_pairs_agree_with_brute_force(seed):
    rng = random.Random(seed)
    check_against_brute_force(*random_pair(rng), rng)


@pytest.mark.parametrize("seed", range(30))
def test_equal_rank_pairs_with_intersection(seed):
    rng = random.Random(1000 + seed)
    pair = None
    while pair is None:
        pair = equal_rank_with_intersection(rng)
    report = check_against_brute_force(*pair, rng)
    assert report.setting == "theorem-2" and not report.locally_open
    assert report.u is not None and not (pair[1] @ report.u).is_zero()


@pytest.mark.parametrize("w1, w2, setting, is_open", [
    ([[1], [2]], [[1, 1]], "theorem-2", True),
    ([[1], [1]], [[0, 0]], "theorem-2", False),
    ([[0], [0]], [[1, 1]], "theorem-2", False),
    ([[0], [0]], [[0, 0]], "theorem-2", True),
    ([[1, 0]], [[0], [1]], "behrends", True),
    ([[1, 0], [0, 0]], [[0, 0], [0, 1]], "behrends", False),
])
def test_known_answers(w1, w2, setting, is_open):
    report = analyze(Matrix(w1), Matrix(w2))
    assert (report.setting, report.locally_open) == (setting, is_open)


def test_witnesses_prefer_small_integers():
    report = analyze(Matrix([[1, 0], [0, 0], [0, 0]]), Matrix([[1, 0, 0], [0, 0, 0]]))
    assert report.locally_open
    for T in (report.T1, report.T2):
        for factor in (T.left, T.right):
            assert all(x.denominator == 1 and abs(x) <= 1 for row in factor.tolist() for x in row)
    assert (report.T1.right @ report.W2).is_zero() and (report.W1 @ report.T2.left).is_zero()


def test_no_perturbation_when_the_factor_has_the_rank_already():
    report = analyze(Matrix([[1, 0], [0, 1], [1, 1]]), Matrix([[1, 0, 1], [0, 1, 1]]))
    assert report.T1.left is None and report.T2.left is None
    assert report.T1.matrix.is_zero() and report.T1.total == report.W1


def test_shape_errors():
    with pytest.raises(InputError, match="inner dimensions"):
        analyze(Matrix([[1, 2]]), Matrix([[1, 2]]))
    with pytest.raises(InputError, match="empty"):
        analyze(Matrix.zeros(2, 0), Matrix.zeros(0, 2))


def test_sympy_backend_gives_the_same_report():
    rng = random.Random(7)
    for _ in range(10):
        W1, W2 = random_pair(rng)
        a, b = analyze(W1, W2, FLINT), analyze(W1, W2, SYMPY)
        assert (a.r1, a.r2, a.r12, a.conditions, a.locally_open) == \
               (b.r1, b.r2, b.r12, b.conditions, b.locally_open)


@pytest.mark.parametrize("backend", [FLINT, FLINT_PROJECTED, SYMPY])
def test_product_vanishes_exactly_or_by_projection(backend):
    from exactopen.openness.witnesses import product_vanishes as _product_vanishes
    A = Matrix([[1, 2], [2, 4], ["1/3", "2/3"]])
    N = Matrix([[2, -4, 6], [-1, 2, -3]])  # columns in N(A)
    assert _product_vanishes(A, N, backend)
    for i in range(2):
        for j in range(3):
            bumped = [list(row) for row in N.tolist()]
            bumped[i][j] += 1
            assert not _product_vanishes(A, Matrix(bumped), backend)


@pytest.mark.parametrize("kind", ["open", "rank-deficient", "zero", "intersection"])
def test_the_m_by_n_product_is_never_formed(kind, monkeypatch):
    """Analysis and certificate work on the factors, the core and subspaces of Q^k only."""
    from exactopen.linalg import matrix as matrix_module

    rng = random.Random(kind)
    m, k, n, r = 60, 4, 70, {"open": 4, "rank-deficient": 3, "zero": 0, "intersection": 3}[kind]
    W1, W2 = low_rank(rng, m, k, r), low_rank(rng, k, n, r)
    if kind == "intersection":
        W1 = Matrix([[0] + row[1:] for row in W1.tolist()], ncols=k)  # e0 in N(W1)
        W2 = Matrix([[1] * n] + W2.tolist()[1:], ncols=n)
    shapes = []
    original = matrix_module.Matrix.__matmul__

    def recording(self, other):
        shapes.append((self.nrows, other.ncols))
        return original(self, other)
    monkeypatch.setattr(matrix_module.Matrix, "__matmul__", recording)
    report = analyze(W1, W2, FLINT_PROJECTED)
    text = dumps(openness_certificate(report))
    monkeypatch.setattr(matrix_module.Matrix, "__matmul__", original)
    assert shapes and max(a * b for a, b in shapes) <= max(m, n) * k
    assert check_text(text) == (0, "VERIFIED")
    assert (report.r1, report.r2, report.r12) == (brute_rank(W1), brute_rank(W2),
                                                  brute_rank(W1 @ W2))
