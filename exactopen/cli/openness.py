"""Commands on matrices: ``rank``, ``certify`` (Theorem 2 / Behrends), ``lift``, ``probe``."""

from __future__ import annotations

from ..errors import InputError
from .common import (EXIT_OK, MATRIX_HELP, add_embed, add_output, claim_sources, engine, progress,
                     say, write_certificate)


def _data_path(sources):
    return sources.data.path if sources.data else None


def cmd_rank(args) -> int:
    from ..certify.rank import rank_certificate
    from ..linalg.inputs import read_input

    A, ref = read_input(args.matrix)
    sources = claim_sources(args, {"A": ref})
    r, cert = rank_certificate(A, engine(args), sources)
    print(f"rank = {r} ({A.nrows} x {A.ncols} matrix)")
    say(args, write_certificate(args, cert, _data_path(sources)))
    return EXIT_OK


def cmd_certify(args) -> int:
    from ..certify.theorem2 import openness_certificate
    from ..linalg.inputs import read_input
    from ..openness import analyze
    from ..report.summary import openness_summary

    (W1, ref1), (W2, ref2) = read_input(args.W1), read_input(args.W2)
    report = analyze(W1, W2, engine(args))
    sources = claim_sources(args, {"W1": ref1, "W2": ref2})
    status = write_certificate(args, openness_certificate(report, sources), _data_path(sources))
    print(openness_summary(report))
    say(args, status)
    return EXIT_OK


def _decimal_sqrt(x) -> str:
    """Display only: a decimal approximation of sqrt(x) for an exact rational x."""
    from decimal import Decimal, getcontext
    getcontext().prec = 12
    return f"{(Decimal(x.numerator) / Decimal(x.denominator)).sqrt():.6g}"


def _matrix_text(M) -> str:
    return "[" + "; ".join(" ".join(str(x) for x in row) for row in M.tolist()) + "]"


def cmd_lift(args) -> int:
    from ..certify.encode import dumps, encode_matrix
    from ..certify.theorem2 import openness_certificate
    from ..linalg.inputs import read_input
    from ..openness import analyze, lift
    from .output import write_output

    (W1, ref1), (W2, ref2), (target, _) = (read_input(x) for x in (args.W1, args.W2, args.target))
    report = analyze(W1, W2, engine(args))
    result = lift(W1, W2, target, report)
    print(f"W1' = {_matrix_text(result.W1)}")
    print(f"W2' = {_matrix_text(result.W2)}")
    print("W1' W2' = Z' exactly")
    print(f"||Z' - W1 W2||^2 = {result.delta_squared}  (delta ~ {_decimal_sqrt(result.delta_squared)})")
    print(f"||W1' - W1||^2 = {result.reach1_squared}, ||W2' - W2||^2 = {result.reach2_squared}  "
          f"(reach ~ {_decimal_sqrt(result.reach1_squared)} + {_decimal_sqrt(result.reach2_squared)})")
    if args.factors:
        write_output(args.factors, dumps({"W1": encode_matrix(result.W1),
                                          "W2": encode_matrix(result.W2)}))
        say(args, f"factors: {args.factors}")
    sources = claim_sources(args, {"W1": ref1, "W2": ref2})
    say(args, write_certificate(args, openness_certificate(report, sources), _data_path(sources)))
    return EXIT_OK


