"""Exact reading of weight files (.npy, .npz, .safetensors) into integer rows.

A binary float is a dyadic rational, so nothing here rounds: every entry is
an integer over a power of two.  :func:`tensor_index` validates a file's
layout (headers, dtypes, shapes, offsets) and decodes nothing; :func:`matrix`
checks one 2-D tensor against the caps, then decodes it.  dtypes: I8 I16 I32
I64 U8 U16 U32 U64 F16 BF16 F32 F64.  A .npy may be big-endian or column-major
(Fortran order); NumPy saves bfloat16 as '<V2', which names no dtype: refused.
Safetensors data must be tiled by the tensors exactly, as the safetensors
library requires.  Indices in messages are 0-based, as in NumPy.
"""

import ast
import io
import json
import math
import struct
import zipfile
from itertools import repeat
from operator import itemgetter

from .spec import MAX_DIM, MAX_ENTRIES, MAX_HEADER

MAX_NPY_HEADER = 10000  # bytes of a .npy header: NumPy's own default
#: dtype -> struct letter (BF16: the upper half of a float32)
DTYPES = {"I8": "b", "I16": "h", "I32": "i", "I64": "q", "U8": "B", "U16": "H", "U32": "I",
          "U64": "Q", "F16": "e", "BF16": "H", "F32": "f", "F64": "d"}
NPY = {"i1": "I8", "i2": "I16", "i4": "I32", "i8": "I64", "u1": "U8", "u2": "U16", "u4": "U32",
       "u8": "U64", "f2": "F16", "f4": "F32", "f8": "F64"}


class TensorError(ValueError):
    """The file is malformed, or the tensor is not a finite 2-D matrix within the caps."""


def _nbytes(code, shape):
    count = 0 if 0 in shape else 1
    for d in shape:
        count *= d
        if count > 1 << 62:
            break  # larger than any file: the size comparison then fails
    return count * struct.calcsize(DTYPES[code.split()[0]])


def _shape(shape, where):
    if type(shape) not in (list, tuple) or not all(type(d) is int and d >= 0 for d in shape):
        raise TensorError(f"{where}: shape {shape!r} is not a list of non-negative integers")
    return tuple(shape)


def _npy(data, where):
    """(dtype code, shape, start of the body) of a .npy image, from its header alone."""
    major = data[6] if data[:6] == b"\x93NUMPY" and data[7:8] == b"\0" and len(data) >= 12 else 0
    if major not in (1, 2, 3):
        raise TensorError(f"{where}: not a .npy array of format version 1.0, 2.0 or 3.0")
    start, (size,) = (10, struct.unpack_from("<H", data, 8)) if major == 1 else \
        (12, struct.unpack_from("<I", data, 8))
    if size > MAX_NPY_HEADER or start + size > len(data):
        raise TensorError(f"{where}: .npy header of {size} bytes is too long or truncated")
    try:
        head = ast.literal_eval(data[start:start + size].decode("utf-8" if major == 3 else "latin-1"))
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        raise TensorError(f"{where}: .npy header is not a Python literal") from None
    if type(head) is not dict or set(head) != {"descr", "fortran_order", "shape"} or \
            type(head["fortran_order"]) is not bool or type(head["shape"]) is not tuple:
        raise TensorError(f"{where}: .npy header must have exactly descr, fortran_order, shape")
    descr = head["descr"] if type(head["descr"]) is str else repr(head["descr"])
    if descr[1:] not in NPY or descr[0] not in "<>|" or (descr[0] == "|" and descr[2:] != "1"):
        raise TensorError(f"{where}: .npy dtype {descr!r} is not supported "
                          f"(NumPy writes bfloat16 as '<V2', which names no dtype: save float32)")
    code = NPY[descr[1:]] + " big-endian" * (descr[0] == ">") + " column-major" * head["fortran_order"]
    return code, _shape(head["shape"], where), start + size


