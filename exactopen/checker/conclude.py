"""From verified facts to the verdict: one function per certificate kind.

Each function reads the claim, decides which facts the theorem needs, and
compares the verdict (and, for local openness, each condition) the
certificate states with what follows from the facts.  The theorems are the
paper's (Theorem 2, Lemmas 3 and 7), Behrends' Theorem 2.5 and elementary
facts, each stated in ``docs/certificate-format.md`` section 5.
"""

from math import gcd

from .errors import Malformed, NotVerified
from .jsonload import fields, number
from .rules import Product


def _need(ok, what, expected, found="missing"):
    if not ok:
        raise NotVerified("conclusion", what, expected, found)


def _rank(env, name):
    _need(name in env.rank, "rank", f"a rank step for {name}")
    return env.rank[name]


def _witness(env, name, shape):
    _need(name in env.matrices and env.defined_by.get(name), "witness", f"a step defining {name}")
    mat = env.matrices[name]
    _need((mat.m, mat.n) == shape, "witness", f"{name} of shape {shape}", f"{(mat.m, mat.n)}")


def _primitive_vector(env, name):
    """Intersection vectors are canonical up to scale: coprime integers, first non-zero > 0."""
    mat = env.matrices[name]
    entries = [x for row in mat.rows for x in row]
    g = 0
    for x in entries:
        g = gcd(g, x)
    _need(g == 1 and set(mat.dens) == {1} and next(x for x in entries if x) > 0, "witness",
          f"{name} a primitive integer vector, first non-zero entry positive", entries)


def _vanishes(env, left, right):
    """``left * right = 0`` as a fact, directly or through a factored witness.

    A witness defined as a product ``F1*...*Fj`` times ``right`` vanishes when
    ``Fi*...*Fj*right`` does; dually on the left.
    """
    if f"{left}*{right}" in env.zero:
        return True
    for name, other, on_left in ((left, right, True), (right, left, False)):
        parts = name.split("*") if isinstance(env.matrices.get(name), Product) else []
        for i in range(1, len(parts)):
            piece = parts[i:] + [other] if on_left else [other] + parts[:i]
            if "*".join(piece) in env.zero:
                return True
    return False


def _perturbation(env, prefix, shape, base, other, size, left):
    """(i)/(ii) or (A)/(B): the factor itself (T = 0), or a witness T (a matrix ``T1``, or a
    product ``T1L*T1R``) with the product T W2 (W1 T) zero and ``base + T`` of rank >= size."""
    if env.lower.get(base, 0) >= size:
        return
    t = prefix if prefix in env.matrices else f"{prefix}L*{prefix}R"
    _witness(env, t, shape)
    _need(_vanishes(env, t, other) if left else _vanishes(env, other, t), "zero",
          f"{t} {other} = 0" if left else f"{other} {t} = 0")
    _need(env.lower.get(f"{base}+{t}", 0) >= size, "minor", f"rank({base}+{t}) >= {size}",
          env.lower.get(f"{base}+{t}", "no minor"))


def openness(env, claim, cert):
    """Theorem 2 (k < min(m, n)) or Behrends' case (k >= min(m, n))."""
    w1, w2 = env.matrices["W1"], env.matrices["W2"]
    m, k, n = w1.m, w1.n, w2.n
    r1, r2, r12 = _rank(env, "W1"), _rank(env, "W2"), _rank(env, "W1*W2")
    if k < min(m, n):
        expected = {"i": r12 == r2, "ii": r12 == r1, "iii": r12 == r2, "iv": r12 == r1,
                    "v": r1 == r2 == r12}
        setting, open_ = "theorem-2", expected["v"]
    else:
        expected = {"A": m + r2 <= k + r12, "B": n + r1 <= k + r12}
        setting, open_ = "behrends", expected["A"] or expected["B"]
    _need(claim["setting"] == setting, "setting", setting, claim["setting"])
    stated = fields(cert["conditions"], "conditions", tuple(expected))
    for key, value in expected.items():
        if not isinstance(stated[key], bool):
            raise Malformed(f"conditions.{key} must be true or false")
        _need(stated[key] == value, f"condition ({key})", value, stated[key])
    verdict = "locally-open" if open_ else "not-locally-open"
    _need(cert["verdict"] == verdict, "verdict", verdict, cert["verdict"])
    size1, size2, cond1, cond2 = (k, k, "i", "ii") if setting == "theorem-2" else (m, n, "A", "B")
    if expected[cond1]:
        _perturbation(env, "T1", (m, k), "W1", "W2", size1, left=True)
    if expected[cond2]:
        _perturbation(env, "T2", (k, n), "W2", "W1", size2, left=False)
    if setting == "theorem-2" and not expected["iii"]:
        _witness(env, "u", (n, 1))
        _primitive_vector(env, "u")
        _need("W2*u" in env.nonzero and "W1*W2*u" in env.zero, "intersection vector",
              "W2 u != 0 and W1 W2 u = 0")
    if setting == "theorem-2" and not expected["iv"]:
        _witness(env, "y", (1, m))
        _primitive_vector(env, "y")
        _need("y*W1" in env.nonzero and "y*W1*W2" in env.zero, "intersection vector",
              "y W1 != 0 and y W1 W2 = 0")


