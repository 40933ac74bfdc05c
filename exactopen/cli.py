"""The ``exactopen`` command line.

Exit codes (also in ``docs/cli.md``):

* 0 -- success (a certificate written, or VERIFIED);
* 1 -- NOT VERIFIED (a certificate was checked and rejected);
* 2 -- bad input: unreadable or malformed files, wrong shapes, caps on inputs;
* 3 -- a certificate exceeds the checker's resource caps;
* 4 -- internal error: two independent computations disagreed (a bug).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile

from . import __version__
from .errors import InputError, InternalError

EXIT_OK, EXIT_NOT_VERIFIED, EXIT_INPUT, EXIT_CAP, EXIT_INTERNAL = 0, 1, 2, 3, 4


def accelerator(plain: bool = False):
    """The checker's optional accelerator (exact NumPy limb products), or None."""
    from .limbs import accelerator as limbs_accelerator
    return limbs_accelerator(plain)


MATRIX_HELP = """\
A matrix is a file or an inline string:
  JSON    [[1, 2], ["1/2", 0.25]]  (entries: integers, "p/q", decimals read exactly)
          {"shape": [0, 3], "rows": []} for empty shapes
  text    one row per line, entries separated by spaces, '#' comments
  .mtx    Matrix Market array or coordinate, integer or real (exact decimals)
  inline  '[[1],[2]]' or '1 2; 3 4' (rows separated by ';')
"""


def _progress(args, total: int, what: str):
    """A progress bar on standard error; silent when it is not a terminal or with --quiet."""
    from tqdm import tqdm
    return tqdm(total=total, desc=what, file=sys.stderr, leave=False,
                disable=True if getattr(args, "quiet", False) else None)


def _say(args, text: str) -> None:
    if not getattr(args, "quiet", False):
        print(text)


def _write_certificate(args, cert: dict) -> str:
    """Check the certificate independently, then write it atomically; return its status."""
    from .certify.encode import dumps, write_atomic
    from .checker import check_text

    text = dumps(cert)
    if not args.no_check:
        code, message = check_text(text, accelerator())
        if code:
            raise InternalError(f"generated certificate failed the checker: {message}")
    if args.output:
        write_atomic(args.output, text)
        return f"certificate: {args.output} ({'written' if args.no_check else 'VERIFIED'})"
    return "certificate: not written (use -o FILE)"


def _backend(args) -> str:
    """Exact kernel checks only when the independent checker will not run afterwards."""
    return "flint" if getattr(args, "no_check", True) else "modular"


def cmd_rank(args) -> int:
    from .certify.rank import rank_certificate
    from .io import read_matrix

    A = read_matrix(args.matrix)
    r, cert = rank_certificate(A, _backend(args))
    print(f"rank = {r} ({A.nrows} x {A.ncols} matrix)")
    _say(args, _write_certificate(args, cert))
    return EXIT_OK


def cmd_certify(args) -> int:
    from .certify.openness import openness_certificate
    from .io import read_matrix
    from .openness import analyze
    from .summary import openness_summary

    W1, W2 = read_matrix(args.W1), read_matrix(args.W2)
    report = analyze(W1, W2, _backend(args))
    status = _write_certificate(args, openness_certificate(report))
    print(openness_summary(report))
    _say(args, status)
    return EXIT_OK


def cmd_verify(args) -> int:
    from .checker import check_file

    fast = accelerator(args.plain)
    worst = EXIT_OK
    for path in args.certificates:
        code, message = check_file(path, fast)
        print(f"{path}: {message}" if len(args.certificates) > 1 else message)
        worst = max(worst, code)
    return worst


