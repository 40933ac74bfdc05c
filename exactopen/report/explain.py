"""Certificates as proofs a person can read: the document that Markdown and HTML render.

:func:`explain` first has the independent checker verify the certificate,
then builds a small document that states the claim, the theorem used (with
this certificate's numbers filled in), every verified fact, and why the
verdict follows.  Each fact is its rule's description from the checker's
rule table (:data:`exactopen.checker.rules.RULES`) with the step's fields
filled in, followed by values the report computes for the reader when they
are small (a product, a minor and its determinant, a kernel, a Hessian, a
curve): see :mod:`.values`.  Large matrices are summarised by their size and
a SHA-256 digest of their canonical JSON.

A document is a list of blocks:

* ``("h1", text)``, ``("h2", text)``, ``("p", text)``, ``("ul", [text, ...])``;
* ``("display", [item, ...])``: displayed mathematics, one line of items
  ``(label, value, note)`` read as "label = value note", where ``value`` is
  ``("mat", rows, (m, n))`` (entries are number strings, or tuples of
  coefficient strings for polynomials in t), ``("summary", text)``, or
  ``("tuple", [value, ...])`` (the layers of a network point).

Text is plain, with ASCII mathematics (``t^4``, ``W1``, ``c_k``, ``>=``);
:mod:`.typeset` turns it into typeset HTML, :mod:`.markdown` keeps it.
"""

from __future__ import annotations

import hashlib
import json
from fractions import Fraction

from ..checker import check_text
from ..checker.rules import RULES
from ..checker.spec import BUDGET
from ..errors import ExactOpenError
from . import values as V
from .text import format_polynomial

#: Matrices with more entries than this, or more rows or columns than MAX_SIDE, are
#: summarised, not typeset.
MAX_TYPESET = 64
MAX_SIDE = 16


def _typeset(m: int, n: int) -> bool:
    return m * n <= MAX_TYPESET and m <= MAX_SIDE and n <= MAX_SIDE


class NotExplainable(ExactOpenError):
    """The certificate did not verify; there is no proof to explain.  ``exit_code`` is the
    checker's (1 rejected, 2 malformed, 3 resource cap or work budget)."""

    def __init__(self, message: str, exit_code: int = 1):
        super().__init__(message)
        self.exit_code = exit_code


# -- names and values -----------------------------------------------------------------

def show(name: str) -> str:
    """A matrix name of the certificate as it reads in a formula: ``W1*W2`` -> ``W1 W2``."""
    return name.replace("*", " ").replace("+", " + ")


def _operand(name: str) -> str:
    """The checker's name of a factor in a product (sums are parenthesised)."""
    return f"({name})" if "+" in name else name


def _indices(indices) -> str:
    """0-based indices as a 1-based set, runs of four or more shortened: ``{1, ..., 9, 12}``."""
    if not indices:
        return "∅"
    parts, run = [], [indices[0]]
    for i in list(indices[1:]) + [None]:
        if i is not None and i == run[-1] + 1:
            run.append(i)
            continue
        parts += ([f"{run[0] + 1}, ..., {run[-1] + 1}"] if len(run) >= 4
                  else [str(j + 1) for j in run])
        run = [i]
    return "{" + ", ".join(parts) + "}"


def _mat(rows, shape):
    """A display value for rows of Fractions or strings, or a summary when large."""
    m, n = shape
    if rows is None:
        return None
    if not _typeset(m, n):
        digest = hashlib.sha256(json.dumps(V.strings(rows)).encode()).hexdigest()[:16]
        return ("summary", f"a {m} x {n} matrix (SHA-256 of its entries {digest}...), not typeset")
    return ("mat", [[x if isinstance(x, (str, tuple)) else V.text(x) for x in r] for r in rows],
            (m, n))


def _certificate_matrix(obj):
    """A matrix of the certificate as a display value (tensors and large ones summarised)."""
    m, n = obj["shape"]
    if "tensor" in obj:
        side = ", transposed" if obj.get("transpose") else ""
        return ("summary", f"the tensor {obj['tensor']!r} of the data file ({m} x {n}{side})")
    if not _typeset(m, n):
        digest = hashlib.sha256(json.dumps(obj, sort_keys=True).encode()).hexdigest()[:16]
        return ("summary", f"a {m} x {n} matrix (SHA-256 {digest}...), not typeset")
    return ("mat", V.dense(obj), (m, n))


