"""The gallery regenerates byte for byte, and every file verifies."""

import pathlib

import pytest

from exactopen.checker import check_file
from exactopen.certify.gallery import build_gallery, entries, gallery_files

ROOT = pathlib.Path(__file__).resolve().parents[2]
GALLERY = ROOT / "certificates"


@pytest.fixture(scope="module")
def regenerated():
    return build_gallery()


def test_gallery_is_up_to_date(regenerated):
    files = {**regenerated, "README.md": gallery_files()["README.md"]}
    on_disk = {p.name for p in GALLERY.iterdir()}
    assert on_disk == set(files), "run: exactopen gallery"
    for name, text in files.items():
        assert (GALLERY / name).read_text() == text, f"{name} differs; run: exactopen gallery"


def test_regeneration_is_deterministic(regenerated):
    assert build_gallery() == regenerated


@pytest.mark.parametrize("name", [e.name for e in entries()])
def test_gallery_file_verifies(name):
    assert check_file(str(GALLERY / name)) == (0, "VERIFIED")


def test_readme_lists_every_certificate():
    text = (GALLERY / "README.md").read_text()
    for entry in entries():
        assert f"`{entry.name}`" in text


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text().strip().splitlines()[-1]
    assert ci in (ROOT / "README.md").read_text()
    assert "pytest" in ci
