"""Shared fixtures: seeded random matrices of forced low rank, an edge-case table, and how
many examples the slow property and mutation tests run."""

import os
import random
from fractions import Fraction

import pytest


def pytest_addoption(parser):
    parser.addoption("--full", action="store_true",
                     help="run the slow property and mutation tests with all their examples "
                          "(also EXACTOPEN_FULL=1)")


def pytest_configure(config):
    if config.getoption("--full"):
        os.environ["EXACTOPEN_FULL"] = "1"


def full_run() -> bool:
    """True with ``pytest --full`` or ``EXACTOPEN_FULL=1``."""
    return os.environ.get("EXACTOPEN_FULL", "") not in ("", "0")


def examples(full: int, quick: int) -> int:
    """How many examples (samples, mutants) a test marked ``slow`` runs: ``quick`` by default,
    ``full`` in a full run; ``EXACTOPEN_PROPERTY_EXAMPLES=N`` sets N for every one."""
    chosen = os.environ.get("EXACTOPEN_PROPERTY_EXAMPLES")
    if chosen:
        return int(chosen)
    return full if full_run() else quick

from exactopen.linalg import Matrix


def low_rank(rng: random.Random, m: int, n: int, r: int, lo: int = -3, hi: int = 3) -> Matrix:
    """A product of thin factors (m x r)(r x n): rank at most r."""
    if min(m, n) == 0:
        return Matrix.zeros(m, n)
    B = [[rng.randint(lo, hi) for _ in range(r)] for _ in range(m)]
    C = [[rng.randint(lo, hi) for _ in range(n)] for _ in range(r)]
    return Matrix([[sum(B[i][k] * C[k][j] for k in range(r)) for j in range(n)]
                   for i in range(m)], ncols=n)


HUGE = 10 ** 300 + 7

#: name -> matrix: the cases that break elimination code.
EDGE_CASES = {
    "0x3": Matrix([], ncols=3),
    "3x0": Matrix.zeros(3, 0),
    "0x0": Matrix.zeros(0, 0),
    "1x1 zero": Matrix([[0]]),
    "1x1": Matrix([[-5]]),
    "zero 3x4": Matrix.zeros(3, 4),
    "identity 4": Matrix.identity(4),
    "full rank 3x3": Matrix([[2, 1, 0], [1, 3, 1], [0, 1, 4]]),
    "rank 1": Matrix([[1, 2, 3], [2, 4, 6], [-1, -2, -3]]),
    "huge entries": Matrix([[HUGE, HUGE + 1], [HUGE - 1, HUGE]]),
    "huge rank 1": Matrix([[HUGE, 2 * HUGE], [3, 6]]),
    "rational": Matrix([["1/2", "1/3", "1/5"], ["1/4", "1/6", "1/10"], ["2/7", 0, "-3/11"]]),
    "rational rank 1": Matrix([["1/2", "1/3"], ["3/2", 1]]),
    "wide": Matrix([[1, 0, 1, 0, 1], [0, 1, 0, 1, 0]]),
    "tall": Matrix([[1, 1], [2, 2], [3, 4], [5, 6]]),
}


@pytest.fixture(params=sorted(EDGE_CASES))
def edge_matrix(request):
    return EDGE_CASES[request.param]


def brute_rank(A: Matrix) -> int:
    """Rank by plain Fraction elimination, independent of both backends."""
    rows = [list(map(Fraction, r)) for r in A.tolist()]
    rank, col, n = 0, 0, A.ncols
    while rank < len(rows) and col < n:
        piv = next((i for i in range(rank, len(rows)) if rows[i][col]), None)
        if piv is None:
            col += 1
            continue
        rows[rank], rows[piv] = rows[piv], rows[rank]
        for i in range(len(rows)):
            if i != rank and rows[i][col]:
                f = rows[i][col] / rows[rank][col]
                rows[i] = [a - f * b for a, b in zip(rows[i], rows[rank])]
        rank += 1
        col += 1
    return rank


def run_cli(capsys, *argv, stdin=None, monkeypatch=None):
    """``exactopen ARGV`` in this process: ``(exit code, standard output, standard error)``;
    ``stdin`` (text or bytes) is fed to standard input through ``monkeypatch``."""
    import io
    import sys

    from exactopen.cli import main
    if stdin is not None:
        data = stdin if isinstance(stdin, bytes) else stdin.encode()
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))
    code = main([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err
