"""Model weights from .npy, .npz and .safetensors files, read exactly.

A binary float is a dyadic rational, so a tensor of floats is an exact
rational matrix: every entry is an integer times a power of two, and this
module never rounds.  This is the computing side's reader, written
independently of the checker's (:mod:`exactopen.checker.tensors`): NumPy
reads .npy and .npz, the ``safetensors`` library reads .safetensors, and the
floats are taken apart with :func:`numpy.frexp`.

Supported dtypes: int8/16/32/64, uint8/16/32/64, float16, bfloat16 (in
.safetensors only: NumPy saves bfloat16 as the dtype-less ``'<V2'``),
float32, float64; big-endian and column-major .npy are read too.  Only 2-D
tensors are matrices.  NaN and infinities are refused, with the tensor and
the (0-based) index.  Files are refused whole when any entry is malformed or
of another dtype, as the checker refuses them.

Examples
--------
>>> import numpy as np, tempfile, os
>>> path = os.path.join(tempfile.mkdtemp(), "w.npy")
>>> np.save(path, np.array([[0.5, 3.0], [-0.25, 1e-3]], dtype=np.float32))
>>> read_tensor(path)[1, 1]
Fraction(8589935, 8589934592)
>>> parse_tensor_spec("model.safetensors:encoder.layer.0.weight")
('model.safetensors', 'encoder.layer.0.weight')
"""

from __future__ import annotations

import hashlib
import json
import os
import zipfile
from dataclasses import dataclass

import flint
import numpy as np

from ..errors import InputError, ResourceLimitError
from ..checker.spec import MAX_DIM, MAX_ENTRIES, MAX_FILE_BYTES, MAX_HEADER
from .matrix import Matrix

#: safetensors dtype -> NumPy dtype (BF16 is widened by hand, see :func:`_bf16`)
_SAFETENSORS = {"I8": "i1", "I16": "<i2", "I32": "<i4", "I64": "<i8", "U8": "u1", "U16": "<u2",
                "U32": "<u4", "U64": "<u8", "F16": "<f2", "F32": "<f4", "F64": "<f8",
                "BF16": "<u2"}
_KINDS = {("i", 1), ("i", 2), ("i", 4), ("i", 8), ("u", 1), ("u", 2), ("u", 4), ("u", 8),
          ("f", 2), ("f", 4), ("f", 8)}
_NPY_MAGIC, _ZIP_MAGICS = b"\x93NUMPY", (b"PK\x03\x04", b"PK\x05\x06")


@dataclass(frozen=True)
class TensorRef:
    """Where a matrix came from: the tensor ``name`` of the weight file ``path`` (its
    transpose when ``transpose``)."""

    path: str
    name: str
    transpose: bool = False


