"""Reading matrices from files and inline text, exactly.

Formats (chosen by extension, else by the first characters):

* JSON (``.json``): a list of rows, or ``{"shape": [m, n], "rows": [...]}``
  for shapes such as 0 x n.  Entries are integers, strings ``"p/q"`` or
  decimal literals; JSON numbers with a point or exponent are read as exact
  decimals, never through a float.
* Text (``.txt`` or anything else): one row per line (or rows separated by
  ``;``), entries separated by white space (or commas), ``#`` starts a comment.
* Matrix Market (``.mtx``): ``array`` or ``coordinate``, ``integer`` or
  ``real`` fields, ``general`` or ``symmetric``; real entries are exact decimals.

Files are UTF-8, with or without a byte-order mark.  Inline: an argument
that is not a file and starts with ``[`` or ``{`` is JSON; one containing
``;``, or made of numbers alone, is text (``"1 2; 3 4"``, one row
``"1 2 3"``, a scalar ``"5"``).  :func:`parse_matrix_text` reads text whose
format is told by its first characters alone (standard input).

Every error is an :class:`~exactopen.errors.InputError` whose message names
the source, and the row and column where it can.
"""

from __future__ import annotations

import json
import os
import re

from ..checker.spec import MAX_DIM, MAX_ENTRIES, MAX_FILE_BYTES
from ..errors import InputError, ResourceLimitError
from .matrix import Matrix, check_size
from .numbers import integer_row, integer_tokens, parse_rational


class _JSONNumber(str):
    """A JSON number kept as its text so that it is parsed exactly."""


def _parse_row(row: list, i: int, source: str) -> list:
    """Entries of a row that is not all integers: ints kept, the rest parsed exactly (located)."""
    return [v if integer_row([v]) else
            parse_rational(str(v) if type(v) is int else v,  # an int over the length cap
                           where=f"{source}: row {i + 1}, column {j + 1}")
            for j, v in enumerate(row)]


def _matrix_from_rows(rows, source: str, ncols=None) -> Matrix:
    if not isinstance(rows, list):
        raise InputError(f"{source}: expected a list of rows")
    m = len(rows)
    if m and not isinstance(rows[0], list):
        raise InputError(f"{source}: row 1 is not a list (expected a list of rows)")
    n = len(rows[0]) if m else (ncols or 0)
    check_size(m, n, source)
    parsed = []
    for i, row in enumerate(rows):
        if not isinstance(row, list):
            raise InputError(f"{source}: row {i + 1} is not a list")
        if len(row) != n:
            raise InputError(f"{source}: row {i + 1} has {len(row)} entries, expected {n} (ragged rows)")
        parsed.append(row if integer_row(row) else _parse_row(row, i, source))
    if ncols is not None and m and n != ncols:
        raise InputError(f"{source}: shape says {ncols} columns, rows have {n}")
    return Matrix(parsed, ncols=n)


def exact_json_loads(text: str, source: str):
    """``json.loads`` with integers as ``int`` and every other number kept as its text
    (so that it is parsed exactly later, never through a float)."""
    def refuse_constant(name):
        raise InputError(f"{source}: {name} is not a finite number")

    try:
        try:
            return json.loads(text, parse_float=_JSONNumber, parse_constant=refuse_constant)
        except (InputError, json.JSONDecodeError):
            raise
        except ValueError:  # an integer past the interpreter's digit limit: keep integers as text
            return json.loads(text, parse_float=_JSONNumber, parse_int=_JSONNumber,
                              parse_constant=refuse_constant)
    except json.JSONDecodeError as exc:
        raise InputError(f"{source}: not valid JSON ({exc.msg} at line {exc.lineno}, "
                         f"column {exc.colno})") from None


def _size(x) -> bool:
    return (type(x) is int and x >= 0) or (isinstance(x, str) and x.isdigit())


def parse_json(text: str, source: str) -> Matrix:
    return matrix_from_json_value(exact_json_loads(text, source), source)


def matrix_from_json_value(data, source: str) -> Matrix:
    """A matrix from already-loaded JSON: a list of rows or ``{"shape", "rows"}``."""
    if isinstance(data, dict):
        shape = data.get("shape")
        if set(data) != {"shape", "rows"} or not (isinstance(shape, list) and len(shape) == 2
                                                  and all(_size(x) for x in shape)):
            raise InputError(f'{source}: expected {{"shape": [m, n], "rows": [...]}}')
        m, n = int(shape[0]), int(shape[1])
        check_size(m, n, source)
        rows = data["rows"]
        if not isinstance(rows, list) or len(rows) != m:
            raise InputError(f"{source}: shape says {m} rows, found "
                             f"{len(rows) if isinstance(rows, list) else 'no list'}")
        return _matrix_from_rows(rows, source, ncols=n)
    return _matrix_from_rows(data, source)


