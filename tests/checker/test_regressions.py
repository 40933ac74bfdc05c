"""Defects found by the adversarial corpus and the mutation tests, fixed; kept as regressions.

Each test here failed on the checker before its fix (docs/certificate-format.md
section 6: exit 1 NOT VERIFIED, 2 malformed, 3 resource cap or work budget; a
crash is never an answer).  New cases that still fail go to malformed/pending/
(written by malformed/make_corpus.py with ``pending=True``) until they pass.

1. Type confusion crashes the checker (a TypeError caught as "the certificate
   could not be checked", exit 1) instead of exit 2: ``kind``, a step's
   ``matrix`` or ``name``, a sparse ``nonzeros``, a curve, a claim's
   ``construction`` or a ``properties`` item, a tensor name, that is a list or
   an object (test_type_confusion_is_malformed_not_a_crash, and the pending
   files 2-claim-construction-list, -object, -properties-object-item,
   -kind-as-list, 2-parser-deep-nesting-in-the-construction).  Less certain, by
   consistency with every other field (a value of the wrong JSON type is
   malformed everywhere else): a ``construction`` that is a number, null or a
   boolean, a ``setting`` that is a list and a ``claim_sha256`` that is not a
   string are answered NOT VERIFIED (exit 1) rather than malformed (pending
   2-claim-construction-number, -null, -boolean, -setting-as-list,
   -digest-as-number); if exit 1 is preferred there, delete those files.
2. ``exactopen verify`` on a file that is not UTF-8 (UTF-16, a binary weight
   file given by mistake) ends in a traceback (AttributeError:
   'UnicodeDecodeError' object has no attribute 'filename', exit 1) instead of
   exit 2 "cannot read".
3. Budget holes: the plan charges far less than the work (the default budget,
   2,000,000,000 units, is "at most about a minute of plain checking").
   a. Sparse matrices' words come from each entry's own digits, not from the
      row's common denominator: one 1 x 2000 row of 1/p for distinct primes
      p (67 KB) times a sparse 2000 x 2000 identity is planned at 14.8 million
      units (under half a second); the standard-library path takes 213 s and
      7.5 GB (the accelerator: 3 s).
   b. Network rules are charged per rational operation whatever the operands'
      size: hessian-psd of 20 layers of 1 x 1 with 4000-digit rationals
      (123 KB) is planned at 411,400 units and takes 189 s; critical-point of
      80 layers with 1500-digit rationals (183 KB): 96,400 units, 42 s (60
      layers of 4000 digits: over 100 s).  The time
      grows like h^5 d^2 for h layers of d digits, the file like h d: these
      rules are not bounded by the claim's size.
4. Caps answered as malformed: more than 100,000 steps, and a network width over
   the cap, give exit 2; section 6 lists the step cap among the resource caps
   (exit 3), and every other cap (dimension, entries, digits) gives 3.
5. A tensor reference's shape accepts booleans ([2, true] for [2, 1]): booleans
   must never be integers.
6. A failure message of a huge number crashes: a descent-curve whose stated tail
   sum has more than 40,000 digits is reported as "the certificate could not be
   checked (ValueError: Exceeds the limit ... for integer string conversion)"
   instead of "step 1: descent-curve: expected ..., found ...".  (Exit 1 is right
   here; the message is not.)
7. The JSON Schema lags behind the checker: it rejects valid certificates (a
   Lemma 7 claim without X, Y and weights; numbers of more than 4000 characters,
   which the checker reads up to 20,000; the core rule; claims with a data file
   and tensor references) and accepts defects it can express (corpus files
   tagged "gap": a non-positive leaky-relu slope, construction labels not of the
   kind, duplicated properties, a rational kernel pivot part, a zero sparse
   value, "1/1" and "0/5", and "1\\n", which Python's ``re`` matches with ``$``).
"""

import copy
import hashlib
import io
import json
import pathlib
import subprocess
import sys
import time

import jsonschema
import pytest

from exactopen.checker import check_text
from exactopen.checker.spec import MAX_STEPS, MAX_WIDTH, claim_digest, long_integers
from exactopen.cli import main

