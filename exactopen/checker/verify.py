"""Replay a certificate front to back and decide VERIFIED or not.

Acceptance condition (docs/certificate-format.md): the document is a
well-formed certificate, its data file (when the claim names one) has the
stated SHA-256, the planned work fits the budget, every step's rule accepts
it (each step citing only earlier steps), and the kind's conclusion derives
exactly the stated verdict (and conditions) from the facts.
"""

import hashlib

from . import arith, conclude, tensors
from .errors import Malformed, NotVerified, ResourceCap
from .jsonload import any_matrix, canonical, count, fields, matrix, shape
from .landscape import Network
from .plan import Plan, lcm_bits
from .rules import RULES, Env
from .spec import BUDGET, FORMAT, MAX_DIM, MAX_ENTRIES, MAX_STEPS, MAX_WIDTH, VERSIONS, claim_digest


class Claim:
    """Decodes the claim's matrices: inline, or named tensors of the data file."""

    def __init__(self, claim, data):
        self.data, self.index = None, None
        if "data" in claim:
            ref = fields(claim["data"], "claim.data", ("sha256", "bytes"))
            if data is None:
                raise Malformed(f"the claim refers to a data file of {ref['bytes']} bytes with "
                                f"SHA-256 {ref['sha256']}; give it (exactopen verify --data FILE)")
            found = hashlib.sha256(data).hexdigest()
            if found != ref["sha256"] or len(data) != ref["bytes"]:
                raise NotVerified("claim", "data", f"a data file with SHA-256 {ref['sha256']}", found)
            try:
                self.data, self.index = data, tensors.tensor_index(data)
            except tensors.TensorError as exc:
                raise Malformed(f"data file: {exc}") from None

    def matrix(self, obj, where, sparse=False):
        if not (isinstance(obj, dict) and "tensor" in obj):
            return any_matrix(obj, where) if sparse else matrix(obj, where)
        fields(obj, where, ("tensor", "shape", "transpose"))
        if self.index is None or not isinstance(obj["transpose"], bool) or \
                not isinstance(obj["tensor"], str):
            raise Malformed(f"{where}: a tensor reference needs claim.data, a tensor name and a "
                            "boolean transpose")
        shape(obj["shape"], where)  # integers, never booleans, within the caps
        try:
            m, n, rows, dens = tensors.matrix(self.data, self.index, obj["tensor"], obj["transpose"],
                                              MAX_DIM, MAX_ENTRIES)
        except tensors.TensorError as exc:
            raise Malformed(f"{where}: {exc}") from None
        if obj["shape"] != [m, n]:
            raise Malformed(f"{where}: tensor {obj['tensor']!r} is {m} x {n}, not {obj['shape']}")
        return canonical(m, n, rows, dens)


def _bits(mat):
    return max(arith.max_abs(mat.rows).bit_length(), max(mat.dens, default=1).bit_length())


def _words(mat):
    """Words of the entries, each row over its denominator, and all rows over one (as a right
    factor or transposed: the numerators times the lcm of the row denominators)."""
    return 1 + _bits(mat) // 64, 1 + (arith.max_abs(mat.rows).bit_length() + lcm_bits(mat.dens)) // 64


def _load_network(env, plan, source, obj):
    """Widths and layers; the data X, Y, weights (all three, or none for Lemma 7 alone)."""
    net = fields(obj, "claim.network", ("widths", "layers"), ("X", "Y", "weights"))
    d = net["widths"]
    if not isinstance(d, list) or len(d) < 2:
        raise Malformed("claim.network.widths: expected at least two widths")
    d = [count(x, "claim.network.widths", 1) for x in d]
    if max(d) > MAX_WIDTH:
        raise ResourceCap(f"claim.network.widths: a width of {max(d)} exceeds the cap {MAX_WIDTH}")
    layers = net["layers"]
    if not isinstance(layers, list) or len(layers) != len(d) - 1:
        raise Malformed(f"claim.network.layers: expected {len(d) - 1} layers")
    for i, obj_i in enumerate(layers):
        w = source.matrix(obj_i, f"claim.network.layers[{i}]")
        if (w.m, w.n) != (d[i + 1], d[i]):
            raise Malformed(f"claim.network.layers[{i}]: expected {d[i + 1]} x {d[i]}")
        env.define(f"W{i + 1}", w, 0)
    data = [k for k in ("X", "Y", "weights") if k in net]
    if data and len(data) != 3:
        raise Malformed("claim.network: give X, Y and weights together, or none of them")
    if data:
        x, y, wt = (source.matrix(net[k], f"claim.network.{k}") for k in data)
        if x.m != d[0] or (y.m, y.n) != (d[-1], x.n) or (wt.m, wt.n) != (d[-1], x.n) or not x.n:
            raise Malformed("claim.network: X must be d0 x N, Y and weights d_h x N, N >= 1")
        if any(v <= 0 for row in wt.rows for v in row):
            raise Malformed("claim.network.weights: weights must be positive")
        env.define("X", x, 0)
        env.define("Y", y, 0)
        env.network = Network(d, x.fractions(), y.fractions(), wt.fractions())
    else:
        env.network = Network(d, None, None, None)
    env.define("W", [env.matrices[f"W{i + 1}"].fractions() for i in range(len(d) - 1)], 0, points=True)
    bits = max(_bits(mat) for mat in env.matrices.values())
    plan.network = (d, env.network.samples, bits)
    plan.points.add("W")


