"""Claims that refer to a weight file instead of copying its matrices.

A claim matrix read from a weight file is written as a tensor reference
``{"tensor": NAME, "shape": [m, n], "transpose": bool}`` and the claim names
the file by ``"data": {"sha256": HEX, "bytes": N}``; the checker then needs
the file (``exactopen verify CERT --data FILE``), checks its digest and reads
the tensors itself.  A certificate refers to at most one data file: the file
of the first referenced matrix; a matrix from another file, or from a text
or JSON file, is embedded.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from ..linalg import Matrix
from ..linalg.weights import TensorRef, file_sha256
from .encode import encode_matrix, encode_sparse


@dataclass(frozen=True)
class DataFile:
    """A weight file named by a claim: its path here, SHA-256 and size in bytes."""

    path: str
    sha256: str
    size: int

    @classmethod
    def of(cls, path: str) -> "DataFile":
        return cls(os.fspath(path), file_sha256(path), os.path.getsize(path))

    def claim_field(self) -> dict:
        return {"sha256": self.sha256, "bytes": self.size}


def _same_file(a: str, b: str) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.abspath(a) == os.path.abspath(b)


class ClaimSources:
    """How each claim matrix is written: a tensor of the one data file, or embedded.

    ``refs`` maps claim names (``W1``, ``A``, ...) to the :class:`TensorRef` a
    matrix was read from (None or absent: not from a weight file); with
    ``embed`` every matrix is embedded.  ``data`` may hand in the file's
    :class:`DataFile` when it is already known (its digest is then not
    recomputed).
    """

    def __init__(self, refs: dict | None = None, embed: bool = False, data: DataFile | None = None):
        given = {k: r for k, r in (refs or {}).items() if r is not None}
        self.data, self.refs = None, {}
        if given and not embed:
            first = next(iter(given.values())).path
            self.data = data if data is not None and _same_file(data.path, first) else \
                DataFile.of(first)
            self.refs = {k: r for k, r in given.items() if _same_file(r.path, first)}
        self.embedded = sorted(set(given) - set(self.refs))

    def encode(self, name: str, M: Matrix, sparse: bool = False) -> dict:
        """The claim's value for the matrix ``M`` called ``name``."""
        ref = self.refs.get(name)
        if ref is None:
            return encode_sparse(M) if sparse else encode_matrix(M)
        return {"tensor": ref.name, "shape": [M.nrows, M.ncols], "transpose": ref.transpose}

    def claim(self, fields: dict) -> dict:
        """The claim: ``fields`` and, when a matrix is referenced, the data file."""
        return {**fields, "data": self.data.claim_field()} if self.data else dict(fields)


#: Every claim matrix embedded.
EMBEDDED = ClaimSources()

__all__ = ["ClaimSources", "DataFile", "EMBEDDED", "TensorRef"]
