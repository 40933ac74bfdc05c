"""Canonical JSON encoding of certificates (same input, same bytes).

Objects have sorted keys; a list of scalars stays on one line and every
other value is indented, so matrices read row by row.  Rationals are
strings in the canonical form of :func:`exactopen.numbers.encode_rational`.
"""

from __future__ import annotations

import json
from fractions import Fraction

import flint

from ..linalg import Matrix
from ..linalg.numbers import encode_rational


def encode_matrix(A: Matrix | flint.fmpz_mat | list, ncols: int | None = None) -> dict:
    """``{"shape": [m, n], "rows": [[...]]}`` with canonical rational strings."""
    if isinstance(A, Matrix):
        return {"shape": [A.nrows, A.ncols], "rows": A.entry_strings()}
    if isinstance(A, flint.fmpz_mat):  # FLINT writes large integers faster than Python
        return {"shape": [A.nrows(), A.ncols()], "rows": [list(map(str, r)) for r in A.tolist()]}
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


def _scalars(values: list) -> bool:
    """No entry is a dict or a list (one look per type: rows of large matrices are long)."""
    return not any(issubclass(t, (dict, list)) for t in set(map(type, values)))


def _dump(value, indent: int, out: list) -> None:
    """Append the text of ``value`` to ``out`` (joined once at the end: no text is copied twice)."""
    if _scalar(value) or (isinstance(value, list) and _scalars(value)):
        out.append(json.dumps(value, ensure_ascii=True))  # a list on one line: "[a, b, c]"
        return
    if not value:
        out.append("{}")
        return
    pad, inner = " " * indent, " " * (indent + 1)
    is_list = isinstance(value, list)
    out.append("[\n" if is_list else "{\n")
    for k, key in enumerate(value if is_list else sorted(value)):
        out.append(",\n" + inner if k else inner)
        if not is_list:
            out.append(json.dumps(key) + ": ")
        _dump(key if is_list else value[key], indent + 1, out)
    out.append("\n" + pad + ("]" if is_list else "}"))


def dumps(certificate: dict) -> str:
    """Canonical text of a certificate, ending in a newline."""
    out = []
    _dump(certificate, 0, out)
    out.append("\n")
    return "".join(out)