def parse_text(text: str, source: str) -> Matrix:
    """Rows separated by new lines or ``;``, entries by white space or commas; ``#`` comments."""
    rows = []
    semicolons = ";" in text
    for line_no, line in enumerate(text.split("\n"), start=1):
        line = line.split("#", 1)[0].replace(",", " ")
        for part in line.split(";") if semicolons else (line,):
            tokens = part.split()
            if tokens:
                rows.append((line_no, tokens))
    if not rows:
        raise InputError(f"{source}: no rows found (an empty matrix needs JSON with a shape)")
    n = len(rows[0][1])
    check_size(len(rows), n, source)
    out = []
    for i, (line_no, entries) in enumerate(rows):
        if len(entries) != n:
            raise InputError(f"{source}: row {i + 1} (line {line_no}) has {len(entries)} entries, "
                             f"expected {n} (ragged rows)")
        ints = integer_tokens(entries)
        out.append(ints if ints is not None else
                   [parse_rational(v, where=f"{source}: row {i + 1}, column {j + 1}")
                    for j, v in enumerate(entries)])
    return Matrix(out, ncols=n)


def parse_matrix_market(text: str, source: str) -> Matrix:
    lines = text.splitlines()
    header = lines[0].split() if lines else []
    if len(header) != 5 or header[0].lower() != "%%matrixmarket" or header[1].lower() != "matrix":
        raise InputError(f"{source}: line 1: expected '%%MatrixMarket matrix <format> <field> "
                         "<symmetry>'")
    layout, fld, symmetry = (h.lower() for h in header[2:])
    if layout not in ("array", "coordinate") or fld not in ("integer", "real") \
            or symmetry not in ("general", "symmetric"):
        raise InputError(f"{source}: line 1: supported are array/coordinate, integer/real, "
                         f"general/symmetric; found {layout} {fld} {symmetry}")
    size_no = next((no for no, ln in enumerate(lines[1:], start=2)
                    if ln.strip() and not ln.lstrip().startswith("%")), None)
    if size_no is None:
        raise InputError(f"{source}: missing the size line")
    size = lines[size_no - 1].split()
    want = 2 if layout == "array" else 3
    if len(size) != want or not all(s.isdigit() for s in size):
        raise InputError(f"{source}: line {size_no}: expected {want} sizes")
    m, n = int(size[0]), int(size[1])
    check_size(m, n, source)
    if symmetry == "symmetric" and m != n:
        raise InputError(f"{source}: a symmetric matrix must be square")
    count = int(size[2]) if layout == "coordinate" else None
    fast = _matrix_market_integers("\n".join(lines[size_no:]), layout, symmetry, m, n, count)
    if fast is not None:
        return fast
    lines = [(no, parts) for no, parts in enumerate(map(str.split, lines[size_no:]), size_no + 1)
             if parts and not parts[0].startswith("%")]
    flat = [0] * (m * n)  # row-major

    def value(token, no, i, j):
        where = f"{source}: line {no} (row {i + 1}, column {j + 1})"
        if fld == "integer" and not token.lstrip("+-").isdigit():
            raise InputError(f"{where}: {token!r} is not an integer (field is 'integer')")
        return parse_rational(token, where=where)

    def put(i, j, v):
        flat[i * n + j] = v
        if symmetry == "symmetric":
            flat[j * n + i] = v

    if layout == "array":
        positions = [(i, j) for j in range(n) for i in range(m)
                     if symmetry == "general" or i >= j]
        tokens = [t for _, parts in lines for t in parts]
        if len(tokens) != len(positions):
            raise InputError(f"{source}: expected {len(positions)} entries, found {len(tokens)}")
        values = integer_tokens(tokens)
        if values is None:
            numbered = [(no, t) for no, parts in lines for t in parts]
            values = [value(t, no, i, j) for (i, j), (no, t) in zip(positions, numbered)]
        for (i, j), v in zip(positions, values):
            put(i, j, v)
    else:
        if len(lines) != count:
            raise InputError(f"{source}: size line promises {count} entries, found {len(lines)}")
        for no, parts in lines:
            if len(parts) != 3 or not parts[0].isdigit() or not parts[1].isdigit():
                raise InputError(f"{source}: line {no}: expected 'row column value'")
            i, j = int(parts[0]) - 1, int(parts[1]) - 1
            if not (0 <= i < m and 0 <= j < n):
                raise InputError(f"{source}: line {no}: position ({i + 1}, {j + 1}) is "
                                 f"outside {m} x {n}")
            put(i, j, value(parts[2], no, i, j))
    return Matrix([flat[i * n:(i + 1) * n] for i in range(m)], ncols=n)


