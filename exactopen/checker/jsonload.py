"""Strict reading of certificate JSON: no floats, no duplicate keys, canonical numbers.

Every number in a certificate is a string ``"p"`` or ``"p/q"`` (reduced,
``q > 1``, no ``+``, no leading zeros, no ``-0``); small counts and indices are
JSON integers (never booleans).  Matrices are decoded into :class:`Mat`: each
row scaled to integers by the least common multiple of its denominators.
"""

import json
import re
from math import gcd, lcm

from .errors import Malformed, ResourceCap
from .spec import MAX_DIGITS, MAX_DIM, MAX_ENTRIES

_RATIONAL = re.compile(r"-?(0|[1-9][0-9]*)(/[1-9][0-9]*)?")
_INT = r"(?!-0(?:,|$))-?(?:0|[1-9][0-9]*)"
_INTEGER_ROW = re.compile(rf"{_INT}(?:,{_INT})*")


class Mat:
    """An m x n rational matrix: entry (i, j) is ``rows[i][j] / dens[i]``.

    ``rows`` hold Python ints and each row is scaled minimally: ``dens[i] > 0``
    and ``gcd(dens[i], rows[i]) = 1``.  So ``rows`` *is* the row-scaled
    integer matrix of the format's definitions (rank, kernel and which minors
    vanish are those of the rational matrix).
    """

    __slots__ = ("m", "n", "rows", "dens")

    def __init__(self, m, n, rows, dens=None):
        self.m, self.n, self.rows = m, n, rows
        self.dens = dens if dens is not None else [1] * m

    def is_zero(self):
        return not any(x for row in self.rows for x in row)

    def fractions(self):
        from fractions import Fraction
        return [[Fraction(x, d) for x in row] for row, d in zip(self.rows, self.dens)]


