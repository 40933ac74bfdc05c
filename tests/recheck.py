"""An independent re-check of certificates: plain Fractions and SymPy, nothing of exactopen.

The mutation tests use it: a mutated certificate that the checker accepts must be
shown right here, by other code.  Two questions:

* :func:`claim_holds`: is the certificate's claim, with its verdict (and
  conditions), true?  Decided from the claim; where the truth is an existence
  (a descent curve, a direction of negative curvature, a point of smaller loss,
  a chart), the certificate's own steps serve as candidates, each re-checked here.
* :func:`steps_hold`: is the fact every step states true?  (A checker that accepts
  a false step is wrong even when the conclusion happens to survive.)

Both return ``(ok, why)``.  Linear algebra is exact Fraction elimination;
network losses, gradients and Hessians are SymPy derivatives of the loss
written out from its definition, ``L(W) = 1/2 sum w_ij ((W_h ... W_1 X - Y)_ij)^2``.
"""

import json
from fractions import Fraction
from functools import lru_cache
from itertools import combinations

# -- matrices as lists of rows of Fractions ------------------------------------------------


def mat(obj):
    """A dense ({"shape", "rows"}) or sparse ({"shape", "nonzeros"}) matrix as Fraction rows."""
    m, n = obj["shape"]
    if "nonzeros" in obj:
        rows = [[Fraction(0)] * n for _ in range(m)]
        for i, j, v in obj["nonzeros"]:
            rows[i][j] = Fraction(v)
        return rows
    return [[Fraction(x) for x in row] for row in obj["rows"]]


def shape(a, n=None):
    return len(a), (len(a[0]) if a else n or 0)


def matmul(a, b, n=None):
    cols = list(zip(*b)) if b else [()] * (n or 0)
    return [[sum((x * y for x, y in zip(r, c)), Fraction(0)) for c in cols] for r in a]


def rank(a):
    rows = [list(r) for r in a]
    r, col = 0, 0
    width = len(rows[0]) if rows else 0
    while r < len(rows) and col < width:
        piv = next((i for i in range(r, len(rows)) if rows[i][col]), None)
        if piv is None:
            col += 1
            continue
        rows[r], rows[piv] = rows[piv], rows[r]
        for i in range(r + 1, len(rows)):
            if rows[i][col]:
                f = rows[i][col] / rows[r][col]
                rows[i] = [x - f * y for x, y in zip(rows[i], rows[r])]
        r, col = r + 1, col + 1
    return r


def is_zero(a):
    return not any(x for row in a for x in row)


def block(a, rows, cols):
    return [[a[i][j] for j in cols] for i in rows]


def _indices_ok(idx, bound):
    return all(type(i) is int and 0 <= i < bound for i in idx) and \
        all(x < y for x, y in zip(idx, idx[1:]))


def psd(h, strict=False):
    """Symmetric h positive semidefinite (definite with strict), by elimination."""
    a = [list(r) for r in h]
    n = len(a)
    if any(a[i][j] != a[j][i] for i in range(n) for j in range(n)):
        return False
    for k in range(n):
        p = a[k][k]
        if p < 0 or (strict and p == 0):
            return False
        if p == 0:
            if any(a[k][j] for j in range(k, n)):
                return False
            continue
        for i in range(k + 1, n):
            f = a[i][k] / p
            if f:
                a[i] = [x - f * y for x, y in zip(a[i], a[k])]
    return True


PRIME = (1 << 61) - 1


def _lcm(a, b):
    from math import gcd
    return a * b // gcd(a, b)


def scaled(a):
    """Each row multiplied by the least common multiple of its denominators (integers)."""
    out = []
    for row in a:
        den = 1
        for x in row:
            den = _lcm(den, x.denominator)
        out.append([int(x * den) for x in row])
    return out


