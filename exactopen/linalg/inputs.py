"""Matrices from whatever the user names: a text, JSON or Matrix Market matrix, inline
text, or a tensor of a weight file.

``FILE:NAME`` selects the tensor ``NAME`` of a ``.npy``, ``.npz`` or
``.safetensors`` file; ``FILE`` alone its only tensor.  Weight files are
recognised by their extension or their first bytes, and read exactly by
:mod:`exactopen.linalg.weights` (a binary float is a dyadic rational: no
rounding, no option).  :func:`read_input` also says where a matrix came from,
so that a certificate can refer to the file instead of copying the matrix.

Examples
--------
>>> read_input("[[1, 2], [3, 4]]")[1] is None
True
"""

from __future__ import annotations

import os

from ..errors import InputError
from .matrix import Matrix
from .readers import read_matrix
from .weights import TensorRef, list_tensors, parse_tensor_spec, read_tensor

WEIGHT_EXTENSIONS = (".npy", ".npz", ".safetensors")


def is_weight_file(path: str) -> bool:
    """A .npy, .npz or .safetensors file, by extension or by its first bytes."""
    if path.lower().endswith(WEIGHT_EXTENSIONS):
        return True
    try:
        with open(path, "rb") as handle:
            head = handle.read(9)
    except OSError:
        return False
    if head[:6] == b"\x93NUMPY" or head[:4] in (b"PK\x03\x04", b"PK\x05\x06"):
        return True
    return len(head) == 9 and head[8:9] == b"{" and \
        int.from_bytes(head[:8], "little") < os.path.getsize(path)


def read_input(spec: str) -> tuple[Matrix, TensorRef | None]:
    """The matrix ``spec`` names, and the tensor it was read from (None for text formats).

    Raises
    ------
    InputError
        Unreadable or malformed input; ``FILE:NAME`` where FILE is not a weight
        file, or names no tensor of it.
    """
    path, name = parse_tensor_spec(spec)
    if os.path.isfile(path) and is_weight_file(path):
        if name is None:
            tensors = list_tensors(path)
            if len(tensors) != 1:
                example = sorted(tensors)[0] if tensors else "NAME"
                raise InputError(f"{path} holds {len(tensors)} tensors; name one as {path}:NAME "
                                 f"(for example {path}:{example})")
            name = next(iter(tensors))
        return read_tensor(path, name), TensorRef(path, name)
    if name is not None and os.path.isfile(path) and not os.path.isfile(spec):
        raise InputError(f"{path}: FILE:NAME selects a tensor of a .npy, .npz or .safetensors "
                         f"file, and this is not one")
    return read_matrix(spec), None


__all__ = ["WEIGHT_EXTENSIONS", "is_weight_file", "read_input"]
