"""Lifting: exact factors of nearby targets, reach shrinking with delta, clear refusals."""

import random
from fractions import Fraction

import pytest

from conftest import brute_rank, low_rank
from exactopen.certify.encode import dumps
from exactopen.checker import check_text
from exactopen.cli import main
from exactopen.errors import InputError
from exactopen.linalg import Matrix
from exactopen.openness.lift import NotLiftable, lift
from exactopen.openness import analyze
from exactopen.openness.probe import probe


def _integer_product_equals(A: Matrix, B: Matrix, C: Matrix) -> bool:
    """A B == C checked with Python integers only (common denominators cleared)."""
    from math import lcm
    d = 1
    for M in (A, B, C):
        for row in M.tolist():
            for x in row:
                d = lcm(d, x.denominator)
    a = [[int(x * d) for x in r] for r in A.tolist()]
    b = [[int(x * d) for x in r] for r in B.tolist()]
    c = [[int(x * d * d) for x in r] for r in C.tolist()]
    return all(sum(a[i][t] * b[t][j] for t in range(B.nrows)) == c[i][j]
               for i in range(A.nrows) for j in range(B.ncols))


def _open_pair(rng, behrends):
    while True:
        if behrends:
            m, n = rng.randint(1, 4), rng.randint(1, 4)
            k = rng.randint(min(m, n), 5)
        else:
            k = rng.randint(1, 4)
            m, n = rng.randint(k + 1, 6), rng.randint(k + 1, 6)
        W1 = low_rank(rng, m, k, rng.randint(0, min(m, k)), -2, 2)
        W2 = low_rank(rng, k, n, rng.randint(0, min(k, n)), -2, 2)
        report = analyze(W1, W2)
        if report.locally_open:
            return W1, W2, report


def _target(rng, report, radius):
    W1, W2 = report.W1, report.W2
    m, k, n = report.shape
    if report.setting == "behrends":
        E = Matrix([[rng.randint(-3, 3) for _ in range(n)] for _ in range(m)], ncols=n)
        return W1 @ W2 + E.scale(radius)
    A = Matrix([[rng.randint(-3, 3) for _ in range(k)] for _ in range(m)], ncols=k)
    B = Matrix([[rng.randint(-3, 3) for _ in range(n)] for _ in range(k)], ncols=n)
    return (W1 + A.scale(radius)) @ (W2 + B.scale(radius))


@pytest.mark.parametrize("behrends", [False, True])
@pytest.mark.parametrize("seed", range(8))
def test_random_lifts_are_exact_and_shrink(seed, behrends):
    rng = random.Random(seed)
    W1, W2, report = _open_pair(rng, behrends)
    reaches = []
    for radius in (Fraction(1, 10), Fraction(1, 1000), Fraction(1, 10 ** 5)):
        Z2 = _target(rng, report, radius)
        assert report.setting == "behrends" or brute_rank(Z2) <= report.shape[1]
        result = lift(W1, W2, Z2, report)
        assert _integer_product_equals(result.W1, result.W2, Z2)
        reaches.append(result.reach1_squared + result.reach2_squared)
    assert reaches[2] < reaches[0] and reaches[2] < Fraction(1, 100)


def test_lift_writes_exact_factors_and_the_openness_certificate(capsys, tmp_path):
    import json
    factors, cert = tmp_path / "f.json", tmp_path / "c.json"
    target = [[Fraction(1, 10 ** 6) * x for x in row] for row in ([1, 2, 3], [0, 0, 0], [2, 4, 6])]
    text = json.dumps([[str(x) for x in row] for row in target])
    code = main(["lift", "[[0],[0],[0]]", "[[0,0,0]]", text, "--factors", str(factors),
                 "-o", str(cert)])
    assert code == 0 and main(["verify", str(cert)]) == 0
    got = json.loads(factors.read_text())
    w1 = [[Fraction(x) for x in row] for row in got["W1"]["rows"]]
    w2 = [[Fraction(x) for x in row] for row in got["W2"]["rows"]]
    product = [[sum(a * b for a, b in zip(row, col)) for col in zip(*w2)] for row in w1]
    assert product == target


@pytest.mark.parametrize("w1, w2, expected", [
    ([[1, 0], [0, 1], [1, 1]], [[1, 0, 1], [0, 1, 1]], 1.0),   # full rank, k = 2
    ([[1], [2], [3]], [[1, -1, 2]], 1.0),                         # full rank, k = 1
    ([[0], [0]], [[0, 0]], 0.5),                                  # W1 = W2 = 0, k < min(m, n)
    ([[0, 0], [0, 0], [0, 0]], [[0, 0, 0], [0, 0, 0]], 0.5),
])
def test_probe_exponents(w1, w2, expected):
    _, exponent = probe(Matrix(w1), Matrix(w2), samples=4, seed=1)
    assert abs(exponent - expected) < 0.1


def test_refusals():
    with pytest.raises(NotLiftable, match="rank\\(W1\\) = 1 != rank\\(W2\\) = 0"):
        lift(Matrix([[1], [1]]), Matrix([[0, 0]]), Matrix([[0, 0], [0, 0]]))
    with pytest.raises(NotLiftable, match="outside the range"):
        lift(Matrix([[1], [2]]), Matrix([[1, 1]]), Matrix([[1, 0], [0, 1]]))
    with pytest.raises(NotLiftable, match="too far"):
        lift(Matrix([[1], [2]]), Matrix([[1, 1]]), Matrix([[0, 1], [0, 2]]))
    with pytest.raises(InputError, match="the target is 1 x 2"):
        lift(Matrix([[1], [2]]), Matrix([[1, 1]]), Matrix([[1, 1]]))
    with pytest.raises(NotLiftable, match="nothing to probe"):
        probe(Matrix([[1], [0], [0]]), Matrix([[0, 0, 0]]))


def test_cli_lift_and_probe(capsys, tmp_path):
    cert = tmp_path / "lift.json"
    code = main(["lift", "[[1],[2]]", "[[1,1]]", '[[1,"11/10"],[2,"11/5"]]', "-o", str(cert)])
    out = capsys.readouterr().out
    assert code == 0 and "W1' W2' = Z' exactly" in out and "||W2' - W2||^2 = 1/100" in out
    assert main(["verify", str(cert)]) == 0
    capsys.readouterr()
    plot = tmp_path / "p.svg"
    code = main(["probe", "[[1],[2],[3]]", "[[1,1,1]]", "--samples", "2", "--plot", str(plot)])
    out = capsys.readouterr().out
    assert code == 0 and "fitted exponent" in out and plot.read_text().startswith("<svg")
    code = main(["lift", "[[1],[1]]", "[[0,0]]", "[[0,0],[0,0]]"])
    assert code == 5 and "not locally open" in capsys.readouterr().err
    code = main(["probe", "[[1],[2]]", "[[1,1]]", "--radii", "0,1"])
    assert code == 2 and "positive" in capsys.readouterr().err
