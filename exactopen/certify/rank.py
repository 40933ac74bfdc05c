"""Rank steps and rank certificates (docs/theory.md, section 5)."""

from __future__ import annotations

import flint

from ..checker.spec import PRIME
from ..linalg import FLINT, Engine, Matrix
from ..linalg.numbers import encode_rational
from ..linalg.rank_evidence import rank_evidence
from .data import EMBEDDED, ClaimSources
from .encode import encode_matrix
from .proof import Proof, certificate


#: Minors at least this large carry an inverse modulo p (checked by one packed product)
#: instead of a determinant residue (checked by an elimination in pure Python).
INVERSE_FROM = 48


def minor_evidence(A: Matrix, rows, cols) -> dict:
    """Evidence that ``A[rows, cols]`` (rows scaled to integers) is non-singular modulo 2^61 - 1."""
    if not rows:
        return {"det_residue": "1"}
    whole = list(rows) == list(range(A.nrows)) and list(cols) == list(range(A.ncols))
    block = flint.nmod_mat((A if whole else A.submatrix(rows, cols)).integer_rows(), PRIME)
    if len(rows) >= INVERSE_FROM:
        try:
            inverse = block.inv()
        except ZeroDivisionError:
            return {"det_residue": "0"}
        return {"inverse": {"shape": [len(rows), len(rows)],
                            "rows": [list(map(str, map(int, row))) for row in inverse.tolist()]}}
    return {"det_residue": str(int(block.det()))}


def add_rank_step(proof: Proof, name: str, A: Matrix, engine: Engine = FLINT) -> int:
    """Add a ``rank`` step proving ``rank(A)`` for the matrix called ``name``; return the rank.

    With an engine that is not exact the kernel is checked only modulo primes
    here; the certificate must then go through the independent checker.
    """
    ev = rank_evidence(A, exact=engine.exact)
    oriented = A.T if ev.transposed else A
    free = oriented.ncols - ev.rank
    proof.add("rank", reads=[name], defines=[f"rank({name})"], matrix=name, rank=ev.rank,
              transposed=ev.transposed,
              rows=list(ev.rows), cols=list(ev.cols),
              **minor_evidence(oriented, ev.rows, ev.cols),
              kernel={"pivot_part": encode_matrix(ev.kernel_pivot_part, ncols=free),
                      "denominator": encode_rational(ev.kernel_denominator)})
    return ev.rank


def add_minor_step(proof: Proof, name: str, A: Matrix, rows, cols) -> None:
    """Add a ``minor`` step: ``det A[rows, cols] != 0`` proves ``rank(A) >= len(rows)``."""
    proof.add("minor", reads=[name], matrix=name, rows=list(rows), cols=list(cols),
              **minor_evidence(A, rows, cols))


#: Below this fraction of non-zeros a claim matrix is written sparse and a vertex cover is tried.
SPARSE = 0.1


def rank_certificate(A: Matrix, engine: Engine = FLINT,
                     sources: ClaimSources = EMBEDDED) -> tuple[int, dict]:
    """Return ``(rank, certificate)`` for ``A``; ``sources`` says whether the claim refers to
    a weight file for it (see :mod:`.data`).

    Examples
    --------
    >>> r, cert = rank_certificate(Matrix([[1, 2], [2, 4]]))
    >>> r, cert["kind"], cert["verdict"]
    (1, 'rank', 'holds')
    """
    from ..linalg.sparse import cover_certificate, density  # networkx: only for this route

    proof = Proof(["A"])
    sparse = density(A) < SPARSE
    cover = cover_certificate(A, exact=engine.exact) if sparse else None
    if cover:
        cover_rows, cover_cols, minor_rows, minor_cols = cover
        proof.add("vertex-cover", reads=["A"], matrix="A", rows=cover_rows, cols=cover_cols)
        add_minor_step(proof, "A", A, minor_rows, minor_cols)
        r = len(minor_rows)
    else:
        r = add_rank_step(proof, "A", A, engine)
    claim = sources.claim({"matrix": sources.encode("A", A, sparse), "rank": r})
    return r, certificate("rank", claim, "holds", proof)
