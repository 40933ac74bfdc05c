"""Property tests (hypothesis, derandomised so CI is reproducible)."""

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import examples

from exactopen.certify.encode import dumps
from exactopen.certify.theorem2 import openness_certificate
from exactopen.certify.rank import rank_certificate
from exactopen.checker import check_text
from exactopen.checker.jsonload import rational as checker_rational
from exactopen.linalg import FLINT, FLINT_PROJECTED, SYMPY, Matrix, null_space, rank
from exactopen.linalg.numbers import encode_rational, parse_rational
from exactopen.openness import analyze

PROPERTY = settings(max_examples=60, deadline=None, derandomize=True)
#: The two that eliminate and certify: 60 examples in a full run (pytest --full), 20 by default.
SLOW = settings(max_examples=examples(60, 20), deadline=None, derandomize=True)

rationals = st.fractions(max_denominator=50).filter(lambda x: abs(x) < 1000)


def matrices(max_side=5):
    return st.integers(0, max_side).flatmap(
        lambda m: st.integers(0, max_side).flatmap(
            lambda n: st.lists(st.lists(rationals, min_size=n, max_size=n), min_size=m,
                               max_size=m).map(lambda rows: Matrix(rows, ncols=n))))


@PROPERTY
@given(st.fractions())
def test_rational_text_roundtrip(x):
    text = encode_rational(x)
    assert parse_rational(text) == x == Fraction(*checker_rational(text, "x"))


@pytest.mark.slow
@SLOW
@given(matrices())
def test_backends_agree_and_certificates_verify(A):
    r = rank(A, FLINT)
    assert r == rank(A, SYMPY)
    K = null_space(A)
    assert K.ncols == A.ncols - r and (A @ K).is_zero()
    assert rank_certificate(A)[0] == r
    assert check_text(dumps(rank_certificate(A)[1])) == (0, "VERIFIED")


@pytest.mark.slow
@SLOW
@given(st.integers(1, 4), st.integers(1, 4), st.integers(1, 4), st.data())
def test_openness_certificates_verify_and_follow_the_rank_rule(m, k, n, data):
    entries = st.integers(-2, 2)
    W1 = Matrix(data.draw(st.lists(st.lists(entries, min_size=k, max_size=k), min_size=m,
                                   max_size=m)), ncols=k)
    W2 = Matrix(data.draw(st.lists(st.lists(entries, min_size=n, max_size=n), min_size=k,
                                   max_size=k)), ncols=n)
    report = analyze(W1, W2)
    r1, r2, r12 = rank(W1, SYMPY), rank(W2, SYMPY), rank(W1 @ W2, SYMPY)
    if k < min(m, n):
        assert report.locally_open == (r1 == r2 == r12)
    else:
        assert report.locally_open == (m + r2 <= k + r12 or n + r1 <= k + r12)
    assert check_text(dumps(openness_certificate(report))) == (0, "VERIFIED")



@pytest.mark.parametrize("seed", range(30))
def test_intersection_vectors_are_written_canonically(seed):
    """u and y are primitive integer vectors, first non-zero entry positive (the generator's
    canonical form; the checker accepts any vector that proves (iii) or (iv) false)."""
    import json
    import random
    from math import gcd

    from conftest import low_rank
    rng = random.Random(seed)
    m, n = rng.randint(3, 6), rng.randint(3, 6)
    k = rng.randint(2, min(m, n) - 1)
    W1, W2 = low_rank(rng, m, k, rng.randint(1, k)), low_rank(rng, k, n, rng.randint(1, k))
    doc = json.loads(dumps(openness_certificate(analyze(W1, W2))))
    vectors = [s["value"] for s in doc["steps"] if s["rule"] == "matrix" and s["name"] in "uy"]
    for value in vectors:
        entries = [parse_rational(x) for row in value["rows"] for x in row] if "rows" in value \
            else [parse_rational(x) for _, _, x in sorted(value["nonzeros"])]  # sparse form
        assert all(x.denominator == 1 for x in entries)
        assert gcd(*(int(x) for x in entries)) == 1 and next(x for x in entries if x) > 0
    assert check_text(json.dumps(doc)) == (0, "VERIFIED")
