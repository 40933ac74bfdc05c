"""The checker's weight-file reader: exact values for every dtype and format, and refusals.

Files are written by the real libraries (NumPy, safetensors, ml_dtypes for
bfloat16); malformed ones are built by hand.  Every value must come out as
exactly ``Fraction(float(x))`` (or the integer) that NumPy reports.
"""

import io
import json
import struct
import time
import tracemalloc
import zipfile
from fractions import Fraction

import ml_dtypes
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from hypothesis.extra.numpy import arrays
from safetensors.numpy import save as st_save

from exactopen.checker.tensors import TensorError, matrix, tensor_index
from exactopen.checker.spec import MAX_DIM

PROPERTY = settings(max_examples=8, deadline=None, derandomize=True)
BF16 = np.dtype(ml_dtypes.bfloat16)
INTS = ["int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"]
FLOATS = ["float16", "float32", "float64"]
#: float dtype -> the unsigned integer type of its bits
BITS = {np.dtype("float16"): "uint16", BF16: "uint16", np.dtype("float32"): "uint32",
        np.dtype("float64"): "uint64"}


# -- writing files -------------------------------------------------------------

def npy_bytes(array):
    out = io.BytesIO()
    np.save(out, array)
    return out.getvalue()


def npz_bytes(compressed=False, **arrays_):
    out = io.BytesIO()
    (np.savez_compressed if compressed else np.savez)(out, **arrays_)
    return out.getvalue()


def write(fmt, array, name="w"):
    """(file bytes, tensor name) of ``array`` in the format ``fmt``."""
    if fmt == "npy":
        return npy_bytes(array), ""
    if fmt in ("npz", "npz-deflated"):
        return npz_bytes(fmt == "npz-deflated", **{name: array, "other": np.arange(3)}), name
    return st_save({name: array.copy(order="C"), "other": np.arange(3)}), name


def safetensors_raw(header, data=b""):
    text = header if isinstance(header, bytes) else json.dumps(header).encode()
    return struct.pack("<Q", len(text)) + text + data


def entry(dtype, shape, begin, end):
    return {"dtype": dtype, "shape": shape, "data_offsets": [begin, end]}


def finite(array):
    """NaN and infinities replaced by 0 (bit patterns are drawn at random)."""
    wide = array.astype(np.float64)
    array = array.copy()
    array[~np.isfinite(wide)] = 0
    return array


def expected(array):
    """Entry (i, j) as NumPy reports it, exactly: an int, or Fraction(float(x))."""
    if array.dtype.kind in "iu":
        return array.tolist()
    return [[Fraction(x) for x in row] for row in array.astype(np.float64).tolist()]


def decoded(data, name, transpose=False, **caps):
    m, n, rows, dens = matrix(data, tensor_index(data), name, transpose, **caps)
    assert len(rows) == len(dens) == m and all(len(r) == n for r in rows)
    for row, den in zip(rows, dens):
        assert den > 0 and den & (den - 1) == 0, "a power of two"
        assert den == 1 or any(p % 2 for p in row), "the smallest power of two"
        assert all(type(p) is int for p in row)
    return [[Fraction(p, den) if den > 1 else p for p in row] for row, den in zip(rows, dens)]


@st.composite
def matrices(draw, dtype, max_side=5):
    dtype = np.dtype(dtype)
    shape = (draw(st.integers(0, max_side)), draw(st.integers(0, max_side)))
    if dtype.kind in "iu":
        return draw(arrays(dtype, shape))
    return finite(draw(arrays(BITS[dtype], shape)).view(dtype))  # every bit pattern, subnormals too


# -- exact values --------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["npy", "npz", "npz-deflated", "safetensors"])
@pytest.mark.parametrize("dtype", INTS + FLOATS + ["bfloat16"])
@PROPERTY
@given(data=st.data())
def test_every_dtype_and_format_is_read_exactly(fmt, dtype, data):
    if dtype == "bfloat16" and fmt != "safetensors":
        return  # NumPy writes bfloat16 as '<V2': refused, see below
    array = data.draw(matrices(BF16 if dtype == "bfloat16" else dtype))
    blob, name = write(fmt, array)
    assert decoded(blob, name) == expected(array)
    assert decoded(blob, name, transpose=True) == expected(array.T)


