"""Mutation testing over the gallery: changes of claim, verdict and conditions are all
rejected; random single-entry changes of numeric evidence are rejected at least 99% of
the time, and every accepted one is shown valid by an independent re-check."""

import copy
import json
import re
import pathlib
import random

import pytest

from exactopen.checker import check_text
from recheck import minor_holds, openness_evidence_holds

RATIONAL = re.compile(r"-?\d+(/\d+)?")
GALLERY = pathlib.Path(__file__).resolve().parents[2] / "certificates"
OPENNESS = sorted(p for p in GALLERY.glob("*.json")
                  if json.loads(p.read_text())["kind"] == "local-openness")


def _load(path):
    return json.loads(path.read_text())


def _rejected(doc):
    return check_text(json.dumps(doc))[0] != 0


def _numeric_paths(node, path=()):
    """Paths to rational strings and index integers inside the evidence."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key not in ("id", "uses"):
                yield from _numeric_paths(value, path + (key,))
    elif isinstance(node, list):
        if path and path[-1] == "shape":
            return
        for i, value in enumerate(node):
            yield from _numeric_paths(value, path + (i,))
    elif isinstance(node, str) and RATIONAL.fullmatch(node):
        yield path
    elif isinstance(node, int) and not isinstance(node, bool):
        yield path


def _get(doc, path):
    for key in path[:-1]:
        doc = doc[key]
    return doc, path[-1]


def _mutate(value, rng):
    if isinstance(value, int):
        return value + rng.choice([-1, 1])
    from fractions import Fraction
    x = Fraction(value)
    new = rng.choice([x + 1, x - 1, -x if x else Fraction(1), x * 2 if x else Fraction(-1),
                      Fraction(rng.randint(-9, 9))])
    if new == x:
        new = x + 1
    return str(new.numerator) if new.denominator == 1 else f"{new.numerator}/{new.denominator}"


@pytest.mark.parametrize("path", OPENNESS, ids=[p.stem for p in OPENNESS])
def test_claim_verdict_and_condition_changes_are_rejected(path):
    doc = _load(path)
    for side in ("W1", "W2"):
        for i, row in enumerate(doc["claim"][side]["rows"]):
            for j, x in enumerate(row):
                d = copy.deepcopy(doc)
                d["claim"][side]["rows"][i][j] = str(int(x) + 1)
                assert _rejected(d), f"claim {side}[{i}][{j}] change accepted"
    d = copy.deepcopy(doc)
    d["claim"]["setting"] = "behrends" if doc["claim"]["setting"] == "theorem-2" else "theorem-2"
    assert _rejected(d)
    d = copy.deepcopy(doc)
    d["verdict"] = "locally-open" if doc["verdict"] == "not-locally-open" else "not-locally-open"
    assert _rejected(d)
    for key in doc["conditions"]:
        d = copy.deepcopy(doc)
        d["conditions"][key] = not doc["conditions"][key]
        assert _rejected(d), f"condition ({key}) flip accepted"


ALL = sorted(GALLERY.glob("*.json"))


def _pool(kind):
    """(certificate, path) for every evidence value of the given JSON type in the gallery."""
    docs = {p.name: _load(p) for p in ALL}
    out = []
    for name, doc in docs.items():
        for where in _numeric_paths(doc["steps"], ("steps",)):
            parent, key = _get(doc, where)
            if isinstance(parent[key], kind):
                out.append((name, where))
    return docs, out


def _independently_valid(doc, where):
    if doc["kind"] == "local-openness":
        return openness_evidence_holds(doc)
    step = doc["steps"][where[1]]
    return step["rule"] == "minor" and minor_holds(doc, step)


def _mutation_run(kind, samples, seed):
    docs, pool = _pool(kind)
    rng = random.Random(seed)
    rejected = 0
    for _ in range(samples):
        name, where = rng.choice(pool)
        d = copy.deepcopy(docs[name])
        parent, key = _get(d, where)
        parent[key] = _mutate(parent[key], rng)
        if _rejected(d):
            rejected += 1
        else:
            assert _independently_valid(d, where), f"{name}: accepted an invalid change at {where}"
    return rejected / samples


def test_random_changes_of_numeric_evidence():
    """Every rational in the evidence: kernels, residues, witnesses, factorisations,
    coefficients, points.  At least 99% of single changes must be rejected."""
    assert _mutation_run(str, 2000, 2024) >= 0.99


def test_random_changes_of_positions():
    """Row and column indices: an index change can pick another valid minor of equal
    determinant (common in the gallery's small 0/1 matrices); each accepted change is
    re-checked independently, and most must still be rejected."""
    assert _mutation_run(int, 1000, 2025) >= 0.9
