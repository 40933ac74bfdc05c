"""Command-line commands for deep linear networks."""

from __future__ import annotations

import os

from ..errors import InputError, NotApplicable
from .common import EXIT_OK, add_output, progress, say, write_certificate

NETWORK_HELP = """\
A network file is JSON:
  {"widths": [2, 1, 2], "layers": [W1, W2], "X": X, "Y": Y, "weights": w}
with matrices as lists of rows (integers, "p/q" or exact decimals); W_i is
d_i x d_(i-1), X is d_0 x N (default: identity), Y and the positive weights w
are d_h x N (weights default to 1).  The loss is 1/2 sum w o (W_h..W_1 X - Y)^2.
"""


def _read_network(path: str):
    from ..checker.spec import MAX_FILE_BYTES
    from ..errors import ResourceLimitError
    from ..networks.model import network_from_json

    if not os.path.isfile(path):
        raise InputError(f"{path}: no such file")
    if os.path.getsize(path) > MAX_FILE_BYTES:
        raise ResourceLimitError(f"{path}: {os.path.getsize(path)} bytes exceeds the cap of "
                                 f"{MAX_FILE_BYTES}")
    try:
        with open(path, encoding="utf-8-sig") as handle:
            return network_from_json(handle.read(), path)
    except UnicodeDecodeError:
        raise InputError(f"{path}: not a UTF-8 text file") from None


def cmd_widths(args) -> int:
    from ..networks.model import parse_widths
    from ..networks.theorem8 import analyze_widths

    print("\n".join(analyze_widths(parse_widths(args.widths)).lines()))
    return EXIT_OK


def cmd_counterexample(args) -> int:
    from ..certify.networks import (SQUARE_STAGES, WEIGHTED_STAGES, square_refutation_certificate,
                                    weighted_minimum_certificate)
    from ..networks.model import parse_widths
    from ..networks.theorem8 import analyze_widths, paper_construction, weighted_minimum
    from ..report.text import format_polynomial

    widths = parse_widths(args.widths)
    report = analyze_widths(widths)
    say(args, "\n".join(report.lines()))
    if args.loss == "square" and not report.paper_condition:
        raise NotApplicable(f"widths {widths} do not meet the paper's condition, so the paper "
                            "predicts that every local minimum is global and there is no "
                            "construction to test; try --loss weighted where there is a "
                            "bottleneck")
    stages = SQUARE_STAGES if args.loss == "square" else WEIGHTED_STAGES
    with progress(args, len(stages) + 1, f"counterexample ({args.loss} loss)") as bar:
        if args.loss == "square":
            construction = paper_construction(widths, args.p1)
            cert = square_refutation_certificate(construction, lambda stage: bar.update(1))
        else:
            construction = weighted_minimum(widths)
            cert = weighted_minimum_certificate(construction, lambda stage: bar.update(1))
        status = write_certificate(args, cert)
        bar.update(1)
    net = construction.network
    if args.loss == "square":
        curve = next(s for s in cert["steps"] if s["rule"] == "descent-curve")
        say(args, f"construction (p1 = {construction.p1}): X = I, Y = e_dh e_d0^T, identity "
                  f"blocks, layer {construction.p1 + 1} zero; loss {net.loss()}")
        say(args, "certified: critical point, Hessian positive semidefinite, rank(Y) = 1 < "
                  "min(d_0, d_h), a point with loss 0")
        say(args, "refuted: local minimality; along the descent curve L(t) - L(0) = "
                  f"{format_polynomial(curve['coefficients'])} < 0 for 0 < t <= {curve['t0']}")
        print("verdict: NOT a local minimum (the paper's counterexample fails for the square loss)")
    else:
        r = construction.r
        say(args, f"construction: weighted square loss (weights 3 at ({r}, {r + 1}) and "
                  f"({r + 1}, {r}), else 1), bottleneck r = {r}")
        say(args, f"certified: critical point; the product Z is a strict local minimum of the "
                  f"loss on the rank-<= {r} matrices (chart Hessian positive definite), so W is a "
                  f"local minimum of L, not strict in the parameters (W_i -> c W_i, "
                  f"W_(i+1) -> W_(i+1) / c leaves L unchanged); loss {net.loss()} > "
                  f"{net.loss(construction.better)} at another point")
        print("verdict: a NON-GLOBAL LOCAL MINIMUM of L")
    print(status)
    return EXIT_OK


