"""Strict reading of certificate JSON: no floats, no duplicate keys, canonical numbers.

Every number in a certificate is a string ``"p"`` or ``"p/q"`` (reduced,
``q > 1``, no ``+``, no leading zeros, no ``-0``); small counts and indices are
JSON integers.  Sizes and digit counts are checked before any arithmetic.
"""

import json
import re
from fractions import Fraction
from math import gcd

from .errors import Malformed, ResourceCap

MAX_FILE_BYTES = 1 << 30
MAX_DIGITS = 4000
MAX_DIM = 5000
MAX_ENTRIES = 4_000_000

_RATIONAL = re.compile(r"-?(0|[1-9][0-9]*)(/[1-9][0-9]*)?")
_INT = r"(?!-0(?:,|$))-?(?:0|[1-9][0-9]*)"
_INTEGER_ROW = re.compile(rf"{_INT}(?:,{_INT})*")


def _integer_row(row):
    """The row as Python ints if it is a list of canonical integer strings, else None."""
    if not row:
        return []
    if not all(type(x) is str and len(x) <= MAX_DIGITS for x in row):
        return None
    text = ",".join(row)
    if text.count(",") != len(row) - 1 or not _INTEGER_ROW.fullmatch(text):
        return None
    return [int(x) for x in row]


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
    """Parse certificate text strictly."""
    if len(text) > MAX_FILE_BYTES:
        raise ResourceCap(f"certificate of {len(text)} bytes exceeds {MAX_FILE_BYTES}")
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
        raise Malformed(f"{where}: unknown field(s) {', '.join(unknown)}")
    return obj


def rational(text, where):
    """Decode one canonical rational string."""
    if not isinstance(text, str):
        raise Malformed(f"{where}: expected a rational as a string, found {type(text).__name__}")
    if len(text) > MAX_DIGITS:
        raise ResourceCap(f"{where}: a number of {len(text)} characters exceeds {MAX_DIGITS}")
    if not _RATIONAL.fullmatch(text) or text == "-0":
        raise Malformed(f"{where}: {text[:40]!r} is not a canonical rational")
    if "/" in text:
        p, q = (int(s) for s in text.split("/"))
        if q == 1 or gcd(p, q) != 1:
            raise Malformed(f"{where}: {text[:40]!r} is not in lowest terms")
        return Fraction(p, q)
    return int(text)  # integers stay Python ints: exact, and fast


def integer(text, where):
    x = rational(text, where)
    if x.denominator != 1:
        raise Malformed(f"{where}: expected an integer, found {text[:40]!r}")
    return x.numerator


def count(value, where, low=0, high=None):
    """A small JSON integer in [low, high]."""
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


def _shape(shape, where):
    """``[m, n]`` within the caps."""
    if not isinstance(shape, list) or len(shape) != 2:
        raise Malformed(f"{where}: shape must be [rows, columns]")
    m, n = (count(v, f"{where}.shape", 0) for v in shape)
    if m > MAX_DIM or n > MAX_DIM or m * n > MAX_ENTRIES:
        raise ResourceCap(f"{where}: a {m} x {n} matrix exceeds the caps")
    return m, n


def matrix(obj, where, decode=rational):
    """Decode ``{"shape": [m, n], "rows": [[...], ...]}`` into a list of rows."""
    fields(obj, where, ("shape", "rows"))
    m, n = _shape(obj["shape"], where)
    rows = obj["rows"]
    if not isinstance(rows, list) or len(rows) != m:
        raise Malformed(f"{where}: expected {m} rows")
    out = []
    for i, row in enumerate(rows):
        if not isinstance(row, list) or len(row) != n:
            raise Malformed(f"{where}: row {i} must have {n} entries")
        fast = _integer_row(row)  # fast path: a row of canonical integers
        out.append(fast if fast is not None else
                   [decode(x, f"{where}[{i}][{j}]") for j, x in enumerate(row)])
    return Mat(m, n, out)


def sparse_matrix(obj, where):
    """Decode ``{"shape": [m, n], "nonzeros": [[i, j, "v"], ...]}`` (row-major, v != 0)."""
    fields(obj, where, ("shape", "nonzeros"))
    m, n = _shape(obj["shape"], where)
    rows = [[0] * n for _ in range(m)]
    last = -1
    if not isinstance(obj["nonzeros"], list):
        raise Malformed(f"{where}.nonzeros: expected a list")
    for entry in obj["nonzeros"]:
        if not isinstance(entry, list) or len(entry) != 3:
            raise Malformed(f"{where}.nonzeros: expected [row, column, value] triples")
        i, j = count(entry[0], where, 0, m - 1), count(entry[1], where, 0, n - 1)
        if i * n + j <= last:
            raise Malformed(f"{where}.nonzeros: positions must be strictly increasing, row-major")
        last = i * n + j
        rows[i][j] = rational(entry[2], f"{where}[{i}][{j}]")
        if rows[i][j] == 0:
            raise Malformed(f"{where}.nonzeros: a listed entry must be non-zero")
    return Mat(m, n, rows)


def any_matrix(obj, where):
    """A dense or a sparse matrix, told apart by its fields."""
    if isinstance(obj, dict) and "nonzeros" in obj:
        return sparse_matrix(obj, where)
    return matrix(obj, where)


class Mat:
    """A checked matrix: its shape and its rows of Fractions (or ints)."""

    __slots__ = ("m", "n", "rows")

    def __init__(self, m, n, rows):
        self.m, self.n, self.rows = m, n, rows

    def col(self, j):
        return [r[j] for r in self.rows]

    def is_zero(self):
        return all(x == 0 for r in self.rows for x in r)

    def __eq__(self, other):
        return (self.m, self.n, self.rows) == (other.m, other.n, other.rows)
