"""Exact parsing and canonical encoding of rational numbers.

Every number that enters exactopen becomes a :class:`fractions.Fraction`.
Decimal literals are read as exact decimals (``"0.1"`` is ``1/10``), never
through a binary float.  A Python ``float`` is refused unless the caller asks
for its exact binary value with ``exact_floats=True``.

Examples
--------
>>> parse_rational("-3/6")
Fraction(-1, 2)
>>> parse_rational("1.25e1")
Fraction(25, 2)
>>> encode_rational(parse_rational("4/2"))
'2'
"""

from __future__ import annotations

import math
import re
from decimal import Decimal
from fractions import Fraction

from ..checker.spec import MAX_INPUT_CHARS
from ..errors import InputError, ResourceLimitError

#: Longest accepted text of one number (characters; shared with the checker's spec),
#: and largest decimal exponent: 1e4000 has as many digits as the longest number written out.
MAX_NUMBER_CHARS = MAX_INPUT_CHARS
MAX_EXPONENT = MAX_INPUT_CHARS

_INTEGER = re.compile(r"[+-]?\d+", re.ASCII)
_FRACTION = re.compile(r"([+-]?\d+)\s*/\s*([+-]?\d+)", re.ASCII)
_NOT_INTEGER_TEXT = re.compile(r"[^0-9+,-]")
_DECIMAL = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", re.ASCII)

FLOAT_REFUSED = (
    "is a binary float; exactopen computes exactly and will not guess what it "
    "stands for. Give it as an integer, a string like '3/10' or '0.3', or pass "
    "exact_floats=True to use the float's exact binary value (files need no option: "
    "decimals there are read exactly)"
)


