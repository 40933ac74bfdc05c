"""The documentation's examples run: doctests in docs/python-api.md and in the modules."""

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


@pytest.mark.parametrize("module", [
    "exactopen.linalg.numbers", "exactopen.linalg.matrix", "exactopen.linalg.engines",
    "exactopen.linalg.spaces", "exactopen.linalg.rank_evidence", "exactopen.openness.theorem2",
    "exactopen.openness.lift", "exactopen.certify.rank",
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
