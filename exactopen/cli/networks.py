"""Command-line commands for deep linear networks."""

from __future__ import annotations

import os

from ..errors import InputError, NotApplicable
from .common import (EXIT_OK, STDIN_HELP, add_output, add_quiet, certificate_record, emit,
                     examples, progress, read_stdin, write_certificate)

NETWORK_HELP = """\
A network file is JSON:
  {"widths": [2, 1, 2], "layers": [W1, W2], "X": X, "Y": Y, "weights": w}
with matrices as lists of rows (integers, "p/q" or exact decimals); W_i is
d_i x d_(i-1), X is d_0 x N (default: identity), Y and the positive weights w
are d_h x N (weights default to 1).  The loss is 1/2 sum w o (W_h..W_1 X - Y)^2.
"""


def _read_network(args, path: str, targets: bool = True):
    from ..linalg.readers import read_text_file
    from ..networks.model import network_from_json

    if path == "-":
        return network_from_json(read_stdin(args, "network"), "standard input", targets)
    if not os.path.isfile(path):
        what = "not a regular file" if os.path.exists(path) else "no such file"
        raise InputError(f"{path}: {what}")
    return network_from_json(read_text_file(path), path, targets)


def _widths_line(report) -> str:
    """The widths report in one line: the paper's condition and the bottleneck."""
    d = list(report.widths)
    pairs = ", ".join(f"({a}, {b})" for a, b in report.pairs[:6]) + \
        (f" and {len(report.pairs) - 6} more" if len(report.pairs) > 6 else "")
    condition = f"holds with (p1, p2) = {pairs}" if report.pairs else "fails"
    bottleneck = f"bottleneck r = {report.bottleneck} < min(d_0, d_h) = {min(d[0], d[-1])}" \
        if report.bottleneck is not None else "no bottleneck"
    return f"widths d = {d} (h = {len(d) - 1} layers): the paper's condition {condition}; " \
           f"{bottleneck}"


def cmd_widths(args) -> int:
    from ..networks.model import parse_widths
    from ..networks.theorem8 import analyze_widths

    report = analyze_widths(parse_widths(args.widths))
    emit(args, report.lines(), _widths_line(report))
    return EXIT_OK


