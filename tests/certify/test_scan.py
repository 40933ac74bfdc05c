"""Scanning weight files: pair discovery, and every pair's ranks and verdict against the
shipped reference (examples/expected_ranks.json) and an independent recomputation.

The recomputation reads the files with NumPy (bfloat16 through ml_dtypes), takes each
stored float at its exact value (``Fraction(float(x))``) and computes the three ranks
with FLINT's ``fmpq_mat.rank``, forming the product ``W1 W2`` that exactopen never forms.
"""

import json
import pathlib
import struct
from fractions import Fraction

import flint
import ml_dtypes
import numpy as np
import pytest

from exactopen.certify.data import DataFile
from exactopen.certify.scan import discover, lora_pairs, run_job
from exactopen.checker import plan as plan_module
from exactopen.checker import check_text
from exactopen.checker.spec import BUDGET

ROOT = pathlib.Path(__file__).resolve().parents[2]
MODELS = ROOT / "examples" / "models"
EXPECTED = json.loads((ROOT / "examples" / "expected_ranks.json").read_text())
ADAPTERS = {"lora-adapter": MODELS / "lora-adapter" / "adapter_model.safetensors",
            "lora-adapter-bf16": MODELS / "lora-adapter-bf16" / "adapter_model.safetensors"}
NUMPY = {"F32": "<f4", "F16": "<f2", "F64": "<f8", "BF16": ml_dtypes.bfloat16}


def exact_tensors(path):
    """{name: rows of Fractions}: NumPy's (and ml_dtypes') reading of the stored floats."""
    blob = pathlib.Path(path).read_bytes()
    (size,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + size])
    out = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        begin, end = entry["data_offsets"]
        array = np.frombuffer(blob[8 + size + begin:8 + size + end], dtype=NUMPY[entry["dtype"]])
        array = array.astype(np.float64).reshape(entry["shape"])
        out[name] = [[_fmpq(Fraction(float(x))) for x in row] for row in array]
    return out


def _fmpq(x):
    return flint.fmpq(x.numerator, x.denominator)


def flint_ranks(w1, w2):
    a, b = flint.fmpq_mat(w1), flint.fmpq_mat(w2)
    return a.rank(), b.rank(), (a * b).rank()


def planned_units(text, data):
    """The checker's planned work for a certificate (Plan.total at the end of planning)."""
    totals = []
    original = plan_module.Plan.charge

    def charge(self, units, where):
        original(self, units, where)
        totals.append(self.total)
    plan_module.Plan.charge = charge
    try:
        assert check_text(text, None, data) == (0, "VERIFIED")
    finally:
        plan_module.Plan.charge = original
    return max(totals)


@pytest.fixture(scope="module", params=sorted(ADAPTERS))
def adapter(request):
    path = str(ADAPTERS[request.param])
    outcomes = [run_job(job) for job in discover(path, DataFile.of(path))]
    return request.param, path, outcomes


def test_lora_pairs_follow_peft_names():
    layer = "base_model.model.layers.{}.q.lora_{}.weight"
    names = ["base_model.model.x.lora_A.weight", "base_model.model.x.lora_B.weight",
             layer.format(10, "A"), layer.format(10, "B"), layer.format(2, "A"), layer.format(2, "B"),
             "y.lora_A.default.weight", "y.lora_B.default.weight",
             "lonely.lora_A.weight", "z.lora_B.weight", "w.weight"]
    assert lora_pairs(names) == [
        ("layers.2.q", "base_model.model.layers.2.q.lora_B.weight",
         "base_model.model.layers.2.q.lora_A.weight"),
        ("layers.10.q", "base_model.model.layers.10.q.lora_B.weight",
         "base_model.model.layers.10.q.lora_A.weight"),
        ("x", "base_model.model.x.lora_B.weight", "base_model.model.x.lora_A.weight"),
        ("y.default", "y.lora_B.default.weight", "y.lora_A.default.weight")]


def test_every_pair_agrees_with_the_reference_and_flint(adapter):
    name, path, outcomes = adapter
    expected = {(e["W1"], e["W2"]): e for e in EXPECTED[name]}
    tensors = exact_tensors(path)
    assert {o.job.tensors for o in outcomes} == set(expected)
    for out in outcomes:
        w1, w2 = out.job.tensors
        e = expected[w1, w2]
        assert out.code == 0, out.message
        assert out.ranks == [e["r1"], e["r2"], e["r12"]]
        assert out.ranks == list(flint_ranks(tensors[w1], tensors[w2]))
        assert out.verdict == ("locally-open" if e["locally_open"] else "not-locally-open")
        assert out.shapes == [[e["m"], e["k"]], [e["k"], e["n"]]]


