"""Commands on certificates: ``verify``, ``explain``, ``gallery``, ``demo``."""

from __future__ import annotations

import os
import re
import sys

from ..errors import InputError, InternalError, ResourceLimitError
from .common import (EXIT_NOT_VERIFIED, EXIT_OK, STDIN_HELP, accelerator, add_budget, add_plain,
                     add_quiet, emit, examples, progress, read_stdin)

#: ``NOT VERIFIED: step S: RULE: expected E, found F``, the checker's rejection of a step.
_REJECTION = re.compile(r"NOT VERIFIED: step ([^:]+): ([^:\s]+): ")


def _check(args, path: str, fast) -> tuple[int, str, str | None]:
    """The checker's ``(exit code, message)`` for one certificate, and its text when it came
    from standard input (``-``)."""
    from ..checker import KIND, CheckerError, check_file, check_text, read_capped

    if path != "-":
        return (*check_file(path, fast, args.data, args.budget), None)
    try:
        text = read_stdin(args, "certificate")
    except InputError as exc:
        code = 3 if isinstance(exc, ResourceLimitError) else 2
        return code, f"NOT VERIFIED: {KIND[code]}{exc}", None
    try:
        data = read_capped(args.data, binary=True) if args.data else None
    except CheckerError as exc:
        return exc.exit_code, f"NOT VERIFIED: {KIND[exc.exit_code]}{exc}", text
    except OSError as exc:
        return 2, f"NOT VERIFIED: malformed: cannot read {args.data}: {exc.strerror}", text
    return (*check_text(text, fast, data, args.budget), text)


def _record(path: str, code: int, message: str, text: str | None) -> dict:
    """One certificate's outcome for --json: the checker's verdict and, when it rejected a
    step, the step and its rule; the certificate's kind and stated verdict when it parses."""
    import json

    from ..checker import read_capped

    rejected = _REJECTION.match(message) if code == 1 else None
    step = rejected.group(1) if rejected else None
    record = {"path": path, "verdict": "VERIFIED" if code == 0 else "NOT VERIFIED", "exit": code,
              "message": message, "step": int(step) if step and step.isdigit() else step,
              "rule": rejected.group(2) if rejected else None, "kind": None,
              "certificate_verdict": None}
    try:
        doc = json.loads(text if text is not None else read_capped(path))
        record.update(kind=doc.get("kind"), certificate_verdict=doc.get("verdict"))
    except Exception:  # unreadable or not a JSON object: the message says why
        pass
    return record


def cmd_verify(args) -> int:
    if args.certificates.count("-") > 1:
        raise InputError("'-' (standard input) can stand for only one certificate")
    fast = accelerator(args)
    worst, lines, records, failed = EXIT_OK, [], [], []
    for path in args.certificates:
        code, message, text = _check(args, path, fast)
        lines.append(f"{path}: {message}" if len(args.certificates) > 1 else message)
        if args.json:
            records.append(_record(path, code, message, text))
        if code:
            failed.append(f"{path}: {message.removeprefix('NOT VERIFIED: ')}")
        worst = max(worst, code)
    n = len(args.certificates)
    if n == 1:
        result = lines[0]
    elif not failed:
        result = f"VERIFIED ({n} certificates)"
    else:
        result = f"NOT VERIFIED: {len(failed)} of {n} certificates; first: {failed[0]}"
    emit(args, lines, result, {"verdict": "VERIFIED" if worst == EXIT_OK else "NOT VERIFIED",
                               "exit": worst, "certificates": records})
    return worst


def cmd_explain(args) -> int:
    from ..checker import KIND, CheckerError, read_capped
    from ..report import NotExplainable, explain, output_format, render_html, render_markdown
    from .output import write_output, write_stdout

    def not_explained(code: int, message) -> int:  # the exit code verify would give
        print(f"{args.certificate}: NOT VERIFIED: {KIND[code]}{message}; there is no proof to "
              "explain", file=sys.stderr)
        return code

    try:
        if args.certificate == "-":
            text = read_stdin(args, "certificate")
        else:
            text = read_capped(args.certificate)
        data = read_capped(args.data, binary=True) if args.data else None
    except ResourceLimitError as exc:
        return not_explained(3, exc)
    except CheckerError as exc:
        return not_explained(exc.exit_code, exc)
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or "not UTF-8 text"
        path = getattr(exc, "filename", None) or args.certificate
        raise InputError(f"{path}: cannot read: {reason}") from None
    try:
        blocks = explain(text, accelerator(args), data, args.budget)
        html = output_format(args.format, args.output) == "html"
        rendered = render_html(blocks) if html else render_markdown(blocks)
    except NotExplainable as exc:
        print(f"{args.certificate}: {exc}; there is no proof to explain", file=sys.stderr)
        return exc.exit_code
    except (KeyError, TypeError, ValueError, IndexError, AttributeError) as exc:
        raise InternalError(f"{args.certificate} verified, but its proof could not be rendered "
                            f"({type(exc).__name__}: {exc})") from None
    if args.output:
        write_output(args.output, rendered)
        line = f"proof written to {args.output} ({'HTML' if html else 'Markdown'})"
        emit(args, [line], line)
    else:
        write_stdout(rendered)
    return EXIT_OK