ROOT = pathlib.Path(__file__).resolve().parents[2]
HERE = ROOT / "tests" / "checker" / "malformed"
PENDING = HERE / "pending"
GALLERY = ROOT / "tests" / "checker" / "version1"  # stable sources: the version-1 gallery
MANIFEST = json.loads((HERE / "manifest.json").read_text())
SCHEMA = json.loads((ROOT / "docs" / "certificate.schema.json").read_text())
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)
PREFIX = {0: "VERIFIED", 1: "NOT VERIFIED: step ", 2: "NOT VERIFIED: malformed: ",
          3: "NOT VERIFIED: resource cap: "}

FILES = sorted(PENDING.glob("[0-9]-*.json"))
BOMBS = [p for p in FILES if p.name.startswith("3-bomb-")]
VALID = [p for p in FILES if p.name.startswith("0-")]
REJECTED = [p for p in FILES if p not in BOMBS and p not in VALID]


def over(files):
    """Parametrise a test over pending files; with none pending it is not collected at all
    (rather than reported as skipped): the fixed cases run in test_malformed's corpus."""
    if not files:
        return lambda test: None
    return pytest.mark.parametrize("path", files, ids=[p.stem for p in files])


def _gallery(name):
    return json.loads((GALLERY / f"{name}.json").read_text())


def _check(doc, data=None):
    doc = copy.deepcopy(doc)
    if isinstance(doc.get("claim"), dict):
        doc["claim_sha256"] = claim_digest(doc["claim"])
    return check_text(json.dumps(doc), None, data)


def _expect(code, message, want, fragment=""):
    assert "could not be checked" not in message, message
    assert code == want, message
    assert message.startswith(PREFIX[want]) and fragment in message, message


# -- 1, 2: the pending corpus: crashes and exit codes ----------------------------------

@over(REJECTED)
def test_pending_corpus_file(path, capsys):
    try:
        code = main(["verify", str(path)])
    except Exception as exc:  # noqa: BLE001 - a crash is the defect
        pytest.fail(f"exactopen verify crashed: {type(exc).__name__}: {exc}")
    _expect(code, capsys.readouterr().out.strip(), int(path.name[0]), MANIFEST[path.stem]["message"])


def _set(path_in_doc, value):
    def change(d):
        node = d
        for key in path_in_doc[:-1]:
            node = node[key]
        node[path_in_doc[-1]] = value
    return change


TYPE_CONFUSION = [
    ("paper-example-open-in-range", ("steps", 6, "matrix"), ["T1*W2"]),
    ("paper-example-open-in-range", ("steps", 0, "matrix"), {"name": "W1"}),
    ("paper-example-open-in-range", ("steps", 4, "name"), ["T1"]),
    ("paper-example-open-in-range", ("steps", 4, "value", "nonzeros"), 1),
    ("paper-example-open-in-range", ("steps", 4, "value", "nonzeros"), True),
    ("theorem8-square-2-1-1-2", ("steps", 6, "curve"), 1),
    ("theorem8-square-2-1-1-2", ("claim", "construction"), {"label": "theorem-8-paper"}),
    ("theorem8-square-2-1-1-2", ("claim", "properties", 0), ["critical-point"]),
    ("paper-example-open-in-range", ("kind",), {"kind": "local-openness"}),
]


@pytest.mark.parametrize("name, where, value", TYPE_CONFUSION,
                         ids=[f"{n}:{'.'.join(map(str, w))}" for n, w, _ in TYPE_CONFUSION])
def test_type_confusion_is_malformed_not_a_crash(name, where, value):
    doc = _gallery(name)
    _set(where, value)(doc)
    _expect(*_check(doc), 2)


def _npy(rows):
    import numpy
    buffer = io.BytesIO()
    numpy.save(buffer, numpy.array(rows, dtype=numpy.float64))
    return buffer.getvalue()