def cmd_gallery(args) -> int:
    from .certify.encode import write_atomic
    from .gallery import gallery_files

    from .gallery import entries
    with _progress(args, len(entries()), "building the gallery") as bar:
        built = gallery_files(progress=lambda name: bar.update(1))
    os.makedirs(args.out, exist_ok=True)
    stale = []
    for name, text in built.items():
        path = os.path.join(args.out, name)
        if args.check:
            try:
                with open(path, encoding="utf-8") as handle:
                    same = handle.read() == text
            except OSError:
                same = False
            if not same:
                stale.append(name)
        else:
            write_atomic(path, text)
    if args.check:
        if stale:
            print("gallery differs from a fresh regeneration: " + ", ".join(stale))
            return EXIT_NOT_VERIFIED
        print(f"gallery up to date ({len(built)} certificates)")
        return EXIT_OK
    return _verify_directory(args.out, [n for n in built if n.endswith(".json")])


def _verify_directory(directory: str, names: list[str]) -> int:
    from .checker import check_file

    verdict_of = {}
    worst = EXIT_OK
    width = max(len(n) for n in names)
    for name in names:
        path = os.path.join(directory, name)
        code, message = check_file(path, accelerator())
        worst = max(worst, code)
        with open(path, encoding="utf-8") as handle:
            verdict_of[name] = json.load(handle)["verdict"]
        print(f"{name.ljust(width)}  {verdict_of[name]:<26} {message}")
    return worst


def cmd_demo(args) -> int:
    from .certify.encode import write_atomic
    from .gallery import build_gallery

    from .gallery import entries
    with tempfile.TemporaryDirectory(prefix="exactopen-demo-") as directory:
        print(f"regenerating the gallery in {directory}", file=sys.stderr)
        with _progress(args, len(entries()), "building") as bar:
            built = build_gallery(progress=lambda name: bar.update(1))
        for name, text in built.items():
            write_atomic(os.path.join(directory, name), text)
        code = _verify_directory(directory, list(built))
    print("all certificates VERIFIED by the independent checker" if code == EXIT_OK
          else "some certificates were NOT VERIFIED")
    return code


