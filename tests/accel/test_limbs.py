"""The optional accelerator (exactopen.accel.limbs) agrees with the checker's own standard-library path."""

import random
from fractions import Fraction

import pytest
from hypothesis import given, settings, strategies as st

from exactopen.accel import limbs
from exactopen.checker import arith, check_text
from exactopen.checker.spec import PRIME
from exactopen.linalg.rank_evidence import rank_evidence

from conftest import low_rank

pytestmark = pytest.mark.skipif(limbs.numpy is None, reason="NumPy is a dependency of exactopen")


def integer_rows(rows):
    """Each row scaled to integers by the lcm of its denominators (the checker's Mat rows)."""
    from math import lcm
    out = []
    for row in rows:
        d = lcm(*(Fraction(x).denominator for x in row)) if row else 1
        out.append([int(x * d) for x in row])
    return out


def _both(monkeypatch, rows, cols, free, P, d):
    """(accelerated verdict, plain verdict) for A K = 0; the checker with the
    accelerator lent must give the accelerated one (or the plain one)."""
    ints = integer_rows(rows)
    plain = arith.kernel_vanishes(ints, cols, free, P, d)
    fast = limbs.kernel_vanishes(ints, cols, free, P, d)
    assert arith.kernel_vanishes(ints, cols, free, P, d, limbs) is (plain if fast is None else fast)
    return fast, plain


def _system(rng, m, r, f, abits, pbits, holds):
    """Rows of A with A[:, J] = g M and A[:, F] = -g M P / d, so that A K = 0 (or one entry off)."""
    n = r + f
    cols = sorted(rng.sample(range(n), r))
    free = [j for j in range(n) if j not in cols]
    P = [[rng.randint(-(1 << pbits), 1 << pbits) for _ in range(f)] for _ in range(r)]
    d = rng.randint(1, 1 << pbits)
    g = rng.choice([1, d])  # A[:, J] = g M with g = d: no fractions; g = 1: rational A[:, F]
    M = [[rng.randint(-(1 << abits), 1 << abits) for _ in range(r)] for _ in range(m)]
    rows = [[0] * n for _ in range(m)]
    for i in range(m):
        for a, j in enumerate(cols):
            rows[i][j] = g * M[i][a]
        for c, j in enumerate(free):
            rows[i][j] = Fraction(-g * sum(M[i][a] * P[a][c] for a in range(r)), d)
    if not holds:
        i, c = rng.randrange(m), rng.randrange(f)
        P[rng.randrange(r)][c] += rng.choice([-1, 1]) << rng.randrange(pbits + 1)
    return rows, cols, free, P, d


def _truth(rows, cols, free, P, d):
    """A K = 0 by the definition, entry by entry."""
    K = [[0] * len(free) for _ in range(len(cols) + len(free))]
    for a, j in enumerate(cols):
        K[j] = P[a]
    for c, j in enumerate(free):
        K[j][c] = d
    return all(sum(x * y for x, y in zip(row, col)) == 0 for row in rows for col in zip(*K))


@pytest.mark.parametrize("seed", range(24))
def test_fast_and_plain_agree_on_true_and_false_kernels(monkeypatch, seed):
    rng = random.Random(seed)
    rows, cols, free, P, d = _system(rng, rng.randint(1, 12), rng.randint(1, 8),
                                     rng.randint(1, 9), rng.choice([1, 4, 14, 20]),
                                     rng.choice([3, 40, 200, 700]), seed % 2 == 0)
    fast, plain = _both(monkeypatch, rows, cols, free, P, d)
    assert plain is _truth(rows, cols, free, P, d)
    assert fast is plain or fast is None


def _real_kernel(seed, m, n, r, size):
    """The kernel evidence of a random integer matrix of rank r (small A, large P and d)."""
    A = low_rank(random.Random(seed), m, n, r, -size, size)
    ev = rank_evidence(A, transpose=False)
    free = [j for j in range(n) if j not in ev.cols]
    return [list(map(int, row)) for row in A.tolist()], list(ev.cols), free, \
        [list(map(int, row)) for row in ev.kernel_pivot_part.tolist()], ev.kernel_denominator


