"""The ``exactopen`` command line: one module per command group, exit codes here.

Exit codes (also in ``docs/cli.md``):

* 0 -- success (a certificate written, or VERIFIED);
* 1 -- NOT VERIFIED (a certificate was checked and rejected);
* 2 -- bad input: unreadable or malformed files, wrong shapes, caps on inputs;
* 3 -- a certificate exceeds the checker's resource caps or work budget;
* 4 -- internal error: two independent computations disagreed (a bug);
* 5 -- the mathematics says no: the theorem or construction asked for does not
  apply to this (well-formed) input.
"""

from __future__ import annotations

import argparse
import os
import sys

from .. import __version__
from ..errors import InputError, InternalError, NotApplicable
from . import certificates, models, networks, openness
from .common import (EXIT_CAP, EXIT_INPUT, EXIT_INTERNAL, EXIT_NOT_APPLICABLE, EXIT_OK,
                     CheckerCapExceeded, HelpFormatter, examples)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="exactopen", formatter_class=HelpFormatter,
        description="Exact, certified answers on local openness of matrix multiplication "
                    "(Nouiehed & Razaviyayn) and on deep linear networks. Every answer comes "
                    "with a JSON certificate that an independent checker re-verifies. "
                    "'exactopen COMMAND --help' describes a command, with examples.",
        epilog=examples("exactopen certify '[[1],[2]]' '[[1,1]]' -o open.json",
                        "exactopen verify open.json",
                        "echo '1 2; 2 4' | exactopen rank -")
        + "\n\nExit codes: 0 ok, 1 NOT VERIFIED, 2 bad input, 3 checker resource cap, "
          "4 internal error, 5 the theorem does not apply.")
    parser.add_argument("--version", action="version", version=f"exactopen {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    fmt = HelpFormatter
    openness.register(sub, fmt)
    certificates.register(sub, fmt)
    networks.register(sub, fmt)
    models.register(sub, fmt)
    return parser


#: NumPy's BLAS runs single-threaded unless the user says otherwise: the products of the
#: p-adic solver and of the checker's accelerator are small, and on a busy machine extra
#: threads cost more time than they save (FLINT is single-threaded as well).
BLAS_THREADS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def main(argv=None) -> int:
    from ..checker.spec import long_integers

    for name in BLAS_THREADS:  # read when NumPy is first imported, which is later
        os.environ.setdefault(name, "1")
    for stream in (sys.stdout, sys.stderr):  # a terminal without U+2229 (cp1252) gets \u2229
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_INPUT
    try:
        from .output import refuse_outputs_that_are_inputs
        refuse_outputs_that_are_inputs(args)
        with long_integers():
            return args.func(args)
    except InputError as exc:
        return _failed(args, EXIT_INPUT, "error", exc)
    except NotApplicable as exc:
        return _failed(args, EXIT_NOT_APPLICABLE, "does not apply", exc)
    except CheckerCapExceeded as exc:
        return _failed(args, EXIT_CAP, "resource cap", exc)
    except InternalError as exc:
        return _failed(args, EXIT_INTERNAL, "internal error (please report)", exc)
    except BrokenPipeError:  # the reader (e.g. `head`) stopped early: not an error of ours
        try:  # keep the interpreter's final flush from failing again
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except (OSError, ValueError):
            pass
        return EXIT_OK
    except OSError as exc:  # in plain words, naming the user's path
        where = f"{exc.filename}: " if exc.filename else ""
        return _failed(args, EXIT_INPUT, "error", f"{where}{exc.strerror or exc}")
    except MemoryError:
        return _failed(args, EXIT_CAP, "resource cap", "out of memory; nothing was written")
    except KeyboardInterrupt:
        print("exactopen: interrupted; nothing was written", file=sys.stderr)
        return 130


def _failed(args, code: int, label: str, message) -> int:
    """The message on standard error; with --json also the object, with ``error``."""
    print(f"exactopen: {label}: {message}", file=sys.stderr)
    if getattr(args, "json", False):
        import json

        print(json.dumps({"command": args.command, "verdict": None, "exit": code,
                          "error": str(message)}))
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