def _tensor_claim(shape=(2, 1), tensor=""):
    data = _npy([[1.0], [2.0]])
    doc = _gallery("paper-example-open-in-range")
    doc["claim"]["data"] = {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
    doc["claim"]["W1"] = {"tensor": tensor, "shape": list(shape), "transpose": False}
    return doc, data


def test_tensor_reference_is_accepted():
    doc, data = _tensor_claim()
    assert _check(doc, data) == (0, "VERIFIED")


def test_tensor_name_of_the_wrong_type_is_malformed():
    doc, data = _tensor_claim(tensor=[""])
    _expect(*_check(doc, data), 2)


# -- 3: budget holes: small files, minutes of work -------------------------------------

@over(BOMBS)
def test_pending_bomb_is_refused_within_seconds(path):
    """On the standard-library path (the budget does not depend on the accelerator)."""
    command = [sys.executable, "-m", "exactopen.cli", "verify", "--plain", str(path)]
    start = time.perf_counter()
    try:
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=6)
    except subprocess.TimeoutExpired:
        pytest.fail(f"{path.name}: still computing after 6 s (exit 3 expected within 5 s)")
    elapsed = time.perf_counter() - start
    assert done.returncode == 3, done.stdout + done.stderr[-500:]
    assert elapsed < 5, f"{elapsed:.1f} s"


# -- 4: caps answered as malformed -------------------------------------------------------

def test_too_many_steps_is_a_resource_cap():
    claim = {"matrix": {"shape": [1, 1], "nonzeros": [[0, 0, "1"]]}, "rank": 1}
    steps = [{"id": i, "rule": "zero", "uses": [], "matrix": "A"} for i in range(1, MAX_STEPS + 2)]
    doc = {"format": "exactopen-certificate", "version": 1, "kind": "rank", "claim": claim,
           "claim_sha256": claim_digest(claim), "verdict": "holds", "steps": steps}
    _expect(*check_text(json.dumps(doc)), 3)


def test_network_width_over_the_cap_is_a_resource_cap():
    d = MAX_WIDTH + 1
    network = {"widths": [d, 1], "layers": [{"shape": [1, d], "rows": [["1"] * d]}]}
    claim = {"network": network, "lemma": "7"}
    doc = {"format": "exactopen-certificate", "version": 1, "kind": "network-local-openness",
           "claim": claim, "claim_sha256": claim_digest(claim), "verdict": "locally-open",
           "steps": [{"id": 1, "rule": "minor", "uses": [], "matrix": "W1", "rows": [0], "cols": [0],
                      "det_residue": "1"}]}
    _expect(*check_text(json.dumps(doc)), 3)


# -- 5: booleans as integers -------------------------------------------------------------

def test_tensor_shape_with_a_boolean_is_malformed():
    doc, data = _tensor_claim(shape=(2, True))
    _expect(*_check(doc, data), 2)


# -- 6: messages of huge numbers -----------------------------------------------------------

def test_message_of_a_huge_tail_sum_is_not_a_crash():
    """Five coefficients over coprime 9,999-digit denominators: the tail sum has ~50,000 digits."""
    doc = _gallery("theorem8-square-2-1-1-2")
    step = next(s for s in doc["steps"] if s["rule"] == "descent-curve")
    dens = [10 ** 9998 + k for k in (1, 3, 7, 9, 13)]
    with long_integers():
        tail = [f"{9 * d + 1}/{d}" for d in dens if all(_coprime(d, e) for e in dens if e != d)]
    assert len(tail) >= 5
    step["coefficients"] = step["coefficients"][:5] + tail
    code, message = _check(doc)
    _expect(code, message, 1, "descent-curve")


def _coprime(a, b):
    from math import gcd
    return gcd(a, b) == 1


# -- 7: the schema and the checker ---------------------------------------------------------

def _schema_ok(doc):
    with long_integers():
        return VALIDATOR.is_valid(doc)


@over(VALID)
def test_schema_accepts_valid_certificates(path):
    doc = json.loads(path.read_text())
    assert check_text(path.read_text()) == (0, "VERIFIED")
    assert _schema_ok(doc), "the schema rejects a certificate the checker verifies"


def test_schema_accepts_claims_with_a_data_file():
    doc, data = _tensor_claim()
    doc["claim_sha256"] = claim_digest(doc["claim"])
    assert check_text(json.dumps(doc), None, data) == (0, "VERIFIED")
    assert _schema_ok(doc)


GAPS = sorted(p for p in HERE.glob("[0-9]-*.json") if MANIFEST[p.stem]["schema"] == "gap")