class Known:
    """The matrices and network points of the certificate, as Fractions where small."""

    def __init__(self):
        self.matrices = {}   # name -> (rows of Fractions or None, (m, n))
        self.points = {}     # name -> [(rows or None, (m, n)), ...]
        self.shown = set()   # names whose value the proof already displays
        self.basis = {}      # name -> (rows, cols) of its rank step's minor, in its orientation

    def add(self, name, obj):
        self.matrices[name] = (V.fractions(obj), tuple(obj["shape"]))

    def get(self, name):
        return self.matrices.get(name, (None, None))

    def product(self, point):
        """``W_h ... W_1`` of a point, or ``(None, shape)``."""
        layers = self.points.get(point)
        if not layers:
            return None, None
        return V.chain(list(reversed(layers)))


class _Values(dict):
    """A step's fields as text for a rule's description; what is missing reads "?"."""

    def __missing__(self, key):
        return "?"


def _minor_text(step, integral: bool) -> str:
    """How a minor's evidence reads (the checker scales each row to integers first)."""
    scaled = "" if integral else " (each row scaled to integers)"
    if "det_residue" not in step:
        return f"an inverse of it{scaled} modulo 2^61 - 1 is given"
    if step["det_residue"] == "0":
        return f"its determinant{scaled} is 0 modulo 2^61 - 1 but not 0 exactly"
    return f"its determinant{scaled} is {step['det_residue']} modulo 2^61 - 1"


def _values(step, known=None) -> _Values:
    """The fields a rule's description names, as text; ``known`` tells whether a matrix has
    integer entries (then a minor's residue is of the minor itself)."""
    rows = known.get(step["matrix"])[0] if known and isinstance(step.get("matrix"), str) else None
    integral = rows is not None and all(x.denominator == 1 for r in rows for x in r)
    out = _Values({k: v for k, v in step.items() if isinstance(v, (str, int))})
    derived = {
        "matrix": lambda: show(step["matrix"]),
        "rows": lambda: _indices(step["rows"]), "cols": lambda: _indices(step["cols"]),
        "size": lambda: len(step["rows"]), "cover": lambda: len(step["rows"]) + len(step["cols"]),
        "factors": lambda: " ".join(show(f) for f in step["factors"]),
        "terms": lambda: " + ".join(show(t) for t in step["terms"]),
        "product": lambda: " ".join(show(f) for f in step["factors"]),
        "side": lambda: " (the evidence is for the transpose)" if step["transposed"] else "",
        "minor": lambda: _minor_text(step, integral),
        "nullity": lambda: step["kernel"]["pivot_part"]["shape"][1],
        "diagonal": lambda: ", ".join(step["diagonal"]),
        "polynomial": lambda: format_polynomial(step["coefficients"]),
    }
    for key, make in derived.items():
        try:
            out[key] = make()
        except (KeyError, TypeError, IndexError, AttributeError):
            pass
    return out


# -- what each rule's step shows besides its sentence ------------------------------

def _product(step, known):
    names = step["factors"]
    name = "*".join(_operand(n) for n in names)
    factors = [known.get(n) for n in names]
    if any(shape is None for _, shape in factors):
        return []
    rows, shape = V.chain(factors)
    known.matrices[name] = (rows, shape)
    value = _mat(rows, shape)
    if value:
        known.shown.add(name)
    return [("display", [(show(name), value, "computed here")])] if value else []


def _sum(step, known):
    a, b = (known.get(n) for n in step["terms"])
    name = "+".join(step["terms"])
    if a[1] is None:
        return []
    rows = V.add(a[0], b[0]) if a[0] is not None and b[0] is not None else None
    known.matrices[name] = (rows, a[1])
    value = _mat(rows, a[1])
    return [("display", [(show(name), value, "computed here")])] if value else []


