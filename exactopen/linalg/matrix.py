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
from math import gcd, lcm
from typing import Iterable, Sequence

import flint

from ..checker.spec import MAX_DIM, MAX_ENTRIES
from ..errors import InputError, NotApplicable, ResourceLimitError
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
    rows : sequence of sequences
        Entries as accepted by :func:`exactopen.numbers.parse_rational`.
    ncols : int, optional
        Number of columns; needed only when ``rows`` is empty (0 x n).
    exact_floats : bool
        Accept Python floats at their exact binary value.

    Raises
    ------
    InputError
        Ragged rows, non-numbers, refused floats.
    """

    __slots__ = ("_q", "_cache")

    def __init__(self, rows: Sequence[Sequence] = (), ncols: int | None = None, *,
                 exact_floats: bool = False):
        rows = [r if type(r) is list else list(r) for r in rows]
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
        if self._q.numer_denom()[1] == 1 and rows and cols:
            numerators = self.numerator_rows()
            return Matrix._wrap(flint.fmpz_mat([[numerators[i][j] for j in cols] for i in rows]))
        q = flint.fmpq_mat(len(rows), len(cols))
        for a, i in enumerate(rows):
            for b, j in enumerate(cols):
                q[a, b] = self._q[i, j]
        return Matrix._wrap(q)

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
        if self.ncols != other.nrows:
            raise InputError(f"cannot multiply a {self.nrows} x {self.ncols} matrix "
                             f"by a {other.nrows} x {other.ncols} matrix")
        if self.ncols * self.nrows * other.ncols == 0:
            return Matrix.zeros(self.nrows, other.ncols)
        (a, da), (b, db) = self._q.numer_denom(), other._q.numer_denom()
        product = flint.fmpq_mat(a * b)  # integer products are much faster in FLINT
        return Matrix._wrap(product if da * db == 1 else product / (da * db))

    def _same_shape(self, other: "Matrix", op: str) -> None:
        if self.shape != other.shape:
            raise InputError(f"cannot {op} matrices of shapes {self.shape} and {other.shape}")

    def __add__(self, other: "Matrix") -> "Matrix":
        self._same_shape(other, "add")
        return Matrix._wrap(self._q + other._q) if self.nrows * self.ncols else self

    def __sub__(self, other: "Matrix") -> "Matrix":
        self._same_shape(other, "subtract")
        return Matrix._wrap(self._q - other._q) if self.nrows * self.ncols else self

    def __neg__(self) -> "Matrix":
        return Matrix._wrap(-self._q) if self.nrows * self.ncols else self

    def scale(self, c) -> "Matrix":
        c = parse_rational(c)
        if not self.nrows * self.ncols:
            return self
        return Matrix._wrap(self._q * _fmpq(c))

    def __eq__(self, other) -> bool:
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
        return f"Matrix({[[str(x) for x in r] for r in self.tolist()]}, ncols={self.ncols})"


def primitive_columns(M: "Matrix") -> "Matrix":
    """Each column scaled by a positive rational to coprime integers (signs kept)."""
    m, n = M.shape
    if m * n == 0:
        return M
    cols = [primitive_integer_vector(c, keep_sign=True) for c in M.T.to_flint().tolist()] \
        if M._q.numer_denom()[1] != 1 else \
        [_primitive_ints([int(x) for x in c], True) for c in M.T.to_flint().numer_denom()[0].tolist()]
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
