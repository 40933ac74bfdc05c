"""Replay a certificate front to back and decide VERIFIED or not.

Acceptance condition (docs/certificate-format.md): the document is a
well-formed version-1 certificate, every step's rule accepts it (each step
citing only earlier steps), and the kind's conclusion function derives
exactly the stated verdict (and conditions) from the facts.
"""

import hashlib
import json

from . import conclude
from .errors import Malformed, NotVerified
from .jsonload import any_matrix, count, fields, loads, matrix
from .landscape import Network
from .rules import RULES, Env

FORMAT = "exactopen-certificate"
VERSION = 1
MAX_STEPS = 100_000


def _claim_network(env, obj):
    net = fields(obj, "claim.network", ("widths", "layers", "X", "Y", "weights"))
    d = net["widths"]
    if not isinstance(d, list) or len(d) < 2:
        raise Malformed("claim.network.widths: expected at least two widths")
    d = [count(x, "claim.network.widths", 1, 5000) for x in d]
    layers = net["layers"]
    if not isinstance(layers, list) or len(layers) != len(d) - 1:
        raise Malformed(f"claim.network.layers: expected {len(d) - 1} layers")
    for i, obj_i in enumerate(layers):
        w = matrix(obj_i, f"claim.network.layers[{i}]")
        if (w.m, w.n) != (d[i + 1], d[i]):
            raise Malformed(f"claim.network.layers[{i}]: expected {d[i + 1]} x {d[i]}")
        env.define(f"W{i + 1}", w, 0)
    x, y, wt = (matrix(net[k], f"claim.network.{k}") for k in ("X", "Y", "weights"))
    if x.m != d[0] or (y.m, y.n) != (d[-1], x.n) or (wt.m, wt.n) != (d[-1], x.n):
        raise Malformed("claim.network: X must be d0 x N, Y and weights d_h x N")
    if any(v <= 0 for row in wt.rows for v in row):
        raise Malformed("claim.network.weights: weights must be positive")
    env.define("X", x, 0)
    env.define("Y", y, 0)
    env.network = Network(d, x.rows, y.rows, wt.rows)
    env.define("W", [env.matrices[f"W{i + 1}"].rows for i in range(len(d) - 1)], 0, points=True)


def _load_claim(env, kind, claim):
    conclusion, required, optional = conclude.KINDS[kind]
    fields(claim, "claim", required, optional)
    if kind == "rank":
        env.define("A", any_matrix(claim["matrix"], "claim.matrix"), 0)
        count(claim["rank"], "claim.rank", 0)
    elif kind == "local-openness":
        w1, w2 = matrix(claim["W1"], "claim.W1"), matrix(claim["W2"], "claim.W2")
        if w1.n != w2.m:
            raise Malformed(f"claim: W1 is {w1.m} x {w1.n} but W2 is {w2.m} x {w2.n}")
        env.define("W1", w1, 0)
        env.define("W2", w2, 0)
    else:
        _claim_network(env, claim["network"])
    return conclusion


def _check_step(step, position):
    if not isinstance(step, dict):
        raise Malformed(f"step {position}: expected an object")
    if step.get("id") != position:
        raise Malformed(f"step {position}: id must be {position}")
    uses = step.get("uses")
    if not isinstance(uses, list) or any(isinstance(u, bool) or not isinstance(u, int)
                                         for u in uses):
        raise Malformed(f"step {position}: uses must be a list of step ids")
    if any(not 1 <= u < position for u in uses) or sorted(set(uses)) != uses:
        raise Malformed(f"step {position}: uses must cite earlier steps, ascending, once each")
    rule = step.get("rule")
    if rule not in RULES:
        raise Malformed(f"step {position}: unknown rule {rule!r}")
    return RULES[rule]


def claim_digest(claim):
    """SHA-256 of the claim's compact JSON with sorted keys: binds the evidence to the claim."""
    text = json.dumps(claim, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def verify_document(doc):
    """Verify a parsed certificate; raise a :class:`CheckerError` subclass if it fails."""
    top = fields(doc, "certificate",
                 ("format", "version", "kind", "claim", "claim_sha256", "verdict", "steps"),
                 ("conditions",))
    if top["format"] != FORMAT:
        raise Malformed(f"format must be {FORMAT!r}")
    if top["version"] != VERSION or isinstance(top["version"], bool):
        raise Malformed(f"unknown version {top['version']!r}; this checker reads version {VERSION}")
    if top["kind"] not in conclude.KINDS:
        raise Malformed(f"unknown kind {top['kind']!r}")
    if ("conditions" in top) != (top["kind"] == "local-openness"):
        raise Malformed("conditions belong to local-openness certificates, and only there")
    if not isinstance(top["verdict"], str):
        raise Malformed("verdict must be a string")
    steps = top["steps"]
    if not isinstance(steps, list) or len(steps) > MAX_STEPS:
        raise Malformed(f"steps must be a list of at most {MAX_STEPS} steps")
    env = Env()
    conclusion = _load_claim(env, top["kind"], top["claim"])
    if top["claim_sha256"] != claim_digest(top["claim"]):
        raise NotVerified("claim", "claim_sha256", claim_digest(top["claim"]), top["claim_sha256"])
    for position, step in enumerate(steps, start=1):
        _check_step(step, position)(env, step)
    conclusion(env, top["claim"], top)


def verify_text(text):
    verify_document(loads(text))