def _matrix(step, known):
    known.add(step["name"], step["value"])
    return [("display", [(step["name"], _certificate_matrix(step["value"]), "")])]


def _nonzero(step, known):
    rows, shape = known.get(step["matrix"])
    value = _mat(rows, shape) if shape and step["matrix"] not in known.shown else None
    return [("display", [(show(step["matrix"]), value, "computed here")])] if value else []


def _minor_item(label, rows, r, c):
    """``label[I, J] = block, det = ...`` for a small minor of known rows."""
    if rows is None or not _typeset(len(r), len(c)) or not r:
        return None
    block = V.take(rows, r, c)
    return (f"{label}[{_indices(r)}, {_indices(c)}]", _mat(block, (len(r), len(c))),
            f"determinant {V.text(V.det(block))}, computed here")


def _bracketed(name):
    text = show(name)
    return f"({text})" if " " in text else text


def _minor(step, known):
    rows, _ = known.get(step["matrix"])
    item = _minor_item(_bracketed(step["matrix"]), rows, step["rows"], step["cols"])
    return [("display", [item])] if item else []


def _rank(step, known):
    name, rows, cols = step["matrix"], step["rows"], step["cols"]
    known.basis[name] = (cols, rows) if step["transposed"] else (rows, cols)
    a, shape = known.get(name)
    if shape is None:
        return []
    m, n = shape
    if step["transposed"]:
        a = V.transpose(a, n) if a is not None else None
        m, n = n, m
        label, what = f"{_bracketed(name)}^T", f"the transpose {_bracketed(name)}^T"
    else:
        label, what = _bracketed(name), show(name)
    nullity = n - len(cols)
    if nullity == 0:
        kernel = f"K has no columns (n - r = {n} - {len(cols)} = 0)"
    elif _typeset(n, nullity):
        kernel = f"K ({n} x {nullity}) is the kernel matrix below"
    else:
        kernel = f"K is {n} x {nullity}, too large to typeset"
    here = "" if what == "A" else f"A is {what} ({m} x {n}); "
    blocks = [("p", f"Here {here}{kernel}.")]
    items = [_minor_item(label, a, rows, cols)]
    if nullity and _typeset(n, nullity):
        kern = step["kernel"]
        k = V.kernel(n, cols, V.dense(kern["pivot_part"]), kern["denominator"])
        items.append(("K", _mat(k, (n, nullity)), ""))
    items = [i for i in items if i]
    return blocks + ([("display", items)] if items else [])


def _core(step, known):
    """``core(A*B) = A[I, :] B[:, J]`` from the minors of the rank steps of A and B."""
    a, b = step["factors"]
    (ra, sa), (rb, sb) = known.get(a), known.get(b)
    if sa is None or sb is None or a not in known.basis or b not in known.basis:
        return []
    rows, cols = known.basis[a][0], known.basis[b][1]
    left = (V.take(ra, rows, range(sa[1])) if ra is not None else None, (len(rows), sa[1]))
    right = (V.take(rb, range(sb[0]), cols) if rb is not None else None, (sb[0], len(cols)))
    value, shape = V.chain([left, right])
    name = f"core({_operand(a)}*{_operand(b)})"
    known.matrices[name] = (value, shape)
    shown = _mat(value, shape)
    label = f"{show(name)} = {_bracketed(a)}[{_indices(rows)}, :] {_bracketed(b)}[:, {_indices(cols)}]"
    return [("display", [(label, shown, "computed here")])] if shown else []


def _layers_value(layers):
    return ("tuple", [_certificate_matrix(obj) for obj in layers])


def _point(step, known):
    known.points[step["name"]] = [(V.fractions(o), tuple(o["shape"])) for o in step["layers"]]
    return [("display", [(step["name"], _layers_value(step["layers"]), "")])]


def _product_item(point, known, label="Z"):
    rows, shape = known.product(point)
    h = len(known.points.get(point, []))
    value = _mat(rows, shape) if shape else None
    factors = _product_of(h) if point == "W" else f"the product of {point}"
    return (f"{label} = {factors}", value, "computed here") if value else None


def _stationary_loss(step, known):
    item = _product_item(step["point"], known)
    return [("display", [item])] if item else []