def _no_duplicates(pairs):
    if len(set(k for k, _ in pairs)) != len(pairs):
        raise ValueError(f"duplicate key among {sorted(k for k, _ in pairs)[:20]}")
    return dict(pairs)


def _safetensors(data):
    (size,) = struct.unpack_from("<Q", data) if len(data) >= 8 else (-1,)
    if not 0 <= size <= min(MAX_HEADER, len(data) - 8):
        raise TensorError(f"not .npy or .npz, and not safetensors: header length {size} is not "
                          f"within the file ({len(data)} bytes) and the cap ({MAX_HEADER})")
    try:
        head = json.loads(data[8:8 + size].decode("utf-8"), object_pairs_hook=_no_duplicates)
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError, JSONDecodeError, duplicates
        raise TensorError(f"safetensors header: {exc}") from None
    meta = head.pop("__metadata__", {}) if type(head) is dict else None
    if type(meta) is not dict or not all(type(v) is str for v in meta.values()):
        raise TensorError("safetensors header is not an object, or __metadata__ is not strings")
    area, index, spans = len(data) - 8 - size, {}, []
    for name, entry in head.items():
        where = f"tensor {name!r}"
        if type(entry) is not dict or set(entry) != {"dtype", "shape", "data_offsets"}:
            raise TensorError(f"{where}: the entry must have exactly dtype, shape, data_offsets")
        code, shape, offsets = entry["dtype"], _shape(entry["shape"], where), entry["data_offsets"]
        if type(code) is not str or code not in DTYPES:
            raise TensorError(f"{where}: dtype {code!r} is not one of {' '.join(DTYPES)}")
        if type(offsets) is not list or len(offsets) != 2 or not all(type(x) is int for x in offsets) \
                or not 0 <= offsets[0] <= offsets[1] <= area:
            raise TensorError(f"{where}: data_offsets {offsets!r} outside the data area of {area} bytes")
        if offsets[1] - offsets[0] != _nbytes(code, shape):
            raise TensorError(f"{where}: shape {list(shape)} of {code} needs {_nbytes(code, shape)} "
                              f"bytes, data_offsets span {offsets[1] - offsets[0]}")
        index[name] = (code, shape, 8 + size + offsets[0], 8 + size + offsets[1])
        spans.append((offsets[0], offsets[1], name))
    covered = 0
    for begin, end, name in sorted(spans):
        if begin != covered:
            raise TensorError(f"tensor {name!r}: data starts at {begin}, expected {covered} "
                              f"(tensors overlap or leave a gap)")
        covered = end
    if covered != area:
        raise TensorError(f"the data area has {area} bytes, the tensors cover {covered}")
    return index


