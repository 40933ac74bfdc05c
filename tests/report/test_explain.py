"""Readable proofs for every gallery certificate, in Markdown and self-contained HTML."""

import json
import pathlib
import re
import shutil
import subprocess

import pytest

from exactopen.cli import main
from exactopen.report import NotExplainable, explain, render_html, render_markdown

GALLERY = sorted((pathlib.Path(__file__).resolve().parents[2] / "certificates").glob("*.json"))


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


def _every_evidence_form():
    """One certificate of every rule and every evidence form the generator writes."""
    import random

    from bench.workloads import sparse_block_matrix
    from conftest import low_rank
    from exactopen.certify.gallery import build_gallery
    from exactopen.certify.rank import rank_certificate
    from exactopen.linalg import Matrix

    texts = dict(build_gallery())
    from exactopen.certify.encode import dumps
    rng = random.Random(60)
    texts["rank 60 x 60 (inverse-form minor)"] = dumps(rank_certificate(low_rank(rng, 60, 60, 55))[1])
    texts["rank 60 x 50, transposed"] = dumps(rank_certificate(low_rank(rng, 50, 60, 49))[1])
    texts["sparse (vertex cover, sparse claim)"] = dumps(rank_certificate(
        sparse_block_matrix(random.Random(1), 40, 4, 0.08))[1])
    texts["full rank 50 x 50 (inverse, no kernel)"] = dumps(rank_certificate(
        Matrix([[int(i == j) + (i * j) % 3 for j in range(50)] for i in range(50)]))[1])
    from exactopen.certify.classify import classify_certificate
    from exactopen.networks.model import LinearNetwork
    zero = LinearNetwork((2, 1, 2), (Matrix.zeros(1, 2), Matrix.zeros(2, 1)), Matrix.identity(2),
                         Matrix.zeros(2, 2), Matrix([[1, 1], [1, 1]]))
    texts["global minimum (stationary loss)"] = dumps(classify_certificate(zero)[1])
    return texts


def test_explain_renders_every_rule_and_evidence_form():
    from exactopen.checker.rules import RULES

    seen_rules, seen_forms = set(), set()
    for name, text in _every_evidence_form().items():
        doc = json.loads(text)
        blocks = explain(text)
        md, page = render_markdown(blocks), render_html(blocks)
        assert doc["verdict"] in md and doc["verdict"] in page, name
        assert md.count("Step ") >= len(doc["steps"]), name
        for step in doc["steps"]:
            seen_rules.add(step["rule"])
            seen_forms.update(k for k in ("det_residue", "inverse", "transposed") if step.get(k))
    assert {"det_residue", "inverse", "transposed"} <= seen_forms
    assert seen_rules == set(RULES) - {"core"}, set(RULES) - seen_rules
