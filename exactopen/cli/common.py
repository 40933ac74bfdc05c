"""What every command shares: exit codes, help layout, standard input, the three ways of
printing a result (every line, ``-q``'s one line, ``--json``'s one object), the checker's
accelerator, writing certificates."""

from __future__ import annotations

import argparse
import sys

from ..errors import ExactOpenError, InputError, InternalError, ResourceLimitError

EXIT_OK, EXIT_NOT_VERIFIED, EXIT_INPUT, EXIT_CAP, EXIT_INTERNAL, EXIT_NOT_APPLICABLE = range(6)

MATRIX_HELP = """\
A matrix is a file or an inline string:
  JSON    [[1, 2], ["1/2", 0.25]]  (integers, "p/q", decimals read exactly)
          {"shape": [0, 3], "rows": []} for empty shapes
  text    one row per line, entries separated by spaces, '#' comments
  .mtx    Matrix Market array or coordinate, integer or real (exact decimals)
  inline  '[[1],[2]]', '1 2; 3 4' (rows separated by ';'), '1 2 3' (a row), '5'
  -       standard input, in any of the text formats above
  weights FILE.npy, FILE.npz:NAME, FILE.safetensors:NAME (a 2-D tensor; FILE
          alone when it holds one): int8-int64, uint8-uint64, float16,
          bfloat16, float32, float64. Binary floats are read exactly, as the
          dyadic rationals they are (no rounding, no option); NaN and
          infinities are refused. A certificate refers to the weight file by
          its SHA-256 instead of copying the matrix (--embed copies it);
          verify it with: exactopen verify CERT --data FILE
"""


STDIN_HELP = "'-' reads it from standard input"


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Paragraphs wrapped to the terminal, indented lines (formats, examples) kept as written,
    and every option's default shown."""

    def _fill_text(self, text, width, indent):
        import textwrap

        out, paragraph = [], []

        def flush():
            if paragraph:
                out.append(textwrap.fill(" ".join(paragraph), width, initial_indent=indent,
                                         subsequent_indent=indent))
                paragraph.clear()

        for line in text.splitlines():
            if not line.strip() or line[0].isspace():
                flush()
                out.append(indent + line if line.strip() else "")
            else:
                paragraph.append(line.strip())
        flush()
        return "\n".join(out)

    def _get_help_string(self, action):
        text = action.help or ""
        if action.default not in (None, False, argparse.SUPPRESS) and "default" not in text \
                and (action.option_strings or action.nargs in ("?", "*")):
            text += " (default: %(default)s)"
        return text


def examples(*lines: str) -> str:
    """An epilog of example invocations, one a line."""
    return "examples:\n" + "\n".join("  " + line for line in lines)


# -- standard input -------------------------------------------------------------------

def read_stdin(args, what: str = "input") -> str:
    """Standard input as text (UTF-8, a byte-order mark dropped), read at most once a command."""
    from ..checker.spec import MAX_FILE_BYTES

    if getattr(args, "stdin_taken", False):
        raise InputError("'-' (standard input) can stand for only one input of a command")
    args.stdin_taken = True
    stream = getattr(sys.stdin, "buffer", None)
    read = stream.read if stream is not None else lambda n: sys.stdin.read(n).encode("utf-8")
    pieces, size = [], 0
    while piece := read(1 << 20):  # in pieces: memory grows with the input, not with the cap
        size += len(piece)
        if size > MAX_FILE_BYTES:
            raise ResourceLimitError(f"standard input: more than {MAX_FILE_BYTES} bytes (the cap)")
        pieces.append(piece)
    data = b"".join(pieces)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"standard input: not UTF-8 text (the {what} must be text there; give "
                         "a weight file by its path)") from None


def read_matrix_arg(args, spec: str):
    """The matrix ``spec`` names and the tensor it came from (see linalg.inputs); ``-``: a text
    matrix (JSON, text rows, Matrix Market) on standard input."""
    if spec == "-":
        from ..linalg.readers import parse_matrix_text
        return parse_matrix_text(read_stdin(args, "matrix"), "standard input"), None
    from ..linalg.inputs import read_input
    return read_input(spec)


# -- printing results -------------------------------------------------------------------

def vector_text(values) -> str:
    """``[1, -1/2, 0]``: exact entries, no quotes."""
    return "[" + ", ".join(str(x) for x in values) + "]"


def matrix_text(M) -> str:
    """``[1 2; 3 4]``: rows separated by ``;`` (the inline form the commands read back)."""
    return "[" + "; ".join(" ".join(str(x) for x in row) for row in M.tolist()) + "]"


