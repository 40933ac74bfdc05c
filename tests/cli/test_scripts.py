"""The command line in scripts and pipes: ``-`` reads standard input, ``-q`` prints exactly one
line, ``--json`` exactly one object, and messages name the user's paths in plain words."""

import json
import os
import pathlib
import re
import subprocess
import sys

import numpy as np
import pytest

from exactopen.cli import main
from conftest import run_cli as run

ROOT = pathlib.Path(__file__).resolve().parents[2]

#: A critical point of a three-layer network (the zero point with X = Y = I): not a local
#: minimum, by a descent curve of order three.
ZERO_POINT = {"widths": [2, 2, 2, 2], "layers": [[[0, 0], [0, 0]]] * 3,
              "Y": [[1, 0], [0, 1]]}
#: A non-degenerate point (Lemma 7).
OPEN_POINT = {"widths": [2, 1, 2], "layers": [[[1, 0]], [[1], [0]]], "Y": [[1, 0], [0, 0]]}




@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """Network files, a certificate, a rejected certificate and a weight file with a pair."""
    work = tmp_path_factory.mktemp("scripts")
    (work / "zero.json").write_text(json.dumps(ZERO_POINT))
    (work / "open.json").write_text(json.dumps(OPEN_POINT))
    cert = work / "pair.json"
    assert main(["certify", "[[1],[2]]", "[[1,1]]", "-o", str(cert), "-q"]) == 0
    doc = json.loads(cert.read_text())
    doc["verdict"] = "not-locally-open"
    (work / "bad.json").write_text(json.dumps(doc))
    np.savez(work / "w.npz", B=np.array([[1], [2]]), A=np.array([[1, 1]]))
    return work


#: command line -> the one line -q prints (a regular expression)
ONE_LINE = {
    "rank": (["rank", "1 2; 2 4"], r"rank = 1 \(2 x 2 matrix\)"),
    "rank inline row": (["rank", "1 2 3"], r"rank = 1 \(1 x 3 matrix\)"),
    "rank scalar": (["rank", "5"], r"rank = 1 \(1 x 1 matrix\)"),
    "certify": (["certify", "[[1],[2]]", "[[1,1]]"],
                r"verdict: matrix multiplication is LOCALLY OPEN in its range at \(W1, W2\)"),
    "lift": (["lift", "[[1],[2]]", "[[1,1]]", '[[1,"11/10"],[2,"11/5"]]'],
             r"W1' = \[1; 2\], W2' = \[1 11/10\]"),
    "probe": (["probe", "[[1],[2]]", "[[1,1]]", "--radii", "1/10,1/100", "--samples", "2"],
              r"fitted exponent \(reach ~ delta\^e\): e = \d\.\d{3}"),
    "counterexample": (["counterexample", "--widths", "2,1,1,2"],
                       r"verdict: NOT a local minimum \(.*\)"),
    "counterexample weighted": (["counterexample", "--widths", "2,1,2,2", "--loss", "weighted"],
                                r"verdict: a NON-GLOBAL LOCAL MINIMUM of L"),
    "classify": (["classify", "{work}/zero.json"], r"verdict: not a local minimum: along .*"),
    "network-open": (["network-open", "{work}/open.json"], r"rank\(W_h \.\.\. W_1\) = min width 1: "
                     r"non-degenerate, so the product map is locally open at W \(Lemma 7\)"),
    "widths": (["widths", "2,1,1,2"], r"widths d = \[2, 1, 1, 2\] \(h = 3 layers\): the paper's "
               r"condition holds with \(p1, p2\) = \(1, 2\); bottleneck r = 1 < .*"),
    "verify": (["verify", "{work}/pair.json"], r"VERIFIED"),
    "verify two": (["verify", "{work}/pair.json", "{work}/pair.json"],
                   r"VERIFIED \(2 certificates\)"),
    "verify rejected": (["verify", "{work}/pair.json", "{work}/bad.json"],
                        r"NOT VERIFIED: 1 of 2 certificates; first: .*bad.json: step conclusion: "
                        r"verdict: expected locally-open, found not-locally-open"),
    "explain": (["explain", "{work}/pair.json", "-o", "{out}.html"],
                r"proof written to .*\.html \(HTML\)"),
    "scan": (["scan", "{work}/w.npz", "--pair", "B,A", "--out", "{out}"],
             r"1 pair: 1 locally open, 0 not locally open; 1 certificate VERIFIED .*"),
    "gallery check": (["gallery", "--check", "--out", str(ROOT / "certificates")],
                      r"gallery up to date \(\d+ certificates\)"),
    "demo": (["demo"], r"all \d+ certificates VERIFIED by the independent checker"),
}


