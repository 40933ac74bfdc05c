"""The JSON Schema and the checker agree on the adversarial corpus.

Every corpus file goes through docs/certificate.schema.json (jsonschema) and the
checker.  Whenever the schema rejects a file, the checker rejects it too.  Each
file carries a tag (malformed/manifest.json): ``reject`` for the classes the
schema expresses (types, enumerations, required and unknown fields, patterns of
canonical numbers), where the schema must reject as well; ``valid`` where both
accept; otherwise the reason, below, why no JSON Schema can tell, and there the
schema must accept (so the list stays exact).  ``gap`` marks defects a schema
could express but the current one does not: test_found_defects.py holds them.
"""

import json
import pathlib

import jsonschema
import pytest

from exactopen.checker import check_file
from exactopen.checker.spec import long_integers

ROOT = pathlib.Path(__file__).resolve().parents[2]
HERE = ROOT / "tests" / "checker" / "malformed"
SCHEMA = json.loads((ROOT / "docs" / "certificate.schema.json").read_text())
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)
MANIFEST = json.loads((HERE / "manifest.json").read_text())
CORPUS = sorted(HERE.glob("[0-9]-*.json"))

#: What a JSON Schema cannot express, and why.
CANNOT_EXPRESS = {
    "json-text": "a property of the JSON text, not of the value a schema sees: duplicate keys "
                 "collapse to one, 1.0 and 0e0 are the integers 1 and 0 in JSON Schema's data "
                 "model, and truncated text, trailing garbage, NaN, BOMs, control characters "
                 "and other encodings are not JSON at all",
    "digest": "claim_sha256 must be the SHA-256 of the claim's canonical serialisation: a hash "
              "of another part of the document",
    "arithmetic": "computed facts: ranks, determinants modulo p, kernels, covers, lowest terms, "
                  "the Theorem 2 / Behrends setting from the shapes",
    "cross-field": "relations between values: rows against shape, indices below a dimension, "
                   "equal lengths, sorted lists, citations of earlier ids, names defined before "
                   "use, a field allowed or required only with another (Lemma 7 and an "
                   "activation, leaky-relu and its slope, conditions and the setting)",
    "budget": "resource caps and the work budget: limits of this checker computed from several "
              "sizes (rows times columns, steps times their cost), not rules of the format",
    "semantic": "whether the stated verdict, condition or property follows from the proven facts",
}


NOT_JSON = object()


def _parse(path):
    """The JSON value of a file, as a schema validator sees it, or NOT_JSON."""
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        return NOT_JSON
    text = text[1:] if text.startswith("\ufeff") else text  # the checker reads utf-8-sig

    def refuse(name):
        raise ValueError(name)

    try:
        with long_integers():
            return json.loads(text, parse_constant=refuse)
    except (ValueError, RecursionError):
        return NOT_JSON


def test_every_tag_is_known():
    tags = {entry["schema"] for entry in MANIFEST.values()}
    assert tags <= set(CANNOT_EXPRESS) | {"reject", "valid", "gap"}, tags


@pytest.mark.parametrize("tag", sorted(set(CANNOT_EXPRESS) | {"reject", "valid", "gap"}))
def test_schema_and_checker_agree(tag):
    failures = []
    for path in CORPUS:
        if MANIFEST[path.stem]["schema"] != tag:
            continue
        code = check_file(str(path))[0]
        if code != int(path.name[0]):
            failures.append(f"{path.name}: the checker says {code}")
        doc = _parse(path)
        if doc is NOT_JSON:
            if tag != "json-text":
                failures.append(f"{path.name}: not JSON, but tagged {tag}")
            continue
        with long_integers():
            schema_ok = VALIDATOR.is_valid(doc)
        if not schema_ok and code == 0:
            failures.append(f"{path.name}: the schema rejects what the checker accepts")
        if tag == "reject" and schema_ok:
            failures.append(f"{path.name}: the schema accepts a defect it can express")
        if tag == "valid" and not schema_ok:
            failures.append(f"{path.name}: the schema rejects a valid certificate")
        if tag in CANNOT_EXPRESS and not schema_ok:
            failures.append(f"{path.name}: tagged {tag} (beyond a schema), yet the schema rejects: "
                            f"retag it 'reject'")
    assert not failures, "\n".join(failures)


def test_schema_rejects_every_class_it_can_express():
    """Each corpus class has files the schema must reject, or says why not."""
    by_class = {}
    for path in CORPUS:
        by_class.setdefault(path.name.split("-")[1], set()).add(MANIFEST[path.stem]["schema"])
    for cls, tags in by_class.items():
        assert "reject" in tags or cls == "bomb", (cls, tags)