def det(a):
    m, d = [[Fraction(x) for x in r] for r in a], Fraction(1)
    for c in range(len(m)):
        piv = next((i for i in range(c, len(m)) if m[i][c]), None)
        if piv is None:
            return Fraction(0)
        if piv != c:
            m[c], m[piv], d = m[piv], m[c], -d
        d *= m[c][c]
        for i in range(c + 1, len(m)):
            f = m[i][c] / m[c][c]
            m[i] = [x - f * y for x, y in zip(m[i], m[c])]
    return d


def minor_evidence(step, b, rows, cols):
    """det_residue or inverse of the row-scaled block b[rows, cols] (format, section 4)."""
    blk = scaled(block(b, rows, cols))
    if ("det_residue" in step) == ("inverse" in step):
        return "minor: det_residue or inverse, exactly one"
    if "det_residue" in step:
        stated, value = int(step["det_residue"]), int(det(blk))
        return None if 0 <= stated < PRIME and value % PRIME == stated and value else "minor: residue"
    inv = [[int(x) for x in row] for row in step["inverse"]["rows"]]
    if any(not 0 <= x < PRIME for row in inv for x in row) or len(inv) != len(blk):
        return "minor: inverse entries"
    prod = matmul(blk, inv, len(blk))
    ok = all((int(x) - (i == j)) % PRIME == 0 for i, row in enumerate(prod) for j, x in enumerate(row))
    return None if ok else "minor: not the inverse modulo p"


def kernel_evidence(step, b, cols):
    """K[J] = pivot_part, K[F] = d I; d > 0, gcd 1, RREF order, B K = 0."""
    from math import gcd
    n, r = shape(b)[1], len(cols)
    part = [[int(x) for x in row] for row in step["kernel"]["pivot_part"]["rows"]]
    d = int(step["kernel"]["denominator"])
    free = [j for j in range(n) if j not in cols]
    if len(part) != r or any(len(row) != len(free) for row in part):
        return "rank: kernel shape"
    g = d
    for row in part:
        for x in row:
            g = gcd(g, x)
    if d <= 0 or g != 1:
        return "rank: kernel not canonical"
    if any(part[a][f] for a, j in enumerate(cols) for f, g_ in enumerate(free) if j > g_):
        return "rank: pivots not in RREF order"
    k = [[Fraction(0)] * len(free) for _ in range(n)]
    for a, j in enumerate(cols):
        k[j] = [Fraction(x) for x in part[a]]
    for f, j in enumerate(free):
        k[j][f] = Fraction(d)
    return None if is_zero(matmul(b, k, len(free))) else "rank: B K != 0"


def ldl_evidence(step, h, positive):
    """h == L diag(D) L^T, L unit lower triangular, D >= 0 (> 0), zero below zero pivots."""
    low, diag = mat(step["lower"]), [Fraction(x) for x in step["diagonal"]]
    n = len(h)
    if shape(low) != (n, n) or len(diag) != n:
        return "ldl: sizes"
    if any(low[i][i] != 1 or any(low[i][j] for j in range(i + 1, n)) for i in range(n)):
        return "ldl: L not unit lower triangular"
    if any(x < 0 or (positive and x == 0) for x in diag):
        return "ldl: pivots"
    if any(x == 0 and any(low[i][j] for i in range(j + 1, n)) for j, x in enumerate(diag)):
        return "ldl: not canonical"
    ldl = [[sum((low[i][k] * diag[k] * low[j][k] for k in range(n)), Fraction(0)) for j in range(n)]
           for i in range(n)]
    return None if ldl == h else "ldl: L D L^T differs"


# -- networks (SymPy) -----------------------------------------------------------------------


def _sympy():
    import sympy
    return sympy


def _rational(x):
    return _sympy().Rational(x.numerator, x.denominator)


