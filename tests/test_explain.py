"""Readable proofs for every gallery certificate, in Markdown and self-contained HTML."""

import json
import pathlib
import re
import shutil
import subprocess

import pytest

from exactopen.cli import main
from exactopen.report import NotExplainable, explain, render_html, render_markdown

GALLERY = sorted((pathlib.Path(__file__).resolve().parents[1] / "certificates").glob("*.json"))


@pytest.mark.parametrize("path", GALLERY, ids=[p.stem for p in GALLERY])
def test_markdown_and_html_for_every_gallery_certificate(path):
    text = path.read_text()
    doc = json.loads(text)
    blocks = explain(text)
    md, page = render_markdown(blocks), render_html(blocks)
    for out in (md, page):
        assert doc["verdict"] in out and "Why the verdict follows" in out
        assert "Verified facts" in out and "VERIFIED" in out
    assert md.count("Step ") >= len(doc["steps"])
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert not re.search(r"<(script|link|img)\b|https?://", page)  # renders offline


def test_refuses_certificates_that_do_not_verify(tmp_path, capsys):
    doc = json.loads(GALLERY[0].read_text())
    doc["verdict"] = "something else"
    with pytest.raises(NotExplainable):
        explain(json.dumps(doc))
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc))
    assert main(["explain", str(bad)]) == 1
    assert "no proof to explain" in capsys.readouterr().err
    assert main(["explain", str(tmp_path / "missing.json")]) == 2


def test_explain_writes_a_file(tmp_path, capsys):
    out = tmp_path / "proof.html"
    assert main(["explain", str(GALLERY[0]), "--format", "html", "-o", str(out)]) == 0
    assert out.read_text().startswith("<!DOCTYPE html>")


def test_large_matrices_are_summarised():
    from exactopen.certify.encode import dumps
    from exactopen.certify.rank import rank_certificate
    from exactopen.linalg import Matrix
    _, cert = rank_certificate(Matrix([[i * j % 7 for j in range(12)] for i in range(12)]))
    md = render_markdown(explain(dumps(cert)))
    assert "a 12 x 12 matrix (SHA-256" in md


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium is not installed (Debian package "
                    "chromium); the HTML checks above still ran")
def test_html_renders_in_headless_chromium(tmp_path):
    path = next(p for p in GALLERY if p.name.startswith("theorem8-square-2-1-1-2"))
    page = tmp_path / "proof.html"
    page.write_text(render_html(explain(path.read_text())))
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom", page.as_uri()]
    dom = subprocess.run([CHROMIUM, *flags], capture_output=True, text=True, timeout=120).stdout
    assert "Verified facts" in dom and "not-a-local-minimum" in dom
    assert "-3/8 t^4 + 1/4 t^6 + 1/8 t^8" in dom
