"""Readable proofs for every gallery certificate, in Markdown and self-contained HTML."""

import json
import pathlib
import re

import pytest

from exactopen.cli import main
from exactopen.report import (NotExplainable, Proof, explain, render_fragment, render_html,
                              render_markdown)

GALLERY = sorted((pathlib.Path(__file__).resolve().parents[2] / "certificates").glob("*.json"))
OFFLINE = re.compile(r"<(script|link|img|iframe|object|embed)\b|https?://|url\(|@import", re.I)


def _gallery(stem):
    return next(p for p in GALLERY if p.stem == stem).read_text()


def _prose(page):
    """The text of a page outside tags and its style sheet."""
    return re.sub(r"<[^>]*>", " ", re.sub(r"<style>.*?</style>", "", page, flags=re.S))


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
    assert not OFFLINE.search(page)  # one file that renders offline
    # every symbol filled in, every formula typeset: no placeholders, no ASCII exponents,
    # subscripts or comparisons left in the page's text
    assert "?" not in md and "rank-r" not in md
    prose = _prose(page)
    assert not re.search(r"\^|_|>=|<=|!=|&gt;=|&lt;=|\b[A-Z]\d\b", prose), \
        re.search(r".{30}(\^|_|>=|<=|!=|&gt;=|&lt;=|\b[A-Z]\d\b).{30}", prose).group(0)
    # matrices are bracketed MathML tables, never HTML tables ruled like determinants
    assert "<table" not in page and page.count('<mtable class="m">') >= 2


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


def test_explain_exits_as_verify_does(tmp_path, capsys):
    """Malformed is 2 and over the budget is 3, as verify says; --budget raises it."""
    text = GALLERY[0].read_text()
    malformed = tmp_path / "malformed.json"
    malformed.write_text(text.replace('"steps"', '"stepz"', 1))
    good = tmp_path / "good.json"
    good.write_text(text)
    for argv, code in ((["explain", str(malformed)], 2), (["explain", str(good), "--budget", "1"], 3),
                       (["explain", str(good), "--budget", "2000000000"], 0)):
        assert main(argv) == code == main(["verify", *argv[1:]])
    big = tmp_path / "big.json"
    with open(big, "wb") as handle:  # sparse: past the file cap without writing it
        handle.truncate((256 << 20) + 1)
    assert main(["explain", str(big)]) == 3 == main(["verify", str(big)])
    assert main(["explain", str(good), "--data", str(big)]) == 3
    capsys.readouterr()


def test_a_proof_on_standard_output_is_utf8_whatever_the_terminal():
    """The proof is a document: UTF-8 as its charset says, never escaped for a cp1252 pipe."""
    import os
    import subprocess
    import sys
    done = subprocess.run([sys.executable, "-m", "exactopen.cli", "explain", str(GALLERY[0]),
                           "--format", "html"], capture_output=True, timeout=120,
                          env=dict(os.environ, PYTHONIOENCODING="cp1252"))
    assert done.returncode == 0, done.stderr
    page = done.stdout.decode("utf-8")
    assert 'charset="utf-8"' in page.lower() and "\\u" not in page and "≤" in page


def test_explain_writes_a_file_in_the_format_its_name_says(tmp_path, capsys):
    for name, extra, html in (("proof.html", [], True), ("proof.HTM", [], True),
                              ("proof.md", [], False), ("proof.txt", [], False),
                              ("forced.html", ["--format", "md"], False),
                              ("forced.md", ["--format", "html"], True)):
        out = tmp_path / name
        assert main(["explain", str(GALLERY[0]), "-o", str(out), *extra]) == 0
        assert out.read_text().startswith("<!DOCTYPE html>") == html, name
        assert out.read_text().startswith("# Proof: ") != html, name
    assert main(["explain", str(GALLERY[0])]) == 0
    assert capsys.readouterr().out.count("# Proof: ") == 1  # Markdown on standard output


def test_html_typesets_exponents_subscripts_and_signs():
    page = render_html(explain(_gallery("theorem8-square-2-1-1-2")))
    assert '<span class="nw">t<sup>4</sup></span>' in page  # a script stays with its base
    page = re.sub(r'<span class="nw">|</span>', "", page).replace("\u00a0", " ")
    assert "−3/8 t<sup>4</sup> + 1/4 t<sup>6</sup> + 1/8 t<sup>8</sup>" in page
    assert "L D L<sup>T</sup>" in page and "W<sub>1</sub>" in page and "|c<sub>4</sub>|" in page
    assert "t<sub>0</sub> · ∑<sub>j&gt;4</sub> |c<sub>j</sub>|" in page
    assert "2<sup>61</sup> − 1" in page and "D = diag(0, 0, 1, 0, 0) ≥ 0" in page
    # the curve W(t) as matrices of polynomials: W2(t) = [t^2 / 2], fractions stacked
    assert ('<mfrac displaystyle="true"><mn>1</mn><mn>2</mn></mfrac>'
            '<msup><mi>t</mi><mn>2</mn></msup>') in page


def test_symbols_are_filled_in_from_the_certificate():
    md = render_markdown(explain(_gallery("weighted-minimum-3-2-1-3")))
    assert "rank <= r, with r = min_i d_i = 1" in md and "l(W3 W2 W1)" in md
    assert "Here min width r = 1" in md
    md = render_markdown(explain(_gallery("paper-example-open-in-range")))
    assert "(here k = 1 < 2 = min(2, 2))" in md and "Here A is core(W1 W2) (1 x 1)" in md
    assert "r1 = rank W1 = 1, r2 = rank W2 = 1, r12 = rank W1 W2 = 1" in md
    assert "(i) needs no perturbation: rank W1 = 1 already, so T1 = 0." in md
    md = render_markdown(explain(_gallery("behrends-not-open")))
    assert re.search(r"\(A\) \d \+ \d <= \d \+ \d is (true|false)", md)