def file_sha256(path) -> str:
    """The SHA-256 digest of the file, in hexadecimal."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def parse_tensor_spec(spec: str) -> tuple[str, str | None]:
    """``"FILE:NAME"`` -> ``(FILE, NAME)``; ``"FILE"`` -> ``(FILE, None)``.

    Tensor names may contain dots, slashes and colons, so an existing file
    wins: ``spec`` itself if it is a file, else its shortest prefix before a
    ``:`` that is one, else the split at the first ``:``.
    """
    if os.path.isfile(spec) or ":" not in spec:
        return spec, None
    cuts = [k for k, c in enumerate(spec) if c == ":"]
    cut = next((k for k in cuts if os.path.isfile(spec[:k])), cuts[0])
    return spec[:cut], spec[cut + 1:] or None


# -- the index: every tensor's dtype and shape, validated, nothing decoded ---

def _dtype_name(dtype: np.dtype) -> str:
    return np.dtype(dtype).newbyteorder("=").name


def _npy_header(fp, where: str) -> tuple[np.dtype, tuple, bool, int]:
    """(dtype, shape, fortran_order, header length) from a .npy stream, via NumPy."""
    try:
        version = np.lib.format.read_magic(fp)
        if version not in ((1, 0), (2, 0), (3, 0)):
            raise ValueError(f"format version {version[0]}.{version[1]} is not 1.0, 2.0 or 3.0")
        read = np.lib.format.read_array_header_1_0 if version == (1, 0) else \
            np.lib.format.read_array_header_2_0  # 3.0 differs only in the header's encoding
        shape, fortran, dtype = read(fp)
    except Exception as exc:  # ValueError, EOFError, and tokenize.TokenError on a cut header
        raise InputError(f"{where}: not a readable .npy array ({exc})") from None
    if (dtype.kind, dtype.itemsize) not in _KINDS or dtype.fields or dtype.subdtype:
        hint = " (NumPy saves bfloat16 as '<V2', which names no dtype: save float32)" \
            if dtype.kind == "V" else ""
        raise InputError(f"{where}: dtype {dtype.str!r} is not supported{hint}")
    return dtype, tuple(shape), fortran, fp.tell()


def _nbytes(dtype, shape) -> int:
    return int(np.prod(shape, dtype=object)) * np.dtype(dtype).itemsize


def _npy_index(path: str, size: int) -> dict:
    with open(path, "rb") as fp:
        dtype, shape, _, offset = _npy_header(fp, f"{path}: tensor ''")
    if size != offset + _nbytes(dtype, shape):
        raise InputError(f"{path}: tensor '': {size - offset} bytes of data, its shape "
                         f"{list(shape)} needs {_nbytes(dtype, shape)}")
    return {"": (dtype, shape)}


def _npz_index(path: str) -> dict:
    index = {}
    try:
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                name = info.filename[:-4]
                where = f"{path}: npz member {info.filename!r}"
                if not info.filename.endswith(".npy") or name in index:
                    raise InputError(f"{where} is not a .npy array, or is repeated")
                if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) \
                        or info.flag_bits & 1:
                    raise InputError(f"{where}: only stored or deflated, unencrypted members are read")
                with archive.open(info) as fp:  # decompresses the header only
                    dtype, shape, _, offset = _npy_header(fp, f"{path}: tensor {name!r}")
                if info.file_size != offset + _nbytes(dtype, shape):  # the body is read later,
                    raise InputError(                                   # and never past this size
                        f"{path}: tensor {name!r}: a member of {info.file_size} bytes, "
                        f"its header says {offset + _nbytes(dtype, shape)}")
                index[name] = (dtype, shape)
    except InputError:
        raise
    except Exception as exc:  # BadZipFile, EOFError, zlib.error, ...: a defect of the archive
        raise InputError(f"{path}: not a readable .npz archive ({type(exc).__name__}: {exc})") from None
    return index


def _strict_object(pairs):
    keys = [k for k, _ in pairs]
    if len(set(keys)) != len(keys):
        raise InputError(f"duplicate key among {sorted(keys)[:20]}")
    return dict(pairs)


def _safetensors_index(path: str) -> dict:
    try:
        from safetensors import safe_open
    except ImportError:
        raise InputError(f"{path}: reading .safetensors files needs the safetensors package "
                         f"(pip install safetensors)") from None
    # the library checks the layout (offsets, sizes, tiling); these checks are stricter than it:
    with open(path, "rb") as fp:
        size = int.from_bytes(fp.read(8), "little")
        if size > MAX_HEADER:
            raise ResourceLimitError(f"{path}: a safetensors header of {size} bytes exceeds "
                                     f"the cap ({MAX_HEADER})")
        try:
            header = json.loads(fp.read(size).decode("utf-8"), object_pairs_hook=_strict_object)
        except InputError as exc:
            raise InputError(f"{path}: safetensors header: {exc}") from None
        except (ValueError, RecursionError):
            header = None  # the library says what is wrong
    try:
        with safe_open(path, framework="numpy") as f:
            dtypes = {name: (f.get_slice(name).get_dtype(), tuple(f.get_slice(name).get_shape()))
                      for name in f.keys()}
    except Exception as exc:  # safetensors_rust.SafetensorError and friends
        raise InputError(f"{path}: not a readable safetensors file ({exc})") from None
    for name, entry in (header.items() if isinstance(header, dict) else ()):
        if name != "__metadata__" and (not isinstance(entry, dict) or
                                       set(entry) != {"dtype", "shape", "data_offsets"}):
            raise InputError(f"{path}: tensor {name!r}: the entry must have exactly "
                             f"dtype, shape, data_offsets")
    index = {}
    for name, (code, shape) in dtypes.items():
        if code not in _SAFETENSORS:
            raise InputError(f"{path}: tensor {name!r}: dtype {code} is not supported "
                             f"(one of {' '.join(_SAFETENSORS)})")
        index[name] = ("bfloat16" if code == "BF16" else np.dtype(_SAFETENSORS[code]), shape)
    return index


def _index(path) -> tuple[str, dict]:
    """(format, name -> (dtype, shape)); the whole file is validated, no body is read."""
    path = os.fspath(path)
    try:
        size = os.stat(path).st_size
        with open(path, "rb") as fp:
            magic = fp.read(6)
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from None
    if size > MAX_FILE_BYTES:
        raise ResourceLimitError(f"{path}: a file of {size} bytes exceeds the cap "
                                 f"({MAX_FILE_BYTES} bytes)")
    if magic == _NPY_MAGIC:
        return "npy", _npy_index(path, size)
    if magic[:4] in _ZIP_MAGICS:
        return "npz", _npz_index(path)
    return "safetensors", _safetensors_index(path)


def list_tensors(path) -> dict[str, tuple[str, tuple]]:
    """name -> (dtype name, shape) of every tensor; a .npy's one tensor is named ``""``."""
    return {name: (dtype if isinstance(dtype, str) else _dtype_name(dtype), shape)
            for name, (dtype, shape) in _index(path)[1].items()}


# -- reading one tensor ---------------------------------------------------------

def _bf16(raw: bytes, shape) -> np.ndarray:
    """bfloat16 bits as float32: the same sign, exponent and mantissa, 16 zero bits below."""
    bits = np.frombuffer(raw, dtype="<u2").astype(np.uint32) << 16
    return bits.view(np.float32).reshape(shape)


