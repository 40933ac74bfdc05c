"""Mutating a network certificate's evidence makes verification fail.

Targeted mutations of factorisations, descent curves and better points, and the
structural operators of tests/checker/mutation_operators.py on every network
certificate of the gallery: each mutant is rejected, or shown right by the
independent re-check (tests/recheck.py, SymPy derivatives of the loss).
"""

import copy
import json
import pathlib

import pytest

import mutation_operators as mo
from conftest import examples
from exactopen.checker import check_text
from recheck import certificate_holds

GALLERY = pathlib.Path(__file__).resolve().parents[2] / "certificates"


def _load(name):
    return json.loads((GALLERY / name).read_text())


def _step(doc, rule, **match):
    return next(s for s in doc["steps"] if s["rule"] == rule
                and all(s.get(k) == v for k, v in match.items()))


def _rejected(doc):
    return check_text(json.dumps(doc))[0] != 0


def _loss(network, layers):
    """The loss from the definition, with plain Fractions (independent of exactopen)."""
    from fractions import Fraction as F
    d = network["widths"]
    mats = [[[F(x) for x in row] for row in L["rows"]] for L in layers]
    prod = [[F(int(i == j)) for j in range(d[0])] for i in range(d[0])]
    for W in mats:
        prod = [[sum(W[i][k] * prod[k][j] for k in range(len(prod))) for j in range(d[0])]
                for i in range(len(W))]
    X, Y, w = ([[F(x) for x in row] for row in network[k]["rows"]] for k in ("X", "Y", "weights"))
    Z = [[sum(prod[i][k] * X[k][j] for k in range(d[0])) for j in range(len(X[0]))]
         for i in range(len(prod))]
    return sum(w[i][j] * (Z[i][j] - Y[i][j]) ** 2 for i in range(len(Z))
               for j in range(len(Z[0]))) / 2


def _curve_polynomial(doc, step):
    """L(W(t)) - L(W) recomputed with SymPy from the certificate's own curve."""
    import sympy
    t = sympy.Symbol("t")
    net = doc["claim"]["network"]
    layers = []
    for L, base in enumerate(net["layers"]):
        M = sympy.Matrix([[sympy.Rational(x) for x in row] for row in base["rows"]])
        for degree, coeff in enumerate(step["curve"], start=1):
            M += t ** degree * sympy.Matrix([[sympy.Rational(x) for x in row]
                                             for row in _dense(coeff[L])["rows"]])
        layers.append(M)
    F = sympy.eye(net["widths"][0])
    for M in layers:
        F = M * F
    X, Y, w = (sympy.Matrix([[sympy.Rational(x) for x in row] for row in net[k]["rows"]])
               for k in ("X", "Y", "weights"))
    R = F * X - Y
    L = sum(w[i, j] * R[i, j] ** 2 for i in range(R.rows) for j in range(R.cols)) / 2
    poly = sympy.Poly(sympy.expand(L - L.subs(t, 0)), t).all_coeffs()[::-1]
    return [str(c) for c in poly]


def _dense(sparse):
    m, n = sparse["shape"]
    rows = [["0"] * n for _ in range(m)]
    for i, j, v in sparse["nonzeros"]:
        rows[i][j] = v
    return {"shape": [m, n], "rows": rows}


def _bump(text):
    from fractions import Fraction
    x = Fraction(text) + 1
    return str(x.numerator) if x.denominator == 1 else f"{x.numerator}/{x.denominator}"


@pytest.mark.parametrize("name, rule", [
    ("theorem8-square-2-1-1-2.json", "hessian-psd"),
    ("weighted-minimum-2-1-2-2.json", "chart-minimum"),
    ("weighted-minimum-3-2-1-3.json", "chart-minimum"),
])
def test_factorisation_mutations_rejected(name, rule):
    doc = _load(name)
    step = _step(doc, rule)
    index = doc["steps"].index(step)
    n = len(step["diagonal"])
    for k in range(n):
        d = copy.deepcopy(doc)
        d["steps"][index]["diagonal"][k] = _bump(step["diagonal"][k])
        assert _rejected(d), f"diagonal {k}"
    for i in range(n):
        for j in range(i):
            d = copy.deepcopy(doc)
            d["steps"][index]["lower"]["rows"][i][j] = _bump(step["lower"]["rows"][i][j])
            assert _rejected(d), f"lower {i},{j}"
    if rule == "chart-minimum":
        d = copy.deepcopy(doc)
        d["steps"][index]["inverse"]["rows"][0][0] = _bump(step["inverse"]["rows"][0][0])
        assert _rejected(d)