@pytest.mark.parametrize("seed", range(4))
def test_fast_path_applies_to_real_kernels(monkeypatch, seed):
    rows, cols, free, P, d = _real_kernel(seed, 60, 50, 20, 9999)
    assert max(abs(x) for row in P for x in row).bit_length() > 200  # many limbs
    assert _both(monkeypatch, rows, cols, free, P, d) == (True, True)
    P[seed][seed] += 1 << (150 + seed)  # wrong only in a high limb
    assert _both(monkeypatch, rows, cols, free, P, d) == (False, False)


def test_error_in_the_final_carry_alone_is_caught(monkeypatch):
    # A K = x - d = -2^64 = -2^(32 * 2): both limbs of the sum vanish, the carry does not.
    rows, cols, free, d = [[1, -1]], [0], [1], 1 << 63
    assert _both(monkeypatch, rows, cols, free, [[-(1 << 63)]], d) == (False, False)
    assert _both(monkeypatch, rows, cols, free, [[1 << 63]], d) == (True, True)
    for error in (1, -1, 1 << 31, 1 << 32, 1 << 40):  # the lowest bits of each limb count
        assert _both(monkeypatch, rows, cols, free, [[d + error]], d) == (False, False)


def test_split_recovers_every_value():
    rng = random.Random(3)
    values = [rng.randint(-(1 << 300), 1 << 300) for _ in range(50)] + [0, 1, -1]
    for bits in (8, 21, 31, 32):
        count = -(-301 // bits)
        parts = limbs._split(values, bits, count)
        for k, v in enumerate(values):
            assert sum(int(parts[l, k]) << (bits * l) for l in range(count)) == v
            assert all(abs(int(parts[l, k])) < 1 << bits for l in range(count))


def test_out_of_bounds_inputs_fall_back_to_the_plain_path(monkeypatch):
    huge = 1 << 60  # no limb width keeps sums of huge * limb below 2^53
    rows, cols, free = [[huge, -huge]], [0], [1]
    assert limbs.kernel_vanishes(rows, cols, free, [[1]], 1) is None
    assert arith.kernel_vanishes(rows, cols, free, [[1]], 1) is True
    monkeypatch.setattr(limbs, "numpy", None)
    assert limbs.kernel_vanishes([[1, -1]], cols, free, [[1]], 1) is None
    assert arith.kernel_vanishes([[1, -1]], cols, free, [[1]], 1) is True


def test_an_error_in_the_last_entry_is_caught(monkeypatch):
    rows, cols, free, P, d = _real_kernel(11, 30, 9, 4, 50)
    assert _both(monkeypatch, rows, cols, free, P, d) == (True, True)
    rows[-1][free[-1]] += 1  # only the last entry of A K is wrong
    assert _both(monkeypatch, rows, cols, free, P, d) == (False, False)


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2 ** 32), st.booleans(), st.integers(1, 6), st.integers(1, 6),
       st.sampled_from([0, 2, 10, 30]), st.sampled_from([1, 30, 130]))
def test_property_fast_equals_plain(seed, holds, r, f, abits, pbits):
    rng = random.Random(seed)
    rows, cols, free, P, d = _system(rng, rng.randint(1, 7), r, f, abits, pbits, holds)
    ints = integer_rows(rows)
    fast = limbs.kernel_vanishes(ints, cols, free, P, d)
    assert fast is None or fast == _truth(ints, cols, free, P, d)


def _inverse_mod_p(B):
    import flint
    inv = flint.nmod_mat(B, PRIME).inv()
    return [[int(x) for x in row] for row in inv.tolist()]


