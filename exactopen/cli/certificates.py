"""Commands on certificates: ``verify``, ``explain``, ``gallery``, ``demo``."""

from __future__ import annotations

import json
import os
import sys
import tempfile

from ..errors import InputError, InternalError
from .common import (EXIT_NOT_VERIFIED, EXIT_OK, accelerator, add_plain, progress)


def cmd_verify(args) -> int:
    from ..checker import check_file

    fast = accelerator(args)
    worst = EXIT_OK
    for path in args.certificates:
        code, message = check_file(path, fast, args.data, args.budget)
        print(f"{path}: {message}" if len(args.certificates) > 1 else message)
        worst = max(worst, code)
    return worst


def cmd_explain(args) -> int:
    from ..checker import CheckerError, read_capped
    from ..report import NotExplainable, explain, output_format, render_html, render_markdown
    from .output import write_output

    try:
        text = read_capped(args.certificate)
        data = read_capped(args.data, binary=True) if args.data else None
    except (OSError, UnicodeDecodeError, CheckerError) as exc:
        raise InputError(f"{args.certificate}: cannot read: {exc}") from None
    try:
        blocks = explain(text, accelerator(args), data)
        html = output_format(args.format, args.output) == "html"
        rendered = render_html(blocks) if html else render_markdown(blocks)
    except NotExplainable as exc:
        print(f"{args.certificate}: {exc}; there is no proof to explain", file=sys.stderr)
        return EXIT_NOT_VERIFIED
    except (KeyError, TypeError, ValueError, IndexError, AttributeError) as exc:
        raise InternalError(f"{args.certificate} verified, but its proof could not be rendered "
                            f"({type(exc).__name__}: {exc})") from None
    if args.output:
        write_output(args.output, rendered)
        print(f"proof written to {args.output}")
    else:
        sys.stdout.write(rendered)
    return EXIT_OK


def cmd_gallery(args) -> int:
    from ..certify.gallery import entries, gallery_files
    from .output import write_output

    with progress(args, len(entries()), "building the gallery") as bar:
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
            write_output(path, text)
    if args.check:
        if stale:
            print("gallery differs from a fresh regeneration: " + ", ".join(stale))
            return EXIT_NOT_VERIFIED
        print(f"gallery up to date ({len(built)} certificates)")
        return EXIT_OK
    return _verify_directory(args, args.out, [n for n in built if n.endswith(".json")])


def _verify_directory(args, directory: str, names: list[str]) -> int:
    from ..checker import check_file

    fast = accelerator(args)
    worst = EXIT_OK
    width = max(len(n) for n in names)
    for name in names:
        path = os.path.join(directory, name)
        code, message = check_file(path, fast)
        worst = max(worst, code)
        with open(path, encoding="utf-8") as handle:
            verdict = json.load(handle)["verdict"]
        print(f"{name.ljust(width)}  {verdict:<26} {message}")
    return worst


def cmd_demo(args) -> int:
    from ..certify.gallery import build_gallery, entries
    from .output import write_output

    with tempfile.TemporaryDirectory(prefix="exactopen-demo-") as directory:
        print(f"regenerating the gallery in {directory}", file=sys.stderr)
        with progress(args, len(entries()), "building") as bar:
            built = build_gallery(progress=lambda name: bar.update(1))
        for name, text in built.items():
            write_output(os.path.join(directory, name), text)
        code = _verify_directory(args, directory, list(built))
    print("all certificates VERIFIED by the independent checker" if code == EXIT_OK
          else "some certificates were NOT VERIFIED")
    return code


def register(sub, fmt) -> None:
    """Add the certificate commands to the ``exactopen`` parser."""
    from ..checker.spec import BUDGET

    p = sub.add_parser("verify", help="check certificates with the independent checker",
                       description="Replay each certificate with the standard-library checker. "
                                   "Prints VERIFIED or 'NOT VERIFIED: <step>: <rule>: expected .. "
                                   "found ..'. Exit 0 all verified, 1 one was rejected, 2 one was "
                                   "malformed, 3 one exceeded a resource cap or the work budget.")
    p.add_argument("certificates", nargs="+", metavar="CERT.json")
    p.add_argument("--data", metavar="FILE",
                   help="the data file (weights) a certificate's claim names by its SHA-256")
    p.add_argument("--budget", type=int, default=BUDGET, metavar="UNITS",
                   help=f"work budget per certificate in cost units, counted before any "
                        f"arithmetic (default {BUDGET:,}: at most about a minute of plain checking)")
    add_plain(p)
    p.set_defaults(func=cmd_verify)

    p = sub.add_parser("explain", help="a certificate as a readable proof (Markdown or HTML)",
                       description="Verify a certificate with the independent checker, then "
                                   "write it as a proof a person can read: the claim, the "
                                   "theorem used, each verified fact with its numbers, and why "
                                   "the verdict follows. HTML is one self-contained file. "
                                   "Exit 1 if the certificate does not verify.")
    p.add_argument("certificate", metavar="CERT.json")
    p.add_argument("--format", choices=("md", "html"),
                   help="md (Markdown) or html (one self-contained page); default: html when "
                        "-o names a .html or .htm file, else md")
    p.add_argument("-o", "--output", metavar="FILE", help="write here instead of standard output")
    p.add_argument("--data", metavar="FILE", help="the data file the claim names, if any")
    add_plain(p)
    p.set_defaults(func=cmd_explain)

    p = sub.add_parser("gallery", help="regenerate the certificate gallery",
                       description="Regenerate the gallery of certificates deterministically "
                                   "into a directory and verify each; with --check, only compare "
                                   "a fresh regeneration with the files there, byte for byte.")
    p.add_argument("--out", default="certificates", help="directory (default: certificates)")
    p.add_argument("--check", action="store_true", help="fail if any file differs")
    p.add_argument("-q", "--quiet", action="store_true")
    add_plain(p)
    p.set_defaults(func=cmd_gallery)

    p = sub.add_parser("demo", help="regenerate the gallery in a temporary directory and verify it",
                       description="The bundled default job: build every gallery certificate in a "
                                   "temporary directory, verify each with the independent checker "
                                   "and print the table.")
    add_plain(p)
    p.set_defaults(func=cmd_demo)
