"""Writing results to the user's paths: atomically, and never replacing what is not ours."""

from __future__ import annotations

import os
import stat
import sys
import tempfile

from ..errors import InputError


def write_output(path: str, text: str) -> None:
    """Write ``text`` to ``path`` (``-``: standard output) so that nothing is half-written.

    * a regular file, or a new path: a temporary file in the same directory,
      then an atomic rename over it (its permissions are kept);
    * a symbolic link: the same for the file it points to; the link stays;
    * a FIFO or a character device (a pipe, ``/dev/null``, a terminal):
      written through, never replaced;
    * anything else (a directory, a block device, a socket): refused with an
      :class:`~exactopen.errors.InputError`, nothing written.
    """
    if path == "-":
        write_stdout(text)
        return
    target = os.path.realpath(path)
    try:
        status = os.stat(target)
    except FileNotFoundError:
        status = None
    except OSError as exc:
        raise InputError(f"{path}: cannot write: {exc.strerror}") from None
    if status is not None and not stat.S_ISREG(status.st_mode):
        if stat.S_ISFIFO(status.st_mode) or stat.S_ISCHR(status.st_mode):
            try:
                with open(target, "w", encoding="utf-8", newline="\n") as handle:
                    handle.write(text)
            except OSError as exc:
                raise InputError(f"{path}: cannot write: {exc.strerror}") from None
            return
        raise InputError(f"{path}: is not a regular file, a pipe or a character device "
                         "(a directory, block device or socket); nothing was written")
    try:
        fd, tmp = tempfile.mkstemp(prefix=".exactopen-", dir=os.path.dirname(target))
    except OSError as exc:
        raise InputError(f"{path}: cannot write: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        if status is not None:
            mode = stat.S_IMODE(status.st_mode)
        else:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException as exc:
        if os.path.exists(tmp):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise InputError(f"{path}: cannot write: {exc.strerror}") from None
        raise


def write_stdout(text: str) -> None:
    """A document (certificate, proof, factors) on standard output in UTF-8, as files are
    written, whatever the terminal's encoding (messages are escaped for it instead)."""
    sys.stdout.flush()
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:
        sys.stdout.write(text)
    else:
        buffer.write(text.encode("utf-8"))
        buffer.flush()


def refuse_outputs_that_are_inputs(args) -> None:
    """``exactopen rank A.txt -o A.txt`` would replace the matrix by its certificate: an
    output (``-o``, ``--factors``, ``--plot``) that is one of the command's input files is
    refused before anything is read or written."""
    names = ("output", "factors", "plot")
    outputs = [getattr(args, n, None) for n in names]
    outputs = [o for o in outputs if isinstance(o, str) and o != "-" and os.path.isfile(o)]
    for key, value in vars(args).items():
        for given in value if isinstance(value, list) else [value]:
            if key in names or not isinstance(given, str) or given == "-":
                continue
            path = given if os.path.exists(given) else given.rsplit(":", 1)[0]  # FILE:NAME
            for out in outputs:
                if os.path.isfile(path) and os.path.samefile(out, path):
                    raise InputError(f"{out}: this output is also an input of the command; "
                                     "nothing was written (choose another -o path)")
