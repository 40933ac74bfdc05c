"""Certificates of local openness (or its failure) for a pair (W1, W2): Theorem 2 and
Behrends' case.

The evidence grows with the factors, never with their m x n product: rank
steps on ``W1`` and ``W2`` themselves; a ``core`` step and a rank step on the
core ``W1[I, :] W2[:, J]`` (r1 x r2) for ``rank(W1 W2)``; the perturbations
omitted when the factor already has the rank asked for, otherwise factored
``T1 = T1L T1R`` with ``T1R W2 = 0`` checked as an s x n product (dually
``T2 = T2L T2R`` with ``W1 T2L = 0``); the vectors ``u`` and ``y``, whose
products the checker evaluates as ``W1 (W2 u)`` and ``(y W1) W2``.
"""

from __future__ import annotations

from ..linalg import FLINT, Engine, Matrix
from ..linalg.rank_evidence import rank_evidence
from ..openness import OpennessReport
from ..openness.witnesses import Perturbation
from .data import EMBEDDED, ClaimSources
from .encode import encode_sparse
from .proof import Proof, certificate
from .rank import add_minor_step, add_rank_step


def nonsingular_minor(A: Matrix, engine: Engine = FLINT) -> tuple[list[int], list[int]]:
    """Rows and columns of a non-zero ``rank(A) x rank(A)`` minor of ``A`` (the minor of
    :func:`add_rank_step`'s evidence)."""
    ev = rank_evidence(A, exact=engine.exact)
    rows, cols = list(ev.rows), list(ev.cols)
    return (cols, rows) if ev.transposed else (rows, cols)


def _perturbation_steps(proof: Proof, prefix: str, witness: Perturbation, base: str, other: str,
                        left: bool, engine: Engine) -> None:
    """``T = L R`` as two matrix steps, its vanishing product, ``base + T`` and a minor of it."""
    low, high = f"{prefix}L", f"{prefix}R"
    proof.add("matrix", defines=[low], name=low, value=encode_sparse(witness.left))
    proof.add("matrix", defines=[high], name=high, value=encode_sparse(witness.right))
    vanishing = [high, other] if left else [other, low]
    proof.add("product", reads=vanishing, defines=["*".join(vanishing)], factors=vanishing)
    proof.add("zero", reads=["*".join(vanishing)], matrix="*".join(vanishing))
    t = f"{low}*{high}"
    proof.add("product", reads=[low, high], defines=[t], factors=[low, high])
    total = f"{base}+{t}"
    proof.add("sum", reads=[base, t], defines=[total], terms=[base, t])
    rows, cols = nonsingular_minor(witness.total, engine)
    add_minor_step(proof, total, witness.total, rows, cols)


def _vector_steps(proof: Proof, name: str, vec: Matrix, nonzero: list[str],
                  zero: list[str]) -> None:
    proof.add("matrix", defines=[name], name=name, value=encode_sparse(vec))
    for factors, rule in ((nonzero, "nonzero"), (zero, "zero")):
        product = "*".join(factors)
        proof.add("product", reads=factors, defines=[product], factors=factors)
        proof.add(rule, reads=[product], matrix=product)


def openness_certificate(report: OpennessReport, sources: ClaimSources = EMBEDDED) -> dict:
    """The certificate of a verified :class:`~exactopen.openness.OpennessReport`.

    ``sources`` says which claim matrices are written as tensors of a data
    file (see :mod:`.data`); by default both are embedded.
    """
    W1, W2 = report.W1, report.W2
    proof = Proof(["W1", "W2"])
    engine = report.engine if report.engine.name == "flint" else FLINT  # evidence is FLINT's
    add_rank_step(proof, "W1", W1, engine)
    add_rank_step(proof, "W2", W2, engine)
    rows = nonsingular_minor(W1, engine)[0]
    cols = nonsingular_minor(W2, engine)[1]
    core = W1.submatrix(rows, range(W1.ncols)) @ W2.submatrix(range(W2.nrows), cols)
    proof.add("core", reads=["W1", "W2", "rank(W1)", "rank(W2)"], defines=["core(W1*W2)"],
              factors=["W1", "W2"])
    add_rank_step(proof, "core(W1*W2)", core, engine)
    if report.T1 is not None and report.T1.left is not None:
        _perturbation_steps(proof, "T1", report.T1, "W1", "W2", True, engine)
    if report.T2 is not None and report.T2.left is not None:
        _perturbation_steps(proof, "T2", report.T2, "W2", "W1", False, engine)
    if report.u is not None:
        _vector_steps(proof, "u", report.u, ["W2", "u"], ["W1", "W2", "u"])
    if report.y is not None:
        _vector_steps(proof, "y", report.y, ["y", "W1"], ["y", "W1", "W2"])
    claim = sources.claim({"W1": sources.encode("W1", W1), "W2": sources.encode("W2", W2),
                           "setting": report.setting})
    verdict = "locally-open" if report.locally_open else "not-locally-open"
    return certificate("local-openness", claim, verdict, proof, conditions=dict(report.conditions))