def rank(env, claim, cert):
    _need(cert["verdict"] == "holds", "verdict", "holds", cert["verdict"])
    _need(_rank(env, "A") == claim["rank"], "rank", claim["rank"], env.rank.get("A"))


def _product_name(h):
    return "*".join(f"W{i}" for i in range(h, 0, -1))


#: Activations Lemma 3 admits: continuous and strictly monotone (a leaky ReLU needs slope > 0).
ACTIVATIONS = ("identity", "leaky-relu")


def network_openness(env, claim, cert):
    """Lemma 7 (non-degenerate product) or Lemma 3 (full-row-rank layers)."""
    d = env.network.widths
    h = len(d) - 1
    _need(cert["verdict"] == "locally-open", "verdict", "locally-open", cert["verdict"])
    if claim["lemma"] not in ("3", "7") or (claim["lemma"] == "7") == ("activation" in claim):
        raise Malformed('claim.lemma: expected "7" (no activation) or "3" with an activation')
    if claim["lemma"] == "7":
        name = _product_name(h)
        _need(env.lower.get(name, 0) >= min(d), "Lemma 7", f"rank({name}) >= {min(d)}",
              env.lower.get(name, "no minor"))
        return
    act = fields(claim["activation"], "claim.activation", ("name",), ("slope",))
    if act["name"] not in ACTIVATIONS or ("slope" in act) != (act["name"] == "leaky-relu"):
        raise Malformed("claim.activation: expected identity, or leaky-relu with a slope")
    if "slope" in act:
        _need(number(act["slope"], "claim.activation.slope") > 0, "Lemma 3",
              "a positive slope (strictly monotone)", act["slope"])
    samples = env.network.samples
    _need(samples is not None, "Lemma 3", "the data X in the claim (F_1 = sigma(W1 X))")
    _need(env.lower.get("X", 0) >= samples, "Lemma 3", f"X of full column rank {samples}")
    for i in range(1, h + 1):
        _need(env.lower.get(f"W{i}", 0) >= d[i], "Lemma 3", f"W{i} of full row rank {d[i]}",
              env.lower.get(f"W{i}", "no minor"))


def _better_point_exists(env):
    base = env.facts.get(("loss", "W"))
    return base is not None and any(key[0] == "loss" and key[1] != "W" and v < base
                                    for key, v in env.facts.items())


PROPERTIES = {
    "critical-point": lambda env: env.facts.get(("critical", "W")),
    "hessian-psd": lambda env: env.facts.get(("psd", "W")),
    "rank-deficient-target": lambda env: "Y" in env.rank
    and env.rank["Y"] < min(env.network.widths[0], env.network.widths[-1]),
    "not-global": _better_point_exists,
}


def _properties(env, claim):
    props = claim["properties"]
    if not isinstance(props, list) or any(p not in PROPERTIES for p in props) or \
            len(set(props)) != len(props):
        raise Malformed(f"claim.properties: expected distinct names from {sorted(PROPERTIES)}")
    for p in props:
        _need(PROPERTIES[p](env), "property", p)


#: classify's verdicts and the fact each needs ("descent" of order 2: a second-order saddle).
VERDICTS = {"global-minimum": ("global", bool), "local-minimum": ("strict-chart-minimum", bool),
            "second-order-saddle": ("descent", lambda v: v == 2),
            "not-a-local-minimum": ("descent", bool), "critical-point": ("critical", bool)}