def parse_rational(value, *, exact_floats: bool = False, where: str = "") -> Fraction:
    """Return ``value`` as an exact :class:`~fractions.Fraction`.

    Parameters
    ----------
    value : int, Fraction, Decimal, str, float, or a NumPy, SymPy or FLINT number
        Strings may be integers (``"-7"``), fractions (``"22/7"``) or decimal
        literals with an optional exponent (``"1.5e-3"``).  NumPy integers,
        SymPy ``Integer`` and ``Rational``, FLINT ``fmpz`` and ``fmpq`` are
        exact; NumPy and SymPy floats follow the rule for ``float``.
    exact_floats : bool
        Accept a ``float`` and use its exact binary value.
    where : str
        Place named in error messages (file, row, column).

    Raises
    ------
    InputError
        For non-numbers, NaN or infinities, zero denominators, refused floats,
        SymPy expressions that are not rational numbers (``sqrt(2)``, symbols).
    ResourceLimitError
        For numbers longer than :data:`MAX_NUMBER_CHARS` characters.
    """
    prefix = f"{where}: " if where else ""
    if isinstance(value, bool):
        raise InputError(f"{prefix}{value!r} (true or false in JSON) is a boolean, not a number")
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, Fraction):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise InputError(f"{prefix}{value!r} is not a finite number")
        if not exact_floats:
            raise InputError(f"{prefix}{value!r} {FLOAT_REFUSED}")
        return Fraction(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise InputError(f"{prefix}{value} is not a finite number")
        if abs(value.as_tuple().exponent) > MAX_EXPONENT:
            raise ResourceLimitError(f"{prefix}exponent of {value} is beyond +-{MAX_EXPONENT}")
        return Fraction(value)
    if isinstance(value, str):
        return _parse_text(value.strip(), prefix)
    foreign = _foreign_number(value, exact_floats, prefix)
    if foreign is not None:
        return foreign
    if value is None:
        raise InputError(f"{prefix}None (null in JSON) is not a number")
    raise InputError(f"{prefix}{value!r} (a {type(value).__name__}) is not a number")


def _foreign_number(value, exact_floats: bool, prefix: str) -> Fraction | None:
    """A NumPy, SymPy or FLINT number as a Fraction, or None for anything else.

    Recognised by the module of its type, so that nothing is imported here.
    """
    package = (type(value).__module__ or "").split(".", 1)[0]
    if package == "numpy":
        kind = getattr(getattr(value, "dtype", None), "kind", None)
        if kind in ("i", "u"):
            return Fraction(int(value))
        if kind == "b":
            raise InputError(f"{prefix}{value!r} (true or false in JSON) is a boolean, not a number")
        if kind == "f":
            if not math.isfinite(value):
                raise InputError(f"{prefix}{value} is not a finite number")
            if not exact_floats:
                raise InputError(f"{prefix}{value} (a NumPy {value.dtype}) {FLOAT_REFUSED}")
            return Fraction(*value.as_integer_ratio())  # exact, long double included
        return None
    if package == "sympy":
        if getattr(value, "is_Rational", False):  # Integer and Rational
            return Fraction(int(value.p), int(value.q))
        if getattr(value, "is_Float", False):
            if not value.is_finite:
                raise InputError(f"{prefix}{value} is not a finite number")
            if not exact_floats:
                raise InputError(f"{prefix}{value} (a SymPy Float) {FLOAT_REFUSED}")
            from sympy import Rational
            exact = Rational(value)
            return Fraction(int(exact.p), int(exact.q))
        shown = str(value) if len(str(value)) <= 40 else str(value)[:37] + "..."
        raise InputError(f"{prefix}{shown} is a SymPy {type(value).__name__}, not a rational "
                         "number; exactopen takes SymPy's Integer and Rational (simplify or "
                         "evaluate the expression to one first)")
    if package == "flint":
        name = type(value).__name__
        if name == "fmpz":
            return Fraction(int(value))
        if name == "fmpq":
            return Fraction(int(value.p), int(value.q))
    return None


#: Integers whose text fits in :data:`MAX_NUMBER_CHARS` characters lie strictly between these.
_INT_LOW, _INT_HIGH = -10 ** (MAX_NUMBER_CHARS - 1), 10 ** MAX_NUMBER_CHARS


def integer_row(row: list) -> bool:
    """True if every entry is an ``int`` (not a bool) whose text fits the length cap.

    The fast path for rows already holding integers (JSON): such a row goes to
    FLINT as it is; any other row is parsed entry by entry with located errors.

    >>> integer_row([3, -4]), integer_row([3, "1/2"]), integer_row([True])
    (True, False, False)
    """
    return set(map(type, row)) <= {int} and \
        (not row or _INT_LOW < min(row) and max(row) < _INT_HIGH)


def integer_tokens(tokens: list[str]) -> list[int] | None:
    """The tokens as ints if every one is a plain integer within the length cap, else None.

    The fast path for integer text (tokens as ``str.split`` gives them); anything
    else goes through :func:`parse_rational`, token by token, with its located
    error messages.

    >>> integer_tokens(["3", "-4", "+5"]), integer_tokens(["3", "1/2"])
    ([3, -4, 5], None)
    """
    if max(map(len, tokens), default=0) > MAX_NUMBER_CHARS or \
            _NOT_INTEGER_TEXT.search(",".join(tokens)):
        return None
    try:  # only signs and digits are left, and int() refuses "+-1", "1-" and ""
        return [int(t) for t in tokens]
    except ValueError:
        return None


def _parse_text(text: str, prefix: str) -> Fraction:
    if len(text) > MAX_NUMBER_CHARS:
        raise ResourceLimitError(
            f"{prefix}a number of {len(text)} characters exceeds the cap of {MAX_NUMBER_CHARS}")
    if _INTEGER.fullmatch(text):
        return Fraction(int(text))
    match = _FRACTION.fullmatch(text)
    if match:
        num, den = int(match.group(1)), int(match.group(2))
        if den == 0:
            raise InputError(f"{prefix}{text!r} has a zero denominator")
        return Fraction(num, den)
    if _DECIMAL.fullmatch(text):
        return parse_rational(Decimal(text), where=prefix.rstrip(": "))
    shown = text if len(text) <= 40 else text[:37] + "..."
    raise InputError(f"{prefix}{shown!r} is not a number (expected an integer, p/q or a decimal)")


def encode_rational(x: Fraction) -> str:
    """Canonical text of a rational: ``"p"`` or ``"p/q"``, reduced, ``q > 1``."""
    x = Fraction(x)
    if x.denominator == 1:
        return str(x.numerator)
    return f"{x.numerator}/{x.denominator}"
