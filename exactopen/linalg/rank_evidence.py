"""Evidence for the rank of a matrix: a non-zero minor and an integer kernel.

The fast route (docs/theory.md, section 5): rank and pivots modulo a large prime chosen
deterministically from the input with ``flint.nmod_mat``; the pivot block is
non-singular modulo p, hence over Q, which proves ``rank >= r``.  One exact
solve on that block (p-adic lifting, :mod:`exactopen.linalg.dixon`) gives a
kernel basis ``K`` with ``K[F, :] = d I``
(``F`` the non-pivot columns, ``d`` a common denominator), which proves
``rank <= r`` once ``A K = 0``.

``A K = 0`` is checked modulo primes whose product exceeds twice the bound on
its entries (exact, by the Chinese remainder theorem) or, with
``exact=False``, modulo two further primes only, for callers that hand the
certificate to the independent checker anyway.  An unlucky prime (the rank
drops modulo p, or the pivots modulo p are not the pivots over Q) makes the
check fail and the next prime is tried.

Rows of ``A`` are scaled to integers first; that changes neither the rank,
the kernel nor which minors vanish.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace

import flint

from ..errors import InternalError
from . import dixon
from .matrix import Matrix

_FINGERPRINT_PRIME = (1 << 61) - 1


@dataclass(frozen=True)
class RankEvidence:
    """Why ``rank(A) == rank``.

    Attributes
    ----------
    rank : int
    rows, cols : tuple of int
        ``A[rows, cols]`` is a non-singular ``rank x rank`` block; ``cols``
        are the pivot columns of the reduced row echelon form.
    kernel_pivot_part : flint.fmpz_mat
        ``K[cols, :]``, a ``rank x (n - rank)`` integer matrix.
    kernel_denominator : int
        ``d > 0`` with ``K[F, :] = d I`` for the free columns ``F``
        (ascending), so ``K`` has full column rank; ``gcd(d, K) = 1``.
    transposed : bool
        When true the evidence is for ``A^T`` (the smaller kernel); rows and
        columns above then refer to ``A^T``.
    """

    rank: int
    rows: tuple[int, ...]
    cols: tuple[int, ...]
    kernel_pivot_part: flint.fmpz_mat
    kernel_denominator: int
    transposed: bool = False

    def kernel_basis(self, n: int) -> Matrix:
        """The kernel ``K`` (n x (n - rank)) as a matrix."""
        free = [j for j in range(n) if j not in set(self.cols)]
        K = [[0] * len(free) for _ in range(n)]
        for j, row in zip(self.cols, self.kernel_pivot_part.tolist()):
            K[j] = row
        for f, j in enumerate(free):
            K[j][f] = self.kernel_denominator
        return Matrix(K, ncols=len(free))


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


def _fingerprint(Z: flint.fmpz_mat) -> bytes:
    """A cheap deterministic digest of an integer matrix (for choosing primes only)."""
    m, n = Z.nrows(), Z.ncols()
    head = f"{m}x{n}:".encode()
    if m == 0 or n == 0:
        return head
    v = flint.nmod_mat(n, 1, [(j * j + 7 * j + 1) % _FINGERPRINT_PRIME for j in range(n)],
                       _FINGERPRINT_PRIME)
    image = flint.nmod_mat(Z, _FINGERPRINT_PRIME) * v
    return head + ",".join(str(int(image[i, 0])) for i in range(m)).encode()


def _pivots(R, rank: int) -> list[int]:
    out, j = [], 0
    for i in range(rank):
        while R[i, j] == 0:
            j += 1
        out.append(j)
    return out


def _submatrix(Z: flint.fmpz_mat, rows, cols) -> flint.fmpz_mat:
    return flint.fmpz_mat(len(rows), len(cols), [Z[i, j] for i in rows for j in cols])


def _evidence_for_integer_matrix(Z: flint.fmpz_mat, prime: int):
    m, n = Z.nrows(), Z.ncols()
    if m == 0 or n == 0:
        return 0, [], [], flint.fmpz_mat(0, n), 1
    M = flint.nmod_mat(Z, prime)
    R, r = M.rref()
    if r == 0:
        return 0, [], [], flint.fmpz_mat(0, n), 1
    cols = _pivots(R, r)
    # the first independent rows of M are those of M[:, cols] (every column of M is a
    # combination of the pivot columns, so a set of rows has the same rank in both)
    rows = _pivots(M.transpose().rref()[0], r)
    free = [j for j in range(n) if j not in set(cols)]
    if not free:
        return r, rows, cols, flint.fmpz_mat(r, 0), 1
    # X = B^-1 C = num / den in lowest terms, so gcd(den, num) = 1; K = [-num; den I]
    num, den = dixon.solve(_submatrix(Z, rows, cols), _submatrix(Z, rows, free),
                           seed=prime.to_bytes(8, "big"))
    return r, rows, cols, -num, den


def _rref_ordered(cols, free, pivot_part) -> bool:
    """Free column f uses only pivots to its left, as in the RREF over Q."""
    return all(not pivot_part[a, f] for a, j in enumerate(cols)
               for f, g in enumerate(free) if j > g)


def kernel_identity_holds(Z: flint.fmpz_mat, cols, pivot_part, denominator, exact=True) -> bool:
    """Check ``Z K == 0`` exactly, or with ``exact=False`` by random projections modulo primes.

    ``Z K = Z[:, J] P + d Z[:, F]``.
    The projection test (``Z K v = 0 mod q`` for seeded random ``v``) can only
    err by accepting; it serves callers that run the independent checker.
    """
    m, n = Z.nrows(), Z.ncols()
    free = [j for j in range(n) if j not in set(cols)]
    if not free or m == 0:
        return True
    if not exact:
        for trial, q in zip(range(2), deterministic_primes(b"kernel-check")):
            v = [int.from_bytes(hashlib.sha256(b"%d:%d" % (trial, f)).digest()[:8], "big") % q
                 for f in range(len(free))]
            Kv = [0] * n  # K v, with K[J, :] = P and K[F, :] = d I
            for f, j in enumerate(free):
                Kv[j] = denominator * v[f] % q
            if cols:
                Pv = flint.nmod_mat(pivot_part, q) * flint.nmod_mat(len(free), 1, v, q)
                for a, j in enumerate(cols):
                    Kv[j] = int(Pv[a, 0])
            if flint.nmod_mat(Z, q) * flint.nmod_mat(n, 1, Kv, q) != flint.nmod_mat(m, 1, q):
                return False
        return True
    K = [[0] * len(free) for _ in range(n)]  # K[J, :] = P, K[F, :] = d I: one product Z K
    for a, j in enumerate(cols):
        K[j] = [pivot_part[a, f] for f in range(len(free))]
    for f, j in enumerate(free):
        K[j][f] = denominator
    return (Z * flint.fmpz_mat(K)).is_zero()


def rank_evidence(A: Matrix, *, exact: bool = True, transpose: bool | None = None,
                  max_tries: int = 5) -> RankEvidence:
    """Compute and check :class:`RankEvidence` for ``A`` (cached on ``A``).

    Parameters
    ----------
    exact : bool
        Prove ``A K = 0`` before returning; with False it is checked by random
        projections modulo primes, for callers that run the independent
        checker on the certificate.
    transpose : bool, optional
        Give the evidence for ``A^T`` (True) or ``A`` (False); by default the
        side with the smaller kernel.

    Examples
    --------
    >>> ev = rank_evidence(Matrix([[1, 2], [2, 4]]))
    >>> ev.rank, ev.rows, ev.cols, ev.kernel_pivot_part.tolist(), ev.kernel_denominator
    (1, (0,), (0,), [[-2]], 1)
    """
    transposed = A.nrows < A.ncols if transpose is None else transpose
    key = ("rank_evidence", transposed)
    cached = A._cache.get(key)
    partner = A._cache.get("transpose")
    if cached is None and partner is not None:  # evidence for A^T of the other side: the same
        theirs = partner._cache.get(("rank_evidence", not transposed))
        if theirs:
            cached = A._cache[key] = (replace(theirs[0], transposed=transposed), theirs[1])
    if cached and (cached[1] or not exact):
        return cached[0]
    if cached:  # checked modulo primes only: now prove the kernel identity exactly
        ev = cached[0]
        Z = (A.T if transposed else A).to_flint().numer_denom()[0]
        if kernel_identity_holds(Z, ev.cols, ev.kernel_pivot_part, ev.kernel_denominator):
            A._cache[key] = (ev, True)
            return ev
    Z = (A.T if transposed else A).to_flint().numer_denom()[0]  # same rank and kernel
    n = Z.ncols()
    for _, p in zip(range(max_tries), deterministic_primes(_fingerprint(Z))):
        r, rows, cols, pivot_part, denominator = _evidence_for_integer_matrix(Z, p)
        free = [j for j in range(n) if j not in set(cols)]
        if _rref_ordered(cols, free, pivot_part) and \
                kernel_identity_holds(Z, cols, pivot_part, denominator, exact):
            ev = RankEvidence(r, tuple(rows), tuple(cols), pivot_part, denominator, transposed)
            A._cache[key] = (ev, exact)
            return ev
    raise InternalError(f"no verified kernel after {max_tries} primes")


def linked_transpose(A: Matrix) -> Matrix:
    """``A.T``, the same object on every call, sharing its rank evidence with ``A``
    (evidence for ``A`` is evidence for ``A^T`` with ``transposed`` flipped)."""
    return A.T  # made once and linked both ways by Matrix.T


def independent_columns(A: Matrix, exact: bool = True) -> list[int]:
    """Columns of ``A`` forming a basis of its column space (a non-singular minor's columns)."""
    ev = rank_evidence(A, exact=exact)
    return list(ev.rows if ev.transposed else ev.cols)


def independent_rows(A: Matrix, exact: bool = True) -> list[int]:
    """Rows of ``A`` forming a basis of its row space."""
    ev = rank_evidence(A, exact=exact)
    return list(ev.cols if ev.transposed else ev.rows)
