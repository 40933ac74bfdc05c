"""``exactopen scan`` and weight files on the command line: the index, the table, exit
codes, and certificates that verify with their data file and only with it."""

import copy
import hashlib
import json
import pathlib
import shutil

import numpy as np
import pytest
from safetensors.numpy import save_file

from exactopen.checker.spec import claim_digest
from exactopen.cli import main
from conftest import run_cli as run

ROOT = pathlib.Path(__file__).resolve().parents[2]
MODELS = ROOT / "examples" / "models"
ADAPTER = MODELS / "lora-adapter" / "adapter_model.safetensors"
EXPECTED = json.loads((ROOT / "examples" / "expected_ranks.json").read_text())




@pytest.fixture(scope="module")
def scanned(tmp_path_factory):
    """The shipped adapter, copied, scanned once with two workers and the HTML pages."""
    work = tmp_path_factory.mktemp("scan")
    adapter = work / "adapter_model.safetensors"
    shutil.copy(ADAPTER, adapter)
    out = work / "certs"
    code = main(["scan", str(adapter), "--out", str(out), "--workers", "2", "--html"])
    return code, adapter, out


def test_index_is_exactly_as_specified(scanned):
    code, adapter, out = scanned
    assert code == 0
    index = json.loads((out / "index.json").read_text())
    assert set(index) == {"files", "pairs"}
    assert index["files"] == [{"path": str(adapter),
                               "sha256": hashlib.sha256(adapter.read_bytes()).hexdigest()}]
    expected = {(e["W1"], e["W2"]): e for e in EXPECTED["lora-adapter"]}
    assert len(index["pairs"]) == len(expected) == 10
    for pair in index["pairs"]:
        assert set(pair) == {"W1", "W2", "shapes", "ranks", "verdict", "certificate"}
        e = expected[pair["W1"], pair["W2"]]
        assert pair["shapes"] == [[e["m"], e["k"]], [e["k"], e["n"]]]
        assert pair["ranks"] == [e["r1"], e["r2"], e["r12"]]
        assert pair["verdict"] == ("locally-open" if e["locally_open"] else "not-locally-open")
        assert pair["W1"].endswith("lora_B.weight") and pair["W2"].endswith("lora_A.weight")
        assert (out / pair["certificate"]).is_file()
        assert (out / pair["certificate"]).with_suffix(".html").is_file()
    assert "proof" in (out / "index.html").read_text()


def test_every_certificate_verifies_with_its_data_file_and_only_with_it(scanned, capsys):
    _, adapter, out = scanned
    certificates = sorted(out.glob("*.json"))
    certificates.remove(out / "index.json")
    assert len(certificates) == 10
    code, text, _ = run(capsys, "verify", *certificates, "--data", adapter)
    assert code == 0 and text.count("VERIFIED") == 10 and "NOT" not in text
    code, text, _ = run(capsys, "verify", certificates[0])
    assert code == 2 and "--data" in text
    other = MODELS / "lora-adapter-bf16" / "adapter_model.safetensors"
    code, text, _ = run(capsys, "verify", certificates[0], "--data", other)
    assert code == 1 and "SHA-256" in text


def test_one_changed_byte_of_the_data_file_fails(scanned, capsys, tmp_path):
    _, adapter, out = scanned
    data = bytearray(adapter.read_bytes())
    certificate = out / "model.layers.0.self_attn.q_proj.json"
    for position in (0, 9, len(data) // 2, len(data) - 1):  # header length, header, weights
        changed = bytearray(data)
        changed[position] ^= 1
        path = tmp_path / f"changed-{position}.safetensors"
        path.write_bytes(bytes(changed))
        code, text, _ = run(capsys, "verify", certificate, "--data", path)
        assert code == 1 and "data" in text, (position, text)


def test_swapped_tensor_names_fail_even_with_the_digest_recomputed(scanned, capsys, tmp_path):
    _, adapter, out = scanned
    for name in ("model.layers.0.self_attn.q_proj", "model.layers.0.mlp.down_proj"):
        doc = json.loads((out / f"{name}.json").read_text())
        swapped = copy.deepcopy(doc)
        claim = swapped["claim"]
        claim["W1"]["tensor"], claim["W2"]["tensor"] = claim["W2"]["tensor"], claim["W1"]["tensor"]
        swapped["claim_sha256"] = claim_digest(claim)
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps(swapped))
        code, text, _ = run(capsys, "verify", path, "--data", adapter)
        assert code in (1, 2) and text.startswith("NOT VERIFIED"), text
        claim["W1"]["shape"], claim["W2"]["shape"] = claim["W2"]["shape"], claim["W1"]["shape"]
        swapped["claim_sha256"] = claim_digest(claim)
        path.write_text(json.dumps(swapped))
        code, text, _ = run(capsys, "verify", path, "--data", adapter)
        assert code in (1, 2) and text.startswith("NOT VERIFIED"), text