class Network:
    """Widths, data and the loss as a SymPy polynomial in the layers' entries."""

    def __init__(self, network):
        self.widths = network["widths"]
        self.layers = [mat(layer) for layer in network["layers"]]
        self.data = all(k in network for k in ("X", "Y", "weights"))
        if self.data:
            self.X, self.Y, self.w = (mat(network[k]) for k in ("X", "Y", "weights"))
        d = self.widths
        self.symbols = [[[_sympy().Symbol(f"w{k}_{i}_{j}") for j in range(d[k])]
                         for i in range(d[k + 1])] for k in range(len(d) - 1)]
        self.flat = [s for layer in self.symbols for row in layer for s in row]

    def product(self, layers):
        d = self.widths
        f = [[Fraction(int(i == j)) for j in range(d[0])] for i in range(d[0])]
        for layer in layers:
            f = matmul(layer, f, d[0])
        return f

    def loss(self, layers):
        z = matmul(self.product(layers), self.X)
        return sum((w * (x - y) ** 2 for wr, zr, yr in zip(self.w, z, self.Y)
                    for w, x, y in zip(wr, zr, yr)), Fraction(0)) / 2

    def loss_of(self, z):
        """The loss l(Z) of a product Z (Fractions, or SymPy expressions)."""
        zx = [[sum(a * _rational(b) for a, b in zip(row, col)) for col in zip(*self.X)] for row in z]
        return sum(_rational(w) * (x - _rational(y)) ** 2 for wr, zr, yr in zip(self.w, zx, self.Y)
                   for w, x, y in zip(wr, zr, yr)) / 2

    @property
    def expression(self):
        if not hasattr(self, "_expression"):
            sp = _sympy()
            f = sp.eye(self.widths[0])
            for layer in self.symbols:
                f = sp.Matrix(layer) * f
            self._expression = sp.expand(self.loss_of(f.tolist()))
        return self._expression

    def _at(self, layers):
        return {s: _rational(x) for s, x in zip(self.flat, [x for l in layers for r in l for x in r])}

    @property
    def first(self):
        if not hasattr(self, "_first"):
            poly = _sympy().Poly(self.expression, *self.flat)
            self._first = [poly.diff(s) for s in self.flat]
        return self._first

    @property
    def second(self):
        if not hasattr(self, "_second"):
            self._second = [[g.diff(s) for s in self.flat] for g in self.first]
        return self._second

    def gradient(self, layers):
        at = self._at(layers)
        return [Fraction(str(g.as_expr().xreplace(at))) for g in self.first]

    def hessian(self, layers):
        at = self._at(layers)
        return [[Fraction(str(h.as_expr().xreplace(at))) for h in row] for row in self.second]

    def curve_polynomial(self, layers, curve):
        """Coefficients of L(W + sum_j C_j t^j) - L(W), lowest first, trailing zeros dropped."""
        sp = _sympy()
        t = sp.Symbol("t")
        f = sp.eye(self.widths[0])
        for k, base in enumerate(layers):
            m = sp.Matrix([[_rational(x) for x in row] for row in base])
            for j, coeff in enumerate(curve, start=1):
                m += t ** j * sp.Matrix([[_rational(x) for x in row] for row in coeff[k]])
            f = m * f
        poly = sp.Poly(sp.expand(self.loss_of(f.tolist())), t).all_coeffs()[::-1]
        out = [Fraction(str(c)) for c in poly]
        out[0] = Fraction(0)
        while len(out) > 1 and out[-1] == 0:
            out.pop()
        return out

    def stationary(self, layers):
        """grad l(Z) = (w o (Z X - Y)) X^T = 0 at Z = W_h ... W_1 (l is convex)."""
        z = matmul(self.product(layers), self.X)
        s = [[w * (x - y) for w, x, y in zip(wr, zr, yr)] for wr, zr, yr in zip(self.w, z, self.Y)]
        return is_zero(matmul(s, [list(c) for c in zip(*self.X)]))

    def chart_hessian(self, layers, rows, cols):
        """Z = W_h ... W_1 a strict local minimum of l on the rank-<= r matrices, r = min width,
        in the chart Z' = Z'[:, J] Z'[I, J]^-1 Z'[I, :]: zero gradient, positive definite Hessian
        (returned; None when not)."""
        sp = _sympy()
        z = self.product(layers)
        m, n, r = len(z), len(z[0]), min(self.widths)
        if len(rows) != r or len(cols) != r or rank(z) != r or rank(block(z, rows, cols)) != r:
            return None
        params = [(i, j) for i in range(m) for j in range(n) if i in rows or j in cols]
        sym = {p: sp.Symbol(f"z_{p[0]}_{p[1]}") for p in params}
        full = sp.Matrix(m, n, lambda i, j: sym.get((i, j), 0))
        c, a, rr = full[:, cols], full[rows, cols], full[rows, :]
        chart = c * a.inv() * rr
        value = self.loss_of(chart.tolist())
        at = {sym[p]: _rational(z[p[0]][p[1]]) for p in params}
        first = {p: value.diff(sym[p]) for p in params}
        if any(Fraction(str(first[p].xreplace(at))) for p in params):
            return None
        hess = [[Fraction(str(first[p].diff(sym[q]).xreplace(at))) for q in params] for p in params]
        return hess if psd(hess, strict=True) else None

    def chart_minimum(self, layers, rows, cols):
        return self.chart_hessian(layers, rows, cols) is not None

    def global_minimum(self):
        """The least loss over all products of rank <= r = min width, for equal weights c:
        c/2 (||Y||^2 - the r largest eigenvalues of Y P Y^T), P the projection onto the row
        space of X (Eckart-Young), exactly with SymPy; None for unequal weights."""
        sp = _sympy()
        c = {x for row in self.w for x in row}
        if len(c) != 1:
            return None
        X = sp.Matrix([[_rational(x) for x in row] for row in self.X])
        Y = sp.Matrix([[_rational(x) for x in row] for row in self.Y])
        P = X.pinv() * X
        eigen = sorted((Y * P * Y.T).eigenvals(multiple=True), key=lambda e: sp.N(e, 50),
                       reverse=True)
        top = sum(eigen[:min(self.widths)], sp.Integer(0))
        return _rational(c.pop()) * (sum(Y.multiply_elementwise(Y)) - top) / 2

    def is_global_minimum(self, layers):
        best = self.global_minimum()
        return best is not None and _sympy().simplify(_rational(self.loss(layers)) - best) == 0