def critical_point(env, claim, cert):
    """A critical point, degenerate or not (a rank bound of the product), and what is known of it:
    a global minimum, a local minimum, a second-order saddle, not a local minimum, or only that."""
    d = env.network.widths
    _need(env.facts.get(("critical", "W")), "critical point", "a critical-point step for W")
    name, degeneracy = _product_name(len(d) - 1), claim["degeneracy"]
    if degeneracy not in ("degenerate", "non-degenerate") or cert["verdict"] not in VERDICTS:
        raise Malformed(f"expected degeneracy (non-)degenerate and a verdict from {list(VERDICTS)}")
    if degeneracy == "non-degenerate":
        _need(env.lower.get(name, 0) >= min(d), degeneracy, f"rank({name}) >= {min(d)}")
    else:
        _need(env.upper.get(name, min(d)) < min(d), degeneracy, f"rank({name}) < {min(d)}")
    fact, holds = VERDICTS[cert["verdict"]]
    _need(holds(env.facts.get((fact, "W"))), cert["verdict"], f"a {fact} fact for W",
          env.facts.get((fact, "W"), "missing"))


#: Construction labels and the only verdict each may carry: the paper's Theorem 8
#: construction is certified refuted, never a local minimum.
CONSTRUCTIONS = {"theorem-8-paper": "network-not-local-minimum",
                 "weighted-bottleneck": "network-local-minimum"}


def _eye(m, n):
    return [[int(i == j) for j in range(n)] for i in range(m)]


def _construction(env, claim, kind):
    """The label names a kind, and what it says of the network holds: the paper's construction
    is its point for these widths and some valid p1 (docs/theorem8.md); the weighted one needs a
    bottleneck."""
    label, d, net = claim["construction"], env.network.widths, env.network
    _need(CONSTRUCTIONS.get(label) == kind, "construction",
          f"one of {[c for c, k in CONSTRUCTIONS.items() if k == kind]}", label)
    if label == "theorem-8-paper":
        h, layers = len(d) - 1, env.points["W"]
        other = [i for i, w in enumerate(layers) if w != _eye(d[i + 1], d[i])]  # one: p1's
        p = other[0] if len(other) == 1 else 0
        valid = 1 <= p < h and not any(map(any, layers[p])) and d[0] > d[p] and \
            any(d[-1] > d[b] for b in range(p + 1, h))
        y = [[int((i, j) == (d[-1] - 1, d[0] - 1)) for j in range(d[0])] for i in range(d[-1])]
        _need(valid and net.X == _eye(d[0], d[0]) and net.Y == y and net.w == [[1] * d[0]] * d[-1],
              label, "the paper's point for these widths: X = I, Y = e_dh e_d0^T, weights 1, "
              "layer p1 + 1 zero for a valid p1, the others top-left identities", "another network")
    else:
        _need(min(d[1:-1], default=min(d)) < min(d[0], d[-1]), label,
              "a bottleneck: a hidden width below min(d_0, d_h)", d)


def not_local_minimum(env, claim, cert):
    _construction(env, claim, "network-not-local-minimum")
    _properties(env, claim)
    _need(cert["verdict"] == "not-a-local-minimum", "verdict", "not-a-local-minimum", cert["verdict"])
    _need(env.facts.get(("descent", "W")), "descent curve", "a descent-curve step for W")


def local_minimum(env, claim, cert):
    _construction(env, claim, "network-local-minimum")
    _properties(env, claim)
    _need(env.facts.get(("strict-chart-minimum", "W")), "local minimum", "a chart-minimum step for W")
    verdict = "non-global-local-minimum" if _better_point_exists(env) else "local-minimum"
    _need(cert["verdict"] == verdict, "verdict", verdict, cert["verdict"])


KINDS = {
    "rank": (rank, ("matrix", "rank"), ()),
    "local-openness": (openness, ("W1", "W2", "setting"), ()),
    "network-local-openness": (network_openness, ("network", "lemma"), ("activation",)),
    "network-critical-point": (critical_point, ("network", "degeneracy"), ()),
    "network-not-local-minimum": (not_local_minimum, ("network", "construction", "properties"), ()),
    "network-local-minimum": (local_minimum, ("network", "construction", "properties"), ()),
}
