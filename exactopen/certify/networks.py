"""Certificates about deep linear networks (Lemmas 3 and 7, Theorem 8); ``classify`` is in
:mod:`.classify`.

The statements and what each certificate proves: docs/theory.md, sections 6-9.
"""

from __future__ import annotations

from fractions import Fraction

from ..errors import InputError, InternalError, NotApplicable
from ..linalg import Matrix
from ..linalg.numbers import encode_rational
from ..networks.derivatives import loss_along_curve
from ..networks.hessian import chart_gradient_and_hessian_flint, gradient, sparse_hessian
from ..networks.model import LinearNetwork
from ..networks.symmetric import ldl_columns
from ..networks.theorem8 import (SquareConstruction, WeightedConstruction,
                                 descent_order_and_t0)
from .encode import encode_matrix, encode_sparse
from .theorem2 import nonsingular_minor
from .proof import Proof, certificate
from .rank import add_minor_step, add_rank_step


def encode_network(net: LinearNetwork) -> dict:
    return {"widths": list(net.widths), "layers": [encode_matrix(W) for W in net.layers],
            "X": encode_matrix(net.X), "Y": encode_matrix(net.Y),
            "weights": encode_matrix(net.weights)}


def _claim_names(net: LinearNetwork) -> list[str]:
    return ["W", "X", "Y"] + [f"W{i + 1}" for i in range(net.depth)]


def _ldl_fields(H) -> dict:
    """``lower`` and ``diagonal`` of the canonical ``H = L D L^T`` (H in any form that
    :mod:`exactopen.networks.symmetric` accepts)."""
    factor = ldl_columns(H)
    if factor is None:
        raise InternalError("expected a positive semidefinite matrix")
    columns, D = factor
    n = len(D)
    rows = [["1" if i == j else "0" for j in range(n)] for i in range(n)]
    for j, col in enumerate(columns):
        for i, x in col.items():
            rows[i][j] = encode_rational(x)
    return {"lower": {"shape": [n, n], "rows": rows}, "diagonal": [encode_rational(x) for x in D]}


def largest_partial(net: LinearNetwork, grad: list[Fraction]) -> str:
    """``dL/dW2[1,3] = -4`` for the entry of largest absolute value (1-based positions)."""
    a = max(range(len(grad)), key=lambda k: (abs(grad[k]), -k))
    layer, p, q = net.parameters()[a]
    return f"dL/dW{layer + 1}[{p + 1},{q + 1}] = {grad[a]}"


def _require_critical(net: LinearNetwork, proof: Proof) -> None:
    grad = gradient(net)
    nonzero = sum(1 for g in grad if g)
    if nonzero:
        raise NotApplicable(f"W is not a critical point: the largest partial derivative is "
                            f"{largest_partial(net, grad)} ({nonzero} of {len(grad)} non-zero)")
    proof.add("critical-point", reads=["W"], point="W")


def _losses(proof: Proof, net: LinearNetwork, better) -> None:
    proof.add("loss", reads=["W"], point="W", value=encode_rational(net.loss()))
    proof.add("point", defines=["Wbetter"], name="Wbetter",
              layers=[encode_sparse(W) for W in better])
    proof.add("loss", reads=["Wbetter"], point="Wbetter", value=encode_rational(net.loss(better)))
    if not net.loss(better) < net.loss():
        raise InternalError("the better point is not better")


def _layers_of(net: LinearNetwork, curve, degree: int) -> list[dict]:
    out = []
    for i, W in enumerate(net.layers):
        coeffs = curve[i]
        M = coeffs[degree] if degree < len(coeffs) else Matrix.zeros(*W.shape)
        out.append(encode_sparse(M))
    return out


#: What the two Theorem 8 certificates compute, in order (for progress bars).
SQUARE_STAGES = ("critical point", "Hessian and L D L^T", "rank of Y and losses", "descent curve")
WEIGHTED_STAGES = ("critical point", "chart Hessian and L D L^T", "losses")


def _done(progress, stage):
    if progress:
        progress(stage)


