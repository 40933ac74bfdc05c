"""The fixed corpus of malformed certificates fails with the documented exit codes."""

import pathlib

import pytest

from exactopen.cli import main

CORPUS = sorted((pathlib.Path(__file__).parent / "malformed").glob("*.json"))


def test_corpus_is_present():
    assert len(CORPUS) >= 20


@pytest.mark.parametrize("path", CORPUS, ids=[p.stem for p in CORPUS])
def test_malformed_certificate_exit_code(path, capsys):
    expected = int(path.name.split("-")[0])
    assert main(["verify", str(path)]) == expected
    out = capsys.readouterr().out
    assert out.startswith("NOT VERIFIED: ")
    assert ("resource cap" if expected == 3 else "malformed") in out


def test_unreadable_file_is_malformed(tmp_path, capsys):
    assert main(["verify", str(tmp_path / "missing.json")]) == 2
    assert "cannot read" in capsys.readouterr().out
