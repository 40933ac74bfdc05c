"""Certificates of local openness (or its failure) for a pair (W1, W2): Theorem 2 and
Behrends' case."""

from __future__ import annotations

from ..linalg import FLINT, Engine, Matrix
from ..linalg.rank_evidence import rank_evidence
from ..openness import OpennessReport
from .encode import encode_matrix, encode_sparse
from .proof import Proof, certificate
from .rank import add_minor_step, add_rank_step


def nonsingular_minor(A: Matrix, engine: Engine = FLINT) -> tuple[list[int], list[int]]:
    """Rows and columns of a non-zero ``rank(A) x rank(A)`` minor of ``A``."""
    ev = rank_evidence(A, exact=engine.exact)
    rows, cols = list(ev.rows), list(ev.cols)
    return (cols, rows) if ev.transposed else (rows, cols)


def _perturbation_steps(proof: Proof, name: str, T: Matrix, base: str, total_matrix: Matrix,
                        product: list[str], engine: Engine) -> None:
    proof.add("matrix", defines=[name], name=name, value=encode_sparse(T))
    proof.add("product", reads=product, defines=["*".join(product)], factors=product)
    proof.add("zero", reads=["*".join(product)], matrix="*".join(product))
    total = f"{base}+{name}"
    proof.add("sum", reads=[base, name], defines=[total], terms=[base, name])
    rows, cols = nonsingular_minor(total_matrix, engine)
    add_minor_step(proof, total, total_matrix, rows, cols)


def _vector_steps(proof: Proof, name: str, vec: Matrix, nonzero: list[str], zero: list[str]) -> None:
    proof.add("matrix", defines=[name], name=name, value=encode_sparse(vec))
    for factors, rule in ((nonzero, "nonzero"), (zero, "zero")):
        product = "*".join(factors)
        proof.add("product", reads=factors, defines=[product], factors=factors)
        proof.add(rule, reads=[product], matrix=product)


def openness_certificate(report: OpennessReport) -> dict:
    """The certificate of a verified :class:`~exactopen.openness.OpennessReport`."""
    W1, W2 = report.W1, report.W2
    proof = Proof(["W1", "W2"])
    engine = report.engine if report.engine.name == "flint" else FLINT  # evidence is FLINT's
    add_rank_step(proof, "W1", W1, engine)
    add_rank_step(proof, "W2", W2, engine)
    proof.add("product", reads=["W1", "W2"], defines=["W1*W2"], factors=["W1", "W2"])
    add_rank_step(proof, "W1*W2", report.Z, engine)
    if report.T1 is not None:
        _perturbation_steps(proof, "T1", report.T1, "W1", report.W1_plus_T1, ["T1", "W2"],
                            engine)
    if report.T2 is not None:
        _perturbation_steps(proof, "T2", report.T2, "W2", report.W2_plus_T2, ["W1", "T2"],
                            engine)
    if report.u is not None:
        _vector_steps(proof, "u", report.u, ["W2", "u"], ["W1", "W2", "u"])
    if report.y is not None:
        _vector_steps(proof, "y", report.y, ["y", "W1"], ["y", "W1", "W2"])
    claim = {"W1": encode_matrix(W1), "W2": encode_matrix(W2), "setting": report.setting}
    verdict = "locally-open" if report.locally_open else "not-locally-open"
    return certificate("local-openness", claim, verdict, proof, conditions=dict(report.conditions))