def _hessian(step, label, size):
    if not _typeset(size, size):
        return None
    lower = [[Fraction(x) for x in r] for r in V.dense(step["lower"])]
    return (label, _mat(V.ldl(lower, step["diagonal"]), (size, size)), "computed here")


def _hessian_psd(step, known):
    size = step["lower"]["shape"][0]
    item = _hessian(step, f"Hessian of L at {step['point']} = L D L^T", size)
    return [("display", [item])] if item else []


def _descent_curve(step, known):
    """The coefficients C_j, the curve W(t) as matrices of polynomials when small, and the
    arithmetic that bounds the tail of the polynomial."""
    blocks = [("display", [(f"C{j + 1}", _layers_value(c), "")
                           for j, c in enumerate(step["curve"])])]
    layers = known.points.get(step["point"]) or []
    coeff = [[V.fractions(obj) for obj in point] for point in step["curve"]]
    small = all(_typeset(*shape) for _, shape in layers)
    if layers and small and all(x is not None for x in [r for r, _ in layers] + sum(coeff, [])):
        items = []
        for i, (rows, shape) in enumerate(layers):
            curve = V.curve(rows, [c[i] for c in coeff])
            name = (f"W{i + 1}(t)" if step["point"] == "W"
                    else f"{step['point']}, layer {i + 1}, at t")
            items.append((name, _mat(curve, shape), ""))
        blocks.append(("p", f"So the curve is, computed here from {step['point']} and the C_j:"))
        blocks.append(("display", items))
    c = [Fraction(x) for x in step["coefficients"]]
    k, t0 = step["order"], Fraction(step["t0"])
    tail = [(j, abs(x)) for j, x in enumerate(c) if j > k and x]
    total = sum((x for _, x in tail), Fraction(0))
    terms = " + ".join(V.text(x) for _, x in tail) or "0"
    blocks.append(("p", f"Computed here: t0 * sum_(j>{k}) |c_j| = {V.text(t0)} * "
                        f"({terms}) = {V.text(t0 * total)} <= {V.text(abs(c[k]) / 2)} = "
                        f"|c_{k}| / 2."))
    return blocks


def _chart_minimum(step, known):
    point = step["point"]
    layers = known.points.get(point, [])
    r = min(min(shape) for _, shape in layers) if layers else "?"
    size = step["lower"]["shape"][0]
    blocks = [("p", f"Here min width r = {r}; the chart has {size} parameters (the entries of "
                    "Z' in rows I or columns J).")]
    items = [_product_item(point, known)]
    z, shape = known.product(point)
    if z is not None:
        items.append(_minor_item("Z", z, step["rows"], step["cols"]))
    items.append((f"Z[{_indices(step['rows'])}, {_indices(step['cols'])}]^-1",
                  _certificate_matrix(step["inverse"]), "given"))
    items.append(_hessian(step, "chart Hessian = L D L^T", size))
    items = [i for i in items if i]
    return blocks + ([("display", items)] if items else [])


_EXTRAS = {
    "matrix": _matrix, "product": _product, "sum": _sum, "minor": _minor, "rank": _rank,
    "core": _core,
    "nonzero": _nonzero, "point": _point,
    "stationary-loss": _stationary_loss, "hessian-psd": _hessian_psd,
    "descent-curve": _descent_curve, "chart-minimum": _chart_minimum,
}


def _step_blocks(step, known) -> list:
    """A step as a sentence from its rule's description, then what it shows."""
    rule = RULES.get(step.get("rule"))
    head = f"Step {step.get('id', '?')} ({step.get('rule')})"
    uses = step.get("uses") or []
    cites = f" Uses step{'s' if len(uses) > 1 else ''} {', '.join(map(str, uses))}." if uses else ""
    text = (rule.text.format_map(_values(step, known)).rstrip(".") if rule
            else "a rule this checker does not know")
    blocks = [("p", f"{head}: {text}.{cites}")]
    extra = _EXTRAS.get(step.get("rule"))
    return blocks + (extra(step, known) if extra else [])


# -- claim, theorem, conclusion ----------------------------------------------------------

