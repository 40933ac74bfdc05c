"""Reading matrices: every format, and a clear located error for every kind of bad input."""

from fractions import Fraction

import pytest

from exactopen.errors import InputError, ResourceLimitError
from exactopen.checker.spec import MAX_DIM
from exactopen.linalg.readers import read_matrix


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_json_exact_decimals_and_fractions(tmp_path):
    A = read_matrix(_write(tmp_path, "a.json", '[[1, "2/3"], [0.1, 1e-2]]'))
    assert A.tolist() == [[1, Fraction(2, 3)], [Fraction(1, 10), Fraction(1, 100)]]
    B = read_matrix(_write(tmp_path, "b.json", '[[0.1000000000000000000001]]'))
    assert B[0, 0] == Fraction(1, 10) + Fraction(1, 10 ** 22)


def test_json_shape_object_for_empty(tmp_path):
    A = read_matrix(_write(tmp_path, "e.json", '{"shape": [0, 3], "rows": []}'))
    assert A.shape == (0, 3)


def test_text_format_with_comments(tmp_path):
    A = read_matrix(_write(tmp_path, "a.txt", "# a matrix\n1 2 3\n\n4/5 -0.5 7  # end\n"))
    assert A.tolist() == [[1, 2, 3], [Fraction(4, 5), Fraction(-1, 2), 7]]


def test_matrix_market_array_and_coordinate(tmp_path):
    array = "%%MatrixMarket matrix array real general\n% comment\n2 2\n1.5\n2\n3\n4\n"
    A = read_matrix(_write(tmp_path, "a.mtx", array))
    assert A.tolist() == [[Fraction(3, 2), 3], [2, 4]]  # column-major
    coord = "%%MatrixMarket matrix coordinate integer general\n3 3 2\n1 1 5\n3 2 -7\n"
    B = read_matrix(_write(tmp_path, "b.mtx", coord))
    assert B.tolist() == [[5, 0, 0], [0, 0, 0], [0, -7, 0]]
    sym = "%%MatrixMarket matrix coordinate integer symmetric\n2 2 1\n2 1 3\n"
    assert read_matrix(_write(tmp_path, "s.mtx", sym)).tolist() == [[0, 3], [3, 0]]


def test_inline_matrices():
    assert read_matrix("[[1],[2]]").shape == (2, 1)
    assert read_matrix("1 2; 3 4").tolist() == [[1, 2], [3, 4]]
    assert read_matrix("1 2 3").tolist() == [[1, 2, 3]]  # one row
    assert read_matrix("5").tolist() == [[5]] and read_matrix(" -1/2, 0.5 ").shape == (1, 2)
    assert read_matrix("1 2\n3 4").shape == (2, 2)
    for word in ("A.txt", "-", "e", ""):
        with pytest.raises(InputError, match="no such file"):
            read_matrix(word)


def test_rows_separated_by_semicolons_in_files_too(tmp_path):
    A = read_matrix(_write(tmp_path, "a.txt", "1 2; 3 4  # two rows\n5 6\n"))
    assert A.tolist() == [[1, 2], [3, 4], [5, 6]]
    with pytest.raises(InputError, match=r"row 2 \(line 1\) has 1 entries"):
        read_matrix(_write(tmp_path, "b.txt", "1 2; 3\n"))


@pytest.mark.parametrize("name, text", [
    ("a.txt", "1 2\n2 4\n"), ("a.json", "[[1, 2], [2, 4]]"), ("noext", "[[1, 2], [2, 4]]"),
    ("a.mtx", "%%MatrixMarket matrix array integer general\n2 2\n1\n2\n2\n4\n"),
    ("noext.mtx", "%%MatrixMarket matrix coordinate integer general\n2 2 4\n1 1 1\n1 2 2\n"
                  "2 1 2\n2 2 4\n"),
])
def test_a_byte_order_mark_is_accepted(tmp_path, name, text):
    path = tmp_path / name
    path.write_bytes(b"\xef\xbb\xbf" + text.encode())
    assert read_matrix(str(path)).tolist() == [[1, 2], [2, 4]]


def test_unreadable_files_are_named_in_plain_words(tmp_path, monkeypatch):
    import builtins

    path = _write(tmp_path, "secret.txt", "1 2\n")
    real_open = builtins.open

    def refusing_open(file, *args, **kwargs):
        if str(file) == path:
            raise PermissionError(13, "Permission denied", path)
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", refusing_open)
    with pytest.raises(InputError) as info:
        read_matrix(path)
    assert str(info.value) == f"{path}: cannot read: Permission denied"
    with pytest.raises(InputError, match="not a regular file"):
        read_matrix(str(tmp_path))


