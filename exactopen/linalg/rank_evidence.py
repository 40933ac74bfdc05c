"""Evidence for the rank of a matrix: a non-zero minor and an integer kernel.

The fast route (THEORY.md §5): rank and pivots modulo a large prime chosen
deterministically from the input with ``flint.nmod_mat``; the pivot block is
non-singular modulo p, hence over Q, which proves ``rank >= r``.  One exact
solve on that block gives a kernel basis ``K`` with ``K[F, :]`` diagonal
(``F`` the non-pivot columns), which proves ``rank <= r`` once ``A K = 0`` has
been checked exactly.  An unlucky prime (rank drops modulo p) makes that check
fail and the next prime is tried.

Rows of ``A`` are scaled to integers first; that changes neither the rank,
the kernel nor which minors vanish.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from math import gcd, lcm

import flint

from ..errors import InternalError
from .matrix import Matrix


@dataclass(frozen=True)
class RankEvidence:
    """Why ``rank(A) == rank``.

    Attributes
    ----------
    rank : int
    rows, cols : tuple of int
        ``A[rows, cols]`` is a non-singular ``rank x rank`` block.
    kernel_pivot_part : list of list of int
        ``K[cols, :]``, a ``rank x (n - rank)`` integer matrix.
    kernel_diagonal : list of int
        ``K[F[f], f]`` for the free columns ``F`` (ascending), all non-zero;
        ``K`` is zero elsewhere on the free rows, so it has full column rank.
    transposed : bool
        When true the evidence is for ``A^T`` (smaller kernel); rows and
        columns above then refer to ``A^T``.
    """

    rank: int
    rows: tuple[int, ...]
    cols: tuple[int, ...]
    kernel_pivot_part: list
    kernel_diagonal: list
    transposed: bool = False


def deterministic_primes(seed: bytes):
    """Primes in [2^62, 2^63), a reproducible sequence derived from ``seed``."""
    counter = 0
    while True:
        h = hashlib.sha256(seed + counter.to_bytes(4, "big")).digest()
        x = (1 << 62) + (int.from_bytes(h[:8], "big") >> 3)
        x |= 1
        while not flint.fmpz(x).is_prime():
            x += 2
        yield x
        counter += 1


def _pivots(R, rank: int) -> list[int]:
    out, j = [], 0
    for i in range(rank):
        while R[i, j] == 0:
            j += 1
        out.append(j)
    return out


def _evidence_for_integer_matrix(Z: flint.fmpz_mat, prime: int):
    m, n = Z.nrows(), Z.ncols()
    if m == 0 or n == 0:
        return 0, [], [], [], [1] * n
    M = flint.nmod_mat(Z, prime)
    R, r = M.rref()
    cols = _pivots(R, r)
    sub = flint.nmod_mat(m, r, [M[i, j] for i in range(m) for j in cols], prime) if r else None
    rows = _pivots(sub.transpose().rref()[0], r) if r else []
    free = [j for j in range(n) if j not in set(cols)]
    if r == 0:
        return 0, [], [], [], [1] * n
    B = flint.fmpz_mat(r, r, [Z[i, j] for i in rows for j in cols])
    C = flint.fmpz_mat(r, len(free), [Z[i, j] for i in rows for j in free])
    X = B.solve(C) if free else None
    pivot_part = [[0] * len(free) for _ in range(r)]
    diagonal = []
    for f in range(len(free)):
        column = [X[a, f] for a in range(r)]
        den = 1
        for x in column:
            den = lcm(den, int(x.q))
        ints = [-int(x.p) * (den // int(x.q)) for x in column]
        g = den
        for x in ints:
            g = gcd(g, x)
        for a in range(r):
            pivot_part[a][f] = ints[a] // g
        diagonal.append(den // g)
    return r, rows, cols, pivot_part, diagonal


def kernel_identity_holds(Z: flint.fmpz_mat, cols, pivot_part, diagonal) -> bool:
    """Exactly check ``Z K == 0`` for the kernel described by the evidence."""
    m, n = Z.nrows(), Z.ncols()
    free = [j for j in range(n) if j not in set(cols)]
    if not free or m == 0:
        return True
    K = flint.fmpz_mat(n, len(free))
    for a, j in enumerate(cols):
        for f in range(len(free)):
            K[j, f] = pivot_part[a][f]
    for f, j in enumerate(free):
        K[j, f] = diagonal[f]
    return (Z * K).is_zero()


def rank_evidence(A: Matrix, *, max_tries: int = 5) -> RankEvidence:
    """Compute and exactly verify :class:`RankEvidence` for ``A``.

    Examples
    --------
    >>> ev = rank_evidence(Matrix([[1, 2], [2, 4]]))
    >>> ev.rank, ev.rows, ev.cols, ev.kernel_pivot_part, ev.kernel_diagonal
    (1, (0,), (0,), [[-2]], [1])
    """
    transposed = A.nrows < A.ncols
    Z = (A.T if transposed else A).integer_rows()
    seed = f"{Z.nrows()}x{Z.ncols()}:".encode() + Z.str().encode()
    for _, p in zip(range(max_tries), deterministic_primes(seed)):
        r, rows, cols, pivot_part, diagonal = _evidence_for_integer_matrix(Z, p)
        if kernel_identity_holds(Z, cols, pivot_part, diagonal):
            return RankEvidence(r, tuple(rows), tuple(cols), pivot_part, diagonal, transposed)
    raise InternalError(f"no verified kernel after {max_tries} primes")