@lru_cache(maxsize=256)
def _network(text):
    return Network(json.loads(text))


def network_of(cert):
    return _network(json.dumps(cert["claim"]["network"], sort_keys=True))


def _point_layers(step_layers):
    return [mat(layer) for layer in step_layers]


# -- steps ----------------------------------------------------------------------------------


def _product_name(names):
    return "*".join(f"({n})" if "+" in n else n for n in names)


class _Env:
    def __init__(self, cert):
        self.cert, self.matrices, self.points, self.basis = cert, {}, {}, {}
        self.facts = set()
        claim = cert["claim"]
        if cert["kind"] == "rank":
            self.matrices["A"] = mat(claim["matrix"])
        elif cert["kind"] == "local-openness":
            self.matrices["W1"], self.matrices["W2"] = mat(claim["W1"]), mat(claim["W2"])
        else:
            net = claim["network"]
            for i, layer in enumerate(net["layers"]):
                self.matrices[f"W{i + 1}"] = mat(layer)
            for k in ("X", "Y"):
                if k in net:
                    self.matrices[k] = mat(net[k])
            self.points["W"] = [mat(layer) for layer in net["layers"]]


def _step_fact(env, step):
    """None when the step's fact holds (and the env is updated), else why not."""
    rule, get = step["rule"], env.matrices.get
    if rule == "matrix":
        env.matrices[step["name"]] = mat(step["value"])
    elif rule == "product":
        acc = get(step["factors"][0])
        for name in step["factors"][1:]:
            acc = matmul(acc, get(name), shape(get(name))[1])
        env.matrices[_product_name(step["factors"])] = acc
    elif rule == "sum":
        a, b = (get(n) for n in step["terms"])
        env.matrices["+".join(step["terms"])] = [[x + y for x, y in zip(r, s)] for r, s in zip(a, b)]
    elif rule == "core":
        (a, b), names = (get(n) for n in step["factors"]), step["factors"]
        core = matmul([a[i] for i in env.basis[names[0]][0]],
                      [[row[j] for j in env.basis[names[1]][1]] for row in b])
        if rank(core) != rank(matmul(a, b, shape(b)[1])):
            return "core: rank of the core differs from the product's"
        env.matrices[f"core({_product_name(names)})"] = core
    elif rule in ("minor", "rank"):
        a = get(step["matrix"])
        if rule == "rank" and step["transposed"]:
            a = [list(c) for c in zip(*a)] if a else []
        m, n = shape(a)
        rows, cols = step["rows"], step["cols"]
        if not (_indices_ok(rows, m) and _indices_ok(cols, n) and len(rows) == len(cols)):
            return f"{rule}: index lists"
        if rank(block(a, rows, cols)) != len(rows):
            return f"{rule}: singular block"
        why = minor_evidence(step, a, rows, cols)
        if why:
            return why
        if rule == "rank":
            if rank(a) != step["rank"] or len(rows) != step["rank"]:
                return "rank: wrong rank"
            why = kernel_evidence(step, a, cols)
            if why:
                return why
            env.basis[step["matrix"]] = (cols, rows) if step["transposed"] else (rows, cols)
    elif rule == "vertex-cover":
        a = get(step["matrix"])
        rows, cols = set(step["rows"]), set(step["cols"])
        if rank(a) > len(rows) + len(cols) or any(
                x and i not in rows and j not in cols for i, row in enumerate(a) for j, x in enumerate(row)):
            return "vertex-cover: an entry outside the cover"
    elif rule in ("zero", "nonzero"):
        if is_zero(get(step["matrix"])) != (rule == "zero"):
            return f"{rule}: wrong"
        env.facts.add((rule, step["matrix"]))
    elif rule == "point":
        env.points[step["name"]] = _point_layers(step["layers"])
    else:
        return _network_fact(env, step)
    return None