def canonical(m, n, rows, dens):
    """:class:`Mat` with each row divided by its gcd with its denominator."""
    out_rows, out_dens = [], []
    for row, d in zip(rows, dens):
        g = d
        for x in row:
            if g == 1:
                break
            g = gcd(g, x)
        out_rows.append(row if g == 1 else [x // g for x in row])
        out_dens.append(d // g)
    return Mat(m, n, out_rows, out_dens)


def _no_duplicates(pairs):
    out = {}
    for key, value in pairs:
        if key in out:
            raise Malformed(f"duplicate key {key!r}")
        out[key] = value
    return out


def _refuse_float(text):
    raise Malformed(f"JSON number {text!r} is not an integer; rationals are strings like \"1/3\"")


def _refuse_constant(text):
    raise Malformed(f"{text} is not allowed in a certificate")


def _bounded_int(text):
    if len(text) > 18:
        raise Malformed(f"JSON integer {text[:20]}... is too long; large numbers are strings")
    return int(text)


def loads(text):
    """Parse certificate text strictly (its size was checked by the caller)."""
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates, parse_float=_refuse_float,
                          parse_int=_bounded_int, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        raise Malformed(f"not valid JSON: {exc}") from None
    except RecursionError:
        raise Malformed("JSON nested too deeply") from None


def fields(obj, where, required, optional=()):
    """Check that ``obj`` is an object with exactly the allowed keys."""
    if not isinstance(obj, dict):
        raise Malformed(f"{where}: expected an object")
    missing = [k for k in required if k not in obj]
    unknown = [k for k in obj if k not in required and k not in optional]
    if missing:
        raise Malformed(f"{where}: missing field(s) {', '.join(missing)}")
    if unknown:
        raise Malformed(f"{where}: unknown field(s) {', '.join(map(str, unknown))}")
    return obj


def rational(text, where):
    """Decode one canonical rational string to ``(p, q)``."""
    if not isinstance(text, str):
        raise Malformed(f"{where}: expected a rational as a string, found {type(text).__name__}")
    if len(text) > MAX_DIGITS:
        raise ResourceCap(f"{where}: a number of {len(text)} characters exceeds {MAX_DIGITS}")
    if not _RATIONAL.fullmatch(text) or text == "-0":
        raise Malformed(f"{where}: {text[:40]!r} is not a canonical rational")
    if "/" not in text:
        return int(text), 1
    p, q = (int(s) for s in text.split("/"))
    if q == 1 or gcd(p, q) != 1:
        raise Malformed(f"{where}: {text[:40]!r} is not in lowest terms")
    return p, q


def number(text, where):
    """A rational as a Fraction (an int when it is an integer)."""
    from fractions import Fraction
    p, q = rational(text, where)
    return p if q == 1 else Fraction(p, q)


def integer(text, where):
    p, q = rational(text, where)
    if q != 1:
        raise Malformed(f"{where}: expected an integer, found {text[:40]!r}")
    return p


def count(value, where, low=0, high=None):
    """A small JSON integer in [low, high] (never a boolean)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise Malformed(f"{where}: expected a JSON integer")
    if value < low or (high is not None and value > high):
        raise Malformed(f"{where}: {value} is out of range [{low}, {high}]")
    return value


def index_list(value, where, bound):
    """Strictly increasing indices in [0, bound)."""
    if not isinstance(value, list):
        raise Malformed(f"{where}: expected a list of indices")
    out = [count(v, where, 0, bound - 1) for v in value]
    if any(a >= b for a, b in zip(out, out[1:])):
        raise Malformed(f"{where}: indices must be strictly increasing (no repeats)")
    return out


def shape(obj, where):
    """``[m, n]`` within the caps."""
    if not isinstance(obj, list) or len(obj) != 2:
        raise Malformed(f"{where}: shape must be [rows, columns]")
    m, n = (count(v, f"{where}.shape", 0) for v in obj)
    if m > MAX_DIM or n > MAX_DIM or m * n > MAX_ENTRIES:
        raise ResourceCap(f"{where}: a {m} x {n} matrix exceeds the caps")
    return m, n


def _integer_row(row):
    """The row as Python ints if it is a list of canonical integer strings, else None."""
    if not all(type(x) is str and len(x) <= MAX_DIGITS for x in row):
        return None
    text = ",".join(row)
    if text.count(",") != len(row) - 1 or not _INTEGER_ROW.fullmatch(text):
        return None
    return [int(x) for x in row]


def _scaled_row(pairs, where):
    """Integers and denominator of a row of ``(p, q)``; the denominator stays within the cap."""
    den = 1
    for _, q in pairs:
        den = lcm(den, q)
        if den.bit_length() > 3.33 * MAX_DIGITS:
            raise ResourceCap(f"{where}: a row's common denominator exceeds {MAX_DIGITS} digits")
    return [p * (den // q) for p, q in pairs], den


def matrix(obj, where, integers=False):
    """Decode ``{"shape": [m, n], "rows": [[...], ...]}`` (dense) into a :class:`Mat`."""
    fields(obj, where, ("shape", "rows"))
    m, n = shape(obj["shape"], where)
    rows = obj["rows"]
    if not isinstance(rows, list) or len(rows) != m:
        raise Malformed(f"{where}: expected {m} rows")
    out, dens = [], []
    for i, row in enumerate(rows):
        if not isinstance(row, list) or len(row) != n:
            raise Malformed(f"{where}: row {i} must have {n} entries")
        fast = _integer_row(row) if row else []
        if fast is None:
            pairs = [rational(x, f"{where}[{i}][{j}]") for j, x in enumerate(row)]
            if integers and any(q != 1 for _, q in pairs):
                raise Malformed(f"{where}: row {i}: expected integers")
            fast, d = _scaled_row(pairs, where)
            dens.append(d)
        else:
            dens.append(1)
        out.append(fast)
    return Mat(m, n, out, dens)


def sparse_matrix(obj, where):
    """Decode ``{"shape": [m, n], "nonzeros": [[i, j, "v"], ...]}`` (row-major, v != 0)."""
    fields(obj, where, ("shape", "nonzeros"))
    m, n = shape(obj["shape"], where)
    if not isinstance(obj["nonzeros"], list):
        raise Malformed(f"{where}.nonzeros: expected a list")
    rows, fractions, last = [[0] * n for _ in range(m)], {}, -1
    for entry in obj["nonzeros"]:
        if not isinstance(entry, list) or len(entry) != 3:
            raise Malformed(f"{where}.nonzeros: expected [row, column, value] triples")
        i, j = count(entry[0], where, 0, m - 1), count(entry[1], where, 0, n - 1)
        if i * n + j <= last:
            raise Malformed(f"{where}.nonzeros: positions must be strictly increasing, row-major")
        last = i * n + j
        p, q = rational(entry[2], f"{where}[{i}][{j}]")
        if p == 0:
            raise Malformed(f"{where}.nonzeros: a listed entry must be non-zero")
        rows[i][j] = p
        if q != 1:
            fractions[i] = True
            rows[i][j] = (p, q)
    dens = [1] * m
    for i in fractions:
        pairs = [x if isinstance(x, tuple) else (x, 1) for x in rows[i]]
        rows[i], dens[i] = _scaled_row(pairs, where)
    return Mat(m, n, rows, dens)


def any_matrix(obj, where):
    """A dense or a sparse matrix, told apart by its fields."""
    if isinstance(obj, dict) and "nonzeros" in obj:
        return sparse_matrix(obj, where)
    return matrix(obj, where)