@over(GAPS)
def test_schema_rejects_what_it_can_express(path):
    with long_integers():
        doc = json.loads(path.read_text(encoding="utf-8-sig"))
    assert not _schema_ok(doc), "the schema accepts a defect it can express"


# -- 8: memory: exit 3, never 1; reading takes memory in proportion to the file ----------------

def test_memory_and_recursion_errors_are_resource_caps(monkeypatch):
    import exactopen.checker as checker
    path = ROOT / "certificates" / "behrends-open.json"
    text = path.read_text()

    def fail(error):
        def raise_it(*args, **kwargs):
            raise error
        return raise_it

    for error in (MemoryError, RecursionError):
        monkeypatch.setattr(checker, "verify_document", fail(error))
        _expect(*check_text(text), 3, error.__name__)
    monkeypatch.setattr(checker, "read_capped", fail(MemoryError))
    _expect(*checker.check_file(str(path)), 3, "MemoryError while reading")


def test_reading_allocates_with_the_file_not_with_the_cap(monkeypatch):
    """A 1-byte read of the whole cap reserved 256 MiB for any certificate (MemoryError under a
    memory limit); reads are now in pieces of 1 MiB."""
    import builtins

    import exactopen.checker as checker
    sizes, real_open = [], builtins.open

    class Spy:
        def __init__(self, handle):
            self.handle = handle

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.handle.close()

        def read(self, n=-1):
            sizes.append(n)
            return self.handle.read(n)

    monkeypatch.setattr(builtins, "open", lambda *a, **k: Spy(real_open(*a, **k)))
    text = checker.read_capped(str(ROOT / "certificates" / "behrends-open.json"))
    monkeypatch.undo()
    assert text.startswith("{") and sizes and max(sizes) <= 1 << 20


# -- 9: construction labels bound to the network, not only to the kind ---------------------

def _relabelled(doc, kind, construction, verdict):
    doc = copy.deepcopy(doc)
    doc["kind"], doc["verdict"] = kind, verdict
    doc["claim"] = {"network": doc["claim"]["network"], "construction": construction,
                    "properties": []}
    return doc


def test_a_construction_label_must_fit_the_network():
    """A verified descent at the zero point of widths 2,2,2,2 (no pair p1 < p2 meets the paper's
    condition) relabelled as the paper's Theorem 8 construction, and an identity network at a
    strict chart minimum without a bottleneck relabelled as the weighted-bottleneck one, were
    accepted; the labels now say something true of the network."""
    from exactopen.certify.classify import classify_certificate
    from exactopen.networks.model import network_from_json

    zero = network_from_json(json.dumps({"widths": [2, 2, 2, 2], "layers": [[[0, 0], [0, 0]]] * 3,
                                         "Y": [[1, 0], [0, 1]]}), "zero point")
    verdict, doc = classify_certificate(zero)
    assert verdict == "not-a-local-minimum"
    _expect(*_check(_relabelled(doc, "network-not-local-minimum", "theorem-8-paper",
                                "not-a-local-minimum")), 1, "the paper's point")
    k, P = 2, 4  # P = r (m + n - r) chart coordinates

    def eye(n):
        return {"shape": [n, n], "rows": [["1" if i == j else "0" for j in range(n)]
                                          for i in range(n)]}

    net = {"widths": [k, k, k], "layers": [eye(k), eye(k)], "X": eye(k), "Y": eye(k),
           "weights": {"shape": [k, k], "rows": [["1"] * k for _ in range(k)]}}
    chart = {"id": 1, "rule": "chart-minimum", "uses": [], "point": "W", "rows": list(range(k)),
             "cols": list(range(k)), "inverse": eye(k), "lower": eye(P), "diagonal": ["1"] * P}
    doc = {"format": "exactopen-certificate", "version": 2, "kind": "network-local-minimum",
           "claim": {"network": net, "construction": "weighted-bottleneck", "properties": []},
           "steps": [chart], "verdict": "local-minimum"}
    _expect(*_check(doc), 1, "a bottleneck")


