"""Command-line commands for deep linear networks."""

from __future__ import annotations

import os

from ..errors import InputError, NotApplicable
from .common import EXIT_OK, add_output, write_certificate

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
    from ..certify.networks import square_refutation_certificate, weighted_minimum_certificate
    from ..networks.model import parse_widths
    from ..networks.theorem8 import analyze_widths, paper_construction, weighted_minimum
    from ..report.text import format_polynomial

    widths = parse_widths(args.widths)
    report = analyze_widths(widths)
    print("\n".join(report.lines()))
    if args.loss == "square":
        if not report.paper_condition:
            raise NotApplicable(f"widths {widths} do not meet the paper's condition, so the paper "
                             "predicts that every local minimum is global and there is no "
                             "construction to test; try --loss weighted where there is a "
                             "bottleneck")
        construction = paper_construction(widths, args.p1)
        cert = square_refutation_certificate(construction)
        curve = cert["steps"][-1]
        poly = format_polynomial(curve["coefficients"])
        print(f"construction (p1 = {construction.p1}): X = I, Y = e_dh e_d0^T, identity blocks, "
              f"layer {construction.p1 + 1} zero; loss {construction.network.loss()}")
        print("certified: critical point, Hessian positive semidefinite, rank(Y) = 1 < "
              "min(d_0, d_h), a point with loss 0")
        print(f"refuted: local minimality; along the descent curve L(t) - L(0) = {poly}"
              f" < 0 for 0 < t <= {curve['t0']}")
        print("verdict: NOT a local minimum (the paper's counterexample fails for the square loss)")
    else:
        construction = weighted_minimum(widths)
        cert = weighted_minimum_certificate(construction)
        net = construction.network
        print(f"construction: weighted square loss (weights 3 at ({construction.r}, "
              f"{construction.r + 1}) and ({construction.r + 1}, {construction.r}), else 1), "
              f"bottleneck r = {construction.r}")
        print(f"certified: critical point, strict local minimum of the loss on rank-<={construction.r}"
              f" products (chart Hessian positive definite), loss {net.loss()} > "
              f"{net.loss(construction.better)} at another point")
        print("verdict: a NON-GLOBAL LOCAL MINIMUM")
    print(write_certificate(args, cert))
    return EXIT_OK


def cmd_classify(args) -> int:
    from ..certify.networks import classify_certificate

    net = _read_network(args.network)
    if net.depth != 2:
        raise NotApplicable(f"{args.network}: classify is for two-layer networks (Theorem 5); this "
                         f"one has {net.depth} layers")
    verdict, cert = classify_certificate(net)
    explanation = {
        "global-minimum": "grad l(W2 W1) = 0, so the product minimises the convex loss: a global "
                          "minimum",
        "second-order-saddle": "the Hessian has a direction of negative curvature: a second-order "
                               "saddle (Theorem 5 / Corollary 6)",
        "non-degenerate": "rank(W2 W1) = min width: non-degenerate, locally open by Lemma 7 "
                          "(a local minimum there would be global)",
    }
    print(f"critical point of a two-layer network with widths {list(net.widths)}, "
          f"loss {net.loss()}")
    print(f"verdict: {verdict}: {explanation[verdict]}")
    print(write_certificate(args, cert))
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
                                   "local minimum (a descent curve). --loss weighted builds a "
                                   "genuine strict non-global local minimum of a weighted square "
                                   "loss where the widths have a bottleneck.")
    p.add_argument("--widths", required=True, help="comma-separated widths, e.g. 2,1,1,2")
    p.add_argument("--loss", choices=("square", "weighted"), default="square")
    p.add_argument("--p1", type=int, help="which valid p1 to use (default: the smallest)")
    add_output(p)
    p.set_defaults(func=cmd_counterexample)

    p = sub.add_parser("classify", help="Theorem 5: classify a critical point of a two-layer network",
                       formatter_class=fmt,
                       description="Check that W is a critical point and certify it as a global "
                                   "minimum, a second-order saddle, or non-degenerate.\n\n"
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