def test_small_computed_values_are_shown():
    md = render_markdown(explain(_gallery("paper-example-open-in-range")))
    # the core step shows its result (the m x n product is never formed), the rank step its minor
    assert "core(W1 W2) = W1[{1}, :] W2[:, {1}] (1 x 1; computed here):\n\n    [ 1 ]" in md
    assert "(core(W1 W2))[{1}, {1}] (1 x 1; determinant 1, computed here)" in md
    md = render_markdown(explain(_gallery("zero-pair")))
    # a factored perturbation: its factors, their product and the sum, and the rank step's K
    assert "T1L T1R (2 x 1; computed here)" in md and "W1 + T1L T1R (2 x 1; computed here)" in md
    assert "K (1 x 1):\n\n    [ 1 ]" in md
    md = render_markdown(explain(_gallery("theorem8-square-2-1-1-2")))
    assert "W2(t) (1 x 1):\n\n    [ 1/2 t^2 ]" in md
    assert "t0 * sum_(j>4) |c_j| = 1/2 * (1/4 + 1/8) = 3/16 <= 3/16 = |c_4| / 2" in md
    md = render_markdown(explain(_gallery("weighted-minimum-3-2-1-3")))
    assert "chart Hessian = L D L^T (5 x 5; computed here)" in md
    assert "[ 0   3  0  -2  0 ]" in md


def test_proof_objects_show_themselves_in_a_notebook(tmp_path):
    text = _gallery("theorem8-square-2-1-1-2")
    path = next(p for p in GALLERY if "theorem8" in p.stem)
    for source in (text, json.loads(text), path, str(path)):
        proof = Proof(source)
        assert proof.verdict == "not-a-local-minimum"
    fragment = proof._repr_html_()
    assert fragment.startswith('<div class="exactopen-proof"><style>') and "<html" not in fragment
    assert not OFFLINE.search(fragment) and fragment in proof.html()
    assert fragment == render_fragment(proof.blocks)
    assert proof._repr_markdown_().startswith(
        "# Proof: network not local minimum (not-a-local-minimum)\n")
    assert "Σ\\_ij w\\_ij" in proof._repr_markdown_()  # Markdown markup escaped
    assert str(proof) == proof.markdown() and "Σ_ij w_ij" in str(proof)
    assert repr(proof) == "<Proof of network-not-local-minimum: not-a-local-minimum, VERIFIED>"
    doc = json.loads(text)
    doc["steps"][-1]["t0"] = "1"
    with pytest.raises(NotExplainable):
        Proof(doc)
    with pytest.raises(TypeError):
        Proof(42)


def test_ipython_displays_a_proof_as_html_and_markdown():
    """What a notebook cell shows, through IPython's display machinery (IPython is a test
    extra; a Jupyter kernel, nbclient and a notebook would add ~20 s to CI's install for no
    more than this checks)."""
    from IPython.core import formatters
    data, _ = formatters.DisplayFormatter().format(Proof(_gallery("theorem8-square-2-1-1-2")))
    assert data["text/html"].startswith('<div class="exactopen-proof"><style>')
    assert '<mtable class="m">' in data["text/html"]
    assert data["text/markdown"].startswith("# Proof: network not local minimum")
    assert data["text/plain"] == "<Proof of network-not-local-minimum: not-a-local-minimum, VERIFIED>"


def test_a_claim_with_matrices_in_a_data_file(tmp_path):
    """A claim's matrix given as a tensor of a data file is named, not computed with."""
    import hashlib
    import io

    import numpy as np

    from exactopen.checker.spec import claim_digest
    buffer = io.BytesIO()
    np.savez(buffer, w=np.array([[1], [2]], dtype=np.int64))
    data = buffer.getvalue()
    doc = json.loads(_gallery("paper-example-open-in-range"))
    doc["claim"]["W1"] = {"tensor": "w", "shape": [2, 1], "transpose": False}
    assert [s["rule"] for s in doc["steps"]] == ["rank", "rank", "core", "rank"]
    doc["claim"]["data"] = {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
    doc["claim_sha256"] = claim_digest(doc["claim"])
    blocks = explain(json.dumps(doc), data=data)
    md, page = render_markdown(blocks), render_html(blocks)
    assert "W1: the tensor 'w' of the data file (2 x 1)." in md
    (tmp_path / "w.npz").write_bytes(data)
    assert Proof(doc, data=tmp_path / "w.npz").markdown() == md == Proof(doc, data=data).markdown()
    assert "core(W1 W2) = W1" not in md  # W1's entries are not at hand
    assert "W2^T[{1}, {1}] (1 x 1; determinant 1, computed here)" in md  # W2's are
    assert "Hence the verdict: locally-open." in md
    assert "?" not in md and not OFFLINE.search(page)


def test_large_matrices_are_summarised():
    from exactopen.certify.encode import dumps
    from exactopen.certify.rank import rank_certificate
    from exactopen.linalg import Matrix
    _, cert = rank_certificate(Matrix([[i * j % 7 for j in range(12)] for i in range(12)]))
    md = render_markdown(explain(dumps(cert)))
    assert "a 12 x 12 matrix (SHA-256" in md


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
    assert seen_rules == set(RULES), set(RULES) - seen_rules


def test_a_rendering_failure_is_an_internal_error_not_a_rejection(tmp_path, capsys, monkeypatch):
    import exactopen.report as report

    def broken(blocks):
        raise KeyError("det_residue")
    monkeypatch.setattr(report, "render_markdown", broken)
    assert main(["explain", str(GALLERY[0])]) == 4
    assert "verified, but its proof could not be rendered" in capsys.readouterr().err
