"""The computing side's weight-file reader, and its agreement with the checker's.

``exactopen.linalg.weights`` (NumPy, safetensors) and
``exactopen.checker.tensors`` (standard library) are independent; on every
file both must give exactly the values NumPy reports, or both must refuse.
"""

import ast
import hashlib
import io
import json
import os
import pathlib
import struct
import subprocess
import sys
import tracemalloc
import zipfile
from fractions import Fraction

import ml_dtypes
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from hypothesis.extra.numpy import arrays
from safetensors.numpy import save_file

from exactopen.checker import tensors
from exactopen.errors import InputError, ResourceLimitError
from exactopen.linalg import Matrix
from exactopen.linalg.matrix import MAX_DIM
from exactopen.linalg.weights import file_sha256, list_tensors, parse_tensor_spec, read_tensor

PROPERTY = settings(max_examples=6, deadline=None, derandomize=True)
BF16 = np.dtype(ml_dtypes.bfloat16)
DTYPES = ["int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
          "float16", "float32", "float64", "bfloat16"]
BITS = {2: "uint16", 4: "uint32", 8: "uint64"}
WEIGHTS = pathlib.Path(__file__).resolve().parents[2] / "exactopen" / "linalg" / "weights.py"


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("weights")


def save(path, fmt, array, name="w"):
    """Write ``array`` as the tensor ``name`` (with a neighbour) in ``fmt``; the name to read."""
    if fmt == "npy":
        with open(path, "wb") as f:  # np.save would append ".npy" to the name
            np.save(f, array)
        return ""
    if fmt in ("npz", "npz-deflated"):
        with open(path, "wb") as f:
            (np.savez_compressed if fmt == "npz-deflated" else np.savez)(
                f, **{name: array, "bias": np.arange(3.0)})
        return name
    save_file({name: array.copy(order="C"), "bias": np.arange(3.0)}, str(path))
    return name


def expected(array):
    if array.dtype.kind in "iu":
        return [[Fraction(x) for x in row] for row in array.tolist()]
    return [[Fraction(x) for x in row] for row in array.astype(np.float64).tolist()]


def by_checker(path, name, transpose=False):
    data = pathlib.Path(path).read_bytes()
    m, n, rows, dens = tensors.matrix(data, tensors.tensor_index(data), name, transpose)
    return [[Fraction(p, d) for p in row] for row, d in zip(rows, dens)] if m else []


@st.composite
def matrices(draw, dtype, max_side=6):
    dtype = BF16 if dtype == "bfloat16" else np.dtype(dtype)
    shape = (draw(st.integers(0, max_side)), draw(st.integers(0, max_side)))
    if dtype.kind in "iu":
        return draw(arrays(dtype, shape))
    array = draw(arrays(BITS[dtype.itemsize], shape)).view(dtype)  # every bit pattern
    array[~np.isfinite(array.astype(np.float64))] = 0
    return array


# -- exact values, and agreement with the checker ------------------------------

@pytest.mark.parametrize("fmt", ["npy", "npz", "npz-deflated", "safetensors"])
@pytest.mark.parametrize("dtype", DTYPES)
@PROPERTY
@given(data=st.data())
def test_both_readers_give_numpys_exact_values(folder, fmt, dtype, data):
    if dtype == "bfloat16" and fmt != "safetensors":
        return  # NumPy saves bfloat16 as '<V2': refused by both, see below
    array = data.draw(matrices(dtype))
    path = folder / f"{dtype}-{fmt}.bin"
    name = save(path, fmt, array)
    for transpose in (False, True):
        want = expected(array.T if transpose else array)
        got = read_tensor(path, name, transpose)
        assert got.shape == (array.shape[::-1] if transpose else array.shape)
        assert got.tolist() == want
        assert by_checker(path, name, transpose) == want


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@settings(max_examples=25, deadline=None, derandomize=True)
@given(data=st.data())
def test_wide_exponent_ranges_are_exact(folder, dtype, data):
    """Rows mixing tiny, subnormal and huge values take the entry-by-entry path."""
    info = np.finfo(dtype)
    specials = np.array([0.0, -0.0, float(info.smallest_subnormal), float(info.max), -float(info.max),
                         float(info.tiny), 1.0, 0.1, -3.5], dtype=dtype)
    shape = (data.draw(st.integers(1, 5)), data.draw(st.integers(1, 5)))
    picks = data.draw(arrays(np.int64, shape, elements=st.integers(0, len(specials) - 1)))
    scale = data.draw(arrays(dtype, shape, elements=st.floats(-4, 4, width=np.dtype(dtype).itemsize * 8)))
    array = np.where(data.draw(arrays(bool, shape)), specials[picks], scale).astype(dtype)
    path = folder / f"wide-{dtype}.npy"
    np.save(path, array)
    assert read_tensor(path).tolist() == expected(array) == by_checker(path, "")


