"""Structural mutation operators over certificates, and the loop that runs them.

Used by test_mutations.py (linear algebra) and test_network_mutations.py
(networks).  Each operator takes a certificate and a seeded ``random.Random`` and
returns a mutant (or None where it does not apply).  Operators that edit the
claim recompute ``claim_sha256`` (with exactopen.checker.spec.claim_digest), so
they test the edited field and not the digest.  :func:`run` checks every mutant
with the standard-library checker; an accepted mutant must be shown right by the
independent re-check (tests/recheck.py), and a sample is also checked with the
accelerator, which must give the same exit code.
"""

import copy
import json
import pathlib
import random
import re
from fractions import Fraction

from exactopen.checker import check_text
from exactopen.checker.spec import claim_digest

GALLERY = pathlib.Path(__file__).resolve().parents[2] / "certificates"
RATIONAL = re.compile(r"-?\d+(/\d+)?")
VERDICTS = ["holds", "locally-open", "not-locally-open", "global-minimum", "second-order-saddle",
            "non-degenerate", "not-a-local-minimum", "local-minimum", "non-global-local-minimum"]
PROPERTIES = ["critical-point", "hessian-psd", "rank-deficient-target", "not-global"]


# -- sources --------------------------------------------------------------------------------

def gallery():
    return {p.stem: json.loads(p.read_text()) for p in sorted(GALLERY.glob("*.json"))}


def generated():
    """Rank certificates the gallery lacks: kernels with denominators, the transposed form,
    a vertex cover, an inverse of a 48 x 48 minor (the gallery has the core rule)."""
    from exactopen.certify.rank import rank_certificate
    from exactopen.linalg import Matrix

    r1, r2 = [2, 4, 1, 0, 5], [1, 1, 4, 7, 0]
    kernel = [r1, r2, [a + b for a, b in zip(r1, r2)], [2 * a - 3 * b for a, b in zip(r1, r2)],
              [0] * 5, [5 * b for b in r2], [a - b for a, b in zip(r1, r2)]]
    sparse = [[0] * 12 for _ in range(12)]
    for i, j, v in [(0, 0, 1), (1, 3, 2), (2, 3, 5), (3, 7, 1), (5, 1, -1), (7, 7, 3), (8, 10, 1),
                    (9, 10, 4), (11, 2, 1), (4, 3, 1), (10, 7, 2)]:
        sparse[i][j] = v
    rng = random.Random(48)
    out = {
        "rank-kernel-7x5": rank_certificate(Matrix(kernel))[1],
        "rank-transposed-3x5": rank_certificate(Matrix([[3, 1, 4, 1, 5], [9, 2, 6, 5, 3],
                                                        [12, 3, 10, 6, 8]]))[1],
        "rank-rational-4x3": rank_certificate(Matrix([["1/2", "1/3", 1], [1, "2/3", 2],
                                                      ["3/2", 1, 3], [0, "1/7", "-2/5"]]))[1],
        "rank-cover-12x12": rank_certificate(Matrix(sparse))[1],
        "rank-inverse-48x48": rank_certificate(
            Matrix([[rng.randint(-2, 2) for _ in range(48)] for _ in range(48)]))[1],
    }
    assert any(s["rule"] == "core" for c in gallery().values() for s in c["steps"])
    return out


# -- helpers --------------------------------------------------------------------------------

def redigest(doc):
    if isinstance(doc.get("claim"), dict):
        doc["claim_sha256"] = claim_digest(doc["claim"])
    return doc


def _number(x):
    return str(x.numerator) if x.denominator == 1 else f"{x.numerator}/{x.denominator}"


def bump(value, rng):
    """Another canonical rational near value (or another index)."""
    if isinstance(value, int):
        return value + rng.choice([-1, 1])
    x = Fraction(value)
    new = rng.choice([x + 1, x - 1, -x if x else Fraction(1), x * 2 if x else Fraction(-1),
                      Fraction(rng.randint(-9, 9)), x / 2 if x else Fraction(1, 2)])
    return _number(new if new != x else x + 1)


def matrices(node, path=()):
    """Paths to every matrix object ({"shape": ..., "rows"/"nonzeros": ...}) under node."""
    if isinstance(node, dict):
        if "shape" in node and ("rows" in node or "nonzeros" in node):
            yield path
            return
        for key, value in node.items():
            yield from matrices(value, path + (key,))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from matrices(value, path + (i,))


