"""The JSON Schema in docs/ describes the certificates the generator writes."""

import json
import pathlib

import jsonschema
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
SCHEMA = json.loads((ROOT / "docs" / "certificate.schema.json").read_text())
GALLERY = sorted((ROOT / "certificates").glob("*.json"))
#: One validator for every document (jsonschema.validate would check the schema itself each
#: time; test_schema_is_valid does that once).
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


def test_schema_is_valid():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


@pytest.mark.parametrize("path", GALLERY, ids=[p.stem for p in GALLERY])
def test_gallery_matches_schema(path):
    VALIDATOR.validate(json.loads(path.read_text()))


# The malformed corpus against the schema, file by file and class by class:
# tests/checker/test_corpus_schema.py.


def test_sparse_rank_certificates_match_schema():
    import random

    from bench.workloads import sparse_block_matrix
    from exactopen.certify.rank import rank_certificate

    _, sparse = rank_certificate(sparse_block_matrix(random.Random(1), 40, 4, 0.08))
    assert sparse["steps"][0]["rule"] == "vertex-cover"
    VALIDATOR.validate(sparse)


VERSION1 = sorted(p for p in (ROOT / "tests" / "checker" / "version1").glob("*.json")
                  if json.loads(p.read_text())["kind"] != "network-critical-point")  # retired


@pytest.mark.parametrize("path", VERSION1, ids=[p.stem for p in VERSION1])
def test_version_1_certificates_match_schema(path):
    VALIDATOR.validate(json.loads(path.read_text()))


def test_weight_file_certificates_match_schema():
    """Tensor references, claim.data, core steps, factored witnesses, vectors, and a Lemma 7
    chain without data."""
    from exactopen.certify.data import DataFile
    from exactopen.certify.scan import discover, run_job

    models = ROOT / "examples" / "models"
    adapter = str(models / "lora-adapter" / "adapter_model.safetensors")
    pyramidal = str(models / "digits-pyramidal.safetensors")
    chosen = ("model.layers.1.self_attn.k_proj", "model.layers.1.self_attn.v_proj")  # T, u, y
    jobs = [job for job in discover(adapter, DataFile.of(adapter)) if job.name in chosen]
    jobs += discover(
        pyramidal, DataFile.of(pyramidal),
        chains=[("layers.0.weight", "layers.1.weight", "layers.2.weight")])
    rules, names = set(), set()
    for job in jobs:
        doc = json.loads(run_job(job).text)
        VALIDATOR.validate(doc)
        rules.update(s["rule"] for s in doc["steps"])
        names.update(s.get("name") for s in doc["steps"])
    assert {"core", "product", "sum", "zero", "nonzero", "minor"} <= rules
    assert {"T1L", "T1R", "T2L", "T2R", "u", "y"} <= names
    doc = json.loads(run_job(jobs[0]).text)
    for broken in ({"tensor": "x", "shape": [1, 2]}, {"tensor": "x", "shape": [1, 2],
                                                        "transpose": "no"}):
        wrong = {**doc, "claim": {**doc["claim"], "W1": broken}}
        with pytest.raises(jsonschema.ValidationError):
            VALIDATOR.validate(wrong)
    wrong = {**doc, "claim": {**doc["claim"], "data": {"sha256": "abc", "bytes": 1}}}
    with pytest.raises(jsonschema.ValidationError):
        VALIDATOR.validate(wrong)
