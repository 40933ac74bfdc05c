"""Work bounded by the certificate: a small certificate that would cost hours is refused.

Every step's cost is planned from shapes and lengths before any arithmetic,
so each bomb below is refused with exit 3 at once; the gallery and the
benchmark-sized certificates fit the default budget.
"""

import json
import time

import pytest

from exactopen.checker import check_file, check_text
from exactopen.checker.rules import RULES
from exactopen.checker.spec import BUDGET, MAX_FILE_BYTES, claim_digest


def _doc(kind, claim, steps, verdict="holds", **extra):
    return {"format": "exactopen-certificate", "version": 2, "kind": kind, "claim": claim,
            "claim_sha256": claim_digest(claim), "verdict": verdict, "steps": steps, **extra}


def _steps(*steps):
    return [{"id": i, "uses": list(range(1, i)) if i > 1 else [], **s}
            for i, s in enumerate(steps, start=1)]


def _empty(m, n):
    return {"shape": [m, n], "nonzeros": []}


def _rank_claim(m, n):
    return {"matrix": _empty(m, n), "rank": 0}


def _network(widths):
    layers = [{"shape": [b, a], "rows": [["0"] * a for _ in range(b)]}
              for a, b in zip(widths, widths[1:])]
    eye = lambda n: {"shape": [n, n], "rows": [[str(int(i == j)) for j in range(n)] for i in range(n)]}
    ones = {"shape": [widths[-1], widths[0]], "rows": [["1"] * widths[0]] * widths[-1]}
    return {"widths": widths, "layers": layers, "X": eye(widths[0]),
            "Y": {"shape": [widths[-1], widths[0]], "rows": [["0"] * widths[0]] * widths[-1]},
            "weights": ones}


def _chart_bomb():
    widths = [40, 14, 40]  # chart parameters: 14 * (40 + 40 - 14) = 924
    return _doc("network-local-minimum", {"network": _network(widths), "construction":
                "weighted-bottleneck", "properties": []},
                _steps({"rule": "chart-minimum", "point": "W", "rows": list(range(14)),
                        "cols": list(range(14)), "inverse": _empty(14, 14),
                        "lower": _empty(924, 924), "diagonal": ["1"] * 924}),
                verdict="local-minimum")


def _descent_bomb():
    widths = [10] * 81  # 80 layers
    curve = [[_empty(10, 10)] * 80 for _ in range(8)]
    return _doc("network-not-local-minimum", {"network": _network(widths), "construction":
                "theorem-8-paper", "properties": []},
                _steps({"rule": "descent-curve", "point": "W", "curve": curve,
                        "coefficients": ["0", "-1"], "order": 1, "t0": "1"}),
                verdict="not-a-local-minimum")


def _bound_bomb():
    widths = [2, 2, 2000]  # two 2000 x 2000 factorisations to multiply out
    return _doc("network-critical-point", {"network": _network(widths), "degeneracy": "degenerate"},
                _steps({"rule": "low-rank-bound", "point": "W", "threshold": "0",
                        "inverse": _empty(2, 2), "lower": _empty(2000, 2000),
                        "diagonal": ["0"] * 2000, "gap_lower": _empty(2000, 2000),
                        "gap_diagonal": ["0"] * 2000}), verdict="global-minimum")


BOMBS = {
    # 180 empty sparse 5000 x 800 matrices: 9 KB of JSON, 720 million entries to hold
    "matrix": _doc("rank", _rank_claim(1, 1), _steps(*[{"rule": "matrix", "name": f"M{i}",
                   "value": _empty(5000, 800)} for i in range(180)])),
    "product": _doc("rank", _rank_claim(2000, 2000), _steps(
        {"rule": "product", "factors": ["A"] * 6}, {"rule": "zero", "matrix": "A*A*A*A*A*A"})),
    "sum": _doc("rank", _rank_claim(2000, 2000), _steps(
        {"rule": "product", "factors": ["A", "A"]},
        {"rule": "sum", "terms": ["A", "A*A"]})),
    "minor": _doc("rank", _rank_claim(800, 800), _steps(
        {"rule": "minor", "matrix": "A", "rows": list(range(800)), "cols": list(range(800)),
         "det_residue": "0"})),
    "rank": _doc("rank", _rank_claim(2000, 2000), _steps(
        {"rule": "product", "factors": ["A", "A", "A"]},
        {"rule": "rank", "matrix": "A*A*A", "rank": 0, "transposed": False, "rows": [],
         "cols": [], "det_residue": "1",
         "kernel": {"pivot_part": {"shape": [0, 2000], "rows": []}, "denominator": "1"}})),
    "vertex-cover": _doc("rank", _rank_claim(2000, 2000), _steps(
        {"rule": "product", "factors": ["A", "A", "A"]},
        {"rule": "vertex-cover", "matrix": "A*A*A", "rows": [], "cols": []})),
    "nonzero": _doc("rank", _rank_claim(2000, 2000), _steps(
        {"rule": "product", "factors": ["A", "A", "A"]},
        {"rule": "nonzero", "matrix": "A*A*A"})),
    "hessian-psd": _doc("network-not-local-minimum", {"network": _network([16, 16, 16]),
                        "construction": "theorem-8-paper", "properties": []},
                        _steps({"rule": "hessian-psd", "point": "W", "lower": _empty(512, 512),
                                "diagonal": ["0"] * 512}), verdict="not-a-local-minimum"),
    "chart-minimum": _chart_bomb(),
    "descent-curve": _descent_bomb(),
    "low-rank-bound": _bound_bomb(),
}


@pytest.mark.parametrize("rule", sorted(BOMBS))
def test_each_bomb_is_refused_at_once(rule):
    text = json.dumps(BOMBS[rule])
    assert len(text) < 400_000
    start = time.perf_counter()
    code, message = check_text(text)
    assert (code, message.split(":")[1].strip()) == (3, "resource cap"), message
    assert time.perf_counter() - start < 5


def test_the_bombs_reach_every_costly_rule():
    # bounded by the claim's own size, or by the rules they need first
    cheap = {"point", "loss", "critical-point", "stationary-loss", "core", "zero"}
    assert set(BOMBS) | cheap == set(RULES)


def test_a_file_past_the_cap_is_not_read(tmp_path):
    big = tmp_path / "big.json"
    with open(big, "wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)
    start = time.perf_counter()
    assert check_file(str(big))[0] == 3
    assert time.perf_counter() - start < 1


def test_the_budget_is_adjustable():
    small = json.dumps(_doc("rank", _rank_claim(40, 40), _steps(
        {"rule": "product", "factors": ["A", "A"]}, {"rule": "zero", "matrix": "A*A"})))
    assert check_text(small)[0] == 1  # verifies its steps, then the conclusion finds no rank
    assert check_text(small, budget=1000)[0] == 3


def test_the_gallery_fits_the_budget_with_room_to_spare():
    import pathlib

    from exactopen.checker import plan as plan_module

    totals = []
    original = plan_module.Plan.charge

    def charge(self, units, where):
        original(self, units, where)
        totals.append(self.total)
    gallery = pathlib.Path(__file__).resolve().parents[2] / "certificates"
    for path in gallery.glob("*.json"):
        plan_module.Plan.charge = charge
        try:
            assert check_file(str(path))[0] == 0
        finally:
            plan_module.Plan.charge = original
    assert max(totals) < BUDGET // 1000
