"""The float64 p-adic solver gives FLINT's exact solution, or steps aside."""

import random

import flint
import pytest
from hypothesis import given, settings, strategies as st

from exactopen.linalg import dixon


def _reference(B, C):
    num, den = flint.fmpq_mat(B).solve(flint.fmpq_mat(C)).numer_denom()
    return num, int(den)


def _random_system(rng, r, k, size):
    while True:
        B = flint.fmpz_mat(r, r, [rng.randint(-size, size) for _ in range(r * r)])
        if B.det() != 0:
            return B, flint.fmpz_mat(r, k, [rng.randint(-size, size) for _ in range(r * k)])


@pytest.mark.parametrize("seed", range(12))
def test_float_route_agrees_with_flint(seed):
    rng = random.Random(seed)
    B, C = _random_system(rng, rng.randint(1, 40), rng.randint(1, 30), rng.choice([1, 9, 10 ** 4]))
    found = dixon.lift_float64(B, C, b"%d" % seed)
    assert found is not None
    assert found == _reference(B, C)
    assert dixon.solve(B, C) == found


def test_pivot_block_of_a_low_rank_matrix():
    rng = random.Random(5)
    U = flint.fmpz_mat(60, 20, [rng.randint(-9, 9) for _ in range(1200)])
    V = flint.fmpz_mat(20, 60, [rng.randint(-9, 9) for _ in range(1200)])
    A = U * V
    rows = list(range(20))
    B = flint.fmpz_mat([[A[i, j] for j in range(20)] for i in rows])
    C = flint.fmpz_mat([[A[i, j] for j in range(20, 60)] for i in rows])
    if B.det() == 0:
        pytest.skip("the leading block happens to be singular for this seed")
    N, d = dixon.solve(B, C)
    assert (N, d) == _reference(B, C) and d.bit_length() > 64


def test_denominators_with_small_prime_factors():
    # x = B^-1 C has denominators 2, 4, 8, 3 in different entries: phase 1 needs their lcm
    B = flint.fmpz_mat([[2, 0, 0, 0], [0, 4, 0, 0], [0, 0, 8, 1], [0, 0, 0, 3]])
    C = flint.fmpz_mat([[1, 2, 3], [1, 2, 3], [1, 0, 4], [1, 3, 0]])
    assert dixon.lift_float64(B, C) == _reference(B, C)


def test_answer_does_not_depend_on_the_seed():
    B, C = _random_system(random.Random(1), 12, 7, 50)
    assert len({str(dixon.solve(B, C, s)) for s in (b"", b"a", b"b", b"c")}) == 1


def test_out_of_bounds_entries_go_to_flint():
    B, C = _random_system(random.Random(2), 5, 3, 10 ** 20)
    assert dixon.lift_float64(B, C) is None
    assert dixon.solve(B, C) == _reference(B, C)


def test_without_numpy_flint_answers(monkeypatch):
    B, C = _random_system(random.Random(3), 8, 4, 9)
    monkeypatch.setattr(dixon, "np", None)
    assert dixon.lift_float64(B, C) is None
    assert dixon.solve(B, C) == _reference(B, C)


def test_a_wrong_denominator_is_detected_or_corrected(monkeypatch):
    B, C = _random_system(random.Random(4), 10, 6, 9)
    N, d = _reference(B, C)
    q = next(p for p in range(2, 10 ** 6) if d % p == 0)
    original = dixon._denominator
    monkeypatch.setattr(dixon, "_denominator", lambda *a: original(*a) // q)
    # d X is not integral, the residual never vanishes, d = |det B| takes over
    assert dixon.lift_float64(B, C) == (N, d)
    monkeypatch.setattr(dixon, "_denominator", lambda *a: None)
    assert dixon.lift_float64(B, C) == (N, d)
    monkeypatch.setattr(dixon, "_denominator", lambda *a: original(*a) * 6)
    assert dixon.lift_float64(B, C) == (N, d)  # the common factor 6 is divided out


def test_empty_and_bad_shapes():
    assert dixon.solve(flint.fmpz_mat(0, 0), flint.fmpz_mat(0, 3)) == (flint.fmpz_mat(0, 3), 1)
    N, d = dixon.solve(flint.fmpz_mat([[3]]), flint.fmpz_mat(1, 0))
    assert (N.nrows(), N.ncols(), d) == (1, 0, 1)
    with pytest.raises(ValueError):
        dixon.solve(flint.fmpz_mat(2, 3), flint.fmpz_mat(2, 1))


def test_balanced_digits_and_assembly():
    rng = random.Random(9)
    p = 101
    for _ in range(50):
        n = rng.randint(-10 ** 30, 10 ** 30)
        digits = dixon._balanced_digits(n, p)
        assert sum(x * p ** k for k, x in enumerate(digits)) == n
        assert all(abs(x) <= 50 for x in digits)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2 ** 32), st.integers(1, 8), st.integers(1, 5),
       st.sampled_from([1, 3, 100]))
def test_property_solve_is_exact(seed, r, k, size):
    B, C = _random_system(random.Random(seed), r, k, size)
    N, d = dixon.solve(B, C, b"%d" % seed)
    assert d > 0 and B * N == C * d
    g = d
    for x in N.entries():
        g = flint.fmpz(g).gcd(x)
    assert g == 1


@pytest.mark.parametrize("seed", range(6))
def test_entries_near_the_float64_bounds(seed):
    # r = 3 and entries up to 2^22: bsum h is about 2^47 to 2^48, below the 2^51 cap
    rng = random.Random(50 + seed)
    B, C = _random_system(rng, 3, 5, 1 << 22)
    found = dixon.lift_float64(B, C)
    assert found is not None and found == _reference(B, C)
    big = B * 64  # now past the cap: FLINT answers
    assert dixon.lift_float64(big, C) is None
    assert dixon.solve(big, C) == _reference(big, C)


def test_solve_lifts_large_systems_and_leaves_small_ones_to_flint(monkeypatch):
    calls = []
    original = dixon.lift_float64
    monkeypatch.setattr(dixon, "lift_float64", lambda *a: calls.append(1) or original(*a))
    small = _random_system(random.Random(6), 10, 10, 9)
    assert dixon.solve(*small) == _reference(*small) and not calls
    large = _random_system(random.Random(7), 64, 64, 9)
    assert dixon.solve(*large) == _reference(*large) and calls == [1]
