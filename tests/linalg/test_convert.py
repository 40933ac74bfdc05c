"""NumPy, SymPy and FLINT objects in and out of Matrix, exactly; SymPy's operator habits.

A table of foreign inputs with the exact matrix each must give, a table of inputs that must be
refused with a message naming what is wrong, round trips, and the SymPy-named methods checked
on the edge-case table against exactopen's own functions and against SymPy.
"""

import random
import re
from fractions import Fraction

import flint
import numpy as np
import pytest
import sympy
from sympy.polys.matrices import DomainMatrix

from conftest import EDGE_CASES, HUGE, low_rank
from exactopen import Matrix
from exactopen.errors import InputError, NotApplicable
from exactopen.linalg import column_space, null_space, rank

R = sympy.Rational
BIG = 2 ** 64 - 1

#: name -> (foreign object, keyword arguments, the exact rows it stands for)
TAKEN = {
    "numpy int64": (np.array([[1, 2], [3, 4]]), {}, [[1, 2], [3, 4]]),
    "numpy int8": (np.array([[-128, 127]], dtype=np.int8), {}, [[-128, 127]]),
    "numpy uint64 max": (np.array([[BIG]], dtype=np.uint64), {}, [[BIG]]),
    "numpy 0 x 3": (np.zeros((0, 3), dtype=int), {}, Matrix.zeros(0, 3)),
    "numpy 3 x 0 float": (np.zeros((3, 0)), {}, Matrix.zeros(3, 0)),
    "numpy float64 exact": (np.array([[0.5, -0.25], [0.1, 3.0]]), {"exact_floats": True},
                            [[Fraction(1, 2), Fraction(-1, 4)], [Fraction(0.1), 3]]),
    "numpy float32 exact": (np.array([[0.1]], dtype=np.float32), {"exact_floats": True},
                            [[Fraction(13421773, 134217728)]]),
    "numpy float16 exact": (np.array([[0.1]], dtype=np.float16), {"exact_floats": True},
                            [[Fraction(*np.float16(0.1).as_integer_ratio())]]),
    "numpy long double exact": (np.array([[1]], dtype=np.longdouble) / 3, {"exact_floats": True},
                                [[Fraction(*(np.longdouble(1) / 3).as_integer_ratio())]]),
    "numpy object Fractions": (np.array([[Fraction(1, 3), 2]], dtype=object), {},
                               [[Fraction(1, 3), 2]]),
    "sympy Matrix": (sympy.Matrix([[1, R(1, 2)], [R(-2, 3), HUGE]]), {},
                     [[1, Fraction(1, 2)], [Fraction(-2, 3), HUGE]]),
    "sympy ImmutableMatrix": (sympy.ImmutableMatrix([[1, 2]]), {}, [[1, 2]]),
    "sympy SparseMatrix": (sympy.SparseMatrix(2, 2, {(0, 1): R(5, 7)}), {},
                           [[0, Fraction(5, 7)], [0, 0]]),
    "sympy 0 x 2": (sympy.zeros(0, 2), {}, Matrix.zeros(0, 2)),
    "sympy 2 x 0": (sympy.zeros(2, 0), {}, Matrix.zeros(2, 0)),
    "sympy Float exact": (sympy.Matrix([[sympy.Float(0.5)]]), {"exact_floats": True},
                          [[Fraction(1, 2)]]),
    "sympy DomainMatrix": (DomainMatrix.from_Matrix(sympy.Matrix([[1, R(1, 2)]])), {},
                           [[1, Fraction(1, 2)]]),
    "flint fmpz_mat": (flint.fmpz_mat([[1, -2], [HUGE, 0]]), {}, [[1, -2], [HUGE, 0]]),
    "flint fmpq_mat": (flint.fmpq_mat([[flint.fmpq(1, 3), 0]]), {}, [[Fraction(1, 3), 0]]),
    "entries of every kind": ([[np.int32(1), sympy.Integer(2), R(1, 3), flint.fmpz(4),
                                flint.fmpq(1, 5), Fraction(1, 6), "1/7", 8]], {},
                              [[1, 2, Fraction(1, 3), 4, Fraction(1, 5), Fraction(1, 6),
                                Fraction(1, 7), 8]]),
    "a Matrix": (Matrix([[1, "1/2"]]), {}, [[1, Fraction(1, 2)]]),
}