def _unzip(data, work):
    """``work(archive)``, any failure of the archive reported as a TensorError."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return work(archive)
    except TensorError:
        raise
    except Exception as exc:  # BadZipFile, EOFError, zlib.error, ...: a defect of the archive
        raise TensorError(f"npz archive: {type(exc).__name__}: {exc}") from None


def _npz(archive):
    index = {}
    for info in archive.infolist():
        name, where = info.filename[:-4], f"npz member {info.filename!r}"
        if not info.filename.endswith(".npy") or name in index:
            raise TensorError(f"{where} is not a .npy array, or is repeated")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) or info.flag_bits & 1:
            raise TensorError(f"{where}: only stored or deflated, unencrypted members are read")
        with archive.open(info) as member:  # decompresses the header only
            code, shape, begin = _npy(member.read(MAX_NPY_HEADER + 12), f"tensor {name!r}")
        if info.file_size != begin + _nbytes(code, shape):
            raise TensorError(f"tensor {name!r}: a member of {info.file_size} bytes, its header "
                              f"says {begin + _nbytes(code, shape)}")
        index[name] = (code, shape, begin, info.file_size)
    return index


def tensor_index(data):
    """name -> (dtype code, shape, begin, end); validated, nothing decoded.

    A .npy's one tensor is named ""; an .npz member NAME.npy is NAME, and its
    begin and end count in the uncompressed member, else in the file.  The
    code is a safetensors dtype, then " big-endian", " column-major" if so.
    """
    if data[:6] == b"\x93NUMPY":
        code, shape, begin = _npy(data, "tensor ''")
        if len(data) != begin + _nbytes(code, shape):
            raise TensorError(f"tensor '': {len(data) - begin} bytes of data, its shape needs "
                              f"{_nbytes(code, shape)}")
        return {"": (code, shape, begin, len(data))}
    if data[:4] in (b"PK\x03\x04", b"PK\x05\x06"):
        return _unzip(data, _npz)
    return _safetensors(data)


def matrix(data, index, name, transpose=False, max_dim=MAX_DIM, max_entries=MAX_ENTRIES):
    """(m, n, rows, dens): entry (i, j) is rows[i][j] / dens[i] exactly.

    dens[i] is the smallest power of two that clears row i.  With transpose,
    the result is the stored tensor's transpose (rows are stored columns).
    """
    if name not in index:
        raise TensorError(f"no tensor {name!r}; the file has {sorted(index)[:20]}")
    code, shape, begin, end = index[name]
    where, (dtype, *flags) = f"tensor {name!r}", code.split()
    if len(shape) != 2:
        raise TensorError(f"{where} has shape {list(shape)}: a matrix needs a 2-D tensor "
                          f"(reshape a vector to (1, n) or (n, 1))")
    m, n = shape
    if m > max_dim or n > max_dim or m * n > max_entries:
        raise TensorError(f"{where}: a {m} x {n} matrix exceeds the cap ({max_dim} rows or "
                          f"columns, {max_entries} entries)")
    if data[:4] == b"PK\x03\x04":  # decompress no more than the checked size
        data = _unzip(data, lambda archive: archive.open(name + ".npy").read(end))
    if len(data) < end:
        raise TensorError(f"{where}: the data is truncated")
    raw, column_major = data[begin:end], "column-major" in flags
    if dtype == "BF16":  # a bfloat16 is the upper half of a float32: put two zero bytes below
        wide = bytearray(2 * len(raw))
        wide[2::4], wide[3::4] = raw[0::2], raw[1::2]
        dtype, raw = "F32", wide
    values = struct.unpack(f"{'>' if 'big-endian' in flags else '<'}{m * n}{DTYPES[dtype]}", raw)
    if dtype[0] == "F" and not all(map(math.isfinite, values)):
        i, j = min((k % m, k // m) if column_major else divmod(k, n)  # the first in row order
                   for k, v in enumerate(values) if not math.isfinite(v))
        what = "NaN" if math.isnan(values[j * m + i if column_major else i * n + j]) else "infinite"
        raise TensorError(f"{where}: entry ({i}, {j}) is {what}; weights must be finite")
    stored, width = (n, m) if column_major else (m, n)  # the bytes: stored rows of width values
    rows = [values[j::width] for j in range(width)] if transpose != column_major else \
        [values[i * width:(i + 1) * width] for i in range(stored)]
    size = (n, m) if transpose else (m, n)
    if dtype[0] != "F":
        return (*size, [list(row) for row in rows], [1] * len(rows))
    out, dens = [], []
    for row in rows:  # each denominator is a power of two; den the largest of the row
        den = max(map(itemgetter(1), map(float.as_integer_ratio, row)), default=1)
        try:  # x * den is an integer, and ldexp only moves the exponent: exact
            out.append(list(map(int, map(math.ldexp, row, repeat(den.bit_length() - 1)))))
        except OverflowError:  # x * den beyond float64's range (only float64 data)
            out.append([p * (den // d) for p, d in map(float.as_integer_ratio, row)])
        dens.append(den)
    return (*size, out, dens)