def test_the_table_and_the_summary(capsys, tmp_path):
    code, text, _ = run(capsys, "scan", ADAPTER, "--out", tmp_path / "c", "--workers", "1")
    lines = text.splitlines()
    assert code == 0 and lines[0].split()[:4] == ["pair", "shapes", "ranks", "verdict"]
    assert "model.layers.1.self_attn.v_proj  32 x 4, 4 x 32  r1 r2 r12 = 3 3 2  " \
           "not-locally-open  VERIFIED" in text
    assert "10 pairs: 6 locally open, 4 not locally open; 10 certificates VERIFIED" in text
    code, text, _ = run(capsys, "scan", ADAPTER, "--out", tmp_path / "q", "--workers", "1", "-q")
    assert code == 0 and text.count("\n") == 1 and text.startswith("10 pairs")


def test_two_files_pairs_and_chains(capsys, tmp_path):
    net = EXPECTED["digits-pyramidal"]
    layers = ",".join(layer["name"] for layer in net["layers"])
    code, text, _ = run(capsys, "scan", MODELS / "digits-factorised.safetensors",
                        MODELS / "digits-pyramidal.safetensors", "--out", tmp_path,
                        "--pair", "classifier.U.weight,classifier.V.weight", "--chain", layers,
                        "--workers", "1")
    assert code == 0, text
    index = json.loads((tmp_path / "index.json").read_text())
    assert [p["ranks"] for p in index["pairs"]] == [[6, 6, 6]]
    assert index["pairs"][0]["certificate"].startswith("digits-factorised/")
    (chain,) = index["chains"]
    assert chain["verdict"] == "locally-open" and chain["lemma"] == "7"
    code, text, _ = run(capsys, "verify", tmp_path / chain["certificate"], "--data",
                        MODELS / "digits-pyramidal.safetensors")
    assert code == 0


@pytest.mark.parametrize("argv, code, message", [
    (["--pair", "nope.A,nope.B"], 2, "no file holds"),
    (["--pair", "onlyone"], 2, "expected W1,W2"),
    (["--workers", "0"], 2, "at least 1"),
])
def test_scan_input_errors(capsys, tmp_path, argv, code, message):
    found, _, err = run(capsys, "scan", ADAPTER, "--out", tmp_path, *argv)
    assert found == code and message in err


def test_nothing_to_certify_and_a_degenerate_chain(capsys, tmp_path):
    path = tmp_path / "net.safetensors"
    save_file({"a": np.array([[1, 0, 0], [0, 1, 0]], np.float32),
               "b": np.array([[1, 0], [1, 0], [0, 0]], np.float32)}, str(path))
    code, _, err = run(capsys, "scan", path, "--out", tmp_path / "o")
    assert code == 2 and "nothing to certify" in err
    code, text, _ = run(capsys, "scan", path, "--out", tmp_path / "o", "--chain", "a,b")
    assert code == 5 and "Lemma 7 does not apply" in text


def test_certify_refers_to_the_weight_file_unless_embed(capsys, tmp_path):
    path = tmp_path / "pair.npz"
    np.savez(path, B=np.array([[1.5, 0], [0, 2], [1, 1]], np.float32),
             A=np.array([[1, 0, 2], [0, 1, 1]], np.int8))
    cert = tmp_path / "c.json"
    code, text, _ = run(capsys, "certify", f"{path}:B", f"{path}:A", "-o", cert)
    assert code == 0 and f"--data {path}" in text
    claim = json.loads(cert.read_text())["claim"]
    assert claim["W1"] == {"tensor": "B", "shape": [3, 2], "transpose": False} and "data" in claim
    assert run(capsys, "verify", cert, "--data", path)[0] == 0
    code, text, _ = run(capsys, "certify", f"{path}:B", f"{path}:A", "-o", cert, "--embed")
    assert code == 0 and "--data" not in text
    claim = json.loads(cert.read_text())["claim"]
    assert claim["W1"]["rows"] == [["3/2", "0"], ["0", "2"], ["1", "1"]] and "data" not in claim
    assert run(capsys, "verify", cert)[0] == 0
    code, text, _ = run(capsys, "rank", f"{path}:B", "-o", cert)
    assert code == 0 and "rank = 2" in text and run(capsys, "verify", cert, "--data", path)[0] == 0
    code, _, err = run(capsys, "rank", str(path))
    assert code == 2 and "name one" in err