@pytest.mark.parametrize("name", sorted(ONE_LINE))
def test_quiet_prints_exactly_one_line(capsys, files, tmp_path, name):
    argv, pattern = ONE_LINE[name]
    argv = [a.format(work=files, out=tmp_path / "out") for a in argv]
    writes = argv[0] in ("rank", "certify", "lift", "counterexample", "classify", "network-open")
    code, out, err = run(capsys, *argv, *(["-o", tmp_path / "c.json"] if writes else []), "-q")
    assert code == (1 if name == "verify rejected" else 0), err
    assert out.count("\n") == 1 and re.fullmatch(pattern, out.strip()), out
    assert err == ""
    if writes:
        assert main(["verify", str(tmp_path / "c.json")]) == 0


def _json(out):
    lines = out.splitlines()
    assert len(lines) == 1, out
    doc = json.loads(lines[0])
    assert isinstance(doc, dict) and {"command", "verdict", "exit"} <= set(doc)
    return doc


def test_json_rank_and_certify(capsys, tmp_path):
    cert = tmp_path / "r.json"
    doc = _json(run(capsys, "rank", "1 2; 2 4", "--json", "-o", cert)[1])
    assert doc == {"command": "rank", "verdict": "holds", "exit": 0, "rank": 1, "shape": [2, 2],
                   "certificate": str(cert), "checked": True, "data": None}
    doc = _json(run(capsys, "certify", "[[1, 0], [0, 0], [0, 0]]", "[[0, 0, 0], [1, 0, 0]]",
                    "--json")[1])
    assert doc["verdict"] == "not-locally-open" and doc["setting"] == "theorem-2"
    assert doc["ranks"] == {"r1": 1, "r2": 1, "r12": 0}
    assert doc["obstruction"] == {"u": ["1", "0", "0"]}
    assert doc["conditions"]["iii"] is False and doc["certificate"] is None


def test_json_verify_names_the_failing_step_and_rule(capsys, files):
    code, out, _ = run(capsys, "verify", files / "pair.json", files / "bad.json", "--json")
    doc = _json(out)
    assert code == doc["exit"] == 1 and doc["verdict"] == "NOT VERIFIED"
    good, bad = doc["certificates"]
    assert good["verdict"] == "VERIFIED" and good["certificate_verdict"] == "locally-open"
    assert (bad["verdict"], bad["exit"], bad["step"], bad["rule"]) == \
        ("NOT VERIFIED", 1, "conclusion", "verdict")
    assert bad["kind"] == "local-openness"
    assert bad["message"].startswith("NOT VERIFIED: step conclusion")
    doc = _json(run(capsys, "verify", files / "missing.json", "--json")[1])
    assert doc["exit"] == 2 and doc["certificates"][0]["step"] is None
    assert "cannot read" in doc["certificates"][0]["message"]


def test_json_verify_rejected_step_is_a_number(capsys, tmp_path):
    cert = tmp_path / "rank.json"
    run(capsys, "rank", "1 2; 2 4", "-o", cert)
    doc = json.loads(cert.read_text())
    doc["steps"][0]["kernel"]["pivot_part"]["rows"] = [["-3"]]
    cert.write_text(json.dumps(doc))
    code, out, _ = run(capsys, "verify", cert, "--json")
    record = _json(out)["certificates"][0]
    assert code == record["exit"] == 1 and (record["step"], record["rule"]) == (1, "rank")


def test_json_counterexample_classify_scan(capsys, files, tmp_path):
    doc = _json(run(capsys, "counterexample", "--widths", "2,1,1,2", "--json")[1])
    assert doc["verdict"] == "not-a-local-minimum" and doc["p1"] == 1
    assert doc["descent"] == {"coefficients": ["0", "0", "0", "0", "-3/8", "0", "1/4", "0", "1/8"],
                              "t0": "1/2"}
    doc = _json(run(capsys, "classify", files / "zero.json", "--json")[1])
    assert (doc["verdict"], doc["degeneracy"], doc["rank"]) == \
        ("not-a-local-minimum", "degenerate", 0)
    assert doc["descent"]["order"] == 3
    code, out, _ = run(capsys, "scan", files / "w.npz", "--pair", "B,A", "--out", tmp_path,
                       "--json")
    doc = _json(out)
    assert code == 0 and doc["verdict"] == "VERIFIED" and doc["pairs"] == doc["verified"] == 1
    assert doc["index"] == str(tmp_path / "index.json") and doc["failed"] == []


def test_json_errors_are_one_object_too(capsys):
    code, out, err = run(capsys, "rank", "1 2; 3", "--json")
    doc = _json(out)
    assert code == doc["exit"] == 2 and doc["verdict"] is None and "ragged" in doc["error"]
    assert "ragged" in err
    code, out, _ = run(capsys, "counterexample", "--widths", "2,2,2", "--json")
    assert code == 5 and _json(out)["exit"] == 5


def test_json_with_the_certificate_on_standard_output(capsys):
    code, out, err = run(capsys, "rank", "1 2; 2 4", "-o", "-", "--json")
    assert code == 0 and json.loads(out)["kind"] == "rank"  # the certificate alone
    assert json.loads(err)["rank"] == 1  # the report beside it


