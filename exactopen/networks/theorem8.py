"""Theorem 8 for chosen widths: the paper's construction, its refutation, genuine minima.

For the square loss the paper's construction (docs/theorem8.md) is a critical
point with a positive semidefinite Hessian, but the curve
``W_1 + t e_1 e_{d0}^T, W_{p1+1} = (t^2/2) e_1 e_1^T, W_h + t e_{dh} e_1^T``
lowers the loss: ``L(t) - L(0) = -3/8 t^4 + 1/4 t^6 + 1/8 t^8``.  So it is
*not* a local minimum, and exactopen certifies that instead.

For a weighted square loss and widths with a bottleneck
``r = min hidden width < min(d_0, d_h)``, :func:`weighted_minimum` builds a
non-global local minimum of the loss: its product is a strict local minimum
on the rank-<= r matrices, the point itself is not strict (rescaling adjacent
layers, ``W_i -> c W_i`` and ``W_(i+1) -> W_(i+1) / c``, leaves L unchanged).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from ..errors import InputError, InternalError, NotApplicable
from ..linalg import Matrix
from .model import LinearNetwork, top_left_identity, unit


@dataclass(frozen=True)
class WidthReport:
    widths: tuple
    pairs: tuple            # all (p1, p2) meeting the paper's condition
    bottleneck: int | None  # r = min hidden width when it is < min(d_0, d_h)

    @property
    def paper_condition(self) -> bool:
        return bool(self.pairs)

    def lines(self) -> list[str]:
        d, h = list(self.widths), len(self.widths) - 1
        out = [f"widths d = {d} (h = {h} layer{'s' if h != 1 else ''})"]
        if self.pairs:
            shown = ", ".join(f"({a}, {b})" for a, b in self.pairs[:6])
            more = f" and {len(self.pairs) - 6} more" if len(self.pairs) > 6 else ""
            out.append(f"paper's condition (1 <= p1 < p2 <= h-1, d_0 > d_p1, d_h > d_p2): holds, "
                       f"pairs {shown}{more}")
            out.append("  paper predicts: some rank-deficient Y gives a non-global local minimum "
                       "of the square loss (5)")
            out.append("  exactopen finds: the paper's construction is a critical point with PSD "
                       "Hessian but NOT a local minimum; certificate: `exactopen counterexample "
                       f"--widths {','.join(map(str, d))} --loss square`")
        else:
            out.append("paper's condition: fails (no 1 <= p1 < p2 <= h-1 with d_0 > d_p1 and "
                       "d_h > d_p2)")
            out.append("  paper predicts: every local minimum of the square loss (5) is global")
        out.append("  cited, not certified: for the square loss, deep linear networks have no "
                   "non-global local minima for any widths, X and Y (L. Zhang 2019); exactopen "
                   "certifies refutations of the paper's construction, never such a minimum")
        if self.bottleneck is not None:
            out.append(f"bottleneck: min hidden width r = {self.bottleneck} < min(d_0, d_h) = "
                       f"{min(d[0], d[-1])}")
            out.append("  weighted square loss: a non-global local minimum exists (strict for the "
                       f"product on the rank-<= {self.bottleneck} matrices, not in the "
                       "parameters); certificate: `exactopen counterexample --widths "
                       f"{','.join(map(str, d))} --loss weighted`")
            if not self.pairs:
                out.append("  so the paper's remark that Theorem 8 holds for general convex losses "
                           "fails for these widths")
        elif h == 1:
            out.append("one layer, no hidden width: L(W) = l(W_1) is convex, so every local "
                       "minimum is global for any convex loss")
        else:
            out.append("no bottleneck (every hidden width >= min(d_0, d_h)); cited, not certified: "
                       "then every local minimum is global for any convex differentiable loss "
                       "(Laurent & von Brecht 2018)")
        return out


def analyze_widths(widths) -> WidthReport:
    d = tuple(widths)
    h = len(d) - 1
    pairs = tuple((p1, p2) for p1 in range(1, h) for p2 in range(p1 + 1, h)
                  if d[0] > d[p1] and d[h] > d[p2])
    hidden = d[1:-1]
    bottleneck = min(hidden) if hidden and min(hidden) < min(d[0], d[-1]) else None
    return WidthReport(d, pairs, bottleneck)


@dataclass(frozen=True)
class SquareConstruction:
    network: LinearNetwork
    p1: int
    better: tuple           # layers with loss 0
    curve: list             # curve[i] = coefficients of layer i (t^0, t^1, ...)


def paper_construction(widths, p1: int | None = None) -> SquareConstruction:
    """The paper's counterexample for the square loss, generalised to ``widths``
    (docs/theorem8.md)."""
    report = analyze_widths(widths)
    if not report.paper_condition:
        raise NotApplicable(f"widths {list(widths)} do not meet the paper's condition "
                         "(1 <= p1 < p2 <= h-1 with d_0 > d_p1 and d_h > d_p2); see "
                         "`exactopen widths`")
    valid = sorted({a for a, _ in report.pairs})
    if p1 is None:
        p1 = valid[0]
    elif p1 not in valid:
        raise InputError(f"p1 = {p1} is not valid for widths {list(widths)}; valid: {valid}")
    d, h = list(widths), len(widths) - 1
    layers = [top_left_identity(d[i + 1], d[i]) for i in range(h)]
    layers[p1] = Matrix.zeros(d[p1 + 1], d[p1])          # layer p1 + 1 (1-based)
    X = Matrix.identity(d[0])
    Y = unit(d[h], d[0], d[h] - 1, d[0] - 1)
    ones = Matrix([[1] * d[0] for _ in range(d[h])], ncols=d[0])
    net = LinearNetwork(tuple(d), tuple(layers), X, Y, ones)
    better = [unit(d[1], d[0], 0, d[0] - 1)] + [unit(d[i + 1], d[i], 0, 0) for i in range(1, h - 1)] \
        + [unit(d[h], d[h - 1], d[h] - 1, 0)]
    curve = [[W] for W in layers]
    curve[0] = [layers[0], unit(d[1], d[0], 0, d[0] - 1)]
    curve[p1] = [layers[p1], Matrix.zeros(d[p1 + 1], d[p1]),
                 unit(d[p1 + 1], d[p1], 0, 0, Fraction(1, 2))]
    curve[h - 1] = [layers[h - 1], unit(d[h], d[h - 1], d[h] - 1, 0)]
    return SquareConstruction(net, p1, tuple(better), curve)


def descent_order_and_t0(coeffs: list[Fraction]) -> tuple[int, Fraction]:
    """Lowest non-zero coefficient index k (must be negative) and t0 = a power of 1/2 with
    ``t0 * sum_{j>k} |c_j| <= |c_k| / 2``."""
    k = next((j for j in range(1, len(coeffs)) if coeffs[j]), None)
    if k is None or coeffs[k] > 0:
        raise InternalError(f"no descent: coefficients {coeffs}")
    tail = sum((abs(c) for c in coeffs[k + 1:]), Fraction(0))
    t0 = Fraction(1)
    while t0 * tail > abs(coeffs[k]) / 2:
        t0 /= 2
    return k, t0


@dataclass(frozen=True)
class WeightedConstruction:
    network: LinearNetwork
    r: int
    better: tuple
    rows: tuple
    cols: tuple


def weighted_minimum(widths) -> WeightedConstruction:
    """A non-global local minimum of a weighted square loss, strict for the product on the
    rank-<= r matrices (docs/theorem8.md)."""
    report = analyze_widths(widths)
    d, h = list(widths), len(widths) - 1
    if report.bottleneck is None:
        raise NotApplicable(f"widths {d} have no bottleneck: the min hidden width is >= "
                            f"min(d_0, d_h) = {min(d[0], d[-1])} (a bottleneck needs it below); "
                            "for convex losses such widths have no spurious local minima "
                            "(Laurent & von Brecht 2018), so there is nothing to construct")
    r = report.bottleneck
    y_diag = [5] * (r - 1) + [1, 2]
    Y = Matrix([[y_diag[i] if i == j and i <= r else 0 for j in range(d[0])]
                for i in range(d[h])], ncols=d[0])
    weights = Matrix([[3 if {i, j} == {r - 1, r} else 1 for j in range(d[0])]
                      for i in range(d[h])], ncols=d[0])
    first = Matrix([[(5 if i < r - 1 else 1) if i == j and i < r else 0 for j in range(d[0])]
                    for i in range(d[1])], ncols=d[0])
    layers = [first] + [top_left_identity(d[i + 1], d[i]) for i in range(1, h)]
    net = LinearNetwork(tuple(d), tuple(layers), Matrix.identity(d[0]), Y, weights)
    # Z* = diag(5, ..., 5, 0, 2): route input r+1 (0-based r) through hidden coordinate r.
    first_star = Matrix([[5 if (i == j and i < r - 1) else (2 if (i, j) == (r - 1, r) else 0)
                          for j in range(d[0])] for i in range(d[1])], ncols=d[0])
    last_star = Matrix([[1 if (i == j and i < r - 1) else (1 if (i, j) == (r, r - 1) else 0)
                         for j in range(d[h - 1])] for i in range(d[h])], ncols=d[h - 1])
    better = [first_star] + [top_left_identity(d[i + 1], d[i]) for i in range(1, h - 1)] \
        + [last_star]
    return WeightedConstruction(net, r, tuple(better), tuple(range(r)), tuple(range(r)))