def _load_claim(env, plan, kind, claim, data):
    conclusion, required, optional = conclude.KINDS[kind]
    fields(claim, "claim", required, optional + ("data",))
    for key in ("setting", "lemma", "construction"):
        if key in claim and not isinstance(claim[key], str):
            raise Malformed(f"claim.{key} must be a string")
    if "properties" in claim and not (isinstance(claim["properties"], list) and
                                      all(isinstance(p, str) for p in claim["properties"])):
        raise Malformed("claim.properties must be a list of names")
    source = Claim(claim, data)
    if kind == "rank":
        env.define("A", source.matrix(claim["matrix"], "claim.matrix", sparse=True), 0)
        count(claim["rank"], "claim.rank", 0)
    elif kind == "local-openness":
        w1, w2 = source.matrix(claim["W1"], "claim.W1"), source.matrix(claim["W2"], "claim.W2")
        if w1.n != w2.m:
            raise Malformed(f"claim: W1 is {w1.m} x {w1.n} but W2 is {w2.m} x {w2.n}")
        env.define("W1", w1, 0)
        env.define("W2", w2, 0)
    else:
        _load_network(env, plan, source, claim["network"])
    for name, mat in env.matrices.items():
        words, wide = _words(mat)
        plan.define(name, (mat.m, mat.n, words, 1.0, wide))
    return conclusion


def _check_step(step, position):
    """The step's id, citations, rule and fields: everything but its arithmetic."""
    if not isinstance(step, dict):
        raise Malformed(f"step {position}: expected an object")
    if type(step.get("id")) is not int or step["id"] != position:
        raise Malformed(f"step {position}: id must be {position}")
    uses = step.get("uses")
    if not isinstance(uses, list) or any(type(u) is not int for u in uses):
        raise Malformed(f"step {position}: uses must be a list of step ids")
    if any(not 1 <= u < position for u in uses) or sorted(set(uses)) != uses:
        raise Malformed(f"step {position}: uses must cite earlier steps, ascending, once each")
    rule = RULES.get(step.get("rule")) if isinstance(step.get("rule"), str) else None
    if rule is None:
        retired = step.get("rule") in ("lift", "negative-curvature")  # version 1 rules
        raise Malformed(f"step {position}: {'retired' if retired else 'unknown'} rule "
                        f"{step.get('rule')!r}" + (" (make the certificate anew)" if retired else ""))
    fields(step, f"step {position}", ("id", "rule", "uses") + rule.required, rule.optional)
    for key, kind in FIELD_TYPES.items():
        if key in step and not isinstance(step[key], kind):
            raise Malformed(f"step {position}: {key} must be a {kind.__name__}")
    return rule


#: The JSON type of every step field that names or lists (the rules decode the rest).
FIELD_TYPES = {"matrix": str, "name": str, "point": str, "rows": list, "cols": list,
               "factors": list, "terms": list, "layers": list, "direction": list, "curve": list,
               "coefficients": list, "diagonal": list}


def verify_document(doc, data=None, accel=None, budget=BUDGET):
    """Verify a parsed certificate; raise a :class:`CheckerError` subclass if it fails.

    ``data`` is the content of the data file the claim names (bytes), if any;
    ``accel`` an optional accelerator (see :mod:`.arith`); ``budget`` the work
    budget in cost units (see :mod:`.plan`).
    """
    top = fields(doc, "certificate",
                 ("format", "version", "kind", "claim", "claim_sha256", "verdict", "steps"),
                 ("conditions",))
    if top["format"] != FORMAT:
        raise Malformed(f"format must be {FORMAT!r}")
    if top["version"] not in VERSIONS or type(top["version"]) is not int:
        raise Malformed(f"unknown version {top['version']!r}; this checker reads versions "
                        f"{', '.join(map(str, VERSIONS))}")
    if not isinstance(top["kind"], str) or top["kind"] not in conclude.KINDS:
        raise Malformed(f"unknown kind {top['kind']!r}")
    if top["version"] == 1 and top["kind"] == "network-critical-point":
        raise Malformed("version-1 network-critical-point certificates are no longer read (their "
                        "verdict was not bound to the point's degeneracy); make a new one with "
                        "exactopen classify")
    if ("conditions" in top) != (top["kind"] == "local-openness"):
        raise Malformed("conditions belong to local-openness certificates, and only there")
    if not isinstance(top["verdict"], str) or not isinstance(top["claim_sha256"], str):
        raise Malformed("verdict and claim_sha256 must be strings")
    steps = top["steps"]
    if not isinstance(steps, list):
        raise Malformed("steps must be a list")
    if len(steps) > MAX_STEPS:
        raise ResourceCap(f"{len(steps)} steps exceed the cap of {MAX_STEPS}")
    env, plan = Env(accel), Plan(budget)
    conclusion = _load_claim(env, plan, top["kind"], top["claim"], data)
    if top["claim_sha256"] != claim_digest(top["claim"]):
        raise NotVerified("claim", "claim_sha256", claim_digest(top["claim"]), top["claim_sha256"])
    rules = [_check_step(step, position) for position, step in enumerate(steps, start=1)]
    for rule, step in zip(rules, steps):
        rule.cost(plan, step, f"step {step['id']}")
    for rule, step in zip(rules, steps):
        rule.check(env, step)
    conclusion(env, top["claim"], top)
