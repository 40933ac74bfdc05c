"""Both engines agree, and the subspace operations satisfy their definitions."""

import random
from dataclasses import replace

import pytest

from conftest import EDGE_CASES, brute_rank, low_rank
from exactopen.errors import InputError
from exactopen.linalg import (FLINT, SYMPY, Engine, Matrix, column_space, intersection,
                              left_null_space, null_space, rank, rref, subspace_sum)


def test_backends_agree_on_edge_cases(edge_matrix):
    A = edge_matrix
    flint_r, sympy_r = rank(A, FLINT), rank(A, SYMPY)
    assert flint_r == sympy_r == brute_rank(A)
    assert rref(A, FLINT) == rref(A, SYMPY)
    for backend in (FLINT, SYMPY):
        K = null_space(A, backend)
        assert K.shape == (A.ncols, A.ncols - flint_r)
        assert (A @ K).is_zero()
        assert rank(K, backend) == K.ncols


@pytest.mark.parametrize("seed", range(25))
def test_backends_agree_on_random_low_rank(seed):
    rng = random.Random(seed)
    m, n = rng.randint(1, 40), rng.randint(1, 40)
    r = rng.randint(0, min(m, n))
    A = low_rank(rng, m, n, r)
    B = low_rank(rng, m, rng.randint(1, 12), rng.randint(0, min(m, 6)))
    results = {}
    for backend in (FLINT, SYMPY):
        U, V = column_space(A, backend), column_space(B, backend)
        results[backend.name] = (rank(A, backend), null_space(A, backend).ncols,
                            left_null_space(A, backend).ncols,
                            intersection(U, V, backend).ncols, subspace_sum(U, V, backend).ncols)
    assert results["flint"] == results["sympy"]
    ra, nullity, left, inter, total = results["flint"]
    assert ra <= r and nullity == n - ra and left == m - ra
    # dim(U ∩ V) + dim(U + V) = dim U + dim V
    assert inter + total == ra + rank(B)


@pytest.mark.parametrize("seed", range(10))
def test_intersection_vectors_lie_in_both_spaces(seed):
    rng = random.Random(100 + seed)
    n = rng.randint(2, 8)
    U = low_rank(rng, n, rng.randint(1, n), rng.randint(1, n))
    V = low_rank(rng, n, rng.randint(1, n), rng.randint(1, n))
    for backend in (FLINT, SYMPY):
        W = intersection(U, V, backend)
        for j in range(W.ncols):
            w = W.submatrix(range(n), [j])
            assert rank(Matrix.hstack(U, w)) == rank(U)
            assert rank(Matrix.hstack(V, w)) == rank(V)


def test_matrix_is_immutable_and_refuses_floats():
    A = Matrix([[1, 2], [3, 4]])
    copy = A.to_flint()
    copy[0, 0] = 99
    assert A[0, 0] == 1
    with pytest.raises(InputError, match="exact_floats=True"):
        Matrix([[0.1]])
    assert Matrix([[0.5]], exact_floats=True)[0, 0] * 2 == 1
    with pytest.raises(InputError, match="ragged"):
        Matrix([[1, 2], [3]])
    with pytest.raises(InputError, match="unknown engine"):
        rank(A, Engine("numpy"))


def test_edge_table_covers_the_required_cases():
    names = set(EDGE_CASES)
    assert {"0x3", "3x0", "1x1", "zero 3x4", "identity 4", "full rank 3x3", "rank 1",
            "huge entries", "rational"} <= names


def test_a_matrix_and_its_transpose_share_their_rank_evidence(monkeypatch):
    from exactopen.linalg import rank_evidence as evidence
    calls, compute = [], evidence._evidence_for_integer_matrix
    monkeypatch.setattr(evidence, "_evidence_for_integer_matrix",
                        lambda Z, p: calls.append(p) or compute(Z, p))
    A = Matrix([[1, 2, 3], [2, 4, 6]])
    assert A.T.T is A
    ev = evidence.rank_evidence(A)  # the smaller kernel: that of A^T
    assert ev.transposed and evidence.rank_evidence(A.T, transpose=False) == replace(ev, transposed=False)
    assert (null_space(A.T).ncols, column_space(A).ncols, rank(A.T)) == (1, 1, 1)
    assert len(calls) == 1  # one elimination for A, A.T and everything built on them


@pytest.mark.parametrize("seed", range(20))
def test_primitive_columns_scale_each_column_by_a_positive_rational(seed):
    """Coprime integer columns, each a positive multiple of the input's column (signs kept), on
    rational and dyadic matrices with zero columns."""
    from fractions import Fraction
    from math import gcd

    from exactopen.linalg.matrix import primitive_columns
    rng = random.Random(seed)
    m, n = rng.randint(1, 6), rng.randint(1, 6)
    scale = [Fraction(rng.choice([-1, 1]) * rng.randint(1, 9), 2 ** rng.randint(0, 30) * rng.choice([1, 3, 7]))
             for _ in range(m * n)]
    A = Matrix([[scale[i * n + j] * rng.randint(-3, 3) for j in range(n)] for i in range(m)])
    P = primitive_columns(A)
    for a, p in zip(A.columns(), P.columns()):
        assert all(x.denominator == 1 for x in p)
        assert gcd(*(int(x) for x in p)) == (1 if any(a) else 0)
        if any(a):
            k = next(i for i, x in enumerate(a) if x)
            ratio = p[k] / a[k]
            assert ratio > 0 and [ratio * x for x in a] == p


@pytest.mark.parametrize("seed", range(25))
def test_rank_evidence_rows_are_the_first_independent_rows(seed):
    """The minor's rows are the greedy (first) independent rows of the whole matrix, its columns
    the RREF pivots; A K = 0 with K of full column rank; a changed kernel entry is caught by
    the exact check and by the projections modulo primes."""
    import flint

    from exactopen.linalg import rank_evidence as evidence
    rng = random.Random(seed)
    m, n = rng.randint(1, 9), rng.randint(1, 9)
    A = low_rank(rng, m, n, rng.randint(0, min(m, n)))
    ev = evidence.rank_evidence(A, transpose=False)
    greedy = []
    for i in range(m):
        if brute_rank(A.submatrix(greedy + [i], range(n))) > len(greedy):
            greedy.append(i)
    assert list(ev.rows) == greedy and ev.rank == len(greedy) == brute_rank(A)
    if ev.rank:
        assert A.submatrix(ev.rows, ev.cols).to_flint().det() != 0
    K = ev.kernel_basis(n)
    assert (A @ K).is_zero() and brute_rank(K) == n - ev.rank
    Z = A.integer_rows()
    for exact in (True, False):
        assert evidence.kernel_identity_holds(Z, ev.cols, ev.kernel_pivot_part,
                                              ev.kernel_denominator, exact)
    if ev.rank and n > ev.rank and not Z.is_zero():
        wrong = flint.fmpz_mat(ev.kernel_pivot_part)
        a = next(a for a, j in enumerate(ev.cols) if any(Z[i, j] for i in range(m)))
        wrong[a, 0] += 1
        for exact in (True, False):
            assert not evidence.kernel_identity_holds(Z, ev.cols, wrong, ev.kernel_denominator,
                                                      exact)
