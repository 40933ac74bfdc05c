"""What every command shares: exit codes, the checker's accelerator, writing certificates."""

from __future__ import annotations

import sys

from ..errors import ExactOpenError, InternalError

EXIT_OK, EXIT_NOT_VERIFIED, EXIT_INPUT, EXIT_CAP, EXIT_INTERNAL, EXIT_NOT_APPLICABLE = range(6)

MATRIX_HELP = """\
A matrix is a file or an inline string:
  JSON    [[1, 2], ["1/2", 0.25]]  (entries: integers, "p/q", decimals read exactly)
          {"shape": [0, 3], "rows": []} for empty shapes
  text    one row per line, entries separated by spaces, '#' comments
  .mtx    Matrix Market array or coordinate, integer or real (exact decimals)
  inline  '[[1],[2]]' or '1 2; 3 4' (rows separated by ';')
  weights FILE.npy, FILE.npz:NAME, FILE.safetensors:NAME (a 2-D tensor; FILE
          alone when it holds one): int8-int64, uint8-uint64, float16,
          bfloat16, float32, float64. Binary floats are read exactly, as the
          dyadic rationals they are (no rounding, no option); NaN and
          infinities are refused. A certificate refers to the weight file by
          its SHA-256 instead of copying the matrix (--embed copies it);
          verify it with: exactopen verify CERT --data FILE
"""


class CheckerCapExceeded(ExactOpenError):
    """A generated certificate exceeds the checker's caps or budget (exit 3)."""


def accelerator(args):
    """The checker's optional accelerator, chosen here and only here: exact float64 limb
    products (NumPy), unless ``--plain`` or ``EXACTOPEN_PLAIN=1`` asks for Python alone."""
    from ..accel.limbs import accelerator as limbs
    return limbs(getattr(args, "plain", False))


def progress(args, total: int, what: str):
    """A progress bar on standard error; silent when it is not a terminal or with --quiet."""
    from tqdm import tqdm
    return tqdm(total=total, desc=what, file=sys.stderr, leave=False,
                disable=True if getattr(args, "quiet", False) else None)


def say(args, text: str) -> None:
    if not getattr(args, "quiet", False):
        print(text)


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
        code, message = check_text(text, accelerator(args), data)
        if code == EXIT_CAP:
            raise CheckerCapExceeded(f"the certificate exceeds the checker's caps ({message})")
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
                   help="write the certificate here (atomically; nothing is written on error)")
    p.add_argument("--no-check", action="store_true",
                   help="skip re-verifying the certificate with the independent checker before writing")
    add_plain(p)
    p.add_argument("-q", "--quiet", action="store_true", help="print only the result")