def test_the_paper_label_needs_the_papers_point():
    """Widths meeting the condition and equal weights were not enough: a first-order descent at
    a point that is not even critical, with Y = I, verified as the paper's construction."""
    from fractions import Fraction as F

    from exactopen.checker.landscape import Network
    d, eye = [2, 1, 1, 2], [[F(1), F(0)], [F(0), F(1)]]
    W = [[[F(1), F(0)]], [[F(1)]], [[F(1)], [F(1)]]]
    net = Network(d, eye, eye, [[F(1)] * 2] * 2)
    down = [[[-x for x in r] for r in g] for g in net.gradient(W)]  # minus the gradient
    c = net.loss_polynomial([[W[i], down[i]] for i in range(3)])
    c[0] = F(0)
    while not c[-1]:
        c.pop()
    tail = sum(abs(x) for x in c[2:])
    t0 = min(F(1), abs(c[1]) / 2 / tail)

    def dense(M):
        return {"shape": [len(M), len(M[0])], "rows": [[str(x) for x in r] for r in M]}

    def sparse(M):
        return {"shape": [len(M), len(M[0])], "nonzeros": [[i, j, str(x)] for i, r in
                                                            enumerate(M) for j, x in enumerate(r) if x]}

    claim = {"construction": "theorem-8-paper", "properties": [],
             "network": {"widths": d, "layers": [dense(L) for L in W], "X": dense(eye),
                         "Y": dense(eye), "weights": dense([[1, 1], [1, 1]])}}
    step = {"id": 1, "rule": "descent-curve", "uses": [], "point": "W",
            "curve": [[sparse(L) for L in down]], "coefficients": [str(x) for x in c],
            "order": 1, "t0": str(t0)}
    doc = {"format": "exactopen-certificate", "version": 2, "kind": "network-not-local-minimum",
           "claim": claim, "verdict": "not-a-local-minimum", "steps": [step]}
    assert c[1] < 0
    _expect(*_check(doc), 1, "the paper's point")


# -- 10: networks without data, and with no samples -----------------------------------------

def _zero_layers(widths):
    return [{"shape": [b, a], "rows": [["0"] * a for _ in range(b)]}
            for a, b in zip(widths, widths[1:])]


def test_a_label_on_a_network_without_data_is_rejected_not_a_crash():
    """The paper's construction needs the square loss: a claim without data has no weights to
    read (a TypeError, "could not be checked", before)."""
    doc = {"format": "exactopen-certificate", "version": 2, "kind": "network-not-local-minimum",
           "claim": {"construction": "theorem-8-paper", "properties": [],
                     "network": {"widths": [2, 1, 1, 2], "layers": _zero_layers([2, 1, 1, 2])}},
           "verdict": "not-a-local-minimum", "steps": []}
    _expect(*_check(doc), 1, "the paper's point")


def test_a_network_without_samples_is_malformed():
    """X of 2 x 0 made the low-rank bound read weights[0][0] (an IndexError before)."""
    empty = {"shape": [2, 0], "rows": [[], []]}
    net = {"widths": [2, 1, 2], "layers": _zero_layers([2, 1, 2]), "X": empty, "Y": empty,
           "weights": empty}
    doc = {"format": "exactopen-certificate", "version": 2, "kind": "network-critical-point",
           "claim": {"network": net, "degeneracy": "degenerate"}, "verdict": "global-minimum",
           "steps": [{"id": 1, "rule": "critical-point", "uses": [], "point": "W"}]}
    _expect(*_check(doc), 2, "N >= 1")


