"""Mutation testing over the gallery (linear algebra: rank and local-openness certificates).

Changes of claim, verdict and conditions are all rejected; random single-entry
changes of numeric evidence are rejected at least 99% of the time; structural
mutants (row and column swaps in claim matrices and in evidence, factor swaps,
dropped or duplicated kernel vectors, steps reordered with and without
renumbering, deleted, duplicated, claim fields edited with the digest
recomputed, ...: tests/checker/mutation_operators.py) are rejected, or shown
right by the independent re-check (tests/recheck.py: plain Fractions and SymPy,
nothing of exactopen.checker).  Seeded and deterministic.
"""

import copy
import json
import pathlib
import random

import pytest

import mutation_operators as mo
from conftest import examples
from exactopen.checker import check_text
from recheck import certificate_holds

GALLERY = pathlib.Path(__file__).resolve().parents[2] / "certificates"
OPENNESS = sorted(p for p in GALLERY.glob("*.json")
                  if json.loads(p.read_text())["kind"] == "local-openness")


def _load(path):
    return json.loads(path.read_text())


def _rejected(doc):
    return check_text(json.dumps(doc))[0] != 0


@pytest.mark.parametrize("path", OPENNESS, ids=[p.stem for p in OPENNESS])
def test_claim_verdict_and_condition_changes_are_rejected(path):
    doc = _load(path)
    for side in ("W1", "W2"):
        for i, row in enumerate(doc["claim"][side]["rows"]):
            for j, x in enumerate(row):
                d = copy.deepcopy(doc)
                d["claim"][side]["rows"][i][j] = str(int(x) + 1)
                assert _rejected(d), f"claim {side}[{i}][{j}] change accepted with the old digest"
                if not _rejected(mo.redigest(d)):  # the digest matches: the evidence must fail
                    ok, why = certificate_holds(d)
                    assert ok, f"claim {side}[{i}][{j}] change accepted: {why}"
    d = copy.deepcopy(doc)
    d["claim"]["setting"] = "behrends" if doc["claim"]["setting"] == "theorem-2" else "theorem-2"
    assert _rejected(mo.redigest(d))
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
        for where in mo.values(doc["steps"], ("steps",), kind):
            out.append((name, where))
    return docs, out


def _mutation_run(kind, samples, seed):
    docs, pool = _pool(kind)
    rng = random.Random(seed)
    rejected = 0
    for _ in range(samples):
        name, where = rng.choice(pool)
        d = copy.deepcopy(docs[name])
        mo.put(d, where, mo.bump(mo.get(d, where), rng))
        if _rejected(d):
            rejected += 1
        else:
            ok, why = certificate_holds(d)
            assert ok, f"{name}: accepted an invalid change at {where}: {why}"
    return rejected / samples


@pytest.mark.slow
def test_random_changes_of_numeric_evidence():
    """Every rational in the evidence: kernels, residues, witnesses, factorisations,
    coefficients, points.  At least 99% of single changes must be rejected (2000 changes in a
    full run, 600 by default)."""
    assert _mutation_run(str, examples(2000, 600), 2024) >= 0.99


@pytest.mark.slow
def test_random_changes_of_positions():
    """Row and column indices: an index change can pick another valid minor of equal
    determinant (common in the gallery's small 0/1 matrices); each accepted change is
    re-checked independently, and most must still be rejected (1000 changes, 300 by
    default)."""
    assert _mutation_run(int, examples(1000, 300), 2025) >= 0.9


@pytest.fixture(scope="module")
def sources():
    every = {**mo.gallery(), **mo.generated()}
    return {k: v for k, v in every.items() if not v["kind"].startswith("network")}


@pytest.mark.slow
def test_structural_mutants(sources, capsys):
    """Every operator on every rank and openness certificate: rejected, or right (10 mutants
    per operator and certificate in a full run, 4 by default; 2 and 1 on the 48 x 48 one)."""
    tally = mo.Tally()
    per = examples(10, 4)
    big = {k: v for k, v in sources.items() if k == "rank-inverse-48x48"}
    mo.run({k: v for k, v in sources.items() if k not in big}, per, tally, certificate_holds)
    mo.run(big, examples(2, 1), tally, certificate_holds)
    with capsys.disabled():
        print(f"\nlinear-algebra mutants: {tally.line()}\n{tally.table()}")
    assert not tally.failures, "\n".join(tally.failures)
    assert tally.tried >= 900 if per >= 10 else tally.tried >= 40 * per
    assert set(tally.by_operator) == set(mo.OPERATORS)
    assert tally.rejected >= 0.8 * tally.tried


def test_operators_do_what_they_say(sources):
    """A few operators checked by hand on one certificate."""
    doc = sources["rank-kernel-7x5"]
    rng = random.Random(1)
    dropped = mo.OPERATORS["kernel-vector-drop"](doc, rng)
    assert dropped["steps"][0]["kernel"]["pivot_part"]["shape"] == [2, 2]
    assert all(len(r) == 2 for r in dropped["steps"][0]["kernel"]["pivot_part"]["rows"])
    pe = sources["paper-example-open-in-range"]
    swapped = mo.OPERATORS["step-swap-renumbered"](pe, random.Random(6))  # two independent steps
    assert [s["id"] for s in swapped["steps"]] == list(range(1, len(pe["steps"]) + 1))
    assert all(u < s["id"] for s in swapped["steps"] for u in s["uses"])
    dup = mo.OPERATORS["step-duplicate"](pe, random.Random(2))
    assert len(dup["steps"]) == len(pe["steps"]) + 1
    factor = mo.OPERATORS["claim-factor-swap"](pe, rng)
    assert factor["claim"]["W1"] == pe["claim"]["W2"]
    assert factor["claim_sha256"] != pe["claim_sha256"]