def _matrix_market_integers(data, layout, symmetry, m, n, count) -> Matrix | None:
    """The fast path of :func:`parse_matrix_market`: integer entries (and in-range
    positions), no comments.  None sends the body to the line-by-line reader,
    which handles decimals and names the line of any error."""
    tokens = data.split() if "%" not in data else None
    if layout == "array":
        if symmetry != "general" or tokens is None or len(tokens) != m * n:
            return None
        values = integer_tokens(tokens)  # column-major: row i is every m-th value from i
        return None if values is None else Matrix([values[i::m] for i in range(m)], ncols=n)
    if tokens is None or len(tokens) != 3 * count or \
            not set(map(len, map(str.split, data.split("\n")))) <= {0, 3}:  # three a line
        return None
    rows, cols = tokens[0::3], tokens[1::3]
    ints = integer_tokens(tokens)
    if ints is None or ints and ("+" in "".join(rows) or "+" in "".join(cols) or
                                 not (0 < min(ints[0::3]) <= max(ints[0::3]) <= m and
                                      0 < min(ints[1::3]) <= max(ints[1::3]) <= n)):
        return None
    flat = [0] * (m * n)
    for i, j, v in zip(ints[0::3], ints[1::3], ints[2::3]):
        flat[(i - 1) * n + j - 1] = v
        if symmetry == "symmetric":
            flat[(j - 1) * n + i - 1] = v
    return Matrix([flat[i * n:(i + 1) * n] for i in range(m)], ncols=n)


#: Inline text made of numbers alone: one row (``1 2 3``) or a scalar (``5``).
_NUMBERS = re.compile(r"[\s,]*[-+.\d][-+./\deE\s,]*", re.ASCII)


def parse_matrix_text(text: str, source: str, name: str = "") -> Matrix:
    """A matrix from text in any of the formats, told by ``name``'s extension (``.mtx``,
    ``.json``) or else by the first characters: ``%%MatrixMarket``, ``[`` or ``{`` (JSON),
    anything else text rows."""
    lower = name.lower()
    head = text.lstrip()[:14].lower()
    if lower.endswith(".mtx") or head.startswith("%%matrixmarket"):
        return parse_matrix_market(text, source)
    if lower.endswith(".json") or head[:1] in ("[", "{"):
        return parse_json(text, source)
    return parse_text(text, source)


def read_text_file(path: str) -> str:
    """A UTF-8 text file (a byte-order mark is dropped), refused over the file cap; errors
    name the file in plain words."""
    try:
        size = os.path.getsize(path)
        if size > MAX_FILE_BYTES:
            raise ResourceLimitError(f"{path}: {size} bytes exceeds the cap of {MAX_FILE_BYTES}")
        with open(path, encoding="utf-8-sig") as handle:
            return handle.read()
    except UnicodeDecodeError:
        raise InputError(f"{path}: not a UTF-8 text file") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None


def read_matrix(spec: str) -> Matrix:
    """Read a matrix from a file path or an inline specification (see module doc)."""
    if os.path.isfile(spec):
        return parse_matrix_text(read_text_file(spec), spec, spec)
    if os.path.exists(spec):
        raise InputError(f"{spec}: not a regular file")
    stripped = spec.strip()
    if stripped.startswith(("[", "{")):
        return parse_json(stripped, "inline matrix")
    if ";" in stripped or _NUMBERS.fullmatch(stripped) and any(map(str.isdigit, stripped)):
        return parse_text(stripped, "inline matrix")
    if len(stripped.split()) > 1:  # numbers and a typo ('1 x'): say what is wrong in it
        try:
            return parse_text(stripped, "inline matrix")
        except ResourceLimitError:
            raise
        except InputError as exc:
            raise InputError(f"{spec}: no such file, nor an inline matrix ({exc})") from None
    raise InputError(f"{spec}: no such file (inline matrices look like '[[1,2],[3,4]]', "
                     "'1 2; 3 4', '1 2 3' or '5')")


__all__ = ["MAX_DIM", "MAX_ENTRIES", "MAX_FILE_BYTES", "exact_json_loads",
           "matrix_from_json_value", "parse_json", "parse_matrix_market", "parse_matrix_text",
           "parse_text", "read_matrix", "read_text_file"]
