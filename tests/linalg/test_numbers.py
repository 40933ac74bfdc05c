from decimal import Decimal
from fractions import Fraction

import pytest

from exactopen.checker.errors import CheckerError
from exactopen.checker.jsonload import rational
from exactopen.errors import InputError, ResourceLimitError
from exactopen.linalg.numbers import MAX_NUMBER_CHARS, encode_rational, parse_rational


def is_canonical(text):
    """The checker's reading is the definition of canonical."""
    try:
        rational(text, "test")
    except CheckerError:
        return False
    return True


@pytest.mark.parametrize("text, value", [
    ("7", Fraction(7)), ("-3/6", Fraction(-1, 2)), ("0.1", Fraction(1, 10)),
    ("1.25e1", Fraction(25, 2)), ("-.5", Fraction(-1, 2)), ("+4", Fraction(4)),
    (" 2 / 4 ", Fraction(1, 2)), ("1E-3", Fraction(1, 1000)),
])
def test_exact_parsing(text, value):
    assert parse_rational(text) == value


@pytest.mark.parametrize("bad, message", [
    ("nan", "not a number"), ("inf", "not a number"), ("1/0", "zero denominator"),
    ("abc", "not a number"), ("", "not a number"), (True, "boolean"), (None, "not a number"),
    (float("nan"), "finite"), (float("inf"), "finite"), (Decimal("NaN"), "finite"),
])
def test_refusals(bad, message):
    with pytest.raises(InputError, match=message):
        parse_rational(bad)


def test_float_needs_explicit_option():
    with pytest.raises(InputError, match="exact_floats"):
        parse_rational(0.1)
    assert parse_rational(0.1, exact_floats=True) == Fraction(3602879701896397, 36028797018963968)


def test_caps():
    with pytest.raises(ResourceLimitError):
        parse_rational("9" * (MAX_NUMBER_CHARS + 1))
    with pytest.raises(ResourceLimitError):
        parse_rational("1e99999999")


@pytest.mark.parametrize("x", [Fraction(0), Fraction(-1, 2), Fraction(10 ** 40, 3), Fraction(5)])
def test_canonical_roundtrip(x):
    text = encode_rational(x)
    assert is_canonical(text) and parse_rational(text) == x


@pytest.mark.parametrize("text", ["-0", "01", "2/4", "1/1", "+1", "1/-2", "1.0", " 1", "0/3"])
def test_non_canonical_detected(text):
    assert not is_canonical(text)