def cmd_probe(args) -> int:
    from ..linalg.inputs import read_input
    from ..linalg.numbers import parse_rational
    from ..openness.probe import DEFAULT_RADII, probe, svg_plot
    from .output import write_output

    (W1, _), (W2, _) = read_input(args.W1), read_input(args.W2)
    radii = DEFAULT_RADII
    if args.radii:
        radii = [parse_rational(x, where="--radii") for x in args.radii.split(",")]
        if any(r <= 0 for r in radii):
            raise InputError("--radii: every radius must be positive")
    if not 1 <= args.samples <= 1000:
        raise InputError("--samples must be between 1 and 1000")
    with progress(args, len(radii) * args.samples, "lifting") as bar:
        rows, exponent = probe(W1, W2, radii, args.samples, args.seed, lambda: bar.update(1))
    print(f"{'radius':>10}  {'delta (median)':>15}  {'worst reach':>12}")
    for row in rows:
        print(f"{str(row.radius):>10}  {row.delta:15.4e}  {row.worst_reach:12.4e}")
    print(f"fitted exponent (reach ~ delta^e): e = {exponent:.3f}")
    if args.plot:
        write_output(args.plot, svg_plot(rows, exponent, "reach of exact lifts"))
        print(f"plot: {args.plot}")
    return EXIT_OK


def register(sub, fmt) -> None:
    """Add the matrix commands to the ``exactopen`` parser."""
    p = sub.add_parser("rank", help="certified rank of a matrix", formatter_class=fmt,
                       description="Print the exact rank of a rational matrix and write a rank "
                                   "certificate (a non-zero minor and an integer kernel).\n\n"
                                   + MATRIX_HELP)
    p.add_argument("matrix", help="matrix file, FILE:TENSOR of a weight file, or inline matrix")
    add_output(p)
    add_embed(p)
    p.set_defaults(func=cmd_rank)

    p = sub.add_parser("certify", help="local openness of (W1, W2) -> W1 W2, certified",
                       formatter_class=fmt,
                       description="Decide whether matrix multiplication is locally open at "
                                   "(W1, W2) (W1: m x k, W2: k x n), report conditions (i)-(v) "
                                   "of Theorem 2 (k < min(m, n)) or (A)/(B) of Behrends' case "
                                   "(k >= min(m, n)), and write a certificate.\n\n" + MATRIX_HELP)
    p.add_argument("W1", help="m x k matrix (file, FILE:TENSOR or inline)")
    p.add_argument("W2", help="k x n matrix (file, FILE:TENSOR or inline)")
    add_output(p)
    add_embed(p)
    p.set_defaults(func=cmd_certify)

    p = sub.add_parser("lift", help="exact nearby factors W1' W2' = Z' for an open pair",
                       formatter_class=fmt,
                       description="For a locally open pair and a target Z' in the range near "
                                   "W1 W2 (rank Z' <= k when k < min(m, n)), print rational "
                                   "W1', W2' with W1' W2' = Z' exactly and the exact squared "
                                   "distances; --factors writes W1', W2' as JSON, -o the "
                                   "certificate that the pair is locally open.\n\n" + MATRIX_HELP)
    p.add_argument("W1", help="m x k matrix (file, FILE:TENSOR or inline)")
    p.add_argument("W2", help="k x n matrix (file, FILE:TENSOR or inline)")
    p.add_argument("target", metavar="ZPRIME", help="the target Z' (m x n)")
    p.add_argument("--factors", metavar="FILE.json", help="write W1' and W2' here (exact JSON)")
    add_output(p)
    add_embed(p)
    p.set_defaults(func=cmd_lift)

    p = sub.add_parser("probe", help="measure reach against delta with random exact lifts",
                       formatter_class=fmt,
                       description="Lift seeded random targets in the range at decreasing radii "
                                   "and print (delta, worst reach) with the fitted exponent "
                                   "(about 1 for full-rank pairs, 1/2 when the rank is below k)."
                                   "\n\n" + MATRIX_HELP)
    p.add_argument("W1", help="m x k matrix (file, FILE:TENSOR or inline)")
    p.add_argument("W2", help="k x n matrix (file, FILE:TENSOR or inline)")
    p.add_argument("--radii", help="comma-separated positive rationals (default 1/10,...,1/100000)")
    p.add_argument("--samples", type=int, default=5, help="targets per radius (default 5)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--plot", metavar="FILE.svg", help="write a log-log plot (SVG)")
    p.add_argument("-q", "--quiet", action="store_true")
    p.set_defaults(func=cmd_probe)