def test_a_point_step_charges_later_rules_its_numbers():
    """A point with 1000-digit fractions, then hessian-psd on it, was planned from the claim's
    small numbers (about 2 s) and ran 96 s; the point's numbers are now charged."""
    import random
    from math import gcd
    rng, d, n = random.Random(1), [8, 8, 8, 8], 8

    def ident(m, k):
        return {"shape": [m, k], "rows": [["1" if i == j else "0" for j in range(k)]
                                          for i in range(m)]}

    def big():
        p, q = rng.randrange(10 ** 999, 10 ** 1000), rng.randrange(10 ** 999, 10 ** 1000) | 1
        g = gcd(p, q)
        return f"{p // g}/{q // g}"

    layers = [{"shape": [b, a], "nonzeros": [[r, c, big()] for r in range(b) for c in range(a)
                                             if (r + c) % 4 == 0]} for a, b in zip(d, d[1:])]
    size = sum(a * b for a, b in zip(d, d[1:]))
    net = {"widths": d, "layers": [ident(b, a) for a, b in zip(d, d[1:])], "X": ident(8, n),
           "Y": ident(8, n), "weights": {"shape": [8, n], "rows": [["1"] * n] * 8}}
    doc = {"format": "exactopen-certificate", "version": 2, "kind": "network-critical-point",
           "claim": {"network": net, "degeneracy": "non-degenerate"}, "verdict": "critical-point",
           "steps": [{"id": 1, "rule": "point", "uses": [], "name": "P", "layers": layers},
                     {"id": 2, "rule": "hessian-psd", "uses": [1], "point": "P",
                      "lower": ident(size, size), "diagonal": ["0"] * size}]}
    start = time.perf_counter()
    _expect(*_check(doc), 3, "exceeds the budget")
    assert time.perf_counter() - start < 5


def test_a_right_factor_with_distinct_long_denominators_is_charged_their_lcm():
    """W2 (30 x 1) with 30 different 20,000-digit denominators: the product scales it to their
    lcm (2 million bits) and reduces each row by gcds of that size; planned at 10 ms, it ran
    156 s. Both the lcm and the gcds are charged now."""
    import random
    rng = random.Random(2)
    with long_integers():
        W2 = {"shape": [30, 1], "rows": [[f"1/{rng.randrange(10 ** 19989, 10 ** 19990) | 1}"]
                                         for _ in range(30)]}
    W1 = {"shape": [30, 30], "rows": [[str(rng.randint(1, 9)) for _ in range(30)]
                                      for _ in range(30)]}
    doc = {"format": "exactopen-certificate", "version": 2, "kind": "local-openness",
           "claim": {"W1": W1, "W2": W2, "setting": "behrends"}, "verdict": "locally-open",
           "conditions": {"A": True, "B": True},
           "steps": [{"id": 1, "rule": "product", "uses": [], "factors": ["W1", "W2"]},
                     {"id": 2, "rule": "zero", "uses": [1], "matrix": "W1*W2"}]}
    start = time.perf_counter()
    _expect(*_check(doc), 3, "exceeds the budget")
    assert time.perf_counter() - start < 5


def test_binary_float_denominators_are_not_overcharged():
    """Powers of two (every binary float) have the largest of them as their lcm."""
    from exactopen.checker.plan import lcm_bits
    assert lcm_bits([2 ** k for k in range(150)]) == 150 == (2 ** 149).bit_length()
    assert lcm_bits([3, 6, 12, 5]) == 2 + 2 + 3 >= (60).bit_length()  # 2^2, odd parts 3, 5
    assert lcm_bits([]) == 0


def _refused_in_seconds(doc):
    start = time.perf_counter()
    with long_integers():
        _expect(*_check(doc), 3, "exceeds the budget")
    assert time.perf_counter() - start < 5


def test_a_long_kernel_denominator_is_charged():
    """A 20,000-digit kernel denominator scales every row's free part (1000 rows: 85 s, planned
    at 0.15 s)."""
    import random
    m, n = 1000, 2000
    with long_integers():
        d = str(random.Random(2).randrange(10 ** 19999, 10 ** 20000))
    step = {"id": 1, "rule": "rank", "uses": [], "matrix": "A", "rank": 1, "transposed": False,
            "rows": [m - 1], "cols": [0], "det_residue": "1",
            "kernel": {"denominator": d,
                       "pivot_part": {"shape": [1, n - 1], "rows": [["-1"] * (n - 1)]}}}
    A = {"shape": [m, n], "nonzeros": [[m - 1, j, "1"] for j in range(n)]}
    _refused_in_seconds({"format": "exactopen-certificate", "version": 2, "kind": "rank",
                         "claim": {"matrix": A, "rank": 1}, "verdict": "holds", "steps": [step]})


