"""Mutations of the version 2 forms are rejected: tensor references and claim.data, the
core rule, factored and omitted perturbations.

The certificates come from the shipped LoRA adapter (exact float32 weights); every
mutation keeps the claim digest consistent, so only the checker's own reasoning can
catch it.
"""

import copy
import json
import pathlib

import pytest

from exactopen.certify.data import DataFile
from exactopen.certify.scan import discover, run_job
from exactopen.checker import check_text
from exactopen.checker.spec import claim_digest

ADAPTER = pathlib.Path(__file__).resolve().parents[2] / "examples" / "models" / "lora-adapter" \
    / "adapter_model.safetensors"
DATA = ADAPTER.read_bytes()


@pytest.fixture(scope="module")
def certificates():
    jobs = discover(str(ADAPTER), DataFile.of(str(ADAPTER)))
    out = {}
    for job in jobs:
        if job.name in ("model.layers.1.self_attn.k_proj", "model.layers.1.self_attn.v_proj",
                        "model.layers.0.self_attn.v_proj", "model.layers.0.self_attn.q_proj"):
            outcome = run_job(job)
            assert outcome.code == 0
            out[job.name] = json.loads(outcome.text)
    return out


def _code(doc, data=DATA):
    doc = copy.deepcopy(doc)
    doc["claim_sha256"] = claim_digest(doc["claim"])
    return check_text(json.dumps(doc), None, data)[0]


def _step(doc, **match):
    return next(s for s in doc["steps"] if all(s.get(k) == v for k, v in match.items()))


def test_the_certificates_verify(certificates):
    assert {name: _code(doc) for name, doc in certificates.items()} == \
        {name: 0 for name in certificates}


def _other_layer(name):
    return name.replace("layers.0", "layers.1") if "layers.0" in name else \
        name.replace("layers.1", "layers.0")


CLAIM_MUTATIONS = {
    "digest of another file": lambda c: c["data"].update(sha256="0" * 64),
    "size off by one": lambda c: c["data"].update(bytes=c["data"]["bytes"] + 1),
    "no data field": lambda c: c.pop("data"),
    "unknown tensor": lambda c: c["W1"].update(tensor="base_model.model.nothing.weight"),
    "W1 is another module's B": lambda c: c["W1"].update(tensor=_other_layer(c["W1"]["tensor"])),
    "transposed W2 with its shape": lambda c: c["W2"].update(
        transpose=True, shape=c["W2"]["shape"][::-1]),
    "wrong shape": lambda c: c["W1"].update(shape=[c["W1"]["shape"][0], 5]),
    "transpose not a boolean": lambda c: c["W1"].update(transpose=0),
    "extra field": lambda c: c["W1"].update(dtype="F32"),
    "inline and a tensor": lambda c: c["W1"].update(rows=[]),
}


@pytest.mark.parametrize("what", sorted(CLAIM_MUTATIONS))
def test_claim_mutations_are_rejected(certificates, what):
    for name, doc in certificates.items():
        d = copy.deepcopy(doc)
        CLAIM_MUTATIONS[what](d["claim"])
        assert _code(d) != 0, (name, what)


def test_no_data_file_given_is_malformed(certificates):
    doc = certificates["model.layers.0.self_attn.q_proj"]
    assert check_text(json.dumps(doc), None, None)[0] == 2


def test_core_mutations_are_rejected(certificates):
    doc = certificates["model.layers.1.self_attn.v_proj"]  # ranks 3, 3, 2
    for change in (lambda s: s.update(factors=["W2", "W1"]),
                   lambda s: s.update(factors=["W1", "W1"]),
                   lambda s: s.update(factors=["W1", "W2", "W2"]),
                   lambda s: s.update(factors="W1*W2"),
                   lambda s: s.update(extra=1)):
        d = copy.deepcopy(doc)
        change(_step(d, rule="core"))
        assert _code(d) != 0
    d = copy.deepcopy(doc)
    _step(d, rule="rank", matrix="core(W1*W2)")["rank"] = 3
    assert _code(d) != 0
    d = copy.deepcopy(doc)  # the rows of W1's minor decide the core: another minor, another core
    step = _step(d, rule="rank", matrix="W1")
    step["rows"] = [0, 1, 2] if step["rows"] != [0, 1, 2] else [1, 2, 3]
    assert _code(d) != 0


def test_factored_perturbation_mutations_are_rejected(certificates):
    doc = certificates["model.layers.1.self_attn.k_proj"]  # ranks 3, 3, 3 < k = 4: T1, T2 needed
    names = {s.get("name") for s in doc["steps"]}
    assert {"T1L", "T1R", "T2L", "T2R"} <= names
    for name in ("T1R", "T2L"):  # the factor whose product with the other side vanishes
        d = copy.deepcopy(doc)
        value = _step(d, name=name)["value"]
        value["nonzeros"][0][2] = str(int(value["nonzeros"][0][2]) + 1)
        assert _code(d) != 0, name
    for matrix in ("T1R*W2", "W1*T2L"):  # drop the zero fact: the conclusion misses it
        d = copy.deepcopy(doc)
        _step(d, rule="zero", matrix=matrix)["rule"] = "nonzero"
        assert _code(d) != 0, matrix
    d = copy.deepcopy(doc)
    minor = _step(d, rule="minor", matrix="W1+T1L*T1R")
    minor["rows"], minor["cols"] = minor["rows"][:3], minor["cols"][:3]
    assert _code(d) != 0


def test_an_omitted_perturbation_needs_the_full_rank(certificates):
    doc = certificates["model.layers.0.self_attn.q_proj"]  # ranks 4, 4, 4 = k: T1 = T2 = 0
    assert not any(s.get("name", "").startswith("T") for s in doc["steps"])
    d = copy.deepcopy(doc)
    _step(d, rule="rank", matrix="W1")["rank"] = 3
    assert _code(d) != 0


def test_obstruction_vector_mutations_are_rejected(certificates):
    doc = certificates["model.layers.0.self_attn.v_proj"]  # B = 0: ranks 0, 4, 0
    assert doc["verdict"] == "not-locally-open" and not doc["conditions"]["iii"]
    d = copy.deepcopy(doc)
    d["verdict"], d["conditions"] = "locally-open", {k: True for k in doc["conditions"]}
    assert _code(d) != 0
    d = copy.deepcopy(doc)
    _step(d, name="u")["value"]["nonzeros"] = []
    assert _code(d) != 0