@pytest.mark.parametrize("layout", ["F", "big-endian", "big-endian F"])
def test_npy_layouts(folder, layout):
    array = np.array([[1.5, -2.0, 2.0 ** -20], [3.0, 0.25, -0.0]], np.float32)
    stored = array.astype(">f4") if "big" in layout else array
    stored = np.asfortranarray(stored) if "F" in layout else stored
    np.save(folder / "layout.npy", stored)
    assert read_tensor(folder / "layout.npy").tolist() == expected(array)
    assert read_tensor(folder / "layout.npy", transpose=True) == Matrix(expected(array.T))
    assert by_checker(folder / "layout.npy", "") == expected(array)


def test_bfloat16_needs_no_ml_dtypes(folder):
    """BF16 is widened from its raw bits; ml_dtypes is needed only to write the test file."""
    array = np.array([[1.5, -2.0 ** -133, 3e38]], dtype=BF16)
    save_file({"w": array}, str(folder / "bf16.safetensors"))
    code = ("import sys; sys.modules['ml_dtypes'] = None; "
            "from exactopen.linalg.weights import read_tensor; "
            "print(read_tensor(sys.argv[1], 'w').tolist())")
    out = subprocess.run([sys.executable, "-c", code, str(folder / "bf16.safetensors")],
                         capture_output=True, text=True, cwd=pathlib.Path(__file__).parents[2])
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == str(expected(array))


def test_list_tensors(folder):
    save_file({"enc.layer.0/w": np.zeros((2, 3), np.float32), "b": np.zeros(4, np.int8),
               "h": np.zeros((1, 1), BF16)}, str(folder / "list.safetensors"))
    assert list_tensors(folder / "list.safetensors") == {
        "enc.layer.0/w": ("float32", (2, 3)), "b": ("int8", (4,)), "h": ("bfloat16", (1, 1))}
    np.save(folder / "list.npy", np.zeros((2, 2), ">f8"))
    assert list_tensors(folder / "list.npy") == {"": ("float64", (2, 2))}
    np.savez(folder / "list.npz", a=np.zeros((1, 2), np.uint16))
    assert list_tensors(folder / "list.npz") == {"a": ("uint16", (1, 2))}


def test_names_and_single_tensor_files(folder):
    save_file({"only": np.ones((1, 2), np.float32)}, str(folder / "one.safetensors"))
    assert read_tensor(folder / "one.safetensors").tolist() == [[1, 1]]
    save_file({"a": np.ones((1, 1)), "b": np.ones((1, 1))}, str(folder / "two.safetensors"))
    with pytest.raises(InputError, match=r"no tensor None; the file has 'a', 'b'"):
        read_tensor(folder / "two.safetensors")
    with pytest.raises(InputError, match=r"two.safetensors: no tensor 'c'"):
        read_tensor(folder / "two.safetensors", "c")
    with pytest.raises(InputError, match="cannot read"):
        read_tensor(folder / "missing.npy")


def test_parse_tensor_spec(folder):
    path = str(folder / "model.safetensors")
    save_file({"a": np.ones((1, 1))}, path)
    assert parse_tensor_spec(path) == (path, None)
    assert parse_tensor_spec(f"{path}:enc.layer.0/weight") == (path, "enc.layer.0/weight")
    assert parse_tensor_spec(f"{path}:a:b") == (path, "a:b")
    assert parse_tensor_spec(f"{path}:") == (path, None)
    odd = folder / "odd:name.npy"  # an existing file wins over splitting on ':'
    np.save(odd, np.ones((1, 1)))
    assert parse_tensor_spec(str(odd)) == (str(odd), None)
    assert parse_tensor_spec(f"{odd}:w") == (str(odd), "w")
    assert parse_tensor_spec("missing.npz:layer:1") == ("missing.npz", "layer:1")
    assert parse_tensor_spec("plain") == ("plain", None)


def test_file_sha256(folder):
    (folder / "blob").write_bytes(b"weights" * 1000)
    assert file_sha256(folder / "blob") == hashlib.sha256(b"weights" * 1000).hexdigest()


