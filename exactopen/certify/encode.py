"""Canonical JSON encoding of certificates (same input, same bytes).

Objects have sorted keys; a list of scalars stays on one line and every
other value is indented, so matrices read row by row.  Rationals are
strings in the canonical form of :func:`exactopen.numbers.encode_rational`.
"""

from __future__ import annotations

import json
from fractions import Fraction

from ..linalg import Matrix
from ..linalg.numbers import encode_rational


def encode_matrix(A: Matrix | list, ncols: int | None = None) -> dict:
    """``{"shape": [m, n], "rows": [[...]]}`` with canonical rational strings."""
    if isinstance(A, Matrix):
        return {"shape": [A.nrows, A.ncols], "rows": A.entry_strings()}
    n = ncols if ncols is not None else len(A[0])
    return {"shape": [len(A), n],
            "rows": [[str(x) if type(x) is int else encode_rational(Fraction(x)) for x in r]
                     for r in A]}


def encode_sparse(A: Matrix) -> dict:
    """``{"shape": [m, n], "nonzeros": [[i, j, "v"], ...]}``, row-major: witnesses and curves
    carry only the entries that matter."""
    return {"shape": [A.nrows, A.ncols], "nonzeros": A.nonzeros()}


def _scalar(x) -> bool:
    return not isinstance(x, (dict, list))


def _dump(value, indent: int) -> str:
    pad, inner = " " * indent, " " * (indent + 1)
    if _scalar(value):
        return json.dumps(value, ensure_ascii=True)
    if isinstance(value, list):
        if all(_scalar(v) for v in value):  # one line: "[a, b, c]", as json.dumps writes it
            return json.dumps(value, ensure_ascii=True)
        return "[\n" + ",\n".join(inner + _dump(v, indent + 1) for v in value) + "\n" + pad + "]"
    if not value:
        return "{}"
    items = [inner + json.dumps(k) + ": " + _dump(value[k], indent + 1) for k in sorted(value)]
    return "{\n" + ",\n".join(items) + "\n" + pad + "}"


def dumps(certificate: dict) -> str:
    """Canonical text of a certificate, ending in a newline."""
    return _dump(certificate, 0) + "\n"
