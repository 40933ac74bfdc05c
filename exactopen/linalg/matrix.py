"""The immutable exact matrix type of exactopen.

A :class:`Matrix` holds rational entries in a python-flint ``fmpq_mat`` that
is never handed out for mutation.  Algorithms that need a second, independent
implementation (rank, RREF, null spaces) take an ``engine`` argument; see
:mod:`exactopen.linalg.engines`.

Examples
--------
>>> A = Matrix([[1, 2], ["1/2", 1]])
>>> A.shape
(2, 2)
>>> (A @ A.T)[0, 1]
Fraction(5, 2)
"""

from __future__ import annotations

from fractions import Fraction
from itertools import chain, compress
import operator
from math import gcd, lcm
from typing import Iterable, Sequence

import flint

from ..checker.spec import MAX_DIM, MAX_ENTRIES
from ..errors import InputError, NotApplicable, ResourceLimitError
from .convert import foreign_matrix, is_foreign_matrix
from .numbers import parse_rational


_INTEGERS = {int, flint.fmpz}
_EXACT = {int, flint.fmpz, flint.fmpq}


def _fmpq(x: Fraction) -> flint.fmpq:
    return flint.fmpq(x.numerator, x.denominator)


def check_size(m: int, n: int, where: str = "") -> None:
    """Raise :class:`ResourceLimitError` when an m x n matrix exceeds the caps."""
    prefix = f"{where}: " if where else ""
    if m > MAX_DIM or n > MAX_DIM or m * n > MAX_ENTRIES:
        raise ResourceLimitError(
            f"{prefix}a {m} x {n} matrix exceeds the cap ({MAX_DIM} rows or columns, "
            f"{MAX_ENTRIES} entries)")