@pytest.mark.parametrize("name", sorted(TAKEN))
def test_foreign_matrices_are_taken_exactly(name):
    obj, kwargs, expected = TAKEN[name]
    expected = expected if isinstance(expected, Matrix) else Matrix(expected)
    A = Matrix(obj, **kwargs)
    assert A == expected and A.shape == expected.shape


#: name -> (a call that must be refused, a phrase of its message)
REFUSED = {
    "numpy float64": (lambda: Matrix(np.array([[0.1, 1.0]])), "exact_floats=True"),
    "numpy float entry": (lambda: Matrix([[np.float32(0.5)]]), "exact_floats=True"),
    "numpy NaN": (lambda: Matrix(np.array([[1.0, np.nan]]), exact_floats=True),
                  "row 1, column 2: nan is not a finite number"),
    "numpy 1-D": (lambda: Matrix(np.array([1, 2])), "1-D NumPy array is not a matrix"),
    "numpy booleans": (lambda: Matrix(np.array([[True]])), "booleans"),
    "numpy complex": (lambda: Matrix(np.array([[1j]])), "complex"),
    "numpy bool entry": (lambda: Matrix([[np.bool_(True)]]), "boolean"),
    "sympy sqrt": (lambda: Matrix(sympy.Matrix([[1, sympy.sqrt(2)]])),
                   "row 1, column 2: sqrt(2) is a SymPy Pow, not a rational number"),
    "sympy symbol": (lambda: Matrix([[sympy.Symbol("x")]]), "not a rational number"),
    "sympy infinity": (lambda: Matrix([[sympy.oo]]), "not a rational number"),
    "sympy Float": (lambda: Matrix(sympy.Matrix([[sympy.Float(0.1)]])), "exact_floats=True"),
    "an int": (lambda: Matrix(5), "not from 5"),
    "a flat list": (lambda: Matrix([1, 2, 3]), "[[1, 2, 3]] for one row"),
    "text": (lambda: Matrix("1 2; 3 4"), "not from text"),
    "ncols disagrees": (lambda: Matrix(np.array([[1, 2]]), ncols=3), "expected 3"),
}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_what_is_not_exact_is_refused_clearly(name):
    call, phrase = REFUSED[name]
    with pytest.raises(InputError, match=re.escape(phrase)):
        call()


@pytest.mark.parametrize("name", sorted(EDGE_CASES))
def test_round_trips(name):
    A = EDGE_CASES[name]
    S = A.to_sympy()
    assert S.shape == A.shape and Matrix(S) == A
    assert Matrix(A.to_flint()) == A
    if all(x.denominator == 1 for row in A.tolist() for x in row):
        a = A.to_numpy()
        assert a.shape == A.shape and Matrix(a) == A
        assert a.dtype == (object if name.startswith("huge") else np.int64)
    else:
        with pytest.raises(InputError, match="to_sympy"):
            A.to_numpy()


@pytest.mark.parametrize("name", sorted(EDGE_CASES))
def test_sympy_names_agree_with_exactopen_and_with_sympy(name):
    A = EDGE_CASES[name]
    S = A.to_sympy()
    assert A.rank() == rank(A) == S.rank()
    K, C = null_space(A), column_space(A)
    assert [v.shape for v in A.nullspace()] == [(A.ncols, 1)] * K.ncols
    assert [v.shape for v in A.columnspace()] == [(A.nrows, 1)] * C.ncols
    if K.ncols:
        assert Matrix.hstack(*A.nullspace()) == K
        assert len(S.nullspace()) == K.ncols and (A @ K).is_zero()
    if C.ncols:
        assert Matrix.hstack(*A.columnspace()) == C
        assert Matrix(sympy.Matrix.hstack(*S.columnspace())).rank() == C.ncols


