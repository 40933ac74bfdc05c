"""Every exit path of the command line: its code and its message."""

import json

import pytest

from exactopen import __version__
from exactopen.cli import main
from exactopen.errors import InternalError
from conftest import run_cli as run




def test_version(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0 and __version__ in capsys.readouterr().out


def test_no_command_prints_help(capsys):
    code, out, _ = run(capsys)
    assert code == 2 and "usage: exactopen" in out


@pytest.mark.parametrize("command", ["rank", "certify", "verify", "gallery", "demo", "widths",
                                     "counterexample", "classify", "network-open", "lift", "probe"])
def test_help_for_every_command(capsys, command):
    with pytest.raises(SystemExit) as info:
        main([command, "--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert "usage: exactopen " + command in out


def test_rank_writes_a_verified_certificate(capsys, tmp_path):
    matrix = tmp_path / "a.txt"
    matrix.write_text("1 2 3\n2 4 6\n1 0 1\n")
    cert = tmp_path / "rank.json"
    code, out, _ = run(capsys, "rank", str(matrix), "-o", str(cert))
    assert code == 0 and "rank = 2" in out and "VERIFIED" in out
    code, out, _ = run(capsys, "verify", str(cert))
    assert (code, out.strip()) == (0, "VERIFIED")


def test_bad_input_exit_2_and_no_output(capsys, tmp_path):
    matrix = tmp_path / "bad.txt"
    matrix.write_text("1 2\n3 x\n")
    cert = tmp_path / "out.json"
    code, _, err = run(capsys, "rank", str(matrix), "-o", str(cert))
    assert code == 2 and f"{matrix}: row 2, column 2: 'x' is not a number" in err
    assert not cert.exists()
    cert.write_text("keep me")
    run(capsys, "rank", str(matrix), "-o", str(cert))
    assert cert.read_text() == "keep me"
    assert not list(tmp_path.glob(".exactopen-*"))


def test_certify_summary_and_shape_error(capsys, tmp_path):
    cert = tmp_path / "c.json"
    code, out, _ = run(capsys, "certify", "[[1],[1]]", "[[0,0]]", "-o", str(cert))
    assert code == 0
    assert "(iv)  false" in out and "NOT LOCALLY OPEN" in out and "y = [1, 0]" in out
    assert json.loads(cert.read_text())["verdict"] == "not-locally-open"
    code, _, err = run(capsys, "certify", "[[1,2]]", "[[1,2]]")
    assert code == 2 and "inner dimensions differ" in err


def test_verify_exit_codes(capsys, tmp_path):
    good = tmp_path / "good.json"
    run(capsys, "certify", "[[1],[2]]", "[[1,1]]", "-o", str(good))
    doc = json.loads(good.read_text())
    doc["verdict"] = "not-locally-open"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc))
    code, out, _ = run(capsys, "verify", str(good), str(bad))
    assert code == 1
    assert f"{good}: VERIFIED" in out
    assert f"{bad}: NOT VERIFIED: step conclusion: verdict: expected locally-open" in out
    truncated = tmp_path / "t.json"
    truncated.write_text(good.read_text()[:50])
    assert run(capsys, "verify", str(truncated))[0] == 2
    doc = json.loads(good.read_text())
    doc["claim"]["W1"]["rows"][0][0] = "1" * 25000
    huge = tmp_path / "h.json"
    huge.write_text(json.dumps(doc))
    code, out, _ = run(capsys, "verify", str(huge))
    assert code == 3 and "resource cap" in out


def test_gallery_check(capsys, tmp_path):
    code, out, _ = run(capsys, "gallery", "--out", str(tmp_path), "-q")
    count = len(list(tmp_path.glob("*.json")))
    assert count >= 15 and (tmp_path / "README.md").exists()
    assert code == 0 and out == (f"gallery: {count} certificates in {tmp_path}, all VERIFIED by "
                                 "the independent checker\n")
    code, out, _ = run(capsys, "gallery", "--out", str(tmp_path), "--check", "-q")
    assert (code, out) == (0, f"gallery up to date ({count} certificates)\n")  # not README.md
    (tmp_path / "zero-pair.json").write_text("{}")
    code, out, _ = run(capsys, "gallery", "--out", str(tmp_path), "--check", "-q")
    assert code == 1 and "zero-pair.json" in out


def test_demo(capsys):
    code, out, err = run(capsys, "demo")
    assert code == 0 and "certificates VERIFIED by the independent checker" in out
    assert "regenerating" in err


def test_internal_error_exit_4(capsys, monkeypatch):
    import exactopen.openness

    def broken(*args, **kwargs):
        raise InternalError("independent routes disagree: test")
    monkeypatch.setattr(exactopen.openness, "analyze", broken)
    code, _, err = run(capsys, "certify", "[[1]]", "[[1]]")
    assert code == 4 and "internal error (please report)" in err


@pytest.mark.parametrize("argv, message", [
    (["widths", "2,x"], "expected positive integers"),
    (["widths", "3"], "need at least two widths"),
    (["counterexample", "--widths", "2,1,1,2", "--p1", "2"], "p1 = 2 is not valid"),
    (["classify", "/nonexistent.json"], "no such file"),
    (["network-open", "/nonexistent.json"], "no such file"),
    (["probe", "[[1],[2]]", "[[1,1]]", "--radii", "1/10"], "at least two different radii"),
    (["probe", "[[1],[2]]", "[[1,1]]", "--radii", "1/10,0.1"], "at least two different radii"),
])
def test_network_input_errors(capsys, argv, message):
    code, _, err = run(capsys, *argv)
    assert code == 2 and message in err


@pytest.mark.parametrize("argv, message", [
    (["counterexample", "--widths", "2,1,2,2", "--loss", "square"], "do not meet the paper's"),
    (["counterexample", "--widths", "2,2,2", "--loss", "weighted"], "no bottleneck"),
    (["counterexample", "--widths", "2,1,2,2", "--loss", "square"], "widths 2,1,2,2 do not"),
    (["lift", "[[1,0],[0,0],[0,0]]", "[[0,0,0],[1,0,0]]", "[[0,0,0],[0,0,0],[0,0,0]]"],
     "u = [1, 0, 0] has W2 u != 0"),
])
def test_constructions_that_do_not_apply_exit_5(capsys, argv, message):
    code, _, err = run(capsys, *argv)
    assert code == 5 and "does not apply" in err and message in err


def test_network_commands(capsys, tmp_path):
    code, out, _ = run(capsys, "widths", "2,1,1,2")
    assert code == 0 and "pairs (1, 2)" in out
    cert = tmp_path / "t8.json"
    code, out, _ = run(capsys, "counterexample", "--widths", "2,1,1,2", "-o", str(cert))
    assert code == 0 and "-3/8 t^4 + 1/4 t^6 + 1/8 t^8" in out
    assert run(capsys, "verify", str(cert))[0] == 0
    net = tmp_path / "net.json"
    net.write_text(json.dumps({"layers": [[[0, 0]], [[0], [0]]], "Y": [[1, 0], [0, 2]]}))
    code, out, _ = run(capsys, "classify", str(net), "-o", str(tmp_path / "c.json"))
    assert code == 0 and "degeneracy: degenerate" in out and "verdict: a second-order saddle" in out
    net.write_text(json.dumps({"layers": [[[1, 0]], [[1], [1]]], "Y": [[1, 0], [0, 2]]}))
    code, _, err = run(capsys, "classify", str(net))
    assert code == 5 and "not a critical point" in err and "dL/dW1[1,2] = -2" in err
    net.write_text(json.dumps({"layers": [[[0, 0], [0, 0]]] * 3, "Y": [[1, 0], [0, 1]]}))
    code, out, _ = run(capsys, "classify", str(net), "-o", str(tmp_path / "zero.json"))
    assert code == 0 and "verdict: not a local minimum" in out and "-t^3 + 1/2 t^6" in out
    assert run(capsys, "verify", str(tmp_path / "zero.json"))[0] == 0
    net.write_text(json.dumps({"layers": [[[1, 0, 0], [0, 1, 0]], [[1, 1]]], "X": [[1], [0], [0]],
                               "Y": [[0]]}))
    code, out, _ = run(capsys, "network-open", str(net), "--lemma", "3")
    assert code == 0 and "Lemma 3" in out
    code, _, err = run(capsys, "network-open", str(net), "--lemma", "3", "--activation", "tanh")
    assert code == 2 and "leaky-relu:SLOPE" in err
    code, _, err = run(capsys, "network-open", str(net), "--lemma", "7")
    assert code == 0
    net.write_text(json.dumps({"layers": [[[1, 0]], [[2, 0]]], "Y": [[1, 0]]}))
    code, _, err = run(capsys, "network-open", str(net), "--lemma", "7")
    assert code == 2 and "layer 2 is 1 x 2, expected" in err
    net.write_text(json.dumps({"layers": [[[0, 0]], [[2], [0]]]}))
    code, _, err = run(capsys, "classify", str(net))
    assert code == 2 and "missing Y" in err


def test_output_into_missing_directory(capsys, tmp_path):
    code, _, err = run(capsys, "rank", "1 2; 3 4", "-o", str(tmp_path / "no" / "such" / "c.json"))
    assert code == 2 and "exactopen: error:" in err and "No such file or directory" in err


@pytest.mark.parametrize("exception, code, message", [
    (KeyboardInterrupt, 130, "interrupted; nothing was written"),
    (BrokenPipeError, 0, ""),
])
def test_interrupt_and_closed_pipe(capsys, monkeypatch, exception, code, message):
    import exactopen.openness

    def stop(*args, **kwargs):
        raise exception()
    monkeypatch.setattr(exactopen.openness, "analyze", stop)
    got, _, err = run(capsys, "certify", "[[1]]", "[[1]]")
    assert got == code and message in err


def test_no_check_writes_without_the_checker(capsys, tmp_path):
    out = tmp_path / "c.json"
    code, text, _ = run(capsys, "rank", "1 2; 2 4", "-o", str(out), "--no-check")
    assert code == 0 and "(written)" in text
    assert run(capsys, "verify", str(out))[0] == 0


@pytest.mark.parametrize("argv", [["rank", "[[1, 2, 3], [2, 4, 6]]"],
                                  ["certify", "[[1], [2], [0]]", "[[1, 1, 0]]"]])
def test_kernels_are_proven_once(capsys, tmp_path, monkeypatch, argv):
    """With the checker after generation, generation only projects kernel identities modulo
    primes (the checker proves them); with --no-check generation proves them exactly."""
    from exactopen.linalg import rank_evidence as evidence
    seen, holds = [], evidence.kernel_identity_holds

    def recording(Z, cols, part, d, exact=True):
        seen.append(exact)
        return holds(Z, cols, part, d, exact)
    monkeypatch.setattr(evidence, "kernel_identity_holds", recording)
    out = str(tmp_path / "c.json")
    assert run(capsys, *argv, "-o", out)[0] == 0 and seen and not any(seen)
    seen.clear()
    assert run(capsys, *argv, "-o", out, "--no-check")[0] == 0 and all(seen)


def test_quiet_prints_only_the_result(capsys, tmp_path):
    code, text, err = run(capsys, "rank", "1 2; 2 4", "-o", str(tmp_path / "c.json"), "-q")
    assert code == 0 and text.strip() == "rank = 1 (2 x 2 matrix)" and err == ""


def test_verify_plain_uses_the_standard_library_path_only(capsys, tmp_path, monkeypatch):
    import random

    from exactopen.accel import limbs
    from conftest import low_rank

    A = low_rank(random.Random(1), 30, 30, 10, -99, 99)
    src = tmp_path / "A.json"
    src.write_text(json.dumps([[str(x) for x in row] for row in A.tolist()]))
    cert = tmp_path / "r.json"
    assert run(capsys, "rank", str(src), "-o", str(cert))[0] == 0
    answers = []
    original = limbs.kernel_vanishes
    monkeypatch.setattr(limbs, "kernel_vanishes", lambda *a: answers.append(original(*a)) or
                        answers[-1])
    assert run(capsys, "verify", str(cert))[1].strip() == "VERIFIED"
    assert answers == [True]  # the accelerator answered
    assert run(capsys, "verify", "--plain", str(cert))[1].strip() == "VERIFIED"
    monkeypatch.setenv("EXACTOPEN_PLAIN", "1")
    assert run(capsys, "verify", str(cert))[1].strip() == "VERIFIED"
    assert answers == [True]  # not asked again


@pytest.mark.parametrize("argv", [["counterexample", "--widths", "2,1,1,2"],
                                  ["certify", "[[1],[2]]", "[[1,1]]"], ["rank", "1 2; 2 4"]])
def test_every_checking_command_takes_the_budget_it_names(capsys, tmp_path, argv):
    """The checker's budget message says 'raise it with --budget': every command that runs the
    checker accepts it, and the certificate is written only when it verifies."""
    cert = tmp_path / "c.json"
    code, _, err = run(capsys, *argv, "-o", str(cert), "--budget", "10")
    assert code == 3 and "--budget" in err and "--no-check" in err and not cert.exists()
    code, _, _ = run(capsys, *argv, "-o", str(cert), "--budget", "2000000000")
    assert code == 0 and main(["verify", str(cert), "--budget", "10"]) == 3


def test_gallery_check_writes_nothing(capsys, tmp_path):
    missing = tmp_path / "no-gallery"
    code, _, err = run(capsys, "gallery", "--check", "--out", str(missing))
    assert code == 2 and "no such directory" in err and not missing.exists()
    code, out, _ = run(capsys, "gallery", "--check", "--out", str(tmp_path), "-q")
    assert code == 1 and out.startswith("gallery differs") and not list(tmp_path.iterdir())


def test_options_that_do_not_apply_are_refused(capsys, tmp_path):
    """An option the chosen route would ignore is an error, not silently dropped."""
    code, _, err = run(capsys, "counterexample", "--widths", "2,1,2,2", "--loss", "weighted",
                       "--p1", "1")
    assert code == 2 and "--p1" in err
    net = tmp_path / "net.json"
    net.write_text(json.dumps({"widths": [2, 1, 2], "layers": [[[1, 0]], [[1], [0]]],
                               "Y": [[1, 0], [0, 0]]}))
    code, _, err = run(capsys, "network-open", str(net), "--activation", "identity")
    assert code == 2 and "--activation is for --lemma 3" in err
    net.write_text(json.dumps({"widths": [1, 1], "layers": [[[1]]], "Y": [[1, 2]],
                               "X": [[1, 0]], "weights": [[1, "-1/2"]]}))
    code, _, err = run(capsys, "classify", str(net))
    assert code == 2 and "weights: row 1, column 2: -1/2 is not positive" in err


@pytest.mark.parametrize("argv", [["rank", "١ ٢"], ["rank", "[[1, 2], [3, \"٤\"]]"],
                                  ["widths", "٢,١,١,٢"], ["certify", "[[1],[2]]", '[[1, "1٫5"]]'],
                                  ["certify", "[[1],[2]]", '[[1, "٣/2"]]']])
def test_digits_are_ascii(capsys, argv):
    """int() reads Arabic-Indic and other Unicode digits; exactopen reads ASCII digits only."""
    code, _, err = run(capsys, *argv)
    assert code == 2 and ("not a number" in err or "expected positive integers" in err), err


def test_lemma7_needs_no_data(capsys, tmp_path):
    """Lemma 7 is about the product map: a network file without Y gives a claim without data;
    Lemma 3 names X, Y and weights, so it still needs Y; classify needs it too."""
    net = tmp_path / "net.json"
    net.write_text(json.dumps({"layers": [[[1, 0, 0], [0, 1, 0]], [[1, 1]]]}))
    cert = tmp_path / "l7.json"
    code, out, _ = run(capsys, "network-open", str(net), "-o", str(cert))
    assert code == 0 and "(Lemma 7)" in out
    claim = json.loads(cert.read_text())["claim"]
    assert set(claim["network"]) == {"widths", "layers"} and main(["verify", str(cert)]) == 0
    for argv in (["network-open", str(net), "--lemma", "3"], ["classify", str(net)]):
        code, _, err = run(capsys, *argv)
        assert code == 2 and "Y" in err
