"""Exact linear algebra over Q: the matrix type, its engines, subspaces and readers."""

from .engines import ENGINES, FLINT, FLINT_PROJECTED, SYMPY, Engine, rref
from .matrix import Matrix, primitive_integer_vector
from .spaces import column_space, intersection, left_null_space, null_space, rank, subspace_sum

__all__ = ["ENGINES", "FLINT", "FLINT_PROJECTED", "SYMPY", "Engine", "Matrix", "column_space",
           "intersection", "left_null_space", "null_space", "primitive_integer_vector", "rank",
           "rref", "subspace_sum"]