def values(node, path=(), kind=str):
    """Paths to rational strings (kind=str) or index integers (kind=int) under node."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key not in ("id", "uses", "shape"):
                yield from values(value, path + (key,), kind)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from values(value, path + (i,), kind)
    elif kind is str and isinstance(node, str) and RATIONAL.fullmatch(node):
        yield path
    elif kind is int and isinstance(node, int) and not isinstance(node, bool):
        yield path


def get(doc, path):
    for key in path:
        doc = doc[key]
    return doc


def put(doc, path, value):
    get(doc, path[:-1])[path[-1]] = value


def swap_lines(obj, rng, columns):
    """Swap two rows (or columns) of a dense or sparse matrix in place; False if impossible."""
    m, n = obj["shape"]
    size = n if columns else m
    if size < 2:
        return False
    a, b = rng.sample(range(size), 2)
    if "rows" in obj:
        if columns:
            for row in obj["rows"]:
                row[a], row[b] = row[b], row[a]
        else:
            obj["rows"][a], obj["rows"][b] = obj["rows"][b], obj["rows"][a]
        return True
    k = 1 if columns else 0
    swap = {a: b, b: a}
    for entry in obj["nonzeros"]:
        entry[k] = swap.get(entry[k], entry[k])
    obj["nonzeros"].sort(key=lambda e: (e[0], e[1]))
    return True


def renumber(steps, order, dropped=()):
    """Steps in a new order (old positions, repeats allowed), ids and citations fixed up."""
    new_id = {}
    out = []
    for position, old in enumerate(order, start=1):
        step = copy.deepcopy(steps[old])
        new_id.setdefault(steps[old]["id"], position)
        out.append(step)
    for position, step in enumerate(out, start=1):
        step["id"] = position
        step["uses"] = sorted({new_id[u] for u in step["uses"] if u in new_id and u not in dropped})
    return out


# -- operators --------------------------------------------------------------------------------

def op_claim_line_swap(columns):
    def op(doc, rng):
        paths = list(matrices(doc["claim"], ("claim",)))
        rng.shuffle(paths)
        for path in paths:
            d = copy.deepcopy(doc)
            if swap_lines(get(d, path), rng, columns):
                return redigest(d)
        return None
    return op


def op_claim_factor_swap(doc, rng):
    d = copy.deepcopy(doc)
    claim = d["claim"]
    if "W1" in claim:
        claim["W1"], claim["W2"] = claim["W2"], claim["W1"]
    elif "network" in claim and len(claim["network"]["layers"]) >= 2:
        layers = claim["network"]["layers"]
        a, b = rng.sample(range(len(layers)), 2)
        layers[a], layers[b] = layers[b], layers[a]
        if rng.random() < 0.5:  # and the widths along, where they then chain
            widths = claim["network"]["widths"]
            claim["network"]["widths"] = [widths[0]] + [layers[i]["shape"][0] for i in range(len(layers))]
    else:
        return None
    return redigest(d)


def op_claim_entry(doc, rng):
    paths = list(values(doc["claim"], ("claim",)))
    if not paths:
        return None
    d = copy.deepcopy(doc)
    path = rng.choice(paths)
    put(d, path, bump(get(d, path), rng))
    return redigest(d)


def op_claim_field(doc, rng):
    d = copy.deepcopy(doc)
    c = d["claim"]
    edits = []
    if "setting" in c:
        edits.append(lambda: c.update(setting="behrends" if c["setting"] == "theorem-2" else "theorem-2"))
    if "rank" in c:
        edits.append(lambda: c.update(rank=max(0, c["rank"] + rng.choice([-1, 1]))))
    if "lemma" in c:
        edits.append(lambda: (c.update(lemma="3"), c.update(activation={"name": "identity"}))
                     if c["lemma"] == "7" else (c.update(lemma="7"), c.pop("activation", None)))
        edits.append(lambda: c.update(activation=rng.choice([
            {"name": "identity"}, {"name": "leaky-relu", "slope": rng.choice(["0", "-1", "1/2", "2"])},
            {"name": "leaky-relu"}, {"name": "relu"}])))
    if "construction" in c:
        edits.append(lambda: c.update(construction=rng.choice(["theorem-8-paper", "weighted-bottleneck",
                                                               "other"])))
        edits.append(lambda: c["properties"].pop(rng.randrange(len(c["properties"])))
                     if c["properties"] else None)
        edits.append(lambda: c["properties"].append(rng.choice(PROPERTIES)))
    if "network" in c:
        widths = c["network"]["widths"]
        edits.append(lambda: widths.__setitem__(rng.randrange(len(widths)),
                                                max(1, rng.choice(widths) + rng.choice([-1, 1]))))
    if not edits:
        return None
    rng.choice(edits)()
    return redigest(d)


def op_verdict(doc, rng):
    d = copy.deepcopy(doc)
    d["verdict"] = rng.choice([v for v in VERDICTS if v != doc["verdict"]])
    return d


def op_condition(doc, rng):
    if "conditions" not in doc:
        return None
    d = copy.deepcopy(doc)
    key = rng.choice(sorted(d["conditions"]))
    d["conditions"][key] = not d["conditions"][key]
    return d


def op_evidence_value(kind):
    def op(doc, rng):
        paths = list(values(doc["steps"], ("steps",), kind))
        if not paths:
            return None
        d = copy.deepcopy(doc)
        path = rng.choice(paths)
        put(d, path, bump(get(d, path), rng))
        return d
    return op


def op_evidence_line_swap(columns):
    def op(doc, rng):
        paths = list(matrices(doc["steps"], ("steps",)))
        rng.shuffle(paths)
        for path in paths:
            d = copy.deepcopy(doc)
            if swap_lines(get(d, path), rng, columns):
                return d
        return None
    return op


def op_rows_cols_exchange(doc, rng):
    steps = [i for i, s in enumerate(doc["steps"]) if "rows" in s and "cols" in s and s["rows"] != s["cols"]]
    if not steps:
        return None
    d = copy.deepcopy(doc)
    s = d["steps"][rng.choice(steps)]
    s["rows"], s["cols"] = s["cols"], s["rows"]
    return d


def op_kernel_vector(duplicate):
    def op(doc, rng):
        steps = [i for i, s in enumerate(doc["steps"])
                 if s["rule"] == "rank" and s["kernel"]["pivot_part"]["shape"][1] > 0]
        if not steps:
            return None
        d = copy.deepcopy(doc)
        part = d["steps"][rng.choice(steps)]["kernel"]["pivot_part"]
        f = rng.randrange(part["shape"][1])
        for row in part["rows"]:
            if duplicate:
                row.insert(f, row[f])
            else:
                row.pop(f)
        part["shape"][1] += 1 if duplicate else -1
        return d
    return op


def op_transposed(doc, rng):
    steps = [i for i, s in enumerate(doc["steps"]) if s["rule"] == "rank"]
    if not steps:
        return None
    d = copy.deepcopy(doc)
    s = d["steps"][rng.choice(steps)]
    s["transposed"] = not s["transposed"]
    return d


def op_step_swap(fix):
    def op(doc, rng):
        n = len(doc["steps"])
        if n < 2:
            return None
        a, b = sorted(rng.sample(range(n), 2))
        d = copy.deepcopy(doc)
        if fix:
            order = list(range(n))
            order[a], order[b] = order[b], order[a]
            d["steps"] = renumber(doc["steps"], order)
        else:
            d["steps"][a], d["steps"][b] = d["steps"][b], d["steps"][a]
        return d
    return op


def op_step_delete(doc, rng):
    n = len(doc["steps"])
    if n < 1:
        return None
    k = rng.randrange(n)
    d = copy.deepcopy(doc)
    d["steps"] = renumber(doc["steps"], [i for i in range(n) if i != k], dropped={doc["steps"][k]["id"]})
    return d


def op_step_duplicate(doc, rng):
    n = len(doc["steps"])
    if n < 1:
        return None
    k = rng.randrange(n)
    d = copy.deepcopy(doc)
    d["steps"] = renumber(doc["steps"], list(range(k + 1)) + [k] + list(range(k + 1, n)))
    return d


def op_name_swap(doc, rng):
    """A step reads another matrix or point than it did."""
    refs = [(i, key) for i, s in enumerate(doc["steps"]) for key in ("matrix", "point")
            if isinstance(s.get(key), str)]
    names = sorted({s[key] for s in doc["steps"] for key in ("matrix", "point", "name")
                    if isinstance(s.get(key), str)} | {"W1", "W2", "W", "A", "X", "Y"})
    if not refs:
        return None
    i, key = rng.choice(refs)
    d = copy.deepcopy(doc)
    d["steps"][i][key] = rng.choice([n for n in names if n != doc["steps"][i][key]])
    return d


def op_rule_swap(doc, rng):
    pairs = {"zero": "nonzero", "nonzero": "zero", "critical-point": "stationary-loss",
             "stationary-loss": "critical-point"}
    steps = [i for i, s in enumerate(doc["steps"]) if s["rule"] in pairs]
    if not steps:
        return None
    d = copy.deepcopy(doc)
    s = d["steps"][rng.choice(steps)]
    s["rule"] = pairs[s["rule"]]
    return d


def op_uses(doc, rng):
    steps = [i for i, s in enumerate(doc["steps"]) if s["uses"] or i > 0]
    if not steps:
        return None
    d = copy.deepcopy(doc)
    s = d["steps"][rng.choice(steps)]
    if s["uses"] and rng.random() < 0.6:
        s["uses"].pop(rng.randrange(len(s["uses"])))
    else:
        s["uses"] = sorted(set(s["uses"]) | {rng.randrange(1, s["id"])}) if s["id"] > 1 else [1]
    return d


OPERATORS = {
    "claim-row-swap": op_claim_line_swap(False),
    "claim-column-swap": op_claim_line_swap(True),
    "claim-factor-swap": op_claim_factor_swap,
    "claim-entry-change": op_claim_entry,
    "claim-field-edit": op_claim_field,
    "verdict-change": op_verdict,
    "condition-flip": op_condition,
    "evidence-value-change": op_evidence_value(str),
    "evidence-index-change": op_evidence_value(int),
    "evidence-row-swap": op_evidence_line_swap(False),
    "evidence-column-swap": op_evidence_line_swap(True),
    "rows-cols-exchange": op_rows_cols_exchange,
    "kernel-vector-drop": op_kernel_vector(False),
    "kernel-vector-duplicate": op_kernel_vector(True),
    "transposed-flip": op_transposed,
    "step-swap-renumbered": op_step_swap(True),
    "step-swap-raw": op_step_swap(False),
    "step-delete": op_step_delete,
    "step-duplicate": op_step_duplicate,
    "name-swap": op_name_swap,
    "rule-swap": op_rule_swap,
    "uses-edit": op_uses,
}


# -- the loop -----------------------------------------------------------------------------------

class Tally:
    """Counts: mutants tried, rejected, accepted (and then re-checked true or not)."""

    def __init__(self):
        self.tried = self.rejected = self.accepted = self.compared = 0
        self.by_operator = {}   # operator -> [tried, rejected, accepted]
        self.failures = []

    def line(self):
        return (f"{self.tried} mutants: {self.rejected} rejected, {self.accepted} accepted "
                f"({len(self.failures)} failures); {self.compared} also with the accelerator")

    def table(self):
        return "\n".join(f"  {op:<24} tried {t:4}  rejected {r:4}  accepted {a:4}"
                         for op, (t, r, a) in sorted(self.by_operator.items()))


def run(sources, per_operator, tally, recheck, accelerator_every=4):
    """Every operator, ``per_operator`` seeded mutants per source."""
    from exactopen.accel import limbs

    for name, doc in sources.items():
        original = json.dumps(doc, sort_keys=True)
        for op_name, op in OPERATORS.items():
            seen = set()
            for k in range(per_operator):
                rng = random.Random(f"{name}/{op_name}/{k}")
                mutant = op(doc, rng)
                if mutant is None:
                    break
                text = json.dumps(mutant, sort_keys=True)
                if text == original or text in seen:
                    continue
                seen.add(text)
                tally.tried += 1
                counts = tally.by_operator.setdefault(op_name, [0, 0, 0])
                counts[0] += 1
                code, message = check_text(text)
                if "could not be checked" in message:
                    tally.failures.append(f"{name} {op_name} #{k}: the checker crashed: {message}")
                if tally.tried % accelerator_every == 0:
                    tally.compared += 1
                    fast = check_text(text, limbs)[0]
                    if fast != code:
                        tally.failures.append(f"{name} {op_name} #{k}: accelerator says {fast}, "
                                              f"plain path {code}")
                if code:
                    tally.rejected += 1
                    counts[1] += 1
                    continue
                tally.accepted += 1
                counts[2] += 1
                try:
                    ok, why = recheck(mutant)
                except Exception as exc:  # noqa: BLE001 - could not be shown right
                    ok, why = False, f"{type(exc).__name__}: {exc}"
                if not ok:
                    tally.failures.append(f"{name} {op_name} #{k}: accepted, but the re-check "
                                          f"fails ({why})")
    return tally