def _add_output(p) -> None:
    p.add_argument("-o", "--output", metavar="CERT.json",
                   help="write the certificate here (atomically; nothing is written on error)")
    p.add_argument("--no-check", action="store_true",
                   help="skip re-verifying the certificate with the independent checker before writing")
    p.add_argument("-q", "--quiet", action="store_true", help="print only the result")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="exactopen",
        description="Exact, certified answers on local openness of matrix multiplication "
                    "(Nouiehed & Razaviyayn) and on deep linear networks.",
        epilog="Exit codes: 0 ok, 1 NOT VERIFIED, 2 bad input, 3 checker resource cap, "
               "4 internal error.")
    parser.add_argument("--version", action="version", version=f"exactopen {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    fmt = argparse.RawDescriptionHelpFormatter

    p = sub.add_parser("rank", help="certified rank of a matrix", formatter_class=fmt,
                       description="Print the exact rank of a rational matrix and write a rank "
                                   "certificate (a non-zero minor and an integer kernel).\n\n"
                                   + MATRIX_HELP)
    p.add_argument("matrix", help="matrix file or inline matrix")
    _add_output(p)
    p.set_defaults(func=cmd_rank)

    p = sub.add_parser("certify", help="local openness of (W1, W2) -> W1 W2, certified",
                       formatter_class=fmt,
                       description="Decide whether matrix multiplication is locally open at "
                                   "(W1, W2) (W1: m x k, W2: k x n), report conditions (i)-(v) "
                                   "of Theorem 2 (k < min(m, n)) or (A)/(B) of Behrends' case "
                                   "(k >= min(m, n)), and write a certificate.\n\n" + MATRIX_HELP)
    p.add_argument("W1", help="m x k matrix (file or inline)")
    p.add_argument("W2", help="k x n matrix (file or inline)")
    _add_output(p)
    p.set_defaults(func=cmd_certify)

    p = sub.add_parser("verify", help="check certificates with the independent checker",
                       description="Replay each certificate with the standard-library checker. "
                                   "Prints VERIFIED or 'NOT VERIFIED: <step>: <rule>: expected .. "
                                   "found ..'. Exit 0 all verified, 1 one was rejected, 2 one was "
                                   "malformed, 3 one exceeded a resource cap.")
    p.add_argument("certificates", nargs="+", metavar="CERT.json")
    p.add_argument("--plain", action="store_true",
                   help="standard library only: do not use NumPy's exact float64 limb products "
                        "for large kernel checks (same verdicts, slower; also EXACTOPEN_PLAIN=1)")
    p.set_defaults(func=cmd_verify)

    p = sub.add_parser("gallery", help="regenerate the certificate gallery",
                       description="Regenerate the gallery of certificates deterministically "
                                   "into a directory and verify each; with --check, only compare "
                                   "a fresh regeneration with the files there, byte for byte.")
    p.add_argument("--out", default="certificates", help="directory (default: certificates)")
    p.add_argument("--check", action="store_true", help="fail if any file differs")
    p.add_argument("-q", "--quiet", action="store_true")
    p.set_defaults(func=cmd_gallery)

    p = sub.add_parser("demo", help="regenerate the gallery in a temporary directory and verify it",
                       description="The bundled default job: build every gallery certificate in a "
                                   "temporary directory, verify each with the independent checker "
                                   "and print the table.")
    p.set_defaults(func=cmd_demo)
    _register_later_commands(sub, fmt)
    return parser


def _decimal_sqrt(x) -> str:
    """Display only: a decimal approximation of sqrt(x) for an exact rational x."""
    from decimal import Decimal, getcontext
    getcontext().prec = 12
    return f"{(Decimal(x.numerator) / Decimal(x.denominator)).sqrt():.6g}"


def _matrix_text(M) -> str:
    return "[" + "; ".join(" ".join(str(x) for x in row) for row in M.tolist()) + "]"


def cmd_lift(args) -> int:
    from .certify.openness import openness_certificate
    from .io import read_matrix
    from .lift import lift
    from .openness import analyze

    W1, W2, target = read_matrix(args.W1), read_matrix(args.W2), read_matrix(args.target)
    report = analyze(W1, W2, _backend(args))
    result = lift(W1, W2, target, report)
    print(f"W1' = {_matrix_text(result.W1)}")
    print(f"W2' = {_matrix_text(result.W2)}")
    print("W1' W2' = Z' exactly")
    print(f"||Z' - W1 W2||^2 = {result.delta_squared}  (delta ~ {_decimal_sqrt(result.delta_squared)})")
    print(f"||W1' - W1||^2 = {result.reach1_squared}, ||W2' - W2||^2 = {result.reach2_squared}  "
          f"(reach ~ {_decimal_sqrt(result.reach1_squared)} + {_decimal_sqrt(result.reach2_squared)})")
    _say(args, _write_certificate(args, openness_certificate(report, [result])))
    return EXIT_OK


def cmd_probe(args) -> int:
    from .certify.encode import write_atomic
    from .io import read_matrix
    from .numbers import parse_rational
    from .probe import DEFAULT_RADII, probe, svg_plot

    W1, W2 = read_matrix(args.W1), read_matrix(args.W2)
    radii = DEFAULT_RADII
    if args.radii:
        radii = [parse_rational(x, where="--radii") for x in args.radii.split(",")]
        if any(r <= 0 for r in radii):
            raise InputError("--radii: every radius must be positive")
    if not 1 <= args.samples <= 1000:
        raise InputError("--samples must be between 1 and 1000")
    with _progress(args, len(radii) * args.samples, "lifting") as bar:
        rows, exponent = probe(W1, W2, radii, args.samples, args.seed, lambda: bar.update(1))
    print(f"{'radius':>10}  {'delta (median)':>15}  {'worst reach':>12}")
    for row in rows:
        print(f"{str(row.radius):>10}  {row.delta:15.4e}  {row.worst_reach:12.4e}")
    print(f"fitted exponent (reach ~ delta^e): e = {exponent:.3f}")
    if args.plot:
        write_atomic(args.plot, svg_plot(rows, exponent, "reach of exact lifts"))
        print(f"plot: {args.plot}")
    return EXIT_OK


def cmd_explain(args) -> int:
    from .certify.encode import write_atomic
    from .report import NotExplainable, explain, render_html, render_markdown

    try:
        with open(args.certificate, encoding="utf-8") as handle:
            text = handle.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{args.certificate}: cannot read: {exc}") from None
    try:
        blocks = explain(text)
    except NotExplainable as exc:
        print(f"{args.certificate}: {exc}; there is no proof to explain", file=sys.stderr)
        return EXIT_NOT_VERIFIED
    rendered = render_html(blocks) if args.format == "html" else render_markdown(blocks)
    if args.output:
        write_atomic(args.output, rendered)
        print(f"proof written to {args.output}")
    else:
        sys.stdout.write(rendered)
    return EXIT_OK


def _register_later_commands(sub, fmt) -> None:
    p = sub.add_parser("explain", help="a certificate as a readable proof (Markdown or HTML)",
                       description="Verify a certificate with the independent checker, then "
                                   "write it as a proof a person can read: the claim, the "
                                   "theorem used, each verified fact with its numbers, and why "
                                   "the verdict follows. HTML is one self-contained file. "
                                   "Exit 1 if the certificate does not verify.")
    p.add_argument("certificate", metavar="CERT.json")
    p.add_argument("--format", choices=("md", "html"), default="md")
    p.add_argument("-o", "--output", metavar="FILE", help="write here instead of standard output")
    p.set_defaults(func=cmd_explain)

    p = sub.add_parser("lift", help="exact nearby factors W1' W2' = Z' for an open pair",
                       formatter_class=fmt,
                       description="For a locally open pair and a target Z' in the range near "
                                   "W1 W2 (rank Z' <= k when k < min(m, n)), print rational "
                                   "W1', W2' with W1' W2' = Z' exactly and the exact squared "
                                   "distances; -o writes the openness certificate with the lift "
                                   "attached.\n\n" + MATRIX_HELP)
    p.add_argument("W1")
    p.add_argument("W2")
    p.add_argument("target", metavar="ZPRIME", help="the target Z' (m x n)")
    _add_output(p)
    p.set_defaults(func=cmd_lift)

    p = sub.add_parser("probe", help="measure reach against delta with random exact lifts",
                       formatter_class=fmt,
                       description="Lift seeded random targets in the range at decreasing radii "
                                   "and print (delta, worst reach) with the fitted exponent "
                                   "(about 1 for full-rank pairs, 1/2 when the rank is below k)."
                                   "\n\n" + MATRIX_HELP)
    p.add_argument("W1")
    p.add_argument("W2")
    p.add_argument("--radii", help="comma-separated positive rationals (default 1/10,...,1/100000)")
    p.add_argument("--samples", type=int, default=5, help="targets per radius (default 5)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--plot", metavar="FILE.svg", help="write a log-log plot (SVG)")
    p.add_argument("-q", "--quiet", action="store_true")
    p.set_defaults(func=cmd_probe)

    from .networks.cli import register
    register(sub, fmt, _add_output, _write_certificate)


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_INPUT
    try:
        return args.func(args)
    except InputError as exc:
        print(f"exactopen: error: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except InternalError as exc:
        print(f"exactopen: internal error (please report): {exc}", file=sys.stderr)
        return EXIT_INTERNAL
    except BrokenPipeError:  # the reader (e.g. `head`) stopped early: not an error of ours
        try:  # keep the interpreter's final flush from failing again
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except (OSError, ValueError):
            pass
        return EXIT_OK
    except OSError as exc:
        print(f"exactopen: error: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        print("exactopen: interrupted; nothing was written", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
