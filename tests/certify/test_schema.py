"""The JSON Schema in docs/ describes the certificates the generator writes."""

import json
import pathlib

import jsonschema
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
SCHEMA = json.loads((ROOT / "docs" / "certificate.schema.json").read_text())
GALLERY = sorted((ROOT / "certificates").glob("*.json"))


def test_schema_is_valid():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


@pytest.mark.parametrize("path", GALLERY, ids=[p.stem for p in GALLERY])
def test_gallery_matches_schema(path):
    jsonschema.validate(json.loads(path.read_text()), SCHEMA,
                        cls=jsonschema.Draft202012Validator)


# The malformed corpus against the schema, file by file and class by class:
# tests/checker/test_corpus_schema.py.


def test_sparse_rank_certificates_match_schema():
    import random

    from bench.workloads import sparse_block_matrix
    from exactopen.certify.rank import rank_certificate

    _, sparse = rank_certificate(sparse_block_matrix(random.Random(1), 40, 4, 0.08))
    assert sparse["steps"][0]["rule"] == "vertex-cover"
    jsonschema.validate(sparse, SCHEMA, cls=jsonschema.Draft202012Validator)
