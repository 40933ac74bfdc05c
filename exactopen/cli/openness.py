"""Commands on matrices: ``rank``, ``certify`` (Theorem 2 / Behrends), ``lift``, ``probe``."""

from __future__ import annotations

from ..errors import InputError
from .common import (EXIT_OK, MATRIX_HELP, STDIN_HELP, add_embed, add_output, add_quiet,
                     certificate_record, claim_sources, emit, engine, examples, matrix_text,
                     progress, read_matrix_arg, vector_text, write_certificate)


def _data_path(sources):
    return sources.data.path if sources.data else None


def cmd_rank(args) -> int:
    from ..certify.rank import rank_certificate

    A, ref = read_matrix_arg(args, args.matrix)
    sources = claim_sources(args, {"A": ref})
    r, cert = rank_certificate(A, engine(args), sources)
    status = write_certificate(args, cert, _data_path(sources))
    result = f"rank = {r} ({A.nrows} x {A.ncols} matrix)"
    emit(args, [result, status], result,
         {"verdict": cert["verdict"], "rank": r, "shape": [A.nrows, A.ncols],
          **certificate_record(args, _data_path(sources))})
    return EXIT_OK


def openness_record(report) -> dict:
    """The numbers behind a Theorem 2 / Behrends verdict, for --json."""
    from ..linalg.numbers import encode_rational

    obstruction = None
    if report.u is not None:
        obstruction = {"u": [encode_rational(x) for x in report.u.column(0)]}
    elif report.y is not None:
        obstruction = {"y": [encode_rational(x) for x in report.y.row(0)]}
    return {"verdict": "locally-open" if report.locally_open else "not-locally-open",
            "setting": report.setting, "shape": list(report.shape),
            "ranks": {"r1": report.r1, "r2": report.r2, "r12": report.r12},
            "dim_iii": report.dim_iii, "dim_iv": report.dim_iv,
            "conditions": report.conditions, "max_rank_T1": report.max_rank_T1,
            "max_rank_T2": report.max_rank_T2, "obstruction": obstruction}


def cmd_certify(args) -> int:
    from ..certify.theorem2 import openness_certificate
    from ..openness import analyze
    from ..report.summary import openness_summary

    (W1, ref1), (W2, ref2) = read_matrix_arg(args, args.W1), read_matrix_arg(args, args.W2)
    report = analyze(W1, W2, engine(args))
    sources = claim_sources(args, {"W1": ref1, "W2": ref2})
    status = write_certificate(args, openness_certificate(report, sources), _data_path(sources))
    lines = openness_summary(report).split("\n")
    emit(args, lines + [status], lines[-1],
         {**openness_record(report), **certificate_record(args, _data_path(sources))})
    return EXIT_OK


def _decimal_sqrt(x) -> str:
    """Display only: a decimal approximation of sqrt(x) for an exact rational x."""
    from decimal import Decimal, getcontext
    getcontext().prec = 12
    return f"{(Decimal(x.numerator) / Decimal(x.denominator)).sqrt():.6g}"


def cmd_lift(args) -> int:
    from ..certify.encode import dumps, encode_matrix
    from ..certify.theorem2 import openness_certificate
    from ..openness import analyze, lift
    from .output import write_output

    (W1, ref1), (W2, ref2), (target, _) = (read_matrix_arg(args, x)
                                           for x in (args.W1, args.W2, args.target))
    report = analyze(W1, W2, engine(args))
    result = lift(W1, W2, target, report)
    lines = [f"W1' = {matrix_text(result.W1)}", f"W2' = {matrix_text(result.W2)}",
             "W1' W2' = Z' exactly",
             f"||Z' - W1 W2||^2 = {result.delta_squared}  "
             f"(delta ~ {_decimal_sqrt(result.delta_squared)})",
             f"||W1' - W1||^2 = {result.reach1_squared}, ||W2' - W2||^2 = "
             f"{result.reach2_squared}  (reach ~ {_decimal_sqrt(result.reach1_squared)} + "
             f"{_decimal_sqrt(result.reach2_squared)})"]
    if args.factors:
        write_output(args.factors, dumps({"W1": encode_matrix(result.W1),
                                          "W2": encode_matrix(result.W2)}))
        lines.append(f"factors: {args.factors}")
    sources = claim_sources(args, {"W1": ref1, "W2": ref2})
    lines.append(write_certificate(args, openness_certificate(report, sources),
                                   _data_path(sources)))
    emit(args, lines, f"{lines[0]}, {lines[1]}")
    return EXIT_OK


