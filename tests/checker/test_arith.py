"""The checker's fast integer paths agree with plain, obviously correct computations."""

import random
from fractions import Fraction

import pytest

from exactopen.checker import arith
from exactopen.checker.jsonload import Mat, canonical
from exactopen.checker.spec import PRIME


def mat(rows):
    """A checker matrix from rows of ints or Fractions (each row scaled to integers)."""
    from math import lcm
    dens = [lcm(*(Fraction(x).denominator for x in row)) if row else 1 for row in rows]
    ints = [[int(Fraction(x) * d) for x in row] for row, d in zip(rows, dens)]
    return canonical(len(rows), len(rows[0]) if rows else 0, ints, dens)


def naive(a, b):
    return [[sum(x * y for x, y in zip(row, col)) for col in zip(*b)] for row in a]


@pytest.mark.parametrize("seed", range(20))
def test_packed_products_agree_with_naive(seed):
    rng = random.Random(seed)
    m, k, n = rng.randint(1, 9), rng.randint(1, 9), rng.randint(1, 9)
    big = 10 ** rng.choice([1, 5, 60])
    a = [[rng.randint(-big, big) for _ in range(k)] for _ in range(m)]
    b = [[rng.randint(-big, big) for _ in range(n)] for _ in range(k)]
    assert arith.int_matmul(a, b, n) == naive(a, b)
    fa = [[Fraction(x, rng.randint(1, 5)) for x in row] for row in a]
    assert arith.matmul(mat(fa), mat(b)).fractions() == naive(fa, b)


@pytest.mark.parametrize("seed", range(20))
def test_kernel_check_agrees_with_naive(seed):
    rng = random.Random(100 + seed)
    m, r, f = rng.randint(1, 6), rng.randint(0, 4), rng.randint(1, 4)
    n = r + f
    cols = sorted(rng.sample(range(n), r))
    free = [j for j in range(n) if j not in cols]
    P = [[rng.randint(-10 ** 20, 10 ** 20) for _ in range(f)] for _ in range(r)]
    d = rng.randint(1, 10 ** 20)
    K = [[0] * f for _ in range(n)]
    for a, j in enumerate(cols):
        K[j] = P[a]
    for c, j in enumerate(free):
        K[j][c] = d
    rows = [[rng.randint(-5, 5) for _ in range(n)] for _ in range(m)]
    if rng.random() < 0.5:  # make A K = 0 by choosing the free columns of A
        for row in rows:
            for c, j in enumerate(free):
                row[j] = 0
            s = [sum(row[jj] * P[a][c] for a, jj in enumerate(cols)) for c in range(f)]
            for c, j in enumerate(free):
                row[j] = Fraction(-s[c], d)
    expected = all(v == 0 for v in (x for row in naive(rows, K) for x in row))
    assert arith.kernel_vanishes(mat(rows).rows, cols, free, P, d) == expected


def test_bareiss_agrees_with_fractions():
    rng = random.Random(5)
    for _ in range(30):
        n = rng.randint(1, 6)
        a = [[rng.randint(-9, 9) for _ in range(n)] for _ in range(n)]
        rows = [list(map(Fraction, r)) for r in a]
        det = Fraction(1)
        for c in range(n):
            p = next((i for i in range(c, n) if rows[i][c]), None)
            if p is None:
                det = Fraction(0)
                break
            if p != c:
                rows[c], rows[p] = rows[p], rows[c]
                det = -det
            det *= rows[c][c]
            for i in range(c + 1, n):
                f = rows[i][c] / rows[c][c]
                rows[i] = [x - f * y for x, y in zip(rows[i], rows[c])]
        assert arith.bareiss_det(a) == det
        assert arith.det_mod_p(a, PRIME) == det % PRIME


@pytest.mark.parametrize("seed", range(30))
def test_determinant_modulo_p_agrees_with_flint(seed):
    import flint
    rng = random.Random(seed)
    n = rng.randint(1, 30)
    A = [[rng.choice([0] * 6 + [rng.randint(-9, 9)]) for _ in range(n)] for _ in range(n)]
    assert arith.det_mod_p(A, PRIME) == int(flint.nmod_mat(flint.fmpz_mat(A), PRIME).det())