@pytest.mark.parametrize("seed", range(8))
def test_inverse_check_agrees_with_plain(monkeypatch, seed):
    rng = random.Random(seed)
    n = rng.randint(1, 40)
    size = rng.choice([1, 9, 10 ** 6])
    while True:
        B = [[rng.randint(-size, size) for _ in range(n)] for _ in range(n)]
        try:
            C = _inverse_mod_p(B)
            break
        except ZeroDivisionError:
            continue
    wrong = [row[:] for row in C]
    i, j = rng.randrange(n), rng.randrange(n)
    wrong[i][j] = (wrong[i][j] + rng.choice([1, 1 << 40, PRIME - 1])) % PRIME
    for inverse, expected in ((C, True), (wrong, False)):
        assert limbs.inverse_holds(B, inverse, PRIME) is expected
        assert arith.inverse_mod_p_holds(B, inverse, PRIME) is expected
        assert arith.inverse_mod_p_holds(B, inverse, PRIME, limbs) is expected


def test_product_declines_two_large_factors():
    assert limbs.product([[1 << 50, 1]], [[1 << 50], [1]], 1) is None
    assert arith.int_matmul([[1 << 50, 1]], [[1 << 50], [1]], 1) == [[(1 << 100) + 1]]


def test_inverse_check_declines_large_entries_and_other_primes():
    assert limbs.inverse_holds([[1 << 50]], [[1]], PRIME) is None
    assert limbs.inverse_holds([[2]], [[3]], 5) is None


def _naive(a, b):
    return [[sum(x * y for x, y in zip(row, col)) for col in zip(*b)] for row in a]


@pytest.mark.parametrize("seed", range(16))
def test_product_agrees_with_the_definition(monkeypatch, seed):
    rng = random.Random(seed)
    m, k, n = rng.randint(1, 12), rng.randint(1, 12), rng.randint(1, 12)
    abits, bbits = rng.choice([(3, 3), (10, 300), (300, 10), (40, 40), (20, 61)])
    if seed % 3 == 0:
        monkeypatch.setattr(limbs, "BLOCK", 16)  # several blocks of rows
    a = [[rng.randint(-(1 << abits), 1 << abits) for _ in range(k)] for _ in range(m)]
    b = [[rng.randint(-(1 << bbits), 1 << bbits) for _ in range(n)] for _ in range(k)]
    fast = limbs.product(a, b, n)
    assert fast is None or fast == _naive(a, b)
    if min(abits, bbits) <= 20:
        assert fast is not None  # one factor is small: this path applies
    assert arith.int_matmul(a, b, n) == _naive(a, b)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.integers(-(1 << 70), 1 << 70), min_size=3, max_size=3),
                min_size=1, max_size=5),
       st.lists(st.lists(st.integers(-9, 9), min_size=4, max_size=4), min_size=3, max_size=3))
def test_property_product_either_side_big(big, small):
    assert limbs.product(big, small, 4) == _naive(big, small)
    small_t = [list(c) for c in zip(*small)]
    big_t = [list(c) for c in zip(*big)]
    assert limbs.product(small_t, big_t, len(big)) == _naive(small_t, big_t)


def test_accelerator_switch(monkeypatch):
    assert limbs.accelerator() is limbs
    assert limbs.accelerator(plain=True) is None
    monkeypatch.setenv("EXACTOPEN_PLAIN", "1")
    assert limbs.accelerator() is None
    monkeypatch.delenv("EXACTOPEN_PLAIN")
    monkeypatch.setattr(limbs, "numpy", None)
    assert limbs.accelerator() is None


def test_check_text_lends_the_accelerator_to_one_check_only():
    import json

    from exactopen.certify.encode import dumps
    from exactopen.certify.rank import rank_certificate
    A = low_rank(random.Random(2), 12, 12, 4, -50, 50)
    text = dumps(rank_certificate(A)[1])
    calls = []

    class Spy:
        def __getattr__(self, name):
            return lambda *args: calls.append(name) or getattr(limbs, name)(*args)

    assert check_text(text, Spy()) == (0, "VERIFIED") and "kernel_vanishes" in calls
    seen = len(calls)
    assert check_text(text) == (0, "VERIFIED") and len(calls) == seen  # not kept after the check
    doc = json.loads(text)
    doc["steps"][0]["kernel"]["denominator"] = str(int(doc["steps"][0]["kernel"]["denominator"]) + 1)
    assert check_text(dumps(doc), Spy())[0] == 1