def test_certificates_refer_to_the_data_and_stay_small(adapter):
    _, path, outcomes = adapter
    data = pathlib.Path(path).read_bytes()
    for out in outcomes:
        doc = json.loads(out.text)
        assert doc["version"] == 2 and doc["claim"]["data"]["bytes"] == len(data)
        assert doc["claim"]["W1"] == {"tensor": out.job.tensors[0], "shape": out.shapes[0],
                                      "transpose": False}
        rules = [s["rule"] for s in doc["steps"]]
        assert rules[:4] == ["rank", "rank", "core", "rank"]
        assert not any(s.get("matrix") == "W1*W2" and s["rule"] == "rank" for s in doc["steps"])
        m, n = out.shapes[0][0], out.shapes[1][1]
        assert len(out.text) < 200 * (m + n)  # evidence grows with the factors, not with m n
        assert planned_units(out.text, data) < BUDGET // 1000


def test_witnesses_take_their_smallest_form(adapter):
    _, _, outcomes = adapter
    for out in outcomes:
        doc = json.loads(out.text)
        names = {s.get("name") for s in doc["steps"] if s["rule"] == "matrix"}
        r1, r2, _ = out.ranks
        k = out.shapes[0][1]
        if doc["conditions"]["i"]:
            assert ("T1L" in names) == (r1 < k)
        if doc["conditions"]["ii"]:
            assert ("T2L" in names) == (r2 < k)
        assert "T1" not in names and "T2" not in names
        assert ("u" in names) == (not doc["conditions"]["iii"])


def test_digits_pair_and_chain():
    factorised = str(MODELS / "digits-factorised.safetensors")
    pyramidal = str(MODELS / "digits-pyramidal.safetensors")
    ref = EXPECTED["digits-factorised"][0]
    jobs = discover(factorised, DataFile.of(factorised), pairs=[(ref["W1"], ref["W2"])])
    (out,) = [run_job(job) for job in jobs]
    assert out.code == 0 and out.ranks == [ref["r1"], ref["r2"], ref["r12"]]
    tensors = exact_tensors(factorised)
    assert out.ranks == list(flint_ranks(tensors[ref["W1"]], tensors[ref["W2"]]))
    net = EXPECTED["digits-pyramidal"]
    layers = [layer["name"] for layer in net["layers"]]
    pairs = [(p["W1"], p["W2"]) for p in net["pairs"]]
    jobs = discover(pyramidal, DataFile.of(pyramidal), pairs=pairs, chains=[layers])
    outcomes = {job.tensors: run_job(job) for job in jobs}
    chain = outcomes[tuple(layers)]
    assert chain.code == 0 and chain.verdict == "locally-open" and chain.ranks == [10]
    assert net["rank_of_product"] == min(net["widths"]) == 10
    tensors = exact_tensors(pyramidal)
    product = flint.fmpq_mat(tensors[layers[0]])
    for name in layers[1:]:
        product = flint.fmpq_mat(tensors[name]) * product
    assert product.rank() == 10
    for p in net["pairs"]:
        out = outcomes[p["W1"], p["W2"]]
        assert out.code == 0 and out.ranks == [p["r1"], p["r2"], p["r12"]]
        assert out.verdict == ("locally-open" if p["locally_open"] else "not-locally-open")
        assert json.loads(out.text)["claim"]["setting"] == p["case"]


def test_a_degenerate_chain_is_not_certified(tmp_path):
    from safetensors.numpy import save_file

    path = str(tmp_path / "net.safetensors")
    save_file({"a": np.array([[1, 0, 0], [0, 1, 0]], np.float32),
               "b": np.array([[1, 0], [1, 0], [0, 0]], np.float32)}, path)
    (job,) = discover(path, DataFile.of(path), chains=[("a", "b")])
    out = run_job(job)
    assert out.code == 5 and out.verdict == "degenerate" and out.text is None
    (job,) = discover(path, DataFile.of(path), pairs=[("b", "b")])
    out = run_job(job)
    assert out.code == 2 and "inner dimensions" in out.message