PROBE_TERMS = """Terms: for a radius s, each target is Z' = (C + s A)(R + s B) + s U V, where
W1 W2 = C R is a rank factorisation and A, B, U, V are seeded random integer
matrices (U V of rank k - rank(W1 W2)), so Z' is in the range (rank <= k);
in Behrends' case Z' = W1 W2 + s E. delta = ||Z' - W1 W2||_F is how far the
target is (the median over the samples of a radius); reach = ||W1' - W1||_F
+ ||W2' - W2||_F is how far the exact lift W1' W2' = Z' moves the factors
(the worst over the samples). The fitted exponent e is the slope of
log(worst reach) against log(delta): reach ~ delta^e.
"""


def cmd_probe(args) -> int:
    from ..linalg.numbers import parse_rational
    from ..openness.probe import DEFAULT_RADII, probe, svg_plot
    from .output import write_output

    (W1, _), (W2, _) = read_matrix_arg(args, args.W1), read_matrix_arg(args, args.W2)
    radii = DEFAULT_RADII
    if args.radii:
        radii = [parse_rational(x, where="--radii") for x in args.radii.split(",")]
        if any(r <= 0 for r in radii):
            raise InputError("--radii: every radius must be positive")
        if len(set(radii)) < 2:
            raise InputError("--radii: the exponent is a slope, so give at least two different "
                             "radii (e.g. 1/10,1/100)")
    if not 1 <= args.samples <= 1000:
        raise InputError("--samples must be between 1 and 1000")
    with progress(args, len(radii) * args.samples, "lifting") as bar:
        rows, exponent = probe(W1, W2, radii, args.samples, args.seed, lambda: bar.update(1))
    lines = [f"radius s: targets Z' = W1 W2 moved by s along seeded random directions in the "
             f"range ({args.samples} a radius, seed {args.seed})",
             "delta = ||Z' - W1 W2||_F (median over the targets); reach = ||W1' - W1||_F + "
             "||W2' - W2||_F for the exact lift W1' W2' = Z' (worst)",
             f"{'radius s':>10}  {'delta (median)':>15}  {'worst reach':>12}"]
    lines += [f"{str(row.radius):>10}  {row.delta:15.4e}  {row.worst_reach:12.4e}" for row in rows]
    result = f"fitted exponent (reach ~ delta^e): e = {exponent:.3f}"
    lines.append(result)
    if args.plot:
        write_output(args.plot, svg_plot(rows, exponent, "reach of exact lifts"))
        lines.append(f"plot: {args.plot}")
    emit(args, lines, result)
    return EXIT_OK