class Matrix:
    """An immutable m x n matrix over the rationals.

    Parameters
    ----------
    rows : sequence of sequences, or a NumPy, SymPy or FLINT matrix
        Entries as accepted by :func:`exactopen.linalg.numbers.parse_rational`;
        a 2-D NumPy array, a SymPy matrix, an ``fmpz_mat`` or ``fmpq_mat``, or
        another Matrix (see :mod:`exactopen.linalg.convert`).
    ncols : int, optional
        Number of columns; needed only when ``rows`` is empty (0 x n).
    exact_floats : bool
        Accept binary floats (Python, NumPy, SymPy) at their exact binary value.

    Raises
    ------
    InputError
        Ragged rows, non-numbers, refused floats, SymPy expressions that are
        not rational numbers, arrays that are not 2-D.

    Like SymPy's matrices, ``A * B`` is the matrix product (as ``A @ B``),
    ``2 * A`` a scalar multiple, ``A ** k`` a power; :meth:`rank`,
    :meth:`nullspace` and :meth:`columnspace` answer as SymPy's methods do
    (bases as lists of columns).
    """

    __slots__ = ("_q", "_cache")
    __array_ufunc__ = None  # NumPy defers: ndarray @ A, 2 * A and ndarray * A come here
    _op_priority = 20.0  # SymPy defers: sympy.Matrix(...) * A and @ A come to __rmul__

    def __init__(self, rows: Sequence[Sequence] = (), ncols: int | None = None, *,
                 exact_floats: bool = False):
        if type(rows) is not list:
            rows, ncols = self._foreign(rows, ncols, exact_floats)
            if rows is None:
                return
        try:
            rows = [r if type(r) is list else list(r) for r in rows]
        except TypeError:
            bad = next(r for r in rows if not hasattr(r, "__iter__"))
            raise InputError(f"row 1 is {bad!r}, not a list of entries: a Matrix is built from a "
                             "list of rows ([[1, 2, 3]] for one row), a 2-D NumPy array, or a "
                             "SymPy or FLINT matrix") from None
        m = len(rows)
        n = len(rows[0]) if rows else (ncols or 0)
        if ncols is not None and rows and ncols != n:
            raise InputError(f"row 1 has {n} entries, expected {ncols}")
        check_size(m, n)
        for i, row in enumerate(rows):
            if len(row) != n:
                raise InputError(f"row {i + 1} has {len(row)} entries, expected {n} (ragged rows)")
        self._cache = {}  # derived facts (e.g. rank evidence); the entries never change
        flat = list(chain.from_iterable(rows))
        kinds = set(map(type, flat))
        if not m * n:
            self._q = flint.fmpq_mat(m, n)
        elif kinds <= _INTEGERS:  # one conversion, in FLINT
            self._q = flint.fmpq_mat(flint.fmpz_mat(m, n, flat))
            if kinds == {int}:  # kept as given: the zero pattern and the text read them
                self._cache["numerator_rows"] = [row[:] for row in rows]
        else:
            if not kinds <= _EXACT:
                flat = [v if type(v) in _EXACT else
                        _fmpq(parse_rational(v, exact_floats=exact_floats,
                                             where=f"row {k // n + 1}, column {k % n + 1}"))
                        for k, v in enumerate(flat)]
            self._q = flint.fmpq_mat(m, n, flat)

    def _foreign(self, obj, ncols, exact_floats):
        """Rows and column count of a NumPy, SymPy or FLINT matrix (see
        :mod:`~exactopen.linalg.convert`); ``(None, None)`` once a FLINT matrix or another
        Matrix has been taken over whole."""
        if isinstance(obj, Matrix):
            found = obj._q
        elif isinstance(obj, (str, bytes)):
            raise InputError("a Matrix is built from rows, not from text; read text with "
                             "exactopen.linalg.readers.read_matrix (a path or '1 2; 3 4')")
        else:
            found = foreign_matrix(obj, exact_floats)
        if found is None:
            if not hasattr(obj, "__iter__"):
                raise InputError(f"a Matrix is built from a list of rows, a 2-D NumPy array, or "
                                 f"a SymPy or FLINT matrix, not from {obj!r} (type "
                                 f"{type(obj).__name__})")
            return obj, ncols
        if isinstance(found, flint.fmpq_mat):
            rows, n = None, found.ncols()
            check_size(found.nrows(), n)
            self._q, self._cache = found, {}
        else:
            rows, n = found
        if ncols is not None and ncols != n:
            raise InputError(f"the matrix has {n} columns, expected {ncols}")
        return rows, n

    # -- construction -----------------------------------------------------
    @classmethod
    def _wrap(cls, q) -> "Matrix":
        obj = cls.__new__(cls)
        if isinstance(q, flint.fmpz_mat):
            q = flint.fmpq_mat(q)
        obj._q = q
        obj._cache = {}
        return obj

    @classmethod
    def from_flint(cls, mat) -> "Matrix":
        """Copy an ``fmpq_mat`` or ``fmpz_mat`` into a new matrix."""
        return cls._wrap(flint.fmpq_mat(mat))

    @classmethod
    def zeros(cls, m: int, n: int) -> "Matrix":
        return cls._wrap(flint.fmpq_mat(m, n))

    @classmethod
    def identity(cls, n: int) -> "Matrix":
        q = flint.fmpq_mat(n, n)
        for i in range(n):
            q[i, i] = 1
        return cls._wrap(q)

    @classmethod
    def from_columns(cls, columns: Sequence[Sequence], nrows: int) -> "Matrix":
        """The matrix whose columns are ``columns`` (each of length ``nrows``)."""
        return cls([[c[i] for c in columns] for i in range(nrows)], ncols=len(columns)) \
            if nrows else cls.zeros(0, len(columns))

    @classmethod
    def hstack(cls, *blocks: "Matrix") -> "Matrix":
        m = blocks[0].nrows
        if any(b.nrows != m for b in blocks):
            raise InputError("hstack: blocks have different numbers of rows")
        rows = [sum((b.row(i) for b in blocks), []) for i in range(m)]
        return cls(rows, ncols=sum(b.ncols for b in blocks))

    @classmethod
    def vstack(cls, *blocks: "Matrix") -> "Matrix":
        n = blocks[0].ncols
        if any(b.ncols != n for b in blocks):
            raise InputError("vstack: blocks have different numbers of columns")
        return cls([r for b in blocks for r in b.tolist()], ncols=n)

    # -- access -----------------------------------------------------------
    @property
    def shape(self) -> tuple[int, int]:
        return (self._q.nrows(), self._q.ncols())

    @property
    def nrows(self) -> int:
        return self._q.nrows()

    @property
    def ncols(self) -> int:
        return self._q.ncols()

    def __getitem__(self, ij) -> Fraction:
        x = self._q[ij]
        return Fraction(int(x.p), int(x.q))

    def row(self, i: int) -> list[Fraction]:
        return [self[i, j] for j in range(self.ncols)]

    def column(self, j: int) -> list[Fraction]:
        return [self[i, j] for i in range(self.nrows)]

    def tolist(self) -> list[list[Fraction]]:
        return [self.row(i) for i in range(self.nrows)]

    def columns(self) -> list[list[Fraction]]:
        return [self.column(j) for j in range(self.ncols)]

    def to_flint(self) -> flint.fmpq_mat:
        """A fresh ``fmpq_mat`` copy (mutating it does not touch this matrix)."""
        return flint.fmpq_mat(self._q)

    def to_sympy(self):
        """The same matrix as a SymPy ``Matrix`` of ``Integer`` and ``Rational`` entries."""
        import sympy

        m, n = self.shape
        return sympy.Matrix(m, n, [sympy.Rational(int(x.p), int(x.q)) for x in self._q.entries()])

    def __array__(self, dtype=None, copy=None):
        """``numpy.array(A)``: an object array of exact ``Fraction`` entries.  With an integer
        ``dtype``, the entries must be integers that fit (as :meth:`to_numpy`), never truncated;
        a float ``dtype`` is the caller's explicit request for rounded values."""
        import numpy as np

        if copy is False:
            raise ValueError("a Matrix has no NumPy buffer to share; numpy.array(A) copies")
        if dtype is not None and np.dtype(dtype).kind in "iub":
            exact = self.to_numpy().astype(object)
            out = exact.astype(dtype)
            if not (out.astype(object) == exact).all():
                raise InputError(f"the entries do not fit {np.dtype(dtype)} exactly; "
                                 "numpy.array(A) holds them as Fractions")
            return out
        out = np.empty(self.shape, dtype=object)
        for i, row in enumerate(self.tolist()):
            out[i, :] = row
        return out if dtype is None else out.astype(dtype)

    def _sympy_(self):
        """``sympy.sympify(A)``: the same matrix as a SymPy ``ImmutableMatrix``."""
        return self.to_sympy().as_immutable()

    def to_numpy(self):
        """The matrix as a NumPy integer array: ``int64`` when every entry fits, else an
        object array of Python ints.

        Raises
        ------
        InputError
            If an entry is not an integer: NumPy has no exact rationals (use
            :meth:`to_sympy`, :meth:`entry_strings` or :meth:`tolist`).
        """
        import numpy as np

        if self.nrows * self.ncols and self._q.numer_denom()[1] != 1:
            i, j = next((i, j) for i, row in enumerate(self._q.tolist())
                        for j, x in enumerate(row) if x.q != 1)
            raise InputError(f"row {i + 1}, column {j + 1}: {self._q[i, j]} is not an integer, "
                             "and NumPy has no exact rationals; use to_sympy(), entry_strings() "
                             "or tolist() (Fractions)")
        rows = self.numerator_rows() if self.nrows * self.ncols else [[]] * self.nrows
        fits = all(-2 ** 63 <= x < 2 ** 63 for row in rows for x in row)
        return np.array(rows, dtype=np.int64 if fits else object).reshape(self.shape)

    def inv(self) -> "Matrix":
        """The inverse of a square non-singular matrix.

        Raises
        ------
        NotApplicable
            If the matrix is singular (or not square).
        """
        if self.nrows != self.ncols:
            raise NotApplicable(f"a {self.nrows} x {self.ncols} matrix has no inverse")
        try:
            return Matrix._wrap(self._q.inv())
        except ZeroDivisionError:
            raise NotApplicable("the matrix is singular") from None

    def numerator_rows(self) -> list[list[int]]:
        """Rows of ``d A`` as Python ints, ``d`` the common denominator (cached: the zero
        pattern and the certificate text of an integer matrix both read them)."""
        if "numerator_rows" not in self._cache:
            self._cache["numerator_rows"] = [list(map(int, row)) for row in
                                             self._q.numer_denom()[0].tolist()]
        return self._cache["numerator_rows"]

    def entry_strings(self) -> list[list[str]]:
        """Rows of canonical rational strings ``"p"`` or ``"p/q"`` (FLINT prints them so)."""
        if self._q.numer_denom()[1] == 1:
            return [list(map(str, row)) for row in self.numerator_rows()]
        return [[str(x) for x in row] for row in self._q.tolist()]

    def nonzeros(self) -> list[list]:
        """``[i, j, "v"]`` for every non-zero entry, row-major."""
        if self._q.numer_denom()[1] != 1:
            return [[i, j, str(x)] for i, row in enumerate(self._q.tolist())
                    for j, x in enumerate(row) if x != 0]
        columns = range(self.ncols)
        return [[i, j, str(x)] for i, row in enumerate(self.numerator_rows())
                for j, x in zip(compress(columns, row), filter(None, row))]

    def integer_rows(self) -> flint.fmpz_mat:
        """Each row scaled by the lcm of its denominators: same rank and kernel."""
        m, n = self.shape
        numerators, denominator = self._q.numer_denom()
        if denominator == 1:
            return numerators
        z = flint.fmpz_mat(m, n)
        for i in range(m):
            row = [self._q[i, j] for j in range(n)]
            d = 1
            for x in row:
                d = lcm(d, int(x.q))
            for j, x in enumerate(row):
                z[i, j] = x.p * (d // int(x.q))
        return z

    def submatrix(self, rows: Iterable[int], cols: Iterable[int]) -> "Matrix":
        rows, cols = list(rows), list(cols)
        if not (rows and cols):
            return Matrix.zeros(len(rows), len(cols))
        Z, d = self._q.numer_denom()  # integers over one denominator: no rational per entry
        ints = self.numerator_rows() if d == 1 else Z.tolist()
        sub = flint.fmpz_mat([[ints[i][j] for j in cols] for i in rows])
        return Matrix._wrap(sub if d == 1 else flint.fmpq_mat(sub) / d)

    # -- arithmetic ---------------------------------------------------------
    @property
    def T(self) -> "Matrix":
        """The transpose, made once: ``A.T.T is A``, so facts cached on either (rank evidence)
        serve both."""
        if "transpose" not in self._cache:
            t = Matrix._wrap(self._q.transpose())
            t._cache["transpose"], self._cache["transpose"] = self, t
        return self._cache["transpose"]

    def __matmul__(self, other: "Matrix") -> "Matrix":
        if not isinstance(other, Matrix):
            other = _operand(other)
            if other is None:
                return NotImplemented
        if self.ncols != other.nrows:
            raise InputError(f"cannot multiply a {self.nrows} x {self.ncols} matrix "
                             f"by a {other.nrows} x {other.ncols} matrix")
        if self.ncols * self.nrows * other.ncols == 0:
            return Matrix.zeros(self.nrows, other.ncols)
        (a, da), (b, db) = self._q.numer_denom(), other._q.numer_denom()
        product = flint.fmpq_mat(a * b)  # integer products are much faster in FLINT
        return Matrix._wrap(product if da * db == 1 else product / (da * db))

    def __rmatmul__(self, other) -> "Matrix":
        other = _operand(other)
        return NotImplemented if other is None else other @ self

    def __mul__(self, other) -> "Matrix":
        """``A * B`` is the matrix product (as in SymPy); ``A * c`` a scalar multiple."""
        if isinstance(other, (str, bytes)):
            return NotImplemented
        matrix = _operand(other)
        if matrix is not None:
            return self @ matrix
        return self.scale(other)

    def __rmul__(self, other) -> "Matrix":
        if isinstance(other, (str, bytes)):
            return NotImplemented
        matrix = _operand(other)
        return matrix @ self if matrix is not None else self.scale(other)

    def __pow__(self, k) -> "Matrix":
        """``A ** k`` for a square matrix and an integer k (k = 0: the identity; k < 0: powers
        of the inverse, NotApplicable when A is singular)."""
        try:
            k = operator.index(k)
        except TypeError:
            return NotImplemented
        if self.nrows != self.ncols:
            raise InputError(f"only a square matrix has powers; this one is "
                             f"{self.nrows} x {self.ncols}")
        if k < 0:
            return self.inv() ** -k
        if k == 0 or not self.nrows:
            return Matrix.identity(self.nrows)
        return Matrix._wrap(self._q ** k)

    # -- SymPy's names: rank, nullspace, columnspace ----------------------------
    def _echelon(self) -> tuple[flint.fmpz_mat, int, list[int]]:
        """The reduced row echelon form ``R / d`` of the integer rows, ``d``, and its pivots."""
        R, d, r = self.integer_rows().rref()
        pivots, j = [], 0
        for i in range(r):
            while R[i, j] == 0:
                j += 1
            pivots.append(j)
        return R, int(d), pivots

    def rank(self) -> int:
        """The rank over Q (FLINT), as :func:`exactopen.linalg.rank` computes it.

        >>> Matrix([[1, 2], [2, 4]]).rank()
        1
        """
        return self.integer_rows().rank() if self.nrows * self.ncols else 0

    def nullspace(self) -> list["Matrix"]:
        """A basis of ``N(A) = {x : A x = 0}`` as a list of n x 1 matrices, as SymPy returns it:
        one vector per free column, scaled to primitive integers (SymPy's own have a 1 in the
        free position); the columns of :func:`exactopen.linalg.null_space` in one list.

        >>> [v.T.entry_strings() for v in Matrix([[2, 1, 0]]).nullspace()]
        [[['-1', '2', '0']], [['0', '0', '1']]]
        """
        n = self.ncols
        if not self.nrows * n:
            return [Matrix.identity(n).submatrix(range(n), [j]) for j in range(n)]
        R, d, pivots = self._echelon()
        basis = []
        for f in sorted(set(range(n)) - set(pivots)):
            v = [0] * n
            v[f] = d
            for i, p in enumerate(pivots):
                v[p] = -int(R[i, f])
            v = _primitive_ints([-x for x in v] if d < 0 else v, keep_sign=True)
            basis.append(Matrix([[x] for x in v], ncols=1))
        return basis

    def columnspace(self) -> list["Matrix"]:
        """A basis of the column space ``C(A)``: the pivot columns of ``A``, each scaled to
        primitive integers, as a list of m x 1 matrices (SymPy's order; its columns are not
        rescaled); the columns of :func:`exactopen.linalg.column_space` in one list.

        >>> [v.T.tolist() for v in Matrix([[2, 4], ["1/2", 1]]).columnspace()]
        [[[Fraction(4, 1), Fraction(1, 1)]]]
        """
        if not self.nrows * self.ncols:
            return []
        columns = primitive_columns(self.submatrix(range(self.nrows), self._echelon()[2]))
        return [columns.submatrix(range(self.nrows), [j]) for j in range(columns.ncols)]

    def _same_shape(self, other: "Matrix", op: str) -> None:
        if self.shape != other.shape:
            raise InputError(f"cannot {op} matrices of shapes {self.shape} and {other.shape}")

    def __add__(self, other: "Matrix") -> "Matrix":
        other = other if isinstance(other, Matrix) else _operand(other)
        if other is None:
            return NotImplemented
        self._same_shape(other, "add")
        return Matrix._wrap(self._q + other._q) if self.nrows * self.ncols else self

    __radd__ = __add__

    def __sub__(self, other: "Matrix") -> "Matrix":
        other = other if isinstance(other, Matrix) else _operand(other)
        if other is None:
            return NotImplemented
        self._same_shape(other, "subtract")
        return Matrix._wrap(self._q - other._q) if self.nrows * self.ncols else self

    def __rsub__(self, other) -> "Matrix":
        other = _operand(other)
        return NotImplemented if other is None else other - self

    def __neg__(self) -> "Matrix":
        return Matrix._wrap(-self._q) if self.nrows * self.ncols else self

    def scale(self, c) -> "Matrix":
        """``c A`` for a rational ``c`` (an int, Fraction, string, or exact NumPy, SymPy or
        FLINT number)."""
        if isinstance(c, float):
            raise InputError(f"cannot scale by {c!r}, a binary float; exactopen computes exactly "
                             f"and will not guess what it stands for: use an integer, a Fraction "
                             f"(Fraction({c!r}) is its exact binary value) or a string like '0.5'")
        c = parse_rational(c)
        if not self.nrows * self.ncols:
            return self
        return Matrix._wrap(self._q * _fmpq(c))

    def __eq__(self, other) -> bool:
        """Equal entries and shape; a NumPy, SymPy or FLINT matrix compares by its exact
        entries (a binary-float array never equals: it is refused as an operand)."""
        if not isinstance(other, Matrix):
            shape = getattr(other, "shape", None)
            if isinstance(shape, tuple) and tuple(shape) != self.shape:
                return False  # before converting the other matrix
            try:
                other = _operand(other)
            except InputError:
                return False
        return isinstance(other, Matrix) and self.shape == other.shape and \
            (self.nrows * self.ncols == 0 or self._q == other._q)

    def __hash__(self) -> int:
        return hash((self.shape, tuple(tuple(r) for r in self.tolist())))

    def is_zero(self) -> bool:
        return self.nrows * self.ncols == 0 or self._q == flint.fmpq_mat(self.nrows, self.ncols)

    def frobenius_squared(self) -> Fraction:
        """``||A||_F^2``, exactly."""
        return sum((x * x for r in self.tolist() for x in r), Fraction(0))

    def __repr__(self) -> str:
        return f"Matrix({[[_text(x) for x in r] for r in self.tolist()]}, ncols={self.ncols})"


def _text(x: Fraction) -> str:
    """An entry as text; past Python's integer-string limit, its size instead of a ValueError."""
    try:
        return str(x)
    except ValueError:
        digits = max(abs(x.numerator), x.denominator).bit_length() * 30103 // 100000 + 1
        return f"<a rational of about {digits:,} digits>"


def _operand(other) -> Matrix | None:
    """A Matrix, or a NumPy, SymPy or FLINT matrix taken exactly, as an operand; None otherwise
    (scalars, and anything else the operators decline)."""
    if isinstance(other, Matrix):
        return other
    return Matrix(other) if is_foreign_matrix(other) else None


def primitive_columns(M: "Matrix") -> "Matrix":
    """Each column scaled by a positive rational to coprime integers (signs kept)."""
    m, n = M.shape
    if m * n == 0:
        return M
    # one common denominator (positive) for the whole matrix, then each column's gcd: the same
    # positive scaling as column by column, in integers (float weights: dyadic, no Fractions)
    cols = [_primitive_ints([int(x) for x in c], True)
            for c in M._q.numer_denom()[0].transpose().tolist()]
    return Matrix.from_flint(flint.fmpz_mat(cols).transpose())


def _primitive_ints(ints: list[int], keep_sign: bool = False) -> list[int]:
    g = 0
    for x in ints:
        g = gcd(g, x)
    if g == 0:
        return ints
    first = next(x for x in ints if x)
    g = -g if first < 0 and not keep_sign else g
    return [x // g for x in ints]


def primitive_integer_vector(v: Sequence, keep_sign: bool = False) -> list[int]:
    """Scale a rational vector to coprime integers, first non-zero entry positive
    (or, with ``keep_sign``, by a positive factor only)."""
    v = [Fraction(int(x.p), int(x.q)) if type(x) is flint.fmpq else Fraction(x) for x in v]
    d = 1
    for x in v:
        d = lcm(d, x.denominator)
    return _primitive_ints([int(x * d) for x in v], keep_sign)
