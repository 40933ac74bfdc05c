"""Matrices from NumPy, SymPy and FLINT, taken exactly.

:class:`~exactopen.linalg.matrix.Matrix` hands any argument that is not a
list of rows to :func:`foreign_matrix`, which recognises the object by the
module of its type (nothing is imported here) and returns either an
``fmpq_mat`` or rows whose entries :func:`~exactopen.linalg.numbers.parse_rational`
reads one by one:

* NumPy arrays (2-D): integers exactly; floats only with ``exact_floats=True``
  (their exact binary values), as for Python floats; booleans and complex
  numbers refused; object arrays entry by entry;
* SymPy matrices (dense, immutable, sparse; ``DomainMatrix``): entries must be
  ``Integer`` or ``Rational`` (a ``Float`` follows the float rule, any other
  expression is refused with its row and column);
* FLINT ``fmpz_mat`` and ``fmpq_mat``: copied.

Examples
--------
>>> import numpy as np
>>> rows, ncols = foreign_matrix(np.array([[1, 2], [3, 4]]), False)
>>> rows, ncols
([[1, 2], [3, 4]], 2)
"""

from __future__ import annotations

from fractions import Fraction

import flint

from ..errors import InputError
from .numbers import FLOAT_REFUSED

_KINDS = {"b": "booleans", "c": "complex numbers", "m": "time deltas", "M": "dates"}


def _package(obj) -> str:
    return (type(obj).__module__ or "").split(".", 1)[0]


def foreign_matrix(obj, exact_floats: bool):
    """``obj`` as an ``fmpq_mat``, or as ``(rows, ncols)``; None if it is no known matrix type.

    Raises
    ------
    InputError
        Arrays that are not 2-D, refused floats (naming the first), booleans,
        complex numbers.
    """
    if isinstance(obj, (flint.fmpq_mat, flint.fmpz_mat)):
        return flint.fmpq_mat(obj)
    package = _package(obj)
    if package == "numpy" and hasattr(obj, "ndim") and hasattr(obj, "dtype"):
        return _numpy_rows(obj, exact_floats)
    if package == "sympy":
        if hasattr(obj, "to_Matrix"):  # a DomainMatrix
            obj = obj.to_Matrix()
        if hasattr(obj, "shape") and hasattr(obj, "tolist"):
            m, n = obj.shape
            return (obj.tolist() if m else []), n
    return None


def is_foreign_matrix(obj) -> bool:
    """True for the matrix types :func:`foreign_matrix` takes (arrays of any dimension, which it
    refuses unless 2-D), so that operators know a matrix operand from a scalar."""
    if isinstance(obj, (flint.fmpq_mat, flint.fmpz_mat)):
        return True
    package = _package(obj)
    if package == "numpy":
        return type(obj).__name__ in ("ndarray", "matrix")
    return package == "sympy" and (hasattr(obj, "to_Matrix") or
                                   (hasattr(obj, "shape") and hasattr(obj, "tolist")))


def _numpy_rows(a, exact_floats: bool):
    import numpy as np

    if a.ndim != 2:
        raise InputError(f"a {a.ndim}-D NumPy array is not a matrix; give a 2-D array "
                         "(a.reshape(1, -1) for one row, a.reshape(-1, 1) for one column)")
    m, n = a.shape
    kind = a.dtype.kind
    if kind in _KINDS:
        raise InputError(f"a NumPy array of {_KINDS[kind]} ({a.dtype}) is not a matrix of "
                         "rational numbers")
    if kind in "iu" or not a.size:
        return a.tolist() if m else [], n
    if kind == "f":
        finite = np.isfinite(a)
        if not finite.all():
            i, j = map(int, np.argwhere(~finite)[0])
            raise InputError(f"row {i + 1}, column {j + 1}: {a[i, j]} is not a finite number")
        if not exact_floats:
            raise InputError(f"row 1, column 1: {a[0, 0]} (a NumPy {a.dtype} array) "
                             f"{FLOAT_REFUSED}")
        if a.dtype.itemsize <= 8:  # float16, float32, float64: exact as Python floats
            return a.tolist(), n
        return [[Fraction(*x.as_integer_ratio()) for x in row] for row in a], n  # long double
    return a.tolist(), n  # object (or text) arrays: entry by entry


__all__ = ["foreign_matrix", "is_foreign_matrix"]