@pytest.mark.parametrize("name, text, where", [
    ("ragged.json", "[[1, 2], [3]]", "row 2 has 1 entries, expected 2"),
    ("ragged.txt", "1 2\n3\n", "row 2 (line 2) has 1 entries"),
    ("word.json", '[[1, "x"]]', "row 1, column 2: 'x' is not a number"),
    ("word.txt", "1 2\n3 abc\n", "row 2, column 2: 'abc' is not a number"),
    ("zero.json", '[["1/0"]]', "row 1, column 1: '1/0' has a zero denominator"),
    ("nan.json", "[[NaN]]", "NaN is not a finite number"),
    ("inf.txt", "1 inf\n", "row 1, column 2: 'inf' is not a number"),
    ("bool.json", "[[true]]", "row 1, column 1: True (true or false in JSON) is a boolean"),
    ("empty.txt", "# nothing\n", "no rows found"),
    ("bad.json", "[[1, 2]", "not valid JSON"),
    ("notrows.json", "[1, 2]", "row 1 is not a list"),
    ("badmm.mtx", "%%MatrixMarket matrix array complex general\n1 1\n1\n", "complex"),
    ("short.mtx", "%%MatrixMarket matrix array integer general\n2 2\n1\n2\n3\n",
     "expected 4 entries, found 3"),
    ("intfield.mtx", "%%MatrixMarket matrix array integer general\n1 1\n1.5\n",
     "line 3 (row 1, column 1): '1.5' is not an integer"),
    ("outside.mtx", "%%MatrixMarket matrix coordinate integer general\n2 2 1\n3 1 1\n",
     "line 3: position (3, 1) is outside 2 x 2"),
])
def test_malformed_inputs_name_the_place(tmp_path, name, text, where):
    path = _write(tmp_path, name, text)
    with pytest.raises(InputError) as info:
        read_matrix(path)
    message = str(info.value)
    assert message.startswith(path) and where in message
    assert "\n" not in message


def test_size_caps(tmp_path):
    with pytest.raises(ResourceLimitError, match="exceeds the cap"):
        read_matrix(_write(tmp_path, "big.json", f'{{"shape": [{MAX_DIM + 1}, 1], "rows": []}}'))
    with pytest.raises(ResourceLimitError, match="exceeds the cap"):
        read_matrix(_write(tmp_path, "long.json", "[[" + "9" * 5000 + "]]"))


def test_missing_file():
    with pytest.raises(InputError, match="no such file"):
        read_matrix("/nonexistent/matrix.json")


def test_inline_row_with_a_typo_names_the_entry():
    with pytest.raises(InputError, match=r"1 x: no such file, nor an inline matrix .*column 2: 'x'"):
        read_matrix("1 x")


def test_integer_rows_fast_path_agrees_with_token_parsing():
    import random

    from exactopen.linalg.readers import parse_text
    from exactopen.linalg.numbers import integer_tokens, parse_rational
    rng = random.Random(4)
    for _ in range(200):
        tokens = [rng.choice(["", "+", "-"]) + str(rng.randint(0, 10 ** rng.randint(1, 30)))
                  for _ in range(rng.randint(1, 6))]
        assert integer_tokens(tokens) == [parse_rational(t) for t in tokens]
        assert parse_text(" ".join(tokens), "t").tolist()[0] == [parse_rational(t) for t in tokens]
    for row in (["1", "2/3"], ["1", "0.5"], ["1", "x"], ["1", "1e3"], ["--1"], ["1-"]):
        assert integer_tokens(row) is None
    assert parse_text("1 2/3 0.5", "t").tolist() == [[1, Fraction(2, 3), Fraction(1, 2)]]
    with pytest.raises(InputError, match="row 1, column 2"):
        parse_text("1 x", "t")
    with pytest.raises(ResourceLimitError):
        parse_text("1 " + "9" * 5000, "t")


def test_integer_fast_paths_agree_with_entry_by_entry_reading(tmp_path):
    """Integer files take the fast paths; the same matrix with one decimal (or a comment,
    for Matrix Market) is read entry by entry; both give the same matrix."""
    import random
    rng = random.Random(5)
    rows = [[rng.randint(-10 ** 30, 10 ** 30) for _ in range(4)] for _ in range(3)]
    A = read_matrix(_write(tmp_path, "a.json", str(rows)))
    assert A.tolist() == rows
    mixed = [list(r) for r in rows]
    mixed[2][3] = "0.5"
    assert read_matrix(_write(tmp_path, "m.json", str(mixed).replace("'", '"'))).tolist()[:2] == rows[:2]
    column_major = "\n".join(str(rows[i][j]) for j in range(4) for i in range(3))
    for comment in ("", "% a comment\n"):
        text = f"%%MatrixMarket matrix array integer general\n3 4\n{comment}{column_major}\n"
        assert read_matrix(_write(tmp_path, "a.mtx", text)).tolist() == rows
        entries = "".join(f"{i + 1} {j + 1} {rows[i][j]}\n" for i in range(3) for j in range(4))
        text = f"%%MatrixMarket matrix coordinate integer general\n3 4 12\n{comment}{entries}"
        assert read_matrix(_write(tmp_path, "c.mtx", text)).tolist() == rows
    for bad, where in (("1 +1 2\n2 2 2\n", "line 3: expected 'row column value'"),
                       ("1 1\n2 2 2 2\n", "line 3: expected 'row column value'")):
        path = _write(tmp_path, "bad.mtx", "%%MatrixMarket matrix coordinate integer general\n"
                                           f"3 3 2\n{bad}")
        with pytest.raises(InputError, match=where):
            read_matrix(path)


def test_json_integers_at_the_length_cap(tmp_path):
    from exactopen.checker.spec import long_integers
    from exactopen.linalg.numbers import MAX_NUMBER_CHARS
    edge = "-" + "9" * (MAX_NUMBER_CHARS - 1)
    with long_integers():  # as on the command line: the integer is parsed, then refused by length
        assert read_matrix(_write(tmp_path, "ok.json", f"[[1, {edge}]]"))[0, 1] == int(edge)
        with pytest.raises(ResourceLimitError, match="row 1, column 2: a number of 4001"):
            read_matrix(_write(tmp_path, "long.json", f"[[1, -{edge[1:]}9]]"))
    assert read_matrix(_write(tmp_path, "s.json", '{"shape": [2, 0], "rows": [[], []]}')).shape == (2, 0)