def cmd_counterexample(args) -> int:
    from ..certify.networks import (SQUARE_STAGES, WEIGHTED_STAGES, square_refutation_certificate,
                                    weighted_minimum_certificate)
    from ..networks.model import parse_widths
    from ..networks.theorem8 import analyze_widths, paper_construction, weighted_minimum
    from ..report.text import format_polynomial

    widths = parse_widths(args.widths)
    report = analyze_widths(widths)
    if args.loss == "weighted" and args.p1 is not None:
        raise InputError("--p1 chooses the paper's construction, which is for --loss square; "
                         "the weighted minimum has no p1")
    if args.loss == "square" and not report.paper_condition:
        raise NotApplicable(f"widths {','.join(map(str, widths))} do not meet the paper's condition, so the paper "
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
    record = {"verdict": cert["verdict"], "loss": args.loss, "widths": list(widths),
              "loss_value": str(net.loss())}
    if args.loss == "square":
        curve = next(s for s in cert["steps"] if s["rule"] == "descent-curve")
        p1 = construction.p1
        lines = [f"widths d = {list(widths)}: the paper's condition holds; its construction "
                 f"uses p1 = {p1}",
                 f"built: X = I, Y = e_dh e_d0^T (rank 1), layer {p1 + 1} zero, every other "
                 f"layer a top-left identity block; loss L(W) = {net.loss()}",
                 "certified: W is a critical point, its Hessian is positive semidefinite, "
                 "rank(Y) = 1 < min(d_0, d_h), and some point has loss 0 < L(W) (so W is not "
                 "a global minimum)",
                 "refuted: local minimality; along the descent curve L(t) - L(0) = "
                 f"{format_polynomial(curve['coefficients'])} < 0 for 0 < t <= {curve['t0']}",
                 "verdict: NOT a local minimum (the paper's counterexample fails for the "
                 "square loss)"]
        record.update(p1=p1, descent={"coefficients": curve["coefficients"], "t0": curve["t0"]})
    else:
        r = construction.r
        lines = [f"widths d = {list(widths)}: bottleneck r = {r} < min(d_0, d_h) = "
                 f"{min(widths[0], widths[-1])}",
                 f"built: a weighted square loss (weights 3 at ({r}, {r + 1}) and ({r + 1}, {r}), "
                 f"else 1) and a point W with loss L(W) = {net.loss()}",
                 f"certified: W is a critical point; the product W_h ... W_1 is a strict local "
                 f"minimum of the loss on the rank-<= {r} matrices (chart Hessian positive "
                 f"definite), so W is a local minimum of L, not strict in the parameters "
                 f"(W_i -> c W_i, W_(i+1) -> W_(i+1) / c leaves L unchanged); another point has "
                 f"loss {net.loss(construction.better)} < L(W)",
                 "verdict: a NON-GLOBAL LOCAL MINIMUM of L"]
        record.update(r=r, better_loss=str(net.loss(construction.better)))
    emit(args, lines + [status], lines[-1], {**record, **certificate_record(args)})
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
    from ..report.text import format_polynomial

    net = _read_network(args, args.network)
    with progress(args, len(STAGES) + 1, "classify") as bar:
        result = classify(net, progress=lambda stage: bar.update(1))
        status = write_certificate(args, result.certificate)
        bar.update(1)
    d, r = list(net.widths), min(net.widths)
    degeneracy = "degenerate" if result.degenerate else "non-degenerate"
    rel = "<" if result.degenerate else "="
    step = next((s for s in result.certificate["steps"] if s["rule"] == "descent-curve"), {})
    bound = next((s for s in result.certificate["steps"] if s["rule"] == "low-rank-bound"), {})
    why = ROUTES[result.route].format(
        poly=format_polynomial(step.get("coefficients", ["0"])), t0=step.get("t0"),
        order=step.get("order"), r=r, t=bound.get("threshold"),
        curve=CURVES.get(getattr(result.descent, "kind", None)))
    verdict = f"verdict: {VERDICTS[result.verdict]}: {why}"
    lines = [f"critical point of a network with widths {d} (h = {net.depth} layers), "
             f"loss {net.loss()}",
             f"degeneracy: {degeneracy}: rank(W_h ... W_1) = {result.rank} {rel} min width {r} "
             "(certified)", verdict, status]
    record = {"verdict": result.verdict, "degeneracy": degeneracy, "rank": result.rank,
              "min_width": r, "widths": d, "loss_value": str(net.loss()), "route": result.route}
    if step:
        record["descent"] = {"order": step.get("order"), "coefficients": step["coefficients"],
                             "t0": step["t0"]}
    emit(args, lines, verdict, {**record, **certificate_record(args)})
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

    if args.lemma == "7" and args.activation is not None:
        raise InputError("--activation is for --lemma 3; Lemma 7 is about the linear product "
                         "map and has no activation")
    net = _read_network(args, args.network, targets=False)
    if args.lemma == "7":
        cert = lemma7_certificate(net)
        result = (f"rank(W_h ... W_1) = min width {min(net.widths)}: non-degenerate, so the "
                  "product map is locally open at W (Lemma 7)")
    else:
        cert = lemma3_certificate(net, _activation(args.activation or "leaky-relu:1/10"))
        result = ("every layer has full row rank and X full column rank: the pyramidal network "
                  "is locally open at W (Lemma 3)")
    emit(args, [result, write_certificate(args, cert)], result)
    return EXIT_OK


def register(sub, fmt) -> None:
    """Add the network commands to the ``exactopen`` parser."""
    network_arg = f"the network JSON file (see above), or {STDIN_HELP}"

    p = sub.add_parser("widths", help="Theorem 8: the paper's condition and predictions for widths",
                       formatter_class=fmt,
                       description="Report the paper's condition (1 <= p1 < p2 <= h-1 with "
                                   "d_0 > d_p1 and d_h > d_p2), the bottleneck condition, and "
                                   "what the paper predicts against what exactopen certifies.",
                       epilog=examples("exactopen widths 2,1,1,2", "exactopen widths 3,2,2,3 -q"))
    p.add_argument("widths", help="comma-separated widths d_0,...,d_h, e.g. 2,1,1,2")
    add_quiet(p, "the condition and the bottleneck in one line")
    p.set_defaults(func=cmd_widths)

    p = sub.add_parser("counterexample",
                       help="Theorem 8 constructions for chosen widths, certified",
                       formatter_class=fmt,
                       description="--loss square builds the paper's construction and certifies "
                                   "that it is a critical point with PSD Hessian that is NOT a "
                                   "local minimum (a descent curve). --loss weighted builds, "
                                   "where the widths have a bottleneck r, a non-global local "
                                   "minimum of a weighted square loss: its product is a strict "
                                   "local minimum on the rank-<= r matrices, the point itself is "
                                   "not strict (rescaling adjacent layers leaves L unchanged). "
                                   "It prints what it built and what the certificate proves; "
                                   "'exactopen widths' reports the conditions alone. Exit 5 "
                                   "when the widths give nothing to construct.",
                       epilog=examples("exactopen counterexample --widths 2,1,1,2 -o t8.json",
                                       "exactopen counterexample --widths 2,1,2,2 --loss "
                                       "weighted --json"))
    p.add_argument("--widths", required=True, metavar="D0,...,DH",
                   help="comma-separated widths d_0,...,d_h, e.g. 2,1,1,2")
    p.add_argument("--loss", choices=("square", "weighted"), default="square",
                   help="square: the paper's construction, refuted; weighted: a non-global "
                        "local minimum of a weighted square loss")
    p.add_argument("--p1", type=int, metavar="P1",
                   help="for --loss square, which valid p1 of the paper's condition to build "
                        "with (default: the smallest)")
    add_output(p)
    add_quiet(p, "the verdict line", json_too=True)
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
                                   + NETWORK_HELP,
                       epilog=examples("exactopen classify net.json -o classified.json",
                                       "exactopen classify - --json < net.json"))
    p.add_argument("network", help=network_arg)
    add_output(p)
    add_quiet(p, "the verdict line", json_too=True)
    p.set_defaults(func=cmd_classify)

    p = sub.add_parser("network-open", help="Lemma 7 or Lemma 3: local openness of a network",
                       formatter_class=fmt,
                       description="Lemma 7: a non-degenerate point (rank(W_h ... W_1) = min "
                                   "width) is locally open. Lemma 3: full-row-rank layers, X of "
                                   "full column rank and a strictly monotone activation give "
                                   "local openness. Exit 5 if the lemma does not apply.\n\n"
                                   + NETWORK_HELP,
                       epilog=examples("exactopen network-open net.json -o lemma7.json",
                                       "exactopen network-open net.json --lemma 3 --activation "
                                       "leaky-relu:1/5"))
    p.add_argument("network", help=network_arg)
    p.add_argument("--lemma", choices=("7", "3"), default="7",
                   help="7: the product map of a deep linear network at a non-degenerate "
                        "point; 3: a pyramidal network with an activation")
    p.add_argument("--activation", metavar="ACTIVATION",
                   help="for Lemma 3: identity or leaky-relu:SLOPE with a positive rational "
                        "SLOPE (default: leaky-relu:1/10)")
    add_output(p)
    add_quiet(p, "the lemma's conclusion")
    p.set_defaults(func=cmd_network_open)