def _load(path: str, kind: str, name: str, dtype) -> np.ndarray:
    try:
        if kind == "npy":
            return np.load(path, allow_pickle=False)
        if kind == "npz":
            with np.load(path, allow_pickle=False) as archive:
                return archive[name]
        if dtype == "bfloat16":  # read raw bits: no dependence on ml_dtypes
            from safetensors import deserialize
            with open(path, "rb") as fp:
                entry = dict(deserialize(fp.read()))[name]
            return _bf16(bytes(entry["data"]), entry["shape"])
        from safetensors import safe_open
        with safe_open(path, framework="numpy") as f:
            return f.get_tensor(name)
    except InputError:
        raise
    except Exception as exc:
        raise InputError(f"{path}: tensor {name!r}: cannot read ({exc})") from None


def _exact_matrix(array: np.ndarray) -> Matrix:
    """The exact rational matrix of a finite 2-D integer or float array (no rounding).

    Each float is ``num * 2**ex`` with ``num`` an odd integer of at most 53
    bits (from ``frexp``).  One denominator ``2**k`` serves the whole matrix:
    the least that clears every entry, unless the largest entries would then
    overflow int64; the entries it does not serve (tiny or huge beside the
    rest) are set one at a time.
    """
    m, n = array.shape
    if array.dtype.kind in "iu" or m * n == 0:
        return Matrix._wrap(flint.fmpz_mat(array.tolist()) if m * n else flint.fmpq_mat(m, n))
    mant, ex = np.frexp(array.astype(np.float64))  # float16/32 -> float64 is exact
    num = np.ldexp(mant, 53).astype(np.int64)  # |mant| < 1, so |num| < 2**53: exact
    ex = ex.astype(np.int64) - 53  # x == num * 2**ex
    nonzero = num != 0
    if not nonzero.any():
        return Matrix.zeros(m, n)
    zeros = np.frexp(np.where(nonzero, num & -num, 1).astype(np.float64))[1] - 1
    num >>= zeros  # drop the trailing zero bits: num odd, ex the 2-adic valuation
    ex += zeros
    top = ex + np.frexp(np.abs(num).astype(np.float64))[1]  # |x| < 2**top
    k = max(0, min(-int(ex[nonzero].min()), 62 - int(top[nonzero].max())))
    plain = nonzero & (ex + k >= 0) & (top + k <= 62)  # num * 2**(ex + k) fits int64
    ints = np.where(plain, num << np.where(plain, ex + k, 0), 0)
    q = flint.fmpq_mat(flint.fmpz_mat(ints.tolist()))
    if k:
        q = q / (1 << k)
    for i, j in np.argwhere(nonzero & ~plain).tolist():
        p, e = int(num[i, j]), int(ex[i, j])
        q[i, j] = flint.fmpq(p << e) if e >= 0 else flint.fmpq(p, 1 << -e)
    return Matrix._wrap(q)


def read_tensor(path, name: str | None = None, transpose: bool = False) -> Matrix:
    """The tensor ``name`` of the file as an exact :class:`Matrix` (its transpose if asked).

    ``name`` may be None for a .npy file or a file holding one tensor.

    Raises
    ------
    InputError
        Unreadable or malformed file, unknown tensor, unsupported dtype, not
        2-D, NaN or infinite entries (named with their 0-based index).
    ResourceLimitError
        The file exceeds 256 MiB, or the matrix the caps on rows, columns
        and entries.
    """
    path = os.fspath(path)
    kind, index = _index(path)
    if name is None and len(index) == 1:
        name = next(iter(index))
    if name not in index:
        raise InputError(f"{path}: no tensor {name!r}; the file has "
                         f"{', '.join(map(repr, sorted(index)[:20])) or 'none'}")
    dtype, shape = index[name]
    where = f"{path}: tensor {name!r}"
    if len(shape) != 2:
        raise InputError(f"{where} has shape {list(shape)}: a matrix needs a 2-D tensor "
                         f"(reshape a vector to (1, n) or (n, 1))")
    m, n = shape
    if m > MAX_DIM or n > MAX_DIM or m * n > MAX_ENTRIES:
        raise ResourceLimitError(f"{where}: a {m} x {n} matrix exceeds the cap ({MAX_DIM} rows "
                                 f"or columns, {MAX_ENTRIES} entries)")
    array = _load(path, kind, name, dtype)
    if array.shape != (m, n):
        raise InputError(f"{where}: read shape {array.shape}, the header says {(m, n)}")
    if array.dtype.kind == "f":
        bad = ~np.isfinite(array)
        if bad.any():
            i, j = (int(v) for v in np.argwhere(bad)[0])
            what = "NaN" if np.isnan(array[i, j]) else "infinite"
            raise InputError(f"{where}: entry ({i}, {j}) is {what}; weights must be finite")
    return _exact_matrix(array.T if transpose else array)