def _seq(prefix: str, first: int, last: int, sep: str = ", ") -> str:
    """``W1, W2, W3`` or, for long runs, ``W1, ..., W9``; descending when ``first > last``."""
    step = 1 if last >= first else -1
    names = [f"{prefix}{i}" for i in range(first, last + step, step)]
    return sep.join(names) if len(names) <= 5 else f"{names[0]}{sep}...{sep}{names[-1]}"


def _product_of(h: int, prime: str = "") -> str:
    """``W3 W2 W1`` (``W'3 W'2 W'1`` with a prime): the product of a network's layers."""
    return _seq(f"W{prime}", h, 1, " ")


def _loss_text(d) -> str:
    h = len(d) - 1
    product = _product_of(h)
    return (f"L(W) = l({product}) with l(Z) = 1/2 Σ_ij w_ij ((Z X - Y)_ij)², for the data X "
            "and Y and the weights w below")


#: What a network verdict says about the point W.
VERDICTS = {"not-a-local-minimum": "is not a local minimum",
            "non-global-local-minimum": "is a local minimum that is not global",
            "local-minimum": "is a local minimum", "global-minimum": "is a global minimum",
            "second-order-saddle": "is a critical point and a second-order saddle",
            "non-degenerate": "is a non-degenerate critical point",
            "critical-point": "is a critical point (no verdict beyond that is certified)"}


def _claim_blocks(doc, known) -> list:
    claim, kind, verdict = doc["claim"], doc["kind"], doc["verdict"].replace("-", " ")
    if kind == "rank":
        known.add("A", claim["matrix"])
        m, n = claim["matrix"]["shape"]
        return [("p", f"Claim: the {m} x {n} matrix A below has rank {claim['rank']}."),
                ("display", [("A", _certificate_matrix(claim["matrix"]), "")])]
    if kind == "local-openness":
        known.add("W1", claim["W1"])
        known.add("W2", claim["W2"])
        m, k = claim["W1"]["shape"]
        n = claim["W2"]["shape"][1]
        where = (f" in its range (the {m} x {n} matrices of rank <= k = {k})"
                 if claim["setting"] == "theorem-2" else "")
        return [("p", f"Claim: matrix multiplication (W1, W2) -> W1 W2, with W1 {m} x {k} and "
                      f"W2 {k} x {n}, is {verdict}{where} at the pair below."),
                ("display", [("W1", _certificate_matrix(claim["W1"]), ""),
                             ("W2", _certificate_matrix(claim["W2"]), "")])]
    net = claim["network"]
    d = net["widths"]
    h = len(d) - 1
    for i, w in enumerate(net["layers"]):
        known.add(f"W{i + 1}", w)
    known.points["W"] = [known.get(f"W{i + 1}") for i in range(h)]
    for key in ("X", "Y"):
        if key in net:
            known.add(key, net[key])
    point = f"W = ({_seq('W', 1, h)})"
    widths = f"widths ({_seq('d', 0, h)}) = ({', '.join(map(str, d))})"
    if kind == "network-local-openness":
        if claim["lemma"] == "7":
            text = (f"Claim: for the deep linear network with {widths}, the product map "
                    f"({_seq('W', 1, h)}) -> {_product_of(h)} is locally open at the point "
                    f"{point} below.")
        else:
            act = claim["activation"]
            name = ("the identity" if act["name"] == "identity"
                    else f"the leaky ReLU with slope {act['slope']}")
            text = (f"Claim: for the network with {widths} and activation {name}, the map "
                    f"F_{h} (the network's output on the data X) is locally open at the point "
                    f"{point} below.")
    else:
        text = (f"Claim about the deep linear network with {widths} and the loss "
                f"{_loss_text(d)}: the point {point} below {VERDICTS[doc['verdict']]}.")
    blocks = [("p", text)]
    if "construction" in claim:
        blocks.append(("p", f"Construction: {claim['construction']}."))
    if "degeneracy" in claim:
        blocks.append(("p", f"Degeneracy: W is {claim['degeneracy']} (rank of {_product_of(h)} "
                            f"against min_i d_i = {min(d)})."))
    if claim.get("properties"):
        blocks.append(("ul", [f"property claimed: {p}" for p in claim["properties"]]))
    blocks.append(("display", [(f"W{i + 1}", _certificate_matrix(w), "")
                               for i, w in enumerate(net["layers"])]))
    data = [(k if k != "weights" else "w", _certificate_matrix(net[k]), "")
            for k in ("X", "Y", "weights") if k in net]
    if data:
        blocks.append(("display", data))
    return blocks