@pytest.mark.parametrize("layout", ["C", "F", "big-endian", "big-endian F", "transposed view"])
@pytest.mark.parametrize("dtype", ["int16", "uint64", "float16", "float32", "float64"])
@PROPERTY
@given(data=st.data())
def test_npy_byte_orders_and_column_major_layouts(layout, dtype, data):
    array = data.draw(matrices(dtype))
    stored = array.astype(np.dtype(dtype).newbyteorder(">")) if "big" in layout else array
    if "F" in layout:
        stored = np.asfortranarray(stored)
    if layout == "transposed view":
        stored = np.ascontiguousarray(array.T).T  # np.save writes it column-major
    blob = npy_bytes(stored)
    code = tensor_index(blob)[""][0]
    assert ("big-endian" in code) == ("big" in layout and np.dtype(dtype).itemsize > 1)
    assert decoded(blob, "") == expected(array)
    assert decoded(blob, "", transpose=True) == expected(array.T)


SPECIALS = {
    "float16": [0.0, -0.0, 2.0 ** -24, 2.0 ** -14 - 2.0 ** -24, 2.0 ** -14, 65504.0, -65504.0, 0.1, 1.0],
    "float32": [0.0, -0.0, 2.0 ** -149, 2.0 ** -126 - 2.0 ** -149, 2.0 ** -126,
                float(np.finfo(np.float32).max), -float(np.finfo(np.float32).max), 0.1, 3.0],
    "float64": [0.0, -0.0, 5e-324, 2.0 ** -1022 - 5e-324, 2.0 ** -1022, 1.7976931348623157e308,
                -1.7976931348623157e308, 0.1, 7.0],
    "bfloat16": [0.0, -0.0, 2.0 ** -133, 2.0 ** -126, float(ml_dtypes.finfo(BF16).max),
                 -float(ml_dtypes.finfo(BF16).max), 0.1, 1.0, 256.0],
}


@pytest.mark.parametrize("dtype", sorted(SPECIALS))
def test_zeros_subnormals_and_extremes(dtype):
    array = np.array([SPECIALS[dtype]], dtype=BF16 if dtype == "bfloat16" else dtype)
    blob = st_save({"w": array})
    assert decoded(blob, "w") == expected(array)
    m, n, rows, dens = matrix(blob, tensor_index(blob), "w", transpose=True)
    assert dens[0] == dens[1] == 1 and rows[0] == rows[1] == [0]  # +0 and -0 are 0 / 1


def test_largest_integers_and_integer_valued_floats():
    big = np.array([[2 ** 64 - 1, 0], [2 ** 63, 1]], dtype=np.uint64)
    assert decoded(st_save({"u": big}), "u") == [[2 ** 64 - 1, 0], [2 ** 63, 1]]
    low = np.array([[-2 ** 63, 2 ** 63 - 1]], dtype=np.int64)
    assert decoded(npy_bytes(low), "") == [[-2 ** 63, 2 ** 63 - 1]]
    blob = st_save({"f": np.array([[3.0, -2.0 ** 100], [0.5, 4.0]], np.float32)})
    m, n, rows, dens = matrix(blob, tensor_index(blob), "f")
    assert dens == [1, 2] and rows == [[3, -2 ** 100], [1, 8]]


def test_index_lists_every_tensor_without_decoding():
    blob = st_save({"a": np.zeros((2, 3), np.float32), "b": np.zeros(4, np.int8),
                    "c": np.zeros((0, 2), np.float64)}, metadata={"format": "np"})
    index = tensor_index(blob)
    assert {k: v[:2] for k, v in index.items()} == {
        "a": ("F32", (2, 3)), "b": ("I8", (4,)), "c": ("F64", (0, 2))}
    assert decoded(blob, "c") == [] and decoded(blob, "c", transpose=True) == [[], []]
    npz = npz_bytes(**{"layer.0/weight": np.eye(2)})
    assert list(tensor_index(npz)) == ["layer.0/weight"]
    assert tensor_index(npz_bytes()) == {}


# -- refusals ------------------------------------------------------------------

def refused(data, words, name=None, **caps):
    """Assert that reading ``data`` (index, then the tensor ``name``) raises a TensorError."""
    with pytest.raises(TensorError) as info:
        index = tensor_index(data)
        matrix(data, index, name if name is not None else next(iter(index), ""), **caps)
    for word in words.split("|"):
        assert word in str(info.value), (word, str(info.value))
    return str(info.value)