def test_products_and_powers_as_in_sympy():
    rng = random.Random(5)
    A, B = low_rank(rng, 3, 3, 2), low_rank(rng, 3, 2, 2)
    S = A.to_sympy()
    assert A * B == A @ B and Matrix(S * B.to_sympy()) == A * B
    assert 2 * A == A * 2 == A.scale(2) and Matrix(2 * S) == 2 * A
    assert A * Fraction(1, 2) == Fraction(1, 2) * A == A.scale("1/2")
    assert np.int64(3) * A == A * sympy.Integer(3) == A * flint.fmpz(3) == 3 * A
    assert A * R(1, 2) == A.scale("1/2")
    for k in range(4):
        assert A ** k == Matrix(S ** k)
    T = Matrix([[2, 1], [1, 1]])
    assert T ** -2 == Matrix(T.to_sympy() ** -2) and T ** -2 @ T ** 2 == Matrix.identity(2)
    with pytest.raises(NotApplicable, match="singular"):
        Matrix([[1, 1], [1, 1]]) ** -1
    with pytest.raises(InputError, match="square"):
        Matrix([[1, 2]]) ** 2
    with pytest.raises(TypeError):
        A ** Fraction(1, 2)
    with pytest.raises(InputError, match="binary float"):
        A * 0.5
    with pytest.raises(TypeError):
        A * "2"


def test_operands_from_numpy_sympy_and_flint():
    A = Matrix([[1, 2], [3, 4]])
    a = np.array([[1, 0], [0, 2]])
    assert A @ a == A * a == A @ Matrix(a)
    assert a @ A == Matrix(a) @ A  # NumPy defers to Matrix (__array_ufunc__ = None)
    assert isinstance(a * A, Matrix) and a * A == Matrix(a) @ A
    assert A + a == A + Matrix(a) and a - A == Matrix(a) - A
    assert A @ sympy.eye(2) == A
    assert A * flint.fmpz_mat([[0, 1], [1, 0]]) == Matrix([[2, 1], [4, 3]])
    with pytest.raises(InputError, match="exact_floats"):
        A @ np.eye(2)


def test_sympy_and_numpy_on_the_left():
    """SymPy defers to Matrix (``_op_priority``), and both libraries convert one exactly."""
    rng = random.Random(11)
    A, B = low_rank(rng, 3, 3, 2), low_rank(rng, 2, 3, 1)
    S = B.to_sympy()
    for product in (S * A, S @ A):
        assert isinstance(product, Matrix) and product == B @ A
    assert isinstance(S + B, Matrix) and S + B == 2 * B
    assert isinstance(S - B, Matrix) and (S - B).is_zero()
    assert A == A.to_sympy() and A.to_sympy() == sympy.Matrix(A) == sympy.sympify(A)
    assert A != A.to_sympy() + sympy.ones(3, 3) and A != 3 and A != np.ones((2, 2), dtype=int)
    assert Matrix.identity(3) == np.eye(3, dtype=int) and Matrix.identity(3) != np.eye(3)
    array = np.array(A)
    assert array.dtype == object and array.tolist() == A.tolist()
    assert Matrix(np.array(Matrix([[1, 2]]), dtype=np.int64)) == Matrix([[1, 2]])
    with pytest.raises(InputError, match="not an integer"):  # never truncated to 0
        np.array(Matrix([["1/2", 2]]), dtype=np.int64)
    with pytest.raises(ValueError):
        np.array(A, copy=False)


def test_repr_of_entries_past_pythons_integer_string_limit():
    import sys
    old = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(4300)  # Python's default, whatever ran before
    try:
        big = Matrix([[2, 1], [1, 1]]) ** 20000  # entries of about 8,360 digits
        assert "<a rational of about 8,36" in repr(big)
    finally:
        sys.set_int_max_str_digits(old)
    assert repr(Matrix([["1/3", 2]])) == "Matrix([['1/3', '2']], ncols=2)"