def _theorem(doc) -> str:
    claim, kind = doc["claim"], doc["kind"]
    if kind == "rank":
        m, n = claim["matrix"]["shape"]
        r = claim["rank"]
        return ("Linear algebra: a non-zero r x r minor of A gives rank A >= r, and n - r "
                "linearly independent vectors K with A K = 0, for A with n columns, give "
                "rank A <= r (rank-nullity); the same holds for A^T, which has the rank of A. "
                f"Here r = {r} and A is {m} x {n}.")
    if kind == "local-openness":
        m, k = claim["W1"]["shape"]
        n = claim["W2"]["shape"][1]
        if claim["setting"] == "theorem-2":
            return (f"Theorem 2 of the paper: for k < min(m, n) (here k = {k} < {min(m, n)} = "
                    f"min({m}, {n})), multiplication is locally open in its range at (W1, W2) "
                    "if and only if rank W1 = rank W2 = rank W1 W2; conditions (i)-(v) are then "
                    "equivalent.")
        return (f"Behrends' Theorem 2.5 for k >= min(m, n) (here k = {k} >= {min(m, n)} = "
                f"min({m}, {n}); the range is every {m} x {n} matrix): multiplication is locally "
                f"open at (W1, W2) if and only if (A) m + r2 <= k + r12 or (B) n + r1 <= k + r12, "
                "with r1, r2, r12 the ranks of W1, W2, W1 W2.")
    d = claim["network"]["widths"]
    h, r = len(d) - 1, min(d)
    if kind == "network-local-openness":
        if claim["lemma"] == "7":
            return (f"Lemma 7 of the paper: if rank({_product_of(h)}) = min_i d_i (here {r}), the "
                    "product map is locally open at W.")
        return (f"Lemma 3 of the paper: with a continuous, strictly monotone activation, F_{h} "
                f"is locally open at W if every W_i has full row rank d_i and X has full column "
                f"rank (here ({_seq('d', 1, h)}) = ({', '.join(map(str, d[1:]))})).")
    if kind == "network-critical-point":
        return (f"A critical point (zero gradient) is degenerate when rank({_product_of(h)}) < "
                f"min_i d_i (here {r}), non-degenerate otherwise. Its verdict rests on one "
                "argument: grad l(Z) = 0, or the low-rank bound (a lower bound on l over all "
                "products, met at W), for a global minimum; a descent curve of order 2 (a "
                "negative Hessian eigenvalue, the paper's second-order saddle) or of higher "
                "order (not a local minimum); a positive definite chart Hessian (a local "
                "minimum); or none (the verdict critical-point: undecided).")
    if kind == "network-not-local-minimum":
        return ("A descent curve: if W(t) -> W as t -> 0 and L(W(t)) - L(W) < 0 for all small "
                "t > 0, then W is not a local minimum (this refutes the minimality the paper's "
                "Theorem 8 construction claims).")
    return (f"A strict local minimum of l at Z = {_product_of(h)} on the matrices of rank <= r, "
            f"with r = min_i d_i = {r}, shown in a chart by a zero gradient and a positive "
            "definite Hessian, makes W a local minimum of L: every point near W has a product "
            "of rank <= r near Z. W itself is not a strict local minimum: scaling one layer by "
            "c and the next by 1/c leaves L unchanged.")


def _facts(doc) -> dict:
    """Step ids by rule, and losses by point, for the conclusions."""
    out = {"losses": {}}
    for step in doc["steps"]:
        out.setdefault(step["rule"], []).append(step)
        if step["rule"] == "loss":
            out["losses"][step["point"]] = (step["value"], step["id"])
    return out