def test_weights_takes_only_the_shared_caps_from_the_checker():
    """An independent second reader: of the checker it may read the spec (the caps), nothing else."""
    tree = ast.parse(WEIGHTS.read_text())
    names = [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names]
    names += [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
    assert [n for n in names if "checker" in n] == ["checker.spec"], names


# -- refusals: the same files refused by both readers ---------------------------

def raw_safetensors(header, data=b""):
    text = header if isinstance(header, bytes) else json.dumps(header).encode()
    return struct.pack("<Q", len(text)) + text + data


def npy(array):
    out = io.BytesIO()
    np.save(out, array)
    return out.getvalue()


def zipped(members, compression=zipfile.ZIP_DEFLATED):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as archive:
        for name, body in members.items():
            archive.writestr(name, body)
    return out.getvalue()


def one(dtype, shape, begin, end, **extra):
    return {"dtype": dtype, "shape": shape, "data_offsets": [begin, end], **extra}


F32 = np.arange(4, dtype="<f4").tobytes()
SAFETENSORS = raw_safetensors({"w": one("F32", [2, 2], 0, 16)}, F32)
#: name -> (file bytes, tensor name, words the generator's message must contain)
REFUSED = {
    "empty": (b"", "w", "not a readable safetensors file"),
    "truncated": (SAFETENSORS[:-1], "w", "not a readable safetensors file"),
    "header past the end": (struct.pack("<Q", 1000) + b"{}", "w", "safetensors"),
    "header of 100 MB": (struct.pack("<Q", 100_000_000) + b"{}", "w", "exceeds the cap"),
    "duplicate keys": (raw_safetensors(b'{"w": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}, '
                                       b'"w": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}',
                                       F32[:4]), "w", "duplicate key"),
    "unknown field": (raw_safetensors({"w": one("F32", [1], 0, 4, x=1)}, F32[:4]), "w", "exactly"),
    "unknown dtype": (raw_safetensors({"w": one("F8_E4M3", [4], 0, 4)}, F32[:4]), "w",
                      "dtype F8_E4M3 is not supported"),
    "bool dtype": (raw_safetensors({"w": one("BOOL", [4], 0, 4)}, F32[:4]), "w", "BOOL"),
    "size mismatch": (raw_safetensors({"w": one("F32", [2, 2], 0, 12)}, F32[:12]), "w", "readable"),
    "offsets beyond the data": (raw_safetensors({"w": one("F32", [2, 2], 0, 16)}, F32[:8]), "w",
                                "readable"),
    "overlap": (raw_safetensors({"w": one("F32", [2], 0, 8), "b": one("F32", [2], 4, 12)}, F32[:12]),
                "w", "readable"),
    "gap": (raw_safetensors({"w": one("F32", [1], 0, 4), "b": one("F32", [1], 8, 12)}, F32[:12]),
            "w", "readable"),
    "trailing bytes": (raw_safetensors({"w": one("F32", [1], 0, 4)}, F32[:8]), "w", "readable"),
    "1-D tensor": (raw_safetensors({"w": one("F32", [4], 0, 16)}, F32), "w",
                   "tensor 'w' has shape [4]: a matrix needs a 2-D tensor"),
    "3-D tensor": (raw_safetensors({"w": one("F32", [1, 2, 2], 0, 16)}, F32), "w", "shape [1, 2, 2]"),
    "0-D npy": (npy(np.float32(1.0)), None, "shape []"),
    "bfloat16 npy": (npy(np.ones((2, 2), BF16)), None, "'<V2'"),
    "bool npy": (npy(np.ones((2, 2), bool)), None, "'|b1' is not supported"),
    "object npy": (npy(np.array([[1, None]], dtype=object)), None, "not supported"),
    "truncated npy": (npy(np.ones((2, 2)))[:-1], None, "31 bytes of data"),
    "trailing bytes npy": (npy(np.ones((2, 2))) + b"\0", None, "33 bytes of data"),
    "npy version 4": (b"\x93NUMPY\x04\x00" + npy(np.ones((1, 1)))[8:], None, "version 4.0"),
    "npz with a text member": (zipped({"w.npy": npy(np.ones((1, 1))), "notes.txt": b"x"}), "w",
                               "'notes.txt' is not a .npy array"),
    "npz member not an array": (zipped({"w.npy": b"not an array"}), "w", "not a readable .npy"),
    "npz bzip2 member": (zipped({"w.npy": npy(np.ones((1, 1)))}, zipfile.ZIP_BZIP2), "w",
                         "only stored or deflated"),
    "npz member shorter than its header": (zipped({"w.npy": npy(np.ones((2, 2)))[:-8]}), "w",
                                           "a member of 152 bytes, its header says 160"),
    "npz truncated": (zipped({"w.npy": npy(np.ones((2, 2)))})[:-30], "w", "not a readable .npz"),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_malformed_files_are_refused_by_both(folder, case):
    data, name, words = REFUSED[case]
    path = folder / f"refused-{case.replace(' ', '-')}"
    path.write_bytes(data)
    with pytest.raises(InputError) as info:
        read_tensor(path, name)
    assert words in str(info.value) and str(path) in str(info.value), str(info.value)
    with pytest.raises(tensors.TensorError):
        index = tensors.tensor_index(data)
        tensors.matrix(data, index, "" if name is None else name)


@pytest.mark.parametrize("value,what", [(np.nan, "NaN"), (np.inf, "infinite"), (-np.inf, "infinite")])
@pytest.mark.parametrize("fmt", ["npy", "npz-deflated", "safetensors"])
@pytest.mark.parametrize("dtype", ["float16", "float32", "float64", "bfloat16"])
def test_nan_and_infinities_are_named_alike_by_both(folder, dtype, fmt, value, what):
    if dtype == "bfloat16" and fmt != "safetensors":
        return
    array = np.zeros((3, 4), BF16 if dtype == "bfloat16" else dtype)
    array[2, 0] = value
    array[1, 2] = value
    if fmt == "npy":
        array = np.asfortranarray(array)  # the index is the tensor's, not the storage order's
    path = folder / f"nan-{dtype}-{fmt}"
    name = save(path, fmt, array, name="layer.0.weight")
    message = f"tensor {name!r}: entry (1, 2) is {what}; weights must be finite"
    for transpose in (False, True):
        with pytest.raises(InputError) as info:
            read_tensor(path, name or None, transpose)
        assert str(info.value) == f"{path}: {message}"
        with pytest.raises(tensors.TensorError) as info:
            by_checker(path, name, transpose)
        assert str(info.value) == message


def test_caps(folder):
    np.save(folder / "tall.npy", np.zeros((MAX_DIM + 1, 1), np.int8))
    with pytest.raises(ResourceLimitError, match=f"a {MAX_DIM + 1} x 1 matrix exceeds the cap"):
        read_tensor(folder / "tall.npy")
    np.save(folder / "many.npy", np.zeros((2001, 2000), np.int8))
    with pytest.raises(ResourceLimitError, match="2001 x 2000 matrix exceeds the cap"):
        read_tensor(folder / "many.npy")


def test_files_over_256_mib_are_refused_before_reading(folder):
    path = folder / "huge.npy"
    with open(path, "wb") as f:
        f.write(npy(np.zeros((1, 1)))[:64])
        f.truncate(256 * 1024 * 1024 + 1)  # sparse: nothing is written
    with pytest.raises(ResourceLimitError, match="exceeds the cap"):
        read_tensor(path)
    with pytest.raises(ResourceLimitError):
        list_tensors(path)


def test_a_zip_bomb_is_refused_before_decompressing(folder):
    path = folder / "bomb.npz"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("w.npy", "w", force_zip64=True) as member:
            np.lib.format.write_array_header_1_0(
                member, {"descr": "<f8", "fortran_order": False, "shape": (2100, 2000)})
            for _ in range(2100 * 2000 * 8 >> 20):
                member.write(bytes(1 << 20))
            member.write(bytes(2100 * 2000 * 8 % (1 << 20)))
    assert os.path.getsize(path) < 200_000
    assert list_tensors(path) == {"w": ("float64", (2100, 2000))}
    tracemalloc.start()
    with pytest.raises(ResourceLimitError, match="2100 x 2000 matrix exceeds the cap"):
        read_tensor(path, "w")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 2_000_000


def test_module_doctests():
    import doctest

    from exactopen.linalg import weights
    result = doctest.testmod(weights, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0


def _read_both(path, name):
    """(checker's, generator's) reading: a list of Fraction rows, or "refused"."""
    try:
        checker = by_checker(path, name)
    except tensors.TensorError:
        checker = "refused"
    try:
        generator = read_tensor(path, name or None).tolist()
    except InputError:
        generator = "refused"
    return checker, generator


@settings(max_examples=150, deadline=None, derandomize=True)
@given(data=st.data())
def test_damaged_files_are_refused_or_read_alike_by_both(folder, data):
    """Flipped or cut bytes of valid files: both readers refuse, or both read the same values."""
    array = np.array([[1.5, -2.0, 0.0], [3.0, 2.0 ** -30, 7.0]], np.float32)
    fmt = data.draw(st.sampled_from(["npy", "npz", "npz-deflated", "safetensors"]))
    path = folder / "damaged.bin"
    name = save(path, fmt, array)
    blob = bytearray(path.read_bytes())
    for _ in range(data.draw(st.integers(1, 2))):
        blob[data.draw(st.integers(0, len(blob) - 1))] = data.draw(st.integers(0, 255))
    if data.draw(st.booleans()):
        blob = blob[:data.draw(st.integers(0, len(blob)))]
    path.write_bytes(bytes(blob))
    checker, generator = _read_both(path, name)
    assert checker == generator