def register(sub, fmt) -> None:
    """Add the matrix commands to the ``exactopen`` parser."""
    def matrix(p, name, what):
        p.add_argument(name, help=f"{what}: a file, FILE:TENSOR of a weight file, an inline "
                                  f"matrix, or {STDIN_HELP}")

    p = sub.add_parser("rank", help="certified rank of a matrix", formatter_class=fmt,
                       description="Print the exact rank of a rational matrix and write a rank "
                                   "certificate (a non-zero minor and an integer kernel, or a "
                                   "vertex cover of the non-zero pattern for sparse matrices)."
                                   "\n\n" + MATRIX_HELP,
                       epilog=examples("exactopen rank A.txt -o rank.json",
                                       "echo '1 2; 2 4' | exactopen rank - --json"))
    matrix(p, "matrix", "the matrix")
    add_output(p)
    add_embed(p)
    add_quiet(p, "rank = R (M x N matrix)", json_too=True)
    p.set_defaults(func=cmd_rank)

    p = sub.add_parser("certify", help="local openness of (W1, W2) -> W1 W2, certified",
                       formatter_class=fmt,
                       description="Decide whether matrix multiplication is locally open at "
                                   "(W1, W2) (W1: m x k, W2: k x n), report conditions (i)-(v) "
                                   "of Theorem 2 (k < min(m, n)) or (A)/(B) of Behrends' case "
                                   "(k >= min(m, n)), and write a certificate.\n\n" + MATRIX_HELP,
                       epilog=examples("exactopen certify '[[1],[2]]' '[[1,1]]' -o open.json",
                                       "exactopen certify W1.txt W2.txt -q"))
    matrix(p, "W1", "the m x k left factor")
    matrix(p, "W2", "the k x n right factor")
    add_output(p)
    add_embed(p)
    add_quiet(p, "the verdict line", json_too=True)
    p.set_defaults(func=cmd_certify)

    p = sub.add_parser("lift", help="exact nearby factors W1' W2' = Z' for an open pair",
                       formatter_class=fmt,
                       description="For a locally open pair and a target Z' in the range near "
                                   "W1 W2 (rank Z' <= k when k < min(m, n)), print rational "
                                   "W1', W2' with W1' W2' = Z' exactly and the exact squared "
                                   "distances; --factors writes W1', W2' as JSON, -o the "
                                   "certificate that the pair is locally open. Exit 5 if the "
                                   "pair is not locally open.\n\n" + MATRIX_HELP,
                       epilog=examples("exactopen lift '[[1],[2]]' '[[1,1]]' "
                                       "'[[1,\"11/10\"],[2,\"11/5\"]]'",
                                       "exactopen lift W1.txt W2.txt Z.txt --factors near.json"))
    matrix(p, "W1", "the m x k left factor W1")
    matrix(p, "W2", "the k x n right factor W2")
    p.add_argument("target", metavar="ZPRIME",
                   help=f"the target Z' (m x n) near W1 W2: a file, FILE:TENSOR, an inline "
                        f"matrix, or {STDIN_HELP}")
    p.add_argument("--factors", metavar="FILE.json", help="write W1' and W2' here (exact JSON)")
    add_output(p)
    add_embed(p)
    add_quiet(p, "W1' = [...], W2' = [...] (rows separated by ';')")
    p.set_defaults(func=cmd_lift)

    p = sub.add_parser("probe", help="measure reach against delta with random exact lifts",
                       formatter_class=fmt,
                       description="Lift seeded random targets in the range at decreasing radii "
                                   "and print, for each radius, the distance delta of the "
                                   "targets and the worst reach of their exact lifts, with the "
                                   "fitted exponent (about 1 for full-rank pairs, 1/2 when the "
                                   "rank is below k). Exit 5 if the pair is not locally open."
                                   "\n\n" + PROBE_TERMS + "\n" + MATRIX_HELP,
                       epilog=examples("exactopen probe '[[1],[2]]' '[[1,1]]'",
                                       "exactopen probe '[[0],[0],[0]]' '[[0,0,0]]' --plot "
                                       "reach.svg"))
    matrix(p, "W1", "the m x k left factor")
    matrix(p, "W2", "the k x n right factor")
    p.add_argument("--radii", metavar="S1,S2,...",
                   help="comma-separated positive rationals s, the scale of the random "
                        "perturbation of W1 W2 (default: 1/10,1/100,...,1/100000)")
    p.add_argument("--samples", type=int, default=5, metavar="N",
                   help="random targets per radius, 1 to 1000")
    p.add_argument("--seed", type=int, default=0, metavar="S",
                   help="seed of the random targets (the same seed gives the same table)")
    p.add_argument("--plot", metavar="FILE.svg", help="write a log-log plot of worst reach "
                                                       "against delta (SVG)")
    add_quiet(p, "the fitted exponent e")
    p.set_defaults(func=cmd_probe)
