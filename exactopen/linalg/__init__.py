"""Exact linear algebra over Q: the matrix type and subspace operations."""

from .backends import BACKENDS, rref
from .matrix import Matrix, primitive_integer_vector
from .spaces import (column_space, intersection, left_null_space, null_space, rank, row_space,
                     subspace_sum)

__all__ = ["BACKENDS", "Matrix", "column_space", "intersection", "left_null_space", "null_space",
           "primitive_integer_vector", "rank", "row_space", "rref", "subspace_sum"]