#: What each route of ``classify`` proves, for the output.
ROUTES = {
    "stationary-loss": "grad l(W_h ... W_1) = 0, so the product minimises the convex loss l over "
                       "all matrices",
    "low-rank-bound": "with equal weights, L(W) equals the least loss of any product of rank <= "
                      "min width (Eckart-Young, certified with Ky Fan's bound at t = {t})",
    "negative-curvature": "along W(t) = W + t D (D in the certificate), L(W(t)) - L(W) = {poly} "
                          "< 0 for 0 < t <= {t0}",
    "descent-curve": "along {curve}, L(W(t)) - L(W) = {poly} < 0 for 0 < t <= {t0} (order "
                     "{order}: no second-order test sees it)",
    "chart-minimum": "in the chart of the rank-{r} matrices at the product, the loss has zero "
                     "gradient and a positive definite Hessian: a local minimum of L, strict for "
                     "the product W_h ... W_1 on the rank-<= {r} matrices but not strict in the "
                     "parameters (W_i -> c W_i, W_(i+1) -> W_(i+1) / c leaves L unchanged)",
    None: "no certified argument decides it: no global bound applies, the Hessian has no "
          "direction of negative curvature, no descent curve through zero layers was found and "
          "no positive definite chart Hessian; the certificate states only that W is a critical "
          "point and its degeneracy",
}


CURVES = {"zero-layers": "the line W(t) = W + t D that fills the zero layers (D in the "
                         "certificate)",
          "hessian-kernel": "the line W(t) = W + t D, D in the kernel of the Hessian (in the "
                            "certificate)",
          "theorem-8": "the curve that moves the zero layer by t^2 E and the outer layers by t D "
                       "(the generalised Theorem 8 curve, in the certificate)"}


def cmd_classify(args) -> int:
    from ..certify.classify import STAGES, VERDICTS, classify

    net = _read_network(args.network)
    with progress(args, len(STAGES) + 1, "classify") as bar:
        result = classify(net, progress=lambda stage: bar.update(1))
        status = write_certificate(args, result.certificate)
        bar.update(1)
    d, r = list(net.widths), min(net.widths)
    say(args, f"critical point of a network with widths {d} (h = {net.depth} layers), "
              f"loss {net.loss()}")
    rel = "<" if result.degenerate else "="
    say(args, f"degeneracy: {'degenerate' if result.degenerate else 'non-degenerate'}: "
              f"rank(W_h ... W_1) = {result.rank} {rel} min width {r} (certified)")
    from ..report.text import format_polynomial

    step = next((s for s in result.certificate["steps"] if s["rule"] == "descent-curve"), {})
    bound = next((s for s in result.certificate["steps"] if s["rule"] == "low-rank-bound"), {})
    why = ROUTES[result.route].format(
        poly=format_polynomial(step.get("coefficients", ["0"])), t0=step.get("t0"),
        order=step.get("order"), r=r, t=bound.get("threshold"),
        curve=CURVES.get(getattr(result.descent, "kind", None)))
    print(f"verdict: {VERDICTS[result.verdict]}: {why}")
    print(status)
    return EXIT_OK


def _activation(text: str) -> dict:
    from ..linalg.numbers import encode_rational, parse_rational

    if text == "identity":
        return {"name": "identity"}
    if text.startswith("leaky-relu:"):
        slope = parse_rational(text.split(":", 1)[1], where="--activation slope")
        if slope <= 0:
            raise InputError("--activation: a leaky ReLU is strictly monotone only for a positive "
                             "slope")
        return {"name": "leaky-relu", "slope": encode_rational(slope)}
    raise InputError(f"--activation {text!r}: expected identity or leaky-relu:SLOPE "
                     "(e.g. leaky-relu:1/10)")