@pytest.mark.parametrize("name", ["theorem8-square-2-1-1-2.json", "theorem8-square-2-1-3-1-2.json"])
def test_descent_curve_mutations_rejected(name):
    doc = _load(name)
    step = _step(doc, "descent-curve")
    index = doc["steps"].index(step)
    for k, c in enumerate(step["coefficients"]):
        d = copy.deepcopy(doc)
        d["steps"][index]["coefficients"][k] = _bump(c)
        assert _rejected(d), f"coefficient {k}"
    for t0 in ("1", "3/4", "0", "-1/2", "2"):
        d = copy.deepcopy(doc)
        d["steps"][index]["t0"] = t0
        assert _rejected(d), f"t0 = {t0}"
    d = copy.deepcopy(doc)
    d["steps"][index]["order"] = 6
    assert _rejected(d)
    for degree, layers in enumerate(step["curve"]):
        for L, layer in enumerate(layers):
            for e, entry in enumerate(layer["nonzeros"]):
                for field, change in ((2, _bump), (0, lambda i: i + 1), (1, lambda j: j + 1)):
                    d = copy.deepcopy(doc)
                    target = d["steps"][index]["curve"][degree][L]["nonzeros"][e]
                    target[field] = change(entry[field])
                    if not _rejected(d):  # another valid curve: same polynomial, re-checked
                        assert _curve_polynomial(d, d["steps"][index]) == step["coefficients"], \
                            f"curve t^{degree + 1} layer {L + 1} entry {e}"


@pytest.mark.parametrize("name", ["theorem8-square-2-1-1-2.json", "weighted-minimum-2-1-2-2.json",
                                  "weighted-minimum-3-2-1-3.json"])
def test_better_point_mutations_rejected(name):
    doc = _load(name)
    point = _step(doc, "point")
    index = doc["steps"].index(point)
    for L, layer in enumerate(point["layers"]):
        for e, entry in enumerate(layer["nonzeros"]):
            d = copy.deepcopy(doc)
            d["steps"][index]["layers"][L]["nonzeros"][e][2] = _bump(entry[2])
            if not _rejected(d):  # another point with the same loss, re-checked
                network = doc["claim"]["network"]
                stated = _step(doc, "loss", point="Wbetter")["value"]
                mutated = [_dense(x) for x in d["steps"][index]["layers"]]
                assert str(_loss(network, mutated)) == stated, f"layer {L + 1} entry {e}"
    loss = _step(doc, "loss", point="Wbetter")
    d = copy.deepcopy(doc)
    d["steps"][doc["steps"].index(loss)]["value"] = _bump(loss["value"])
    assert _rejected(d)
    # claiming a property without its evidence is rejected
    d = copy.deepcopy(doc)
    d["steps"] = [s for s in d["steps"] if s["rule"] != "critical-point"]
    for k, s in enumerate(d["steps"]):
        s["id"] = k + 1
        s["uses"] = []
    assert _rejected(d)


def test_square_loss_never_claims_a_local_minimum():
    for path in GALLERY.glob("theorem8-square-*.json"):
        doc = json.loads(path.read_text())
        assert doc["kind"] == "network-not-local-minimum"
        d = copy.deepcopy(doc)
        d["kind"] = "network-local-minimum"
        d["verdict"] = "non-global-local-minimum"
        assert _rejected(d)


