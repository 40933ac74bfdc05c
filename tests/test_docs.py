"""The documentation's examples run: doctests in docs/python-api.md, the README and the modules;
the tour's quoted output is what the commands print."""

import doctest
import importlib
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


def test_python_api_page():
    result = doctest.testfile(str(ROOT / "docs" / "python-api.md"), module_relative=False,
                              optionflags=FLAGS)
    assert result.attempted >= 20 and result.failed == 0


def test_readme_examples():
    result = doctest.testfile(str(ROOT / "README.md"), module_relative=False, optionflags=FLAGS)
    assert result.attempted >= 2 and result.failed == 0


@pytest.mark.parametrize("module", [
    "exactopen.linalg.numbers", "exactopen.linalg.matrix", "exactopen.linalg.convert",
    "exactopen.linalg.engines", "exactopen.linalg.spaces", "exactopen.linalg.rank_evidence",
    "exactopen.openness.theorem2", "exactopen.openness.lift", "exactopen.certify.rank",
    "exactopen.checker", "exactopen.report.text", "exactopen.report.proof",
])
def test_module_doctests(module):
    result = doctest.testmod(importlib.import_module(module), optionflags=FLAGS)
    assert result.attempted > 0 and result.failed == 0


def test_docs_index_quickstart_matches_readme():
    readme = (ROOT / "README.md").read_text()
    index = (ROOT / "docs" / "index.md").read_text()
    for line in readme.splitlines():
        if line.startswith("python3 -m venv"):
            assert line in index


def test_docstrings_cite_sections_that_exist():
    import re
    headings = set(re.findall(r"^## (\d+)\. ", (ROOT / "docs" / "theory.md").read_text(), re.M))
    cited = set()
    for path in (ROOT / "exactopen").rglob("*.py"):
        text = path.read_text()
        assert "THEORY.md" not in text, path
        cited.update(re.findall(r"docs/theory\.md``?,? section (\d+)", text))
    assert cited and cited <= headings, cited - headings


def test_the_tour_prints_what_it_says(tmp_path, capsys, monkeypatch):
    """docs/index.md quotes what the commands print; run them and compare."""
    from exactopen.cli import main

    index = (ROOT / "docs" / "index.md").read_text()
    monkeypatch.chdir(tmp_path)
    (tmp_path / "A.txt").write_text("1 2 3\n2 4 6\n1 0 1\n")
    (tmp_path / "W1.txt").write_text("1 0\n0 0\n0 0\n")
    (tmp_path / "W2.txt").write_text("0 0 0\n1 0 0\n")

    def run(*argv):
        assert main(list(argv)) == 0
        return capsys.readouterr().out

    quoted = {
        ("rank", "A.txt", "-o", "rank.json"): ["rank = 2 (3 x 3 matrix)",
                                               "certificate: rank.json (VERIFIED)"],
        ("verify", "rank.json"): ["VERIFIED"],
        ("certify", "W1.txt", "W2.txt", "-o", "pair.json"): ["u = [1, 0, 0]", "NOT LOCALLY OPEN"],
        ("certify", "W1.txt", "W2.txt", "-q"):
            ["verdict: matrix multiplication is NOT LOCALLY OPEN"],
        ("counterexample", "--widths", "2,1,1,2", "--loss", "square", "-o", "t8.json"):
            ["-3/8 t^4 + 1/4 t^6 + 1/8 t^8"],
        ("lift", "[[1],[2]]", "[[1,1]]", '[[1,"11/10"],[2,"11/5"]]'):
            ["W1' = [1; 2]", "W2' = [1 11/10]"],
        ("verify", "--json", "pair.json"): ['{"command": "verify", "verdict": "VERIFIED", '],
    }
    for argv, phrases in quoted.items():
        out = run(*argv)
        for phrase in phrases:
            assert phrase in out and phrase in index, (argv, phrase)
    assert run("explain", "pair.json", "-o", "pair.html").startswith("proof written")
    assert (tmp_path / "pair.html").read_text().startswith("<!DOCTYPE html>")