def cmd_gallery(args) -> int:
    from ..certify.gallery import entries, gallery_files
    from .output import write_output

    with progress(args, len(entries()), "building the gallery") as bar:
        built = gallery_files(progress=lambda name: bar.update(1))
    certificates = [name for name in built if name.endswith(".json")]
    if args.check and not os.path.isdir(args.out):
        raise InputError(f"{args.out}: no such directory: there is no gallery to check "
                         f"(--out names it; 'exactopen gallery --out {args.out}' writes one)")
    if not args.check:
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
        result = ("gallery differs from a fresh regeneration: " + ", ".join(stale)) if stale \
            else f"gallery up to date ({len(certificates)} certificates)"
        emit(args, [result], result)
        return EXIT_NOT_VERIFIED if stale else EXIT_OK
    code, lines = _verify_directory(args, args.out, certificates)
    result = f"gallery: {len(certificates)} certificates in {args.out}, " + (
        "all VERIFIED by the independent checker" if code == EXIT_OK else
        f"{sum('NOT VERIFIED' in line for line in lines)} NOT VERIFIED")
    emit(args, lines + [result], result)
    return code


def _verify_directory(args, directory: str, names: list[str]) -> tuple[int, list[str]]:
    """The worst exit code, and a table line per certificate: name, verdict, checker's message."""
    import json

    from ..checker import check_file

    fast = accelerator(args)
    worst, lines = EXIT_OK, []
    width = max(len(n) for n in names)
    for name in names:
        path = os.path.join(directory, name)
        code, message = check_file(path, fast)
        worst = max(worst, code)
        with open(path, encoding="utf-8") as handle:
            verdict = json.load(handle)["verdict"]
        lines.append(f"{name.ljust(width)}  {verdict:<26} {message}")
    return worst, lines


def cmd_demo(args) -> int:
    import tempfile

    from ..certify.gallery import build_gallery, entries
    from .output import write_output

    with tempfile.TemporaryDirectory(prefix="exactopen-demo-") as directory:
        if not args.quiet:
            print(f"regenerating the gallery in {directory}", file=sys.stderr)
        with progress(args, len(entries()), "building") as bar:
            built = build_gallery(progress=lambda name: bar.update(1))
        for name, text in built.items():
            write_output(os.path.join(directory, name), text)
        code, lines = _verify_directory(args, directory, list(built))
    result = (f"all {len(built)} certificates VERIFIED by the independent checker"
              if code == EXIT_OK else "some certificates were NOT VERIFIED")
    emit(args, lines + [result], result)
    return code


def register(sub, fmt) -> None:
    """Add the certificate commands to the ``exactopen`` parser."""
    p = sub.add_parser("verify", help="check certificates with the independent checker",
                       formatter_class=fmt,
                       description="Replay each certificate with the standard-library checker. "
                                   "Prints VERIFIED or 'NOT VERIFIED: step S: RULE: expected E, "
                                   "found F' (with several certificates, one line each, "
                                   "prefixed by the path). Exit 0 all verified, 1 one was "
                                   "rejected, 2 one was malformed, 3 one exceeded a resource "
                                   "cap or the work budget.",
                       epilog=examples("exactopen verify open.json t8.json",
                                       "exactopen verify --json scan/pair.json --data "
                                       "adapter.safetensors"))
    p.add_argument("certificates", nargs="+", metavar="CERT.json",
                   help=f"certificates to check ({STDIN_HELP})")
    p.add_argument("--data", metavar="FILE",
                   help="the data file (weights) a certificate's claim names by its SHA-256")
    add_budget(p)
    add_plain(p)
    add_quiet(p, "VERIFIED, or NOT VERIFIED with the first rejection", json_too=True)
    p.set_defaults(func=cmd_verify)

    p = sub.add_parser("explain", help="a certificate as a readable proof (Markdown or HTML)",
                       formatter_class=fmt,
                       description="Verify a certificate with the independent checker, then "
                                   "write it as a proof a person can read: the claim, the "
                                   "theorem used, each verified fact with its numbers, and why "
                                   "the verdict follows. HTML is one self-contained file. "
                                   "A certificate that does not verify exits as verify does: 1 "
                                   "rejected, 2 malformed, 3 resource cap or work budget.",
                       epilog=examples("exactopen explain open.json",
                                       "exactopen explain open.json -o open.html"))
    p.add_argument("certificate", metavar="CERT.json", help=f"the certificate ({STDIN_HELP})")
    p.add_argument("--format", choices=("md", "html"),
                   help="md (Markdown) or html (one self-contained page); default: html when "
                        "-o names a .html or .htm file, else md")
    p.add_argument("-o", "--output", metavar="FILE",
                   help="write the proof here (atomically) instead of standard output")
    p.add_argument("--data", metavar="FILE", help="the data file the claim names, if any")
    add_budget(p)
    add_plain(p)
    add_quiet(p, "with -o, 'proof written to FILE'; without -o the proof itself is the output")
    p.set_defaults(func=cmd_explain)

    p = sub.add_parser("gallery", help="regenerate the certificate gallery",
                       formatter_class=fmt,
                       description="Regenerate the gallery of certificates deterministically "
                                   "into a directory and verify each; with --check, only compare "
                                   "a fresh regeneration with the files there, byte for byte.",
                       epilog=examples("exactopen gallery --out certificates",
                                       "exactopen gallery --check -q"))
    p.add_argument("--out", default="certificates", metavar="DIR",
                   help="the gallery's directory (created if needed)")
    p.add_argument("--check", action="store_true",
                   help="write nothing; exit 1 if any file differs from a fresh regeneration")
    add_quiet(p, "the summary (how many certificates, verified or up to date)")
    add_plain(p)
    p.set_defaults(func=cmd_gallery)

    p = sub.add_parser("demo", help="regenerate the gallery in a temporary directory and verify it",
                       formatter_class=fmt,
                       description="The bundled default job: build every gallery certificate in a "
                                   "temporary directory, verify each with the independent checker "
                                   "and print the table.",
                       epilog=examples("exactopen demo", "exactopen demo -q"))
    add_plain(p)
    add_quiet(p, "whether every certificate VERIFIED")
    p.set_defaults(func=cmd_demo)