def test_a_matrix_from_another_file_is_embedded(capsys, tmp_path):
    np.save(tmp_path / "w1.npy", np.array([[1], [2]], np.int64))
    np.save(tmp_path / "w2.npy", np.array([[1.0, 0.25]], np.float64))
    cert = tmp_path / "c.json"
    code, text, _ = run(capsys, "certify", tmp_path / "w1.npy", tmp_path / "w2.npy", "-o", cert)
    assert code == 0
    claim = json.loads(cert.read_text())["claim"]
    assert claim["W1"]["tensor"] == "" and claim["W2"]["rows"] == [["1", "1/4"]]
    assert run(capsys, "verify", cert, "--data", tmp_path / "w1.npy")[0] == 0


def test_dask_cluster(capsys, tmp_path):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster:
        code, text, _ = run(capsys, "scan", ADAPTER, "--out", tmp_path, "--dask",
                            cluster.scheduler_address)
    assert code == 0 and "10 certificates VERIFIED" in text


def test_lift_and_probe_read_weight_files(capsys, tmp_path):
    path = tmp_path / "pair.safetensors"
    save_file({"B": np.array([[1], [2]], np.float32), "A": np.array([[1, 1]], np.float16)},
              str(path))
    target = tmp_path / "z.txt"
    target.write_text("1 11/10\n2 11/5\n")
    cert = tmp_path / "c.json"
    code, text, _ = run(capsys, "lift", f"{path}:B", f"{path}:A", target, "-o", cert)
    assert code == 0 and "W1' W2' = Z' exactly" in text
    assert json.loads(cert.read_text())["claim"]["W2"]["tensor"] == "A"
    assert run(capsys, "verify", cert, "--data", path)[0] == 0
    code, text, _ = run(capsys, "probe", f"{path}:B", f"{path}:A", "--samples", "1",
                        "--radii", "1/10,1/100")
    assert code == 0 and "fitted exponent" in text


def test_a_rejected_certificate_is_neither_written_nor_indexed(capsys, tmp_path, monkeypatch):
    import exactopen.checker as checker

    real = checker.check_text

    def reject_v_proj(text, *args):
        if "layers.0.self_attn.v_proj" in text:
            return 1, "NOT VERIFIED: step 1: rank: expected this, found that"
        return real(text, *args)
    monkeypatch.setattr(checker, "check_text", reject_v_proj)
    code, text, _ = run(capsys, "scan", ADAPTER, "--out", tmp_path, "--workers", "1")
    assert code == 1 and "9 certificates VERIFIED by the independent checker with the data " \
                          "file, 1 not" in text
    index = json.loads((tmp_path / "index.json").read_text())
    assert len(index["pairs"]) == 9
    assert not (tmp_path / "model.layers.0.self_attn.v_proj.json").exists()


def test_quiet_scan_still_says_what_failed(capsys, tmp_path):
    """-q prints the summary alone, but never hides errors: a pair that failed is named on
    standard error; --out naming a file is refused; a missing --pair tensor is the only error."""
    data = tmp_path / "w.npz"
    np.savez(data, A=np.ones((2, 3), dtype=np.int64), B=np.ones((2, 2), dtype=np.int64))
    code, out, err = run(capsys, "scan", data, "--pair", "A,B", "--out", tmp_path / "c", "-q")
    assert code == 2 and out.count("\n") == 1 and "1 not" in out
    assert "A,B: error: A is 2 x 3 but B is 2 x 2" in err
    (tmp_path / "file.json").write_text("{}")
    code, _, err = run(capsys, "scan", data, "--pair", "B,B", "--out", tmp_path / "file.json")
    assert code == 2 and "file.json: not a directory" in err
    code, _, err = run(capsys, "scan", data, "--pair", "B,nosuch", "--out", tmp_path / "d")
    assert code == 2 and "no LoRA pairs" not in err and "--pair B,nosuch" in err