@pytest.mark.slow
def test_structural_mutants_of_network_certificates(capsys):
    """Every operator on every network certificate: rejected, or right (6 mutants per operator
    and certificate in a full run, 3 by default)."""
    sources = {k: v for k, v in mo.gallery().items() if v["kind"].startswith("network")}
    per = examples(6, 3)
    tally = mo.run(sources, per, mo.Tally(), certificate_holds)
    with capsys.disabled():
        print(f"\nnetwork mutants: {tally.line()}\n{tally.table()}")
    assert not tally.failures, "\n".join(tally.failures)
    assert tally.tried >= 400 if per >= 6 else tally.tried >= 50 * per
    assert tally.rejected >= 0.7 * tally.tried


# -- classify certificates: degeneracy, verdict, the low-rank bound --------------------------

CLASSIFIED = {  # certificate -> the verdicts its facts support
    "theorem5-saddle.json": {"second-order-saddle", "not-a-local-minimum", "critical-point"},
    "classify-zero-point-2-2-2-2.json": {"not-a-local-minimum", "critical-point"},
    "classify-kernel-descent-2-2-2-2.json": {"not-a-local-minimum", "critical-point"},
    "classify-global-2-1-1-2.json": {"global-minimum", "critical-point"},
}
VERDICTS = ("global-minimum", "local-minimum", "second-order-saddle", "not-a-local-minimum",
            "critical-point", "non-degenerate", "undecided")


def _with_claim(doc, **changes):
    from exactopen.checker.spec import claim_digest
    d = copy.deepcopy(doc)
    d["claim"].update(changes)
    d["claim_sha256"] = claim_digest(d["claim"])
    return d


@pytest.mark.parametrize("name", sorted(CLASSIFIED))
def test_classify_verdicts_and_degeneracy_are_bound(name):
    doc = _load(name)
    assert not _rejected(doc)
    for verdict in VERDICTS:
        d = copy.deepcopy(doc)
        d["verdict"] = verdict
        assert _rejected(d) == (verdict not in CLASSIFIED[name]), verdict
    other = {"degenerate": "non-degenerate", "non-degenerate": "degenerate"}
    for degeneracy in (other[doc["claim"]["degeneracy"]], "undecided", None):
        assert _rejected(_with_claim(doc, degeneracy=degeneracy)), degeneracy
    d = copy.deepcopy(doc)     # the degeneracy without its rank evidence
    d["steps"] = [s for s in d["steps"] if s["rule"] not in ("minor", "rank")]
    for k, s in enumerate(d["steps"]):
        s["id"], s["uses"] = k + 1, [u for u in s["uses"] if u <= k]
    assert _rejected(d)


def test_saddle_needs_order_two():
    doc = _load("classify-zero-point-2-2-2-2.json")       # a descent of order 3
    d = copy.deepcopy(doc)
    d["verdict"] = "second-order-saddle"
    assert _rejected(d)
    step = _step(doc, "descent-curve")
    d = copy.deepcopy(doc)
    d["steps"][doc["steps"].index(step)]["order"] = 2
    assert _rejected(d)


def test_low_rank_bound_mutations_rejected():
    doc = _load("classify-global-2-1-1-2.json")
    step = _step(doc, "low-rank-bound")
    index = doc["steps"].index(step)
    for t in ("0", "2", "1/2", "-1"):
        d = copy.deepcopy(doc)
        d["steps"][index]["threshold"] = t
        assert _rejected(d), t
    for key in ("diagonal", "gap_diagonal"):
        for k, x in enumerate(step[key]):
            d = copy.deepcopy(doc)
            d["steps"][index][key][k] = _bump(x)
            assert _rejected(d), (key, k)
    for key in ("lower", "gap_lower", "inverse"):
        rows = step[key]["rows"]
        for i, row in enumerate(rows):
            for j, x in enumerate(row):
                if key != "inverse" and j >= i:
                    continue
                d = copy.deepcopy(doc)
                d["steps"][index][key]["rows"][i][j] = _bump(x)
                assert _rejected(d), (key, i, j)
    # weights that are not all equal: the bound does not apply
    net = copy.deepcopy(doc["claim"]["network"])
    net["weights"]["rows"][0][1] = "2"
    assert _rejected(_with_claim(doc, network=net))