def square_refutation_certificate(c: SquareConstruction, progress=None) -> dict:
    """Certify the true properties of the paper's construction and refute local minimality.

    ``progress(stage)`` is called as each of :data:`SQUARE_STAGES` ends."""
    net = c.network
    proof = Proof(_claim_names(net))
    _require_critical(net, proof)
    _done(progress, SQUARE_STAGES[0])
    proof.add("hessian-psd", reads=["W"], point="W", **_ldl_fields(sparse_hessian(net)))
    _done(progress, SQUARE_STAGES[1])
    add_rank_step(proof, "Y", net.Y)
    _losses(proof, net, c.better)
    _done(progress, SQUARE_STAGES[2])
    coeffs = loss_along_curve(net, c.curve)
    coeffs[0] = Fraction(0)
    while len(coeffs) > 1 and coeffs[-1] == 0:
        coeffs.pop()
    k, t0 = descent_order_and_t0(coeffs)
    degree = max(len(layer) for layer in c.curve) - 1
    proof.add("descent-curve", reads=["W"], point="W",
              curve=[_layers_of(net, c.curve, j) for j in range(1, degree + 1)],
              coefficients=[encode_rational(x) for x in coeffs], order=k,
              t0=encode_rational(t0))
    claim = {"network": encode_network(net), "construction": "theorem-8-paper",
             "properties": ["critical-point", "hessian-psd", "rank-deficient-target",
                            "not-global"]}
    _done(progress, SQUARE_STAGES[3])
    return certificate("network-not-local-minimum", claim, "not-a-local-minimum", proof)


def weighted_minimum_certificate(c: WeightedConstruction, progress=None) -> dict:
    """Certify a non-global local minimum of a weighted square loss (strict for the product on
    the rank-<= r matrices, not strict in the parameters).

    ``progress(stage)`` is called as each of :data:`WEIGHTED_STAGES` ends."""
    net = c.network
    proof = Proof(_claim_names(net))
    _require_critical(net, proof)
    _done(progress, WEIGHTED_STAGES[0])
    Z = net.product()
    grad, H = chart_gradient_and_hessian_flint(net, Z, c.rows, c.cols)
    if any(grad.entries()):
        raise InternalError("chart gradient is not zero")
    fields = _ldl_fields(H)
    if any(x == "0" for x in fields["diagonal"]):
        raise InternalError("chart Hessian is only semidefinite")
    inverse = Z.submatrix(c.rows, c.cols).inv()
    proof.add("chart-minimum", reads=["W"], point="W", rows=list(c.rows), cols=list(c.cols),
              inverse=encode_matrix(inverse), **fields)
    _done(progress, WEIGHTED_STAGES[1])
    _losses(proof, net, c.better)
    _done(progress, WEIGHTED_STAGES[2])
    claim = {"network": encode_network(net), "construction": "weighted-bottleneck",
             "properties": ["critical-point", "not-global"]}
    return certificate("network-local-minimum", claim, "non-global-local-minimum", proof)


def _product_step(proof: Proof, net: LinearNetwork) -> str:
    names = [f"W{i}" for i in range(net.depth, 0, -1)]
    if len(names) == 1:
        return names[0]
    proof.add("product", reads=names, defines=["*".join(names)], factors=names)
    return "*".join(names)


def lemma7_certificate(net: LinearNetwork) -> dict:
    """Lemma 7: a non-degenerate point (rank of the product = min width) is locally open."""
    proof = Proof(_claim_names(net))
    name = _product_step(proof, net)
    F = net.product()
    rows, cols = nonsingular_minor(F)
    if len(rows) < min(net.widths):
        raise NotApplicable(f"W is degenerate: rank(W_h ... W_1) = {len(rows)} < min width "
                         f"{min(net.widths)}, so Lemma 7 does not apply")
    add_minor_step(proof, name, F, rows, cols)
    network = encode_network(net) if net.data_given else \
        {"widths": list(net.widths), "layers": [encode_matrix(W) for W in net.layers]}
    claim = {"network": network, "lemma": "7"}
    return certificate("network-local-openness", claim, "locally-open", proof)


def lemma3_certificate(net: LinearNetwork, activation: dict) -> dict:
    """Lemma 3: full-row-rank layers, X of full column rank, strictly monotone activation."""
    proof = Proof(_claim_names(net))
    rows, cols = nonsingular_minor(net.X)
    if len(cols) < net.X.ncols:
        raise NotApplicable(f"X has rank {len(cols)} < {net.X.ncols} columns: the pyramidal setting "
                         "of Lemma 3 needs X of full column rank")
    add_minor_step(proof, "X", net.X, rows, cols)
    for i, W in enumerate(net.layers):
        rows, cols = nonsingular_minor(W)
        if len(rows) < W.nrows:
            raise NotApplicable(f"layer {i + 1} has rank {len(rows)} < {W.nrows} rows: Lemma 3 needs "
                             "every layer of full row rank")
        add_minor_step(proof, f"W{i + 1}", W, rows, cols)
    if not net.data_given:
        raise InputError("Lemma 3's certificate names the network's data: give Y (and X, "
                         "weights) in the network file; Lemma 7 needs none of them")
    claim = {"network": encode_network(net), "lemma": "3", "activation": activation}
    return certificate("network-local-openness", claim, "locally-open", proof)