def emit(args, lines: list[str], result: str, record: dict | None = None) -> None:
    """Print a command's outcome: every line, or with ``-q`` the result line alone, or with
    ``--json`` one JSON object (``command``, ``verdict``, ``exit``, then ``record``).

    When ``-`` sends a file (``-o``, ``--factors``, ``--plot``) to standard output, the
    outcome goes to standard error, so that the two never mix.
    """
    piped = "-" in (getattr(args, name, None) for name in ("output", "factors", "plot"))
    stream = sys.stderr if piped else sys.stdout
    if getattr(args, "json", False):
        import json

        doc = {"command": args.command, "verdict": None, "exit": EXIT_OK}
        doc.update(record or {})
        print(json.dumps(doc), file=stream)
    elif getattr(args, "quiet", False):
        print(result, file=stream)
    else:
        print("\n".join(lines), file=stream)


def certificate_record(args, data_path: str | None = None) -> dict:
    """The JSON fields every certificate-writing command reports: the certificate's path (None
    when not written), whether the independent checker verified it, the data file it names."""
    return {"certificate": getattr(args, "output", None), "checked": not args.no_check,
            "data": data_path}


class CheckerCapExceeded(ExactOpenError):
    """A generated certificate exceeds the checker's caps or budget (exit 3)."""


def accelerator(args):
    """The checker's optional accelerator, chosen here and only here: exact float64 limb
    products (NumPy), unless ``--plain`` or ``EXACTOPEN_PLAIN=1`` asks for Python alone."""
    from ..accel.limbs import accelerator as limbs
    return limbs(getattr(args, "plain", False))


def progress(args, total: int, what: str):
    """A progress bar on standard error; silent when it is not a terminal, with -q or --json."""
    from tqdm import tqdm
    quiet = getattr(args, "quiet", False) or getattr(args, "json", False)
    return tqdm(total=total, desc=what, file=sys.stderr, leave=False,
                disable=True if quiet else None)


def write_certificate(args, cert: dict, data_path: str | None = None) -> str:
    """Check the certificate independently, then write it; return its status line.

    ``data_path`` is the weight file the claim refers to, if any: the checker
    reads it, and the status line says how to verify with it.
    """
    from ..certify.encode import dumps
    from ..checker import check_text, read_capped
    from .output import write_output

    text = dumps(cert)
    if not args.no_check:
        data = read_capped(data_path, binary=True) if data_path else None
        code, message = check_text(text, accelerator(args), data, args.budget)
        if code == EXIT_CAP:
            raise CheckerCapExceeded(f"the certificate exceeds the checker's caps ({message}); "
                                     f"--no-check writes it unchecked")
        if code:
            raise InternalError(f"generated certificate failed the checker: {message}")
    if args.output:
        write_output(args.output, text)
        status = f"certificate: {args.output} ({'written' if args.no_check else 'VERIFIED'})"
        if data_path:
            status += (f"; it refers to {data_path} by its SHA-256, verify with: "
                       f"exactopen verify {args.output} --data {data_path}")
        return status
    return "certificate: not written (use -o FILE)"


def add_embed(p) -> None:
    p.add_argument("--embed", action="store_true",
                   help="copy matrices read from weight files into the certificate instead of "
                        "referring to the file by its SHA-256 (then no --data is needed)")


def claim_sources(args, refs: dict):
    """How the certificate writes the matrices read from weight files (see certify.data)."""
    from ..certify.data import ClaimSources
    return ClaimSources(refs, embed=getattr(args, "embed", False))


def engine(args):
    """Exact kernel checks only when the independent checker will not run afterwards."""
    from ..linalg import FLINT, FLINT_PROJECTED
    return FLINT if getattr(args, "no_check", True) else FLINT_PROJECTED


def add_plain(p) -> None:
    p.add_argument("--plain", action="store_true",
                   help="check with the standard library alone, without NumPy's exact float64 "
                        "limb products (same verdicts, slower; also EXACTOPEN_PLAIN=1)")


def add_output(p) -> None:
    p.add_argument("-o", "--output", metavar="CERT.json",
                   help="write the certificate here (atomically; nothing is written on error; "
                        "'-': standard output, and the report goes to standard error)")
    p.add_argument("--no-check", action="store_true",
                   help="skip re-verifying the certificate with the independent checker before "
                        "writing")
    add_budget(p)
    add_plain(p)


def _units(text: str) -> int:
    import argparse
    try:
        units = int(text.replace("_", "").replace(",", ""))
    except ValueError:
        units = 0
    if units < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: expected a positive whole number of units")
    return units


def add_budget(p) -> None:
    from ..checker.spec import BUDGET
    p.add_argument("--budget", type=_units, default=BUDGET, metavar="UNITS",
                   help=f"the checker's work budget per certificate in cost units, counted "
                        f"before any arithmetic (default {BUDGET:,}: at most about a minute of "
                        f"plain checking)")


def add_quiet(p, result: str, json_too: bool = False) -> None:
    """``-q`` (one line: ``result``) and, where scripts read the outcome, ``--json``."""
    p.add_argument("-q", "--quiet", action="store_true",
                   help=f"print one line, the result: {result}")
    if json_too:
        p.add_argument("--json", action="store_true",
                       help="print one JSON object (one line) and nothing else on standard "
                            "output: the verdict, the exit code, the numbers behind it and "
                            "the certificate's path (fields in docs/cli.md)")