_FACTS = {}


def _network_fact(env, step):
    """The fact of a network step, remembered by what it depends on (not by its id)."""
    layers = env.points[step["point"]]
    key = json.dumps([env.cert["claim"]["network"], [[[str(x) for x in r] for r in l] for l in layers],
                      {k: v for k, v in step.items() if k not in ("id", "uses")}], sort_keys=True)
    if key not in _FACTS:
        _FACTS[key] = _compute_network_fact(env, step, layers)
    return _FACTS[key]


def _compute_network_fact(env, step, layers):
    rule, net = step["rule"], network_of(env.cert)
    if rule == "loss":
        return None if net.loss(layers) == Fraction(step["value"]) else "loss: wrong value"
    if rule == "critical-point":
        return None if not any(net.gradient(layers)) else "critical-point: non-zero gradient"
    if rule == "stationary-loss":
        return None if net.stationary(layers) else "stationary-loss: non-zero gradient of l"
    if rule == "hessian-psd":
        h = net.hessian(layers)
        return ldl_evidence(step, h, False) or (None if psd(h) else "hessian-psd: not PSD")
    if rule == "low-rank-bound":
        return None if net.is_global_minimum(layers) else "low-rank-bound: not a global minimum"
    if rule == "descent-curve":
        poly = net.curve_polynomial(layers, [_point_layers(c) for c in step["curve"]])
        stated = [Fraction(c) for c in step["coefficients"]]
        k, t0 = step["order"], Fraction(step["t0"])
        tail = sum((abs(c) for c in stated[k + 1:]), Fraction(0))
        ok = poly == stated and 1 <= k < len(stated) and not any(stated[:k]) and stated[k] < 0 \
            and 0 < t0 <= 1 and t0 * tail <= abs(stated[k]) / 2
        return None if ok else "descent-curve: not a descent"
    if rule == "chart-minimum":
        z, rows, cols = net.product(layers), step["rows"], step["cols"]
        inv = mat(step["inverse"])
        if len(rows) != len(inv) or matmul(block(z, rows, cols), inv) != \
                [[Fraction(int(i == j)) for j in range(len(rows))] for i in range(len(rows))]:
            return "chart-minimum: not the inverse of Z[I, J]"
        hess = net.chart_hessian(layers, rows, cols)
        if hess is None:
            return "chart-minimum: not a strict minimum in the chart"
        return ldl_evidence(step, hess, True)
    return f"unknown rule {rule}"