def test_sums_are_charged_the_lcm_of_their_denominators():
    """A + D0 + ... + D19 with coprime 800-digit denominators: the sum's denominators multiply
    (206 s, planned at 8 s when a sum was taken as large as its larger term)."""
    import random
    rng, n, steps, name = random.Random(1), 60, [], "A"
    for i in range(20):
        q = str(rng.randrange(10 ** 799, 10 ** 800) | 1)
        steps.append({"id": len(steps) + 1, "rule": "matrix", "uses": [], "name": f"D{i}",
                      "value": {"shape": [n, n], "nonzeros": [[r, r, "1/" + q] for r in range(n)]}})
        steps.append({"id": len(steps) + 1, "rule": "sum", "uses": sorted(
            [len(steps)] + ([len(steps) - 1] if i else [])), "terms": [name, f"D{i}"]})
        name += f"+D{i}"
    steps.append({"id": len(steps) + 1, "rule": "product", "uses": [len(steps)],
                  "factors": [name, name]})
    steps.append({"id": len(steps) + 1, "rule": "zero", "uses": [len(steps)],
                  "matrix": f"({name})*({name})"})
    A = {"shape": [n, n], "rows": [["1"] * n for _ in range(n)]}
    _refused_in_seconds({"format": "exactopen-certificate", "version": 2, "kind": "rank",
                         "claim": {"matrix": A, "rank": 1}, "verdict": "holds", "steps": steps})


def test_long_descent_coefficients_are_charged():
    """480 stated coefficients of 2,000-digit rationals: their tail sum ran 14 s, uncharged."""
    import random
    rng = random.Random(3)
    doc = json.loads((ROOT / "certificates" / "classify-kernel-descent-2-2-2-2.json").read_text())
    step = next(s for s in doc["steps"] if s["rule"] == "descent-curve")
    with long_integers():
        step["coefficients"] = ["0", "0", "0", "-1"] + [
            f"1/{rng.randrange(10 ** 1989, 10 ** 1990) | 1}" for _ in range(480)]
    _refused_in_seconds(doc)


def test_the_plan_is_linear_in_the_certificate():
    """The plan itself must be cheap: lcm_bits copied a set per denominator (40,000 distinct
    ones: 6 s); the paper-point check compared every layer for every p1 (4,000 layers: 8 s)."""
    from exactopen.checker.plan import lcm_bits
    start = time.perf_counter()
    assert lcm_bits(range(3, 80003, 2)) > 0
    h = 4000
    d = [2] + [1] * (h - 1) + [2]

    def eye(m, n):
        return {"shape": [m, n], "rows": [["1" if i == j else "0" for j in range(n)]
                                          for i in range(m)]}

    layers = [eye(d[i + 1], d[i]) for i in range(h)]
    layers[h // 2] = {"shape": [1, 1], "rows": [["0"]]}
    net = {"widths": d, "layers": layers, "X": eye(2, 2),
           "Y": {"shape": [2, 2], "rows": [["0", "0"], ["0", "1"]]},
           "weights": {"shape": [2, 2], "rows": [["1", "1"], ["1", "1"]]}}
    doc = {"format": "exactopen-certificate", "version": 2, "kind": "network-not-local-minimum",
           "claim": {"network": net, "construction": "theorem-8-paper", "properties": []},
           "verdict": "not-a-local-minimum", "steps": []}
    _expect(*_check(doc), 1, "a descent-curve step")  # the label held: the paper's point
    assert time.perf_counter() - start < 3


def test_more_minor_rows_than_columns_is_malformed_not_a_crash():
    doc = json.loads((ROOT / "certificates" / "rank-mismatch.json").read_text())
    step = next(s for s in doc["steps"] if s["rule"] == "rank")
    step["rows"] = step["cols"] = [0, 1, 2, 0]
    code, message = _check(doc)
    assert code == 2 and "could not be checked" not in message, message


def test_a_denominator_past_the_number_cap_is_a_resource_cap_in_the_plan():
    doc = json.loads((ROOT / "certificates" / "rank-mismatch.json").read_text())
    doc["steps"].append({"id": len(doc["steps"]) + 1, "rule": "matrix", "uses": [], "name": "Q",
                         "value": {"shape": [1, 1], "nonzeros": [[0, 0, "1/" + "7" * 50000]]}})
    _expect(*_check(doc), 3, "exceeds 20000")
