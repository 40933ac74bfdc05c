"""``classify``: a critical point of a deep linear network, certified (docs/theory.md, "Classifying").

In this order: not a critical point (refused, naming the largest partial
derivative); a **global minimum** (``grad l(Z) = 0``, or, for equal weights,
the low-rank bound); a **second-order saddle** (a direction of negative
curvature: the loss drops at order 2 along a line); **not a local minimum**
(a descent curve of order 3 or more: through zero layers, or along a line in
the kernel of the Hessian); a **local minimum** (a positive definite chart
Hessian at a non-degenerate point; tried before the kernel lines, which it
excludes); otherwise **undecided**, and the certificate states only that the point is a
critical point with its degeneracy.  Every certificate also proves the
degeneracy: a minor of size ``min_i d_i`` of the product (non-degenerate) or
a rank certificate of the product below it (degenerate).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from math import lcm

from ..errors import InternalError
from ..linalg import Matrix
from ..linalg.numbers import encode_rational
from ..networks import critical
from ..networks.derivatives import loss_along_curve
from ..networks.hessian import chart_gradient_and_hessian_flint, sparse_hessian
from ..networks.model import LinearNetwork
from ..networks.symmetric import ldl_columns, negative_direction
from ..networks.theorem8 import descent_order_and_t0
from .encode import encode_matrix
from .networks import (_claim_names, _layers_of, _ldl_fields, _product_step, _require_critical,
                       encode_network)
from .proof import Proof, certificate
from .rank import add_minor_step, add_rank_step
from .theorem2 import nonsingular_minor

#: The verdicts, in the order they are tried, with what each says.
VERDICTS = {
    "global-minimum": "a global minimum",
    "second-order-saddle": "a second-order saddle (zero gradient, and the Hessian has a negative "
                           "eigenvalue: the paper's definition); not a local minimum",
    "not-a-local-minimum": "not a local minimum",
    "local-minimum": "a local minimum",
    "critical-point": "undecided: a critical point, neither a minimum nor a saddle certified",
}


@dataclass(frozen=True)
class Classification:
    verdict: str                 # a key of VERDICTS
    degenerate: bool
    rank: int                    # rank of the product W_h ... W_1
    route: str | None            # the rule that decided: stationary-loss, low-rank-bound, ...
    descent: object | None       # the curve (critical.Descent-like) for saddles and descents
    certificate: dict


def _degeneracy(net: LinearNetwork, proof: Proof) -> tuple[bool, int]:
    name = _product_step(proof, net)
    Z = net.product()
    rows, cols = nonsingular_minor(Z)
    if len(rows) >= min(net.widths):
        add_minor_step(proof, name, Z, rows, cols)
        return False, len(rows)
    return True, add_rank_step(proof, name, Z)


def _descent_step(proof: Proof, net: LinearNetwork, found) -> None:
    degree = max(len(layer) for layer in found.curve) - 1
    proof.add("descent-curve", reads=["W"], point="W",
              curve=[_layers_of(net, found.curve, j) for j in range(1, degree + 1)],
              coefficients=[encode_rational(x) for x in found.coefficients], order=found.order,
              t0=encode_rational(found.t0))


@dataclass(frozen=True)
class _Line:
    curve: list
    coefficients: list
    order: int
    t0: Fraction
    kind: str = "negative-curvature"


def _negative_curvature(net: LinearNetwork) -> _Line | None:
    v = negative_direction(sparse_hessian(net))
    if v is None:
        return None
    scale = lcm(1, *(Fraction(x).denominator for x in v))
    values = iter([x * scale for x in v])
    direction = [Matrix([[next(values) for _ in range(W.ncols)] for _ in range(W.nrows)],
                        ncols=W.ncols) for W in net.layers]
    curve = [[W, D] if not D.is_zero() else [W] for W, D in zip(net.layers, direction)]
    coeffs = loss_along_curve(net, curve)
    coeffs[0] = Fraction(0)
    while len(coeffs) > 1 and coeffs[-1] == 0:
        coeffs.pop()
    order, t0 = descent_order_and_t0(coeffs)
    if order != 2:
        raise InternalError("a direction of negative curvature without a negative t^2 term")
    return _Line(curve, coeffs, order, t0)


def _chart_minimum(net: LinearNetwork, proof: Proof) -> bool:
    """Add a ``chart-minimum`` step when the chart Hessian at the product is positive definite."""
    Z = net.product()
    rows, cols = nonsingular_minor(Z)
    grad, H = chart_gradient_and_hessian_flint(net, Z, rows, cols)
    if any(grad.entries()):
        return False
    factor = ldl_columns(H)
    if factor is None or not all(factor[1]):
        return False
    proof.add("chart-minimum", reads=["W"], point="W", rows=list(rows), cols=list(cols),
              inverse=encode_matrix(Z.submatrix(rows, cols).inv()), **_ldl_fields(H))
    return True


def _bound_step(proof: Proof, bound) -> None:
    S, gap = (_ldl_fields(M) for M in (bound.S, bound.gap))
    proof.add("low-rank-bound", reads=["W"], point="W", threshold=encode_rational(bound.threshold),
              inverse=encode_matrix(bound.inverse), **S,
              **{"gap_lower": gap["lower"], "gap_diagonal": gap["diagonal"]})


def _global_minimum(net: LinearNetwork, proof: Proof):
    if net.loss_gradient(net.product()).is_zero():
        proof.add("stationary-loss", reads=["W"], point="W")
        return "global-minimum", "stationary-loss", None
    bound = critical.low_rank_bound(net)
    if bound is not None:
        _bound_step(proof, bound)
        return "global-minimum", "low-rank-bound", None
    return None


def _descent(found, verdict="not-a-local-minimum", route="descent-curve"):
    return (verdict, route, found) if found is not None else None


#: The stages of :func:`classify`, in order: each tries one argument until one applies.
STAGES = ("gradient", "degeneracy", "global minimum", "negative curvature",
          "descent through zero layers", "chart", "descent in the Hessian's kernel", "certificate")


def classify(net: LinearNetwork, progress=None) -> Classification:
    """Classify and certify the critical point ``W`` of ``net`` (see the module doc).

    ``progress(stage)`` is called as each of :data:`STAGES` ends.  Raises
    :class:`~exactopen.errors.NotApplicable` when W is not a critical point.
    """
    def done(stage):
        if progress:
            progress(stage)

    proof = Proof(_claim_names(net))
    _require_critical(net, proof)
    done(STAGES[0])
    degenerate, rank = _degeneracy(net, proof)
    done(STAGES[1])
    attempts = (
        lambda: _global_minimum(net, proof),
        lambda: _descent(_negative_curvature(net), "second-order-saddle", "negative-curvature"),
        lambda: _descent(critical.zero_layer_descent(net)),
        lambda: ("local-minimum", "chart-minimum", None)
        if not degenerate and _chart_minimum(net, proof) else None,
        lambda: _descent(critical.kernel_descent(net)))
    result = None
    for stage, attempt in zip(STAGES[2:], attempts):
        result = result or attempt()
        done(stage)
    verdict, route, found = result or ("critical-point", None, None)
    if found is not None:
        _descent_step(proof, net, found)
    claim = {"network": encode_network(net),
             "degeneracy": "degenerate" if degenerate else "non-degenerate"}
    cert = certificate("network-critical-point", claim, verdict, proof)
    done(STAGES[-1])
    return Classification(verdict, degenerate, rank, route, found, cert)


def classify_certificate(net: LinearNetwork) -> tuple[str, dict]:
    """``(verdict, certificate)``: :func:`classify` without the details."""
    c = classify(net)
    return c.verdict, c.certificate