def digest(claim):
    import hashlib
    text = json.dumps(claim, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def steps_hold(cert):
    """The digest binds the claim, and every step's stated fact and evidence are right."""
    if cert.get("claim_sha256") != digest(cert["claim"]):
        return False, "claim_sha256"
    env = _Env(cert)
    for step in cert["steps"]:
        why = _step_fact(env, step)
        if why:
            return False, f"step {step['id']}: {why}"
    return True, ""


# -- claims ---------------------------------------------------------------------------------


def _openness_truth(claim):
    w1, w2 = mat(claim["W1"]), mat(claim["W2"])
    m, k = shape(w1)
    n = shape(w2)[1]
    r1, r2, r12 = rank(w1), rank(w2), rank(matmul(w1, w2, n))
    if k < min(m, n):
        cond = {"i": r12 == r2, "ii": r12 == r1, "iii": r12 == r2, "iv": r12 == r1,
                "v": r1 == r2 == r12}
        return "theorem-2", cond, cond["v"]
    cond = {"A": m + r2 <= k + r12, "B": n + r1 <= k + r12}
    return "behrends", cond, cond["A"] or cond["B"]


def _candidates(cert, rule):
    return [s for s in cert["steps"] if s["rule"] == rule and s.get("point") == "W"]


def _points(cert):
    return [_point_layers(s["layers"]) for s in cert["steps"] if s["rule"] == "point"]


def _property(cert, net, name):
    w = net.layers
    if name == "critical-point":
        return not any(net.gradient(w))
    if name == "hessian-psd":
        return psd(net.hessian(w))
    if name == "rank-deficient-target":
        return rank(net.Y) < min(net.widths[0], net.widths[-1])
    if name == "not-global":
        return any(net.loss(p) < net.loss(w) for p in _points(cert))
    return False


def _not_local_minimum(cert, net):
    """A curve through W along which L - L(W) has a negative lowest coefficient."""
    for step in _candidates(cert, "descent-curve"):
        poly = net.curve_polynomial(net.layers, [_point_layers(c) for c in step["curve"]])
        low = next((c for c in poly if c), 0)
        if low < 0:
            return True
    return False


def _local_minimum(cert, net):
    w = net.layers
    r = min(net.widths)
    z = net.product(w)
    for step in _candidates(cert, "chart-minimum"):
        if net.chart_minimum(w, step["rows"], step["cols"]):
            return True
    m, n = shape(z)
    for rows in combinations(range(m), r):  # any chart: the certificate may have lost its own
        for cols in combinations(range(n), r):
            if rank(block(z, rows, cols)) == r:
                return net.chart_minimum(w, list(rows), list(cols))
    return False


_CLAIMS = {}


def claim_holds(cert):
    """The claim and the verdict (and conditions) are true."""
    used = [{k: v for k, v in s.items() if k not in ("id", "uses")} for s in cert["steps"]
            if s["rule"] in ("point", "descent-curve", "chart-minimum", "low-rank-bound")]
    key = json.dumps([cert["kind"], cert["claim"], cert["verdict"], cert.get("conditions"), used],
                     sort_keys=True)
    if key not in _CLAIMS:
        _CLAIMS[key] = _claim_holds(cert)
    return _CLAIMS[key]


def _claim_holds(cert):
    kind, claim, verdict = cert["kind"], cert["claim"], cert["verdict"]
    if kind == "rank":
        return (verdict == "holds" and rank(mat(claim["matrix"])) == claim["rank"]), "rank"
    if kind == "local-openness":
        setting, cond, is_open = _openness_truth(claim)
        ok = claim["setting"] == setting and cert["conditions"] == cond and \
            verdict == ("locally-open" if is_open else "not-locally-open")
        return ok, "openness"
    net = network_of(cert)
    d, w = net.widths, net.layers
    if kind == "network-local-openness":
        if verdict != "locally-open":
            return False, "verdict"
        if claim["lemma"] == "7":
            return ("activation" not in claim and rank(net.product(w)) == min(d)), "Lemma 7"
        act = claim.get("activation")
        monotone = act in ({"name": "identity"},) or (
            isinstance(act, dict) and set(act) == {"name", "slope"} and act["name"] == "leaky-relu"
            and Fraction(act["slope"]) > 0)
        full = net.data and rank(net.X) == shape(net.X)[1] and \
            all(rank(layer) == shape(layer)[0] for layer in w)
        return (claim["lemma"] == "3" and monotone and full), "Lemma 3"
    if not net.data:
        return False, "no data"
    if kind == "network-critical-point":
        if any(net.gradient(w)):
            return False, "not critical"
        degenerate = rank(net.product(w)) < min(d)
        if claim.get("degeneracy") != ("degenerate" if degenerate else "non-degenerate"):
            return False, "degeneracy"
        if verdict == "critical-point":
            return True, "critical point"
        if verdict == "global-minimum":
            return net.stationary(w) or net.is_global_minimum(w), "global"
        if verdict == "local-minimum":
            return _local_minimum(cert, net), "local minimum"
        if verdict in ("second-order-saddle", "not-a-local-minimum"):
            for step in _candidates(cert, "descent-curve"):
                poly = net.curve_polynomial(w, [_point_layers(c) for c in step["curve"]])
                k = next((j for j in range(1, len(poly)) if poly[j]), None)
                if k is not None and poly[k] < 0 and (verdict != "second-order-saddle" or k == 2):
                    return True, "descent"  # order 2 at a critical point: a negative eigenvalue
            return False, "no descent curve of the order the verdict needs"
        return False, "verdict"
    props = claim["properties"]
    if not isinstance(props, list) or len(set(props)) != len(props) or \
            not all(_property(cert, net, p) for p in props):
        return False, "properties"
    if kind == "network-not-local-minimum":
        return (claim["construction"] == "theorem-8-paper" and verdict == "not-a-local-minimum"
                and _not_local_minimum(cert, net)), "not a local minimum"
    if kind == "network-local-minimum":
        better = _property(cert, net, "not-global")
        ok = claim["construction"] == "weighted-bottleneck" and _local_minimum(cert, net) and \
            verdict in (("non-global-local-minimum", "local-minimum") if better else ("local-minimum",))
        return ok, "local minimum"
    return False, f"kind {kind}"


def certificate_holds(cert):
    """Both: every step's fact, and the claim with its verdict."""
    ok, why = steps_hold(cert)
    if not ok:
        return False, why
    return claim_holds(cert)


# -- kept for the older tests ---------------------------------------------------------------


def openness_evidence_holds(cert) -> bool:
    return certificate_holds(cert)[0]


def minor_holds(cert, step) -> bool:
    env = _Env(cert)
    names = step["matrix"].split("*")
    for name in names:
        if name not in env.matrices:
            return False
    a = env.matrices[names[0]]
    for name in names[1:]:
        a = matmul(a, env.matrices[name], shape(env.matrices[name])[1])
    m, n = shape(a)
    return _indices_ok(step["rows"], m) and _indices_ok(step["cols"], n) and \
        len(step["rows"]) == len(step["cols"]) and rank(block(a, step["rows"], step["cols"])) == len(step["rows"])