def _ids(steps) -> str:
    ids = [str(s["id"]) for s in steps]
    return f"step{'s' if len(ids) > 1 else ''} {', '.join(ids)}"


def _better(doc, facts) -> str:
    losses = facts["losses"]
    if "W" not in losses:
        return ""
    base, sid = losses["W"]
    for point, (value, other) in losses.items():
        if point != "W" and Fraction(value) < Fraction(base):
            return (f" W is not a global minimum: L({point}) = {value} < {base} = L(W) "
                    f"(steps {min(sid, other)} and {max(sid, other)}).")
    return ""


def _unperturbed(doc, r1, r2, size1, size2) -> str:
    """Why a true (i)/(A) or (ii)/(B) needs no perturbation: the factor has the rank already."""
    names = {s.get("name") for s in doc["steps"] if s["rule"] == "matrix"}
    first, second = ("i", "ii") if "i" in doc["conditions"] else ("A", "B")
    out = ""
    for cond, t, w, r, size in ((first, "T1", "W1", r1, size1), (second, "T2", "W2", r2, size2)):
        if doc["conditions"][cond] and not names & {t, f"{t}L"} and r == size:
            out += f" ({cond}) needs no perturbation: rank {w} = {size} already, so {t} = 0."
    return out


def _conclusion(doc) -> str:
    kind, verdict, claim = doc["kind"], doc["verdict"], doc["claim"]
    facts = _facts(doc)
    if kind == "local-openness":
        ranks = {}
        for step in facts.get("rank", []):
            ranks[step["matrix"]] = step["rank"]
        r1, r2 = ranks.get("W1", "?"), ranks.get("W2", "?")
        r12 = ranks.get("W1*W2", ranks.get("core(W1*W2)", "?"))  # version 1, version 2
        conds = ", ".join(f"({k}) {'true' if v else 'false'}" for k, v in doc["conditions"].items())
        m, k = claim["W1"]["shape"]
        n = claim["W2"]["shape"][1]
        given = (f"The verified ranks are r1 = rank W1 = {r1}, r2 = rank W2 = {r2}, "
                 f"r12 = rank W1 W2 = {r12}")
        if claim["setting"] == "theorem-2":
            rule = ("By Theorem 2 the map is locally open in its range exactly when "
                    "rank W1 = rank W2 = rank W1 W2; conditions (i) and (iii) hold exactly when "
                    "r12 = r2, (ii) and (iv) when r12 = r1.")
            witness = ""
            if facts.get("nonzero"):
                named = {s["matrix"] for s in facts["nonzero"]}
                if "W2*u" in named:
                    witness += (" The vector W2 u is non-zero and W1 (W2 u) = 0: a non-zero "
                                "vector of N(W1) ∩ C(W2), so (iii) fails.")
                if "y*W1" in named:
                    witness += (" The row y W1 is non-zero and (y W1) W2 = 0: a non-zero vector "
                                "of N(W2^T) ∩ C(W1^T) (transposed), so (iv) fails.")
            witness += _unperturbed(doc, r1, r2, k, k)
            return f"{rule} {given}; they give {conds}.{witness} Hence the verdict: {verdict}."
        a = f"(A) {m} + {r2} <= {k} + {r12}"
        b = f"(B) {n} + {r1} <= {k} + {r12}"
        return (f"In Behrends' case the map is locally open exactly when (A) m + r2 <= k + r12 "
                f"or (B) n + r1 <= k + r12. {given}, and m = {m}, k = {k}, n = {n}: {a} is "
                f"{'true' if doc['conditions']['A'] else 'false'}, {b} is "
                f"{'true' if doc['conditions']['B'] else 'false'}.{_unperturbed(doc, r1, r2, m, n)} "
                f"Hence the verdict: {verdict}.")
    if kind == "rank":
        r = claim["rank"]
        return (f"The steps above prove rank A >= {r} (a non-zero {r} x {r} minor) and rank A "
                f"<= {r}, so rank A = {r} as claimed; hence the verdict: {verdict}.")
    d = claim["network"]["widths"]
    h, r = len(d) - 1, min(d)
    if kind == "network-local-openness":
        if claim["lemma"] == "7":
            return (f"The minor proves rank({_product_of(h)}) >= {r} = min_i d_i, the largest rank "
                    f"possible, so W is non-degenerate and Lemma 7 applies; hence the verdict: "
                    f"{verdict}.")
        return (f"The minors prove that X has full column rank and every W_i full row rank d_i, "
                f"and the activation is continuous and strictly monotone, so Lemma 3 applies; "
                f"hence the verdict: {verdict}.")
    critical = facts.get("critical-point", [])
    at = f"W is a critical point ({_ids(critical)})" if critical else ""
    if kind == "network-critical-point":
        degenerate = doc["claim"].get("degeneracy", "")
        why = {"global-minimum": "no product of these layers has a smaller loss (step "
                                 f"{_ids(facts.get('stationary-loss', []) + facts.get('low-rank-bound', []))})"
                                 ", so W is a global minimum",
               "second-order-saddle": "along a descent curve of order 2 the loss falls like -t^2, "
                                      "so the Hessian has a negative eigenvalue: a second-order "
                                      "saddle",
               "not-a-local-minimum": "along a descent curve the loss falls for every small t > 0, "
                                      "so W is not a local minimum",
               "local-minimum": "the chart shows a strict local minimum of l at the product on "
                                "the low-rank matrices, so W is a local minimum of L",
               "critical-point": "no further verdict is claimed"}.get(doc["verdict"], "")
        return (f"{at}; it is {degenerate} (rank of the product against min_i d_i = {r}), and "
                f"{why}; hence the verdict: {verdict}.")
    if kind == "network-not-local-minimum":
        curve = facts["descent-curve"][0]
        props = []
        if "hessian-psd" in facts:
            props.append(f"its Hessian is positive semidefinite ({_ids(facts['hessian-psd'])}), so "
                         "no second-order test can see this")
        ranks = [s for s in facts.get("rank", []) if s["matrix"] == "Y"]
        if ranks:
            props.append(f"rank Y = {ranks[0]['rank']} < {min(d[0], d[-1])} = min(d0, d{h}) "
                         f"({_ids(ranks)})")
        extra = f" {at}; {'; '.join(props)}." if at else ""
        return (f"Along the curve of step {curve['id']}, W(0) = W and L(W(t)) < L(W) for "
                f"0 < t <= {curve['t0']}: every neighbourhood of W contains points of smaller "
                f"loss, so W is not a local minimum.{extra}{_better(doc, facts)} Hence the "
                f"verdict: {verdict}.")
    chart = facts["chart-minimum"][0]
    moved = _product_of(h, "'")
    return (f"By step {chart['id']}, Z = {_product_of(h)} is a strict local minimum of l on the "
            f"matrices of rank <= {r}. A point W' near W has a product {moved} of rank <= {r} "
            f"near Z, so L(W') = l({moved}) >= l(Z) = L(W): W is a local minimum of L."
            f"{_better(doc, facts)} Hence the verdict: {verdict}.")


def explain(text: str, accelerator=None, data=None, budget: int = BUDGET) -> list:
    """The document of a certificate; raises :class:`NotExplainable` unless it verifies.

    ``accelerator``, ``data`` and ``budget`` are handed to the checker (see
    :func:`exactopen.checker.check_text`).
    """
    code, message = check_text(text, accelerator, data, budget)
    if code:
        raise NotExplainable(message, code)
    doc = json.loads(text)
    known = Known()
    blocks = [("h1", f"Proof: {doc['kind'].replace('-', ' ')} ({doc['verdict']})"),
              ("p", "Verified by exactopen's independent checker (standard library only, exact "
                    f"integer arithmetic): {message}. Claim digest SHA-256 "
                    f"{doc['claim_sha256'][:16]}...")]
    blocks += [("h2", "Claim")] + _claim_blocks(doc, known)
    blocks += [("h2", "Theorem used"), ("p", _theorem(doc))]
    blocks += [("h2", "Verified facts")]
    for step in doc["steps"]:
        blocks += _step_blocks(step, known)
    blocks += [("h2", "Why the verdict follows"), ("p", _conclusion(doc))]
    return blocks