@pytest.mark.parametrize("argv, stdin, phrase", [
    (["rank", "-"], "1 2; 2 4\n", "rank = 1 (2 x 2 matrix)"),
    (["rank", "-"], "\ufeff[[1, 2], [2, 4]]", "rank = 1 (2 x 2 matrix)"),
    (["rank", "-"], "%%MatrixMarket matrix array integer general\n1 2\n3\n4\n",
     "rank = 1 (1 x 2 matrix)"),
    (["certify", "-", "[[1,1]]"], "1\n2\n", "LOCALLY OPEN"),
    (["lift", "[[1],[2]]", "[[1,1]]", "-"], '[[1,"11/10"],[2,"11/5"]]', "W2' = [1 11/10]"),
    (["probe", "-", "[[1,1]]", "--radii", "1/10,1/100", "--samples", "1"], "1; 2", "fitted exponent"),
    (["classify", "-"], json.dumps(ZERO_POINT), "not a local minimum"),
    (["network-open", "-"], json.dumps(OPEN_POINT), "Lemma 7"),
])
def test_dash_reads_standard_input(capsys, monkeypatch, argv, stdin, phrase):
    code, out, err = run(capsys, *argv, stdin=stdin, monkeypatch=monkeypatch)
    assert code == 0 and phrase in out, err


def test_certificates_from_standard_input(capsys, monkeypatch, files):
    text = (files / "pair.json").read_text()
    assert run(capsys, "verify", "-", stdin=text, monkeypatch=monkeypatch)[:2] == (0, "VERIFIED\n")
    code, out, _ = run(capsys, "verify", "-", stdin=(files / "bad.json").read_text(),
                       monkeypatch=monkeypatch)
    assert code == 1 and "step conclusion: verdict" in out
    code, out, _ = run(capsys, "explain", "-", stdin=text, monkeypatch=monkeypatch)
    assert code == 0 and out.startswith("# Proof")
    code, out, _ = run(capsys, "verify", "-", stdin=b"\xff", monkeypatch=monkeypatch)
    assert code == 2 and "standard input: not UTF-8" in out


def test_standard_input_is_read_once(capsys, monkeypatch):
    code, _, err = run(capsys, "certify", "-", "-", stdin="1", monkeypatch=monkeypatch)
    assert code == 2 and "only one input" in err
    code, _, err = run(capsys, "verify", "-", "-", stdin="{}", monkeypatch=monkeypatch)
    assert code == 2 and "only one certificate" in err
    code, _, err = run(capsys, "rank", "-", stdin=b"\x93NUMPY", monkeypatch=monkeypatch)
    assert code == 2 and "standard input: not UTF-8 text" in err


def test_a_real_pipe():
    """The acceptance line: ``echo '1 2; 2 4' | exactopen rank -``."""
    done = subprocess.run([sys.executable, "-m", "exactopen.cli", "rank", "-"], input="1 2; 2 4\n",
                          capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert done.returncode == 0 and done.stdout.startswith("rank = 1 (2 x 2 matrix)")


def test_a_terminal_without_unicode():
    """A cp1252 terminal cannot show U+2229 (the intersection in certify's report): escaped,
    never a traceback with exit 1, the code of NOT VERIFIED."""
    done = subprocess.run([sys.executable, "-m", "exactopen.cli", "certify", "[[1],[2]]", "[[1,1]]"],
                          capture_output=True, cwd=ROOT, timeout=60,
                          env=dict(os.environ, PYTHONIOENCODING="cp1252"))
    assert done.returncode == 0, done.stderr.decode("cp1252")
    assert b"N(W1) \\u2229 C(W2)" in done.stdout


def test_unreadable_inputs_are_named_in_plain_words(capsys, tmp_path, monkeypatch):
    import builtins

    matrix, network = tmp_path / "A.txt", tmp_path / "net.json"
    matrix.write_text("1 2\n")
    network.write_text(json.dumps(OPEN_POINT))
    cert = tmp_path / "c.json"
    main(["rank", str(matrix), "-o", str(cert)])
    capsys.readouterr()
    real_open = builtins.open
    locked = {str(matrix), str(network), str(cert)}

    def refusing_open(file, *args, **kwargs):
        if str(file) in locked:
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", refusing_open)
    for argv, path in [(["rank", matrix], matrix), (["classify", network], network),
                       (["explain", cert], cert), (["verify", cert], cert)]:
        code, out, err = run(capsys, *argv)
        assert code == 2 and f"{path}: Permission denied" in (out + err).replace(
            "cannot read: ", "").replace("cannot read ", ""), out + err
        assert "Errno" not in out + err


def test_outputs_are_named_as_the_user_gave_them(capsys, tmp_path):
    target = tmp_path / "no" / "such" / "dir" / "c.json"
    code, _, err = run(capsys, "rank", "1 2", "-o", target)
    assert code == 2 and err == f"exactopen: error: {target}: cannot write: No such file or " \
                                "directory\n"
    code, _, err = run(capsys, "explain", ROOT / "certificates" / "zero-pair.json", "-o", tmp_path)
    assert code == 2 and f"{tmp_path}: is not a regular file" in err
    assert not [p for p in os.listdir(tmp_path) if p.startswith(".exactopen-")]
