"""One set of caps, shared by readers, generator and checker, tested at each boundary.

Every reader takes an input at the cap (and one below it) and refuses one
past it with a resource-limit error naming the cap, before it allocates.
"""

import json
import os

import numpy as np
import pytest

from exactopen.checker import check_file, check_text
from exactopen.checker.spec import (MAX_DIGITS, MAX_DIM, MAX_ENTRIES, MAX_FILE_BYTES,
                                    MAX_INPUT_CHARS)
from exactopen.cli import main
from exactopen.errors import ResourceLimitError
from exactopen.linalg.numbers import parse_rational
from exactopen.linalg.readers import parse_json, parse_matrix_market, parse_text, read_matrix
from exactopen.linalg.weights import read_tensor

BOUNDARY = [(MAX_INPUT_CHARS - 1, True), (MAX_INPUT_CHARS, True), (MAX_INPUT_CHARS + 1, False)]


def _number(chars):
    return "9" * chars


@pytest.mark.parametrize("chars, fits", BOUNDARY)
@pytest.mark.parametrize("reader", [
    lambda x: parse_rational(x),
    lambda x: parse_text(f"{x} 1\n2 3\n", "t.txt"),
    lambda x: parse_text(f"{x} 1; 2 3", "inline"),
    lambda x: parse_json(f'[["{x}", 1], [2, 3]]', "j.json"),
    lambda x: parse_json(f'[[{x}, 1], [2, 3]]', "j.json"),
    lambda x: parse_matrix_market(f"%%MatrixMarket matrix array integer general\n1 1\n{x}\n",
                                  "m.mtx"),
], ids=["number", "text", "inline", "json-string", "json-number", "matrix-market"])
def test_digits_per_number(reader, chars, fits):
    if fits:
        reader(_number(chars))
    else:
        with pytest.raises(ResourceLimitError, match=f"exceeds the cap of {MAX_INPUT_CHARS}"):
            reader(_number(chars))


@pytest.mark.parametrize("n, fits", [(MAX_DIM - 1, True), (MAX_DIM, True), (MAX_DIM + 1, False)])
def test_columns_per_row(n, fits):
    text = "1 " * n
    if fits:
        assert parse_text(text, "wide.txt").ncols == n
    else:
        with pytest.raises(ResourceLimitError, match="exceeds the cap"):
            parse_text(text, "wide.txt")


@pytest.mark.parametrize("shape, fits", [
    ((2000, 1999), True), ((2000, 2000), True), ((2000, 2001), False),  # entries: 4,000,000
    ((MAX_DIM, 1), True), ((MAX_DIM + 1, 1), False), ((1, MAX_DIM + 1), False),
])
def test_shapes_are_checked_before_the_rows_are_read(shape, fits):
    assert 2000 * 2000 == MAX_ENTRIES
    text = json.dumps({"shape": list(shape), "rows": []})
    with pytest.raises(Exception) as info:
        parse_json(text, "s.json")
    # within the caps the reader goes on and finds the rows missing; past them it stops first
    assert ("exceeds the cap" in str(info.value)) != fits, info.value


@pytest.mark.parametrize("shape, fits", [((2000, 2000), True), ((2000, 2001), False),
                                         ((MAX_DIM + 1, 1), False)])
def test_matrix_market_size_line(shape, fits):
    text = f"%%MatrixMarket matrix coordinate integer general\n{shape[0]} {shape[1]} 0\n"
    if fits:
        assert parse_matrix_market(text, "m.mtx").shape == shape
    else:
        with pytest.raises(ResourceLimitError, match="exceeds the cap"):
            parse_matrix_market(text, "m.mtx")


@pytest.mark.parametrize("shape, fits", [((2000, 2000), True), ((2000, 2001), False),
                                         ((MAX_DIM + 1, 1), False)])
def test_weight_files(tmp_path, shape, fits):
    path = tmp_path / "w.npy"
    np.save(path, np.zeros(shape, dtype=np.int8))
    if fits:
        assert read_tensor(str(path)).shape == shape
    else:
        with pytest.raises(ResourceLimitError, match="exceeds the cap"):
            read_tensor(str(path))


def test_file_size_is_checked_before_reading(tmp_path, capsys):
    big = tmp_path / "big.txt"
    with open(big, "wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)  # sparse: nothing is written, nothing is read
    with pytest.raises(ResourceLimitError, match=f"exceeds the cap of {MAX_FILE_BYTES}"):
        read_matrix(str(big))
    code, out = check_file(str(big))
    assert code == 3 and "exceeds" in out
    os.rename(big, tmp_path / "net.json")
    assert main(["classify", str(tmp_path / "net.json")]) == 2
    assert "exceeds the cap" in capsys.readouterr().err


@pytest.mark.parametrize("digits, code", [(MAX_DIGITS, 0), (MAX_DIGITS + 1, 3)])
def test_the_checkers_digit_cap(digits, code):
    from exactopen.certify.encode import dumps
    from exactopen.certify.rank import rank_certificate
    from exactopen.linalg import Matrix

    from exactopen.checker.spec import long_integers
    with long_integers():
        value = int("9" * digits)
        text = dumps(rank_certificate(Matrix([[value]]))[1])
    assert check_text(text)[0] == code


def test_inputs_at_the_input_cap_are_certified_and_verified(tmp_path, capsys):
    """A 3 x 3 matrix with 2,500-digit entries (inside the 4,000-character cap)."""
    import random
    rng = random.Random(1)
    rows = [[rng.randint(10 ** 2499, 10 ** 2500 - 1) for _ in range(3)] for _ in range(2)]
    rows.append([a + b for a, b in zip(*rows)])
    from exactopen.checker.spec import long_integers
    with long_integers():
        src = tmp_path / "a.json"
        src.write_text(json.dumps([[str(x) for x in row] for row in rows]))
    cert = tmp_path / "c.json"
    assert main(["rank", str(src), "-o", str(cert)]) == 0
    assert main(["certify", str(src), str(src), "-o", str(tmp_path / "o.json")]) == 0
    assert main(["verify", str(cert), str(tmp_path / "o.json")]) == 0
    assert "rank = 2" in capsys.readouterr().out


def test_a_certificate_past_the_checkers_caps_is_refused_with_exit_3(tmp_path, capsys):
    """Kernel entries outgrow their input: 8 x 8 of rank 7 with 3,999-digit entries."""
    import random
    rng = random.Random(2)
    rows = [[rng.randint(10 ** 3998, 10 ** 3999 - 1) for _ in range(8)] for _ in range(7)]
    rows.append([a - b for a, b in zip(rows[0], rows[1])])
    from exactopen.checker.spec import long_integers
    with long_integers():
        src = tmp_path / "a.json"
        src.write_text(json.dumps([[str(x) for x in row] for row in rows]))
    code = main(["rank", str(src), "-o", str(tmp_path / "c.json")])
    assert code == 3 and "exceeds the checker's caps" in capsys.readouterr().err
    assert not (tmp_path / "c.json").exists()
