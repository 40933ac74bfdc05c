"""Matrices the benchmarks (and a few tests) run on."""

import random

from exactopen.linalg import Matrix


def sparse_block_matrix(rng: random.Random, n: int, blocks: int, density: float) -> Matrix:
    """A benchmark matrix: ``blocks`` diagonal blocks, each non-zero only on a few
    leading rows and columns (an arrow), with about ``density`` non-zeros overall."""
    size = n // blocks
    lines = max(1, round(size * (1 - (1 - density * blocks) ** 0.5)))
    rows = [[0] * n for _ in range(n)]
    for b in range(blocks):
        base = b * size
        for i in range(size):
            for j in range(size):
                if i < lines or j < lines:
                    rows[base + i][base + j] = rng.choice([-3, -2, -1, 1, 2, 3])
    return Matrix(rows, ncols=n)