def cmd_network_open(args) -> int:
    from ..certify.networks import lemma3_certificate, lemma7_certificate

    net = _read_network(args.network)
    if args.lemma == "7":
        cert = lemma7_certificate(net)
        print(f"rank(W_h ... W_1) = min width {min(net.widths)}: non-degenerate, so the product "
              "map is locally open at W (Lemma 7)")
    else:
        cert = lemma3_certificate(net, _activation(args.activation))
        print("every layer has full row rank and X full column rank: the pyramidal network is "
              "locally open at W (Lemma 3)")
    print(write_certificate(args, cert))
    return EXIT_OK


def register(sub, fmt) -> None:
    """Add the network commands to the ``exactopen`` parser."""
    p = sub.add_parser("widths", help="Theorem 8: the paper's condition and predictions for widths",
                       description="Report the paper's condition (1 <= p1 < p2 <= h-1 with "
                                   "d_0 > d_p1 and d_h > d_p2), the bottleneck condition, and "
                                   "what the paper predicts against what exactopen certifies.")
    p.add_argument("widths", help="comma-separated widths d_0,...,d_h, e.g. 2,1,1,2")
    p.set_defaults(func=cmd_widths)

    p = sub.add_parser("counterexample", help="Theorem 8 constructions for chosen widths, certified",
                       description="--loss square builds the paper's construction and certifies "
                                   "that it is a critical point with PSD Hessian that is NOT a "
                                   "local minimum (a descent curve). --loss weighted builds, "
                                   "where the widths have a bottleneck r, a non-global local "
                                   "minimum of a weighted square loss: its product is a strict "
                                   "local minimum on the rank-<= r matrices, the point itself is "
                                   "not strict (rescaling adjacent layers leaves L unchanged).")
    p.add_argument("--widths", required=True, help="comma-separated widths, e.g. 2,1,1,2")
    p.add_argument("--loss", choices=("square", "weighted"), default="square")
    p.add_argument("--p1", type=int, help="which valid p1 to use (default: the smallest)")
    add_output(p)
    p.set_defaults(func=cmd_counterexample)

    p = sub.add_parser("classify", help="classify a critical point of a deep linear network",
                       formatter_class=fmt,
                       description="Check that W is a critical point (else exit 5, naming the "
                                   "largest partial derivative), certify its degeneracy "
                                   "(rank(W_h ... W_1) = min width or below), and certify, in "
                                   "this order: a global minimum (grad l(Z) = 0, or for equal "
                                   "weights the low-rank bound); a second-order saddle (a "
                                   "direction of negative curvature); not a local minimum (a "
                                   "descent curve of order 3 or more through zero layers); a "
                                   "local minimum (a positive definite chart Hessian). "
                                   "Otherwise the verdict is undecided and the certificate "
                                   "states only the critical point and its degeneracy.\n\n"
                                   + NETWORK_HELP)
    p.add_argument("network", help="network JSON file")
    add_output(p)
    p.set_defaults(func=cmd_classify)

    p = sub.add_parser("network-open", help="Lemma 7 or Lemma 3: local openness of a network",
                       formatter_class=fmt,
                       description="Lemma 7: a non-degenerate point is locally open. Lemma 3: "
                                   "full-row-rank layers, X of full column rank and a strictly "
                                   "monotone activation give local openness.\n\n" + NETWORK_HELP)
    p.add_argument("network", help="network JSON file")
    p.add_argument("--lemma", choices=("7", "3"), default="7")
    p.add_argument("--activation", default="leaky-relu:1/10",
                   help="for Lemma 3: identity or leaky-relu:SLOPE (default leaky-relu:1/10)")
    add_output(p)
    p.set_defaults(func=cmd_network_open)