F32x4 = np.arange(4, dtype="<f4").tobytes()
GOOD = safetensors_raw({"a": entry("F32", [2, 2], 0, 16)}, F32x4)
MALFORMED = {
    "empty file": (b"", "header length"),
    "short file": (b"\x01\x00", "header length"),
    "truncated safetensors": (GOOD[:-1], "outside the data area"),
    "header past the end": (struct.pack("<Q", 1000) + b"{}", "not within the file"),
    "header over the cap": (struct.pack("<Q", 100_000_000) + b"{}" * 1000, "cap"),
    "header not JSON": (safetensors_raw(b"{'a': 1}"), "safetensors header"),
    "header not UTF-8": (safetensors_raw(b'{"\xff": 1}'), "safetensors header"),
    "header not an object": (safetensors_raw([1, 2]), "not an object"),
    "metadata not strings": (safetensors_raw({"__metadata__": {"k": 1}}), "__metadata__"),
    "duplicate keys": (safetensors_raw(b'{"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]},'
                                       b' "a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}',
                                       F32x4[:4]), "duplicate key"),
    "unknown field": (safetensors_raw({"a": {**entry("F32", [1], 0, 4), "x": 1}}, F32x4[:4]),
                      "exactly dtype, shape, data_offsets"),
    "unknown dtype": (safetensors_raw({"a": entry("F8_E4M3", [4], 0, 4)}, F32x4[:4]),
                      "dtype 'F8_E4M3' is not one of"),
    "complex dtype": (safetensors_raw({"a": entry("C64", [1], 0, 8)}, F32x4[:8]), "'C64'"),
    "dtype not a string": (safetensors_raw({"a": entry(["F32"], [1], 0, 4)}, F32x4[:4]), "dtype"),
    "negative shape": (safetensors_raw({"a": entry("F32", [-1], 0, 4)}, F32x4[:4]), "non-negative"),
    "float shape": (safetensors_raw({"a": entry("F32", [1.0], 0, 4)}, F32x4[:4]), "non-negative"),
    "bool shape": (safetensors_raw({"a": entry("F32", [True], 0, 4)}, F32x4[:4]), "non-negative"),
    "size mismatch": (safetensors_raw({"a": entry("F32", [2, 2], 0, 12)}, F32x4[:12]),
                      "needs 16 bytes, data_offsets span 12"),
    "offsets beyond the data": (safetensors_raw({"a": entry("F32", [2, 2], 0, 16)}, F32x4[:8]),
                                "outside the data area of 8 bytes"),
    "offsets reversed": (safetensors_raw({"a": entry("F32", [0], 8, 4)}, F32x4[:8]), "outside"),
    "offsets not integers": (safetensors_raw({"a": entry("F32", [1], 0.0, 4)}, F32x4[:4]), "outside"),
    "overlap": (safetensors_raw({"a": entry("F32", [2], 0, 8), "b": entry("F32", [2], 4, 12)},
                                F32x4[:12]), "tensor 'b'|overlap"),
    "gap": (safetensors_raw({"a": entry("F32", [1], 0, 4), "b": entry("F32", [1], 8, 12)},
                            F32x4[:12]), "tensor 'b'|gap"),
    "leading gap": (safetensors_raw({"a": entry("F32", [1], 4, 8)}, F32x4[:8]), "expected 0"),
    "trailing bytes": (safetensors_raw({"a": entry("F32", [1], 0, 4)}, F32x4[:8]),
                       "data area has 8 bytes, the tensors cover 4"),
    "huge shape": (safetensors_raw({"a": entry("F32", [10 ** 9] * 1000, 0, 4)}, F32x4[:4]), "needs"),
    "bfloat16 in npy": (npy_bytes(np.ones((2, 2), BF16)), "'<V2'|bfloat16"),
    "bool npy": (npy_bytes(np.ones((2, 2), bool)), "'|b1' is not supported"),
    "complex npy": (npy_bytes(np.ones((2, 2), np.complex64)), "'<c8' is not supported"),
    "object npy": (npy_bytes(np.array([[1, None]], dtype=object)), "'|O' is not supported"),
    "structured npy": (npy_bytes(np.zeros(2, [("a", "<f4")])), "not supported"),
    "truncated npy": (npy_bytes(np.ones((2, 2)))[:-1], "31 bytes of data, its shape needs 32"),
    "trailing bytes npy": (npy_bytes(np.ones((2, 2))) + b"\0", "33 bytes of data"),
    "npy version 4": (b"\x93NUMPY\x04\x00" + bytes(100), "version"),
    "npy header truncated": (npy_bytes(np.ones(2))[:40], "too long or truncated"),
    "npy header not a literal": (b"\x93NUMPY\x01\x00\x10\x00{'descr': f4()}\n", "not a Python literal"),
    "npy header extra key": (b"\x93NUMPY\x01\x00\x40\x00" + b"{'descr': '<f4', 'fortran_order': False, "
                             b"'shape': (1,), 'x': 1}\n".ljust(64), "exactly descr"),
    "npy shape a list": (b"\x93NUMPY\x01\x00\x40\x00" + b"{'descr': '<f4', 'fortran_order': False, "
                         b"'shape': [1]}".ljust(63) + b"\n" + bytes(4), "exactly descr"),
    "npy native byte order": (npy_bytes(np.ones(1, "<f4")).replace(b"'<f4'", b"'=f4'"), "'=f4'"),
    "npy no byte order": (npy_bytes(np.ones(1, "<f4")).replace(b"'<f4'", b"'|f4'"), "'|f4'"),
    "npz truncated": (npz_bytes(w=np.ones((2, 2)))[:-30], "npz archive"),
    "npz corrupt body": (npz_bytes(w=np.ones((40, 40))).replace(b"\0\0\xf0\x3f", b"\0\0\xf0\x40", 3),
                         "npz archive|CRC"),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_files_are_refused(case):
    data, words = MALFORMED[case]
    refused(data, words)


def test_a_declared_100_mb_header_is_refused_at_once():
    data = struct.pack("<Q", 100_000_000) + b"{" + b" " * 1000
    tracemalloc.start()
    start = time.perf_counter()
    with pytest.raises(TensorError, match="cap"):
        tensor_index(data)
    elapsed, peak = time.perf_counter() - start, tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert elapsed < 0.05 and peak < 100_000


@pytest.mark.parametrize("value,what", [(np.nan, "NaN"), (np.inf, "infinite"), (-np.inf, "infinite")])
@pytest.mark.parametrize("fmt", ["npy", "npz-deflated", "safetensors", "npy-F", "npy-big-endian"])
@pytest.mark.parametrize("dtype", ["float16", "float32", "float64", "bfloat16"])
def test_nan_and_infinities_are_named_with_their_index(dtype, fmt, value, what):
    if dtype == "bfloat16" and fmt != "safetensors":
        return
    array = np.zeros((3, 4), dtype=BF16 if dtype == "bfloat16" else dtype)
    array[2, 1] = value
    array[1, 3] = value  # the first in row order is named
    if fmt == "npy-F":
        array = np.asfortranarray(array)
    elif fmt == "npy-big-endian":
        array = array.astype(array.dtype.newbyteorder(">"))
    blob, name = write(fmt.split("-")[0] if fmt.startswith("npy") else fmt, array, "layer.w")
    assert refused(blob, f"entry (1, 3) is {what}", name).startswith(f"tensor {name!r}")


def test_nan_index_refers_to_the_stored_tensor_under_transpose():
    array = np.zeros((3, 4), np.float32)
    array[2, 1] = np.nan
    blob = st_save({"w": array})
    with pytest.raises(TensorError, match=r"tensor 'w': entry \(2, 1\) is NaN"):
        matrix(blob, tensor_index(blob), "w", transpose=True)


@pytest.mark.parametrize("shape", [(), (5,), (2, 2, 2), (1, 1, 1, 1)])
@pytest.mark.parametrize("fmt", ["npy", "npz", "safetensors"])
def test_only_2d_tensors_are_matrices(fmt, shape):
    blob, name = write(fmt, np.ones(shape, np.float32))
    assert tensor_index(blob)[name][1] == shape  # indexed, but not a matrix
    refused(blob, f"has shape {list(shape)}: a matrix needs a 2-D tensor", name)


def test_caps_are_checked_before_decoding():
    blob = st_save({"w": np.zeros((30, 20), np.int8)})
    refused(blob, "30 x 20 matrix exceeds the cap", "w", max_dim=25)
    refused(blob, f"exceeds the cap ({MAX_DIM} rows or columns, 599 entries)", "w", max_entries=599)
    assert decoded(blob, "w", max_dim=30, max_entries=600) == [[0] * 20] * 30


def test_unknown_tensor_names_are_refused():
    refused(st_save({"a": np.ones((1, 1))}), "no tensor 'b'; the file has ['a']", "b")


def zip_with(members, compression=zipfile.ZIP_DEFLATED):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as archive:
        for name, body in members.items():
            archive.writestr(name, body)
    return out.getvalue()


def test_npz_members_must_be_npy_arrays():
    body = npy_bytes(np.ones((2, 2)))
    refused(zip_with({"w.npy": body, "notes.txt": b"hello"}), "'notes.txt' is not a .npy array")
    refused(zip_with({"w.npy": body, "w": body}), "'w' is not a .npy array")
    refused(zip_with({"w.npy": b"not an array"}), "tensor 'w': not a .npy array")
    refused(zip_with({"w.npy": body}, zipfile.ZIP_BZIP2), "only stored or deflated")
    refused(zip_with({"w.npy": body[:-8]}), "tensor 'w': a member of 152 bytes, its header says 160")
    refused(zip_with({"w.npy": body + b"\0"}), "a member of 161 bytes")
    with pytest.warns(UserWarning):  # zipfile warns of the duplicate name
        repeated = io.BytesIO()
        with zipfile.ZipFile(repeated, "w") as archive:
            archive.writestr("w.npy", body)
            archive.writestr("w.npy", body)
    refused(repeated.getvalue(), "'w.npy' is not a .npy array, or is repeated")


def zip_bomb(shape=(2100, 2000)):
    """An .npz whose member declares a float64 matrix of 33.6 MB of zeros, in about 40 KB."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("w.npy", "w", force_zip64=True) as member:
            np.lib.format.write_array_header_1_0(
                member, {"descr": "<f8", "fortran_order": False, "shape": shape})
            chunk = bytes(1 << 20)
            left = shape[0] * shape[1] * 8
            while left:
                member.write(chunk[:min(left, len(chunk))])
                left -= min(left, len(chunk))
    return out.getvalue()


def test_a_zip_bomb_is_refused_by_the_caps_before_decompressing():
    bomb = zip_bomb()
    assert len(bomb) < 200_000
    tracemalloc.start()
    index = tensor_index(bomb)  # reads the member's header only
    assert index["w"][:2] == ("F64", (2100, 2000))
    with pytest.raises(TensorError, match="2100 x 2000 matrix exceeds the cap"):
        matrix(bomb, index, "w")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 2_000_000


@settings(max_examples=150, deadline=None, derandomize=True)
@given(data=st.data())
def test_damaged_files_fail_only_with_tensor_error(data):
    """Flipped or cut bytes of valid files: a TensorError or a correct read, nothing else."""
    array = np.array([[1.5, -2.0, 0.0], [3.0, 2.0 ** -30, 7.0]], np.float32)
    blob, name = write(data.draw(st.sampled_from(["npy", "npz", "npz-deflated", "safetensors"])), array)
    blob = bytearray(blob)
    for _ in range(data.draw(st.integers(1, 3))):
        k = data.draw(st.integers(0, len(blob) - 1))
        blob[k] = data.draw(st.integers(0, 255))
    blob = bytes(blob[:data.draw(st.integers(0, len(blob)))] if data.draw(st.booleans()) else blob)
    try:
        index = tensor_index(blob)
        for key in index:
            matrix(blob, index, key)
    except TensorError:
        pass


def test_the_reader_runs_on_the_standard_library_alone():
    import pathlib
    import subprocess
    import sys
    root = pathlib.Path(__file__).resolve().parents[2]
    blob = st_save({"w": np.array([[0.5, -3.0]], np.float32), "h": np.ones((1, 1), BF16)})
    code = ("import sys; [sys.modules.__setitem__(m, None) for m in "
            "('numpy', 'flint', 'sympy', 'safetensors', 'ml_dtypes')]; "
            "from exactopen.checker.tensors import tensor_index, matrix; "
            "data = sys.stdin.buffer.read(); index = tensor_index(data); "
            "print(matrix(data, index, 'w'), matrix(data, index, 'h'))")
    out = subprocess.run([sys.executable, "-c", code], input=blob, capture_output=True, cwd=root)
    assert out.returncode == 0, out.stderr
    assert out.stdout.decode().split() == "(1, 2, [[1, -6]], [2]) (1, 1, [[1]], [1])".split()
