"""One function per proof rule; :data:`RULES` maps a rule's name to it.

A rule reads its step's fields, recomputes what it can, and records facts in
the :class:`Env`.  It never searches: the certificate hands it minors,
kernels, witnesses, factorisations and coefficients, and the rule multiplies
and compares.  Any mismatch raises :class:`NotVerified` naming the step.
"""

import re
from fractions import Fraction
from math import gcd

from . import arith, landscape
from .errors import Malformed, NotVerified
from .jsonload import Mat, count, fields, index_list, integer, matrix, rational, sparse_matrix

NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,31}")


class Env:
    """Matrices and network points known so far, who defined them, and the facts."""

    def __init__(self):
        self.matrices = {}      # name -> Mat
        self.points = {}        # name -> list of layers (rows)
        self.defined_by = {}    # name -> step id (0 for the claim)
        self.network = None     # landscape.Network of the claim
        self.rank = {}          # name -> exact rank
        self.lower = {}         # name -> proven lower bound on the rank
        self.upper = {}         # name -> proven upper bound on the rank
        self.zero, self.nonzero = set(), set()
        self.facts = {}         # (fact, point) -> value

    def define(self, name, value, sid, points=False):
        if name in self.defined_by:
            raise Malformed(f"step {sid}: {name!r} is already defined")
        (self.points if points else self.matrices)[name] = value
        self.defined_by[name] = sid

    def get(self, name, step, points=False):
        table = self.points if points else self.matrices
        if not isinstance(name, str) or name not in table:
            raise Malformed(f"step {step['id']}: unknown {'point' if points else 'matrix'} {name!r}")
        origin = self.defined_by[name]
        if origin and origin not in step["uses"]:
            raise Malformed(f"step {step['id']}: uses {name!r} from step {origin} without citing it")
        return table[name]


def _fail(step, expected, found):
    raise NotVerified(step["id"], step["rule"], expected, found)


def _shape_error(step, what):
    raise Malformed(f"step {step['id']}: {step['rule']}: {what}")


def _operand_name(name):
    return f"({name})" if "+" in name else name


def rule_matrix(env, step):
    """Introduce an explicit matrix (a witness or a vector) under a fresh name."""
    fields(step, f"step {step['id']}", ("id", "rule", "uses", "name", "value"))
    if not isinstance(step["name"], str) or not NAME.fullmatch(step["name"]):
        raise Malformed(f"step {step['id']}: invalid name {step['name']!r}")
    env.define(step["name"], sparse_matrix(step["value"], f"step {step['id']}.value"), step["id"])


def rule_product(env, step):
    """Define the product of named matrices; the checker computes it."""
    fields(step, f"step {step['id']}", ("id", "rule", "uses", "factors"))
    names = step["factors"]
    if not isinstance(names, list) or len(names) < 2:
        _shape_error(step, "factors must list at least two matrices")
    mats = [env.get(n, step) for n in names]
    acc = mats[0]
    for nxt in mats[1:]:
        if acc.n != nxt.m:
            _shape_error(step, f"cannot multiply {acc.m} x {acc.n} by {nxt.m} x {nxt.n}")
        acc = Mat(acc.m, nxt.n, arith.matmul(acc.rows, nxt.rows, acc.n, nxt.n))
    env.define("*".join(_operand_name(n) for n in names), acc, step["id"])


def rule_sum(env, step):
    """Define the sum of two named matrices of one shape."""
    fields(step, f"step {step['id']}", ("id", "rule", "uses", "terms"))
    names = step["terms"]
    if not isinstance(names, list) or len(names) != 2:
        _shape_error(step, "terms must list two matrices")
    a, b = (env.get(n, step) for n in names)
    if (a.m, a.n) != (b.m, b.n):
        _shape_error(step, f"cannot add {a.m} x {a.n} and {b.m} x {b.n}")
    env.define("+".join(names), Mat(a.m, a.n, arith.add(a.rows, b.rows)), step["id"])


def _bound(env, name, lower=None, upper=None):
    """Record rank bounds; when they meet, the rank is known."""
    if lower is not None:
        env.lower[name] = max(env.lower.get(name, 0), lower)
    if upper is not None:
        env.upper[name] = min(env.upper.get(name, upper), upper)
    if name in env.upper and env.lower.get(name, -1) == env.upper[name]:
        env.rank[name] = env.upper[name]


def rule_vertex_cover(env, step):
    """``rank(A) <= |R| + |C|``: every non-zero entry lies in a row of R or a column of C.

    (A is then a sum of |R| rows and |C| columns, each of rank <= 1; König's
    theorem makes such covers as small as a maximum matching of the pattern.)
    """
    fields(step, f"step {step['id']}", ("id", "rule", "uses", "matrix", "rows", "cols"))
    name = step["matrix"]
    a = env.get(name, step)
    rows = set(index_list(step["rows"], f"step {step['id']}.rows", a.m))
    cols = set(index_list(step["cols"], f"step {step['id']}.cols", a.n))
    for i, row in enumerate(a.rows):
        if i not in rows:
            for j, x in enumerate(row):
                if x and j not in cols:
                    _fail(step, f"every non-zero of {name} in a covering row or column",
                          f"entry ({i}, {j}) uncovered")
    _bound(env, name, upper=len(rows) + len(cols))


def _nonsingular_minor(step, a, name):
    """Check ``det a[I, J] != 0`` for the step's rows I and cols J; return them."""
    rows = index_list(step["rows"], f"step {step['id']}.rows", a.m)
    cols = index_list(step["cols"], f"step {step['id']}.cols", a.n)
    if len(rows) != len(cols):
        _shape_error(step, "rows and cols must have the same length")
    block = [[a.rows[i][j] for j in cols] for i in rows]
    if ("det_residue" in step) == ("inverse" in step):
        raise Malformed(f"step {step['id']}: give det_residue or inverse, exactly one")
    if "inverse" in step:  # B C = I modulo p, B the row-scaled integer block: det B != 0 mod p
        inverse = matrix(step["inverse"], f"step {step['id']}.inverse", integer)
        if (inverse.m, inverse.n) != (len(rows), len(rows)):
            _shape_error(step, f"inverse must be {len(rows)} x {len(rows)}")
        if not arith.inverse_mod_p_holds(arith.integer_rows(block), inverse.rows):
            _fail(step, f"inverse of {name}[I, J] modulo 2^61 - 1", "another matrix")
        return rows, cols
    stated = integer(step["det_residue"], f"step {step['id']}.det_residue")
    verdict = arith.nonsingular(block, stated)
    if verdict is None:
        _fail(step, f"det {name}[I, J] = {stated} mod 2^61 - 1",
              f"{arith.determinant_residue(block)[0]}")
    if not verdict:
        _fail(step, f"a non-zero {len(rows)} x {len(rows)} minor of {name}", "determinant 0")
    return rows, cols


def rule_minor(env, step):
    """``rank(A) >= |I|`` from a non-zero minor ``det A[I, J]``."""
    fields(step, f"step {step['id']}", ("id", "rule", "uses", "matrix", "rows", "cols"),
           ("det_residue", "inverse"))
    name = step["matrix"]
    rows, _ = _nonsingular_minor(step, env.get(name, step), name)
    _bound(env, name, lower=len(rows))


def rule_rank(env, step):
    """``rank(A) == r``: a non-zero r x r minor and an integer kernel of dimension n - r.

    With ``transposed`` the evidence is for A^T.  The kernel K has rows
    ``pivot_part`` at the minor's columns J and ``denominator`` times the
    identity at the other columns F, so it has full column rank n - r.
    """
    fields(step, f"step {step['id']}",
           ("id", "rule", "uses", "matrix", "rank", "transposed", "rows", "cols", "kernel"),
           ("det_residue", "inverse"))
    name = step["matrix"]
    a = env.get(name, step)
    if not isinstance(step["transposed"], bool):
        raise Malformed(f"step {step['id']}: transposed must be true or false")
    rows_of = a.rows if not step["transposed"] else arith.transpose(a.rows, a.n)
    m, n = (a.n, a.m) if step["transposed"] else (a.m, a.n)
    r = count(step["rank"], f"step {step['id']}.rank", 0, min(m, n))
    rows, cols = _nonsingular_minor(step, Mat(m, n, rows_of), name)
    if len(rows) != r:
        _fail(step, f"a minor of size rank = {r}", f"size {len(rows)}")
    kern = fields(step["kernel"], f"step {step['id']}.kernel", ("pivot_part", "denominator"))
    part = matrix(kern["pivot_part"], f"step {step['id']}.kernel.pivot_part", integer)
    if (part.m, part.n) != (r, n - r):
        _shape_error(step, f"kernel pivot_part must be {r} x {n - r}")
    d = integer(kern["denominator"], f"step {step['id']}.kernel.denominator")
    common = d
    for row in part.rows:
        for x in row:
            common = gcd(common, x)
    if d <= 0 or common != 1:
        _fail(step, "a positive kernel denominator coprime to pivot_part", f"{d}, gcd {common}")
    free = [j for j in range(n) if j not in set(cols)]
    for a, j in enumerate(cols):  # J is the greedy (RREF) pivot set: no later pivot is used
        if any(part.rows[a][f] for f, g in enumerate(free) if j > g):
            _fail(step, "pivot columns J in RREF order (free columns use earlier pivots only)",
                  f"column {j} used by an earlier free column")
    if m and n - r and not arith.kernel_vanishes(rows_of, cols, free, part.rows, d):
        _fail(step, f"A K = 0 for the kernel of {name}", "a non-zero entry")
    _bound(env, name, lower=r, upper=r)


def rule_zero(env, step):
    """The named matrix is zero."""
    fields(step, f"step {step['id']}", ("id", "rule", "uses", "matrix"))
    if not env.get(step["matrix"], step).is_zero():
        _fail(step, f"{step['matrix']} = 0", "a non-zero entry")
    env.zero.add(step["matrix"])


def rule_nonzero(env, step):
    """The named matrix has a non-zero entry."""
    fields(step, f"step {step['id']}", ("id", "rule", "uses", "matrix"))
    if env.get(step["matrix"], step).is_zero():
        _fail(step, f"{step['matrix']} != 0", "the zero matrix")
    env.nonzero.add(step["matrix"])


def _squared_norm(rows):
    return sum((x * x for row in rows for x in row), Fraction(0))


def rule_lift(env, step):
    """Supplementary: exact factors ``W1' W2' = Z'`` of a target, with the stated distances."""
    fields(step, f"step {step['id']}", ("id", "rule", "uses", "target", "W1", "W2",
                                        "delta_squared", "reach1_squared", "reach2_squared"))
    where = f"step {step['id']}"
    if "W1" not in env.matrices or "W2" not in env.matrices:
        raise Malformed(f"{where}: lift steps belong to local-openness certificates")
    w1, w2 = env.matrices["W1"], env.matrices["W2"]
    target, new1, new2 = (matrix(step[k], f"{where}.{k}") for k in ("target", "W1", "W2"))
    if (new1.m, new1.n) != (w1.m, w1.n) or (new2.m, new2.n) != (w2.m, w2.n) \
            or (target.m, target.n) != (w1.m, w2.n):
        raise Malformed(f"{where}: lift shapes must match W1, W2 and W1 W2")
    if arith.matmul(new1.rows, new2.rows, new1.n, new2.n) != target.rows:
        _fail(step, "W1' W2' = target", "a different product")
    product = arith.matmul(w1.rows, w2.rows, w1.n, w2.n)
    found = {"delta_squared": _squared_norm([[a - b for a, b in zip(r, s)]
                                              for r, s in zip(target.rows, product)]),
             "reach1_squared": _squared_norm([[a - b for a, b in zip(r, s)]
                                               for r, s in zip(new1.rows, w1.rows)]),
             "reach2_squared": _squared_norm([[a - b for a, b in zip(r, s)]
                                               for r, s in zip(new2.rows, w2.rows)])}
    for key, value in found.items():
        if rational(step[key], f"{where}.{key}") != value:
            _fail(step, f"{key} = {step[key]}", str(value))


# -- deep linear networks -------------------------------------------------------

def _layers(env, value, where):
    d = env.network.widths
    if not isinstance(value, list) or len(value) != len(d) - 1:
        raise Malformed(f"{where}: expected {len(d) - 1} layers")
    out = []
    for i, obj in enumerate(value):
        mat = sparse_matrix(obj, f"{where}[{i}]")
        if (mat.m, mat.n) != (d[i + 1], d[i]):
            raise Malformed(f"{where}[{i}]: layer {i + 1} must be {d[i + 1]} x {d[i]}")
        out.append(mat.rows)
    return out


def rule_point(env, step):
    """Introduce another point (layers) of the claim's network under a fresh name."""
    fields(step, f"step {step['id']}", ("id", "rule", "uses", "name", "layers"))
    if not isinstance(step["name"], str) or not NAME.fullmatch(step["name"]):
        raise Malformed(f"step {step['id']}: invalid name {step['name']!r}")
    env.define(step["name"], _layers(env, step["layers"], f"step {step['id']}.layers"), step["id"],
               points=True)


def rule_loss(env, step):
    """The exact loss at a point equals the stated value."""
    fields(step, f"step {step['id']}", ("id", "rule", "uses", "point", "value"))
    value = rational(step["value"], f"step {step['id']}.value")
    found = env.network.loss(env.get(step["point"], step, points=True))
    if found != value:
        _fail(step, f"loss {value}", f"{found}")
    env.facts[("loss", step["point"])] = value


def rule_critical_point(env, step):
    """Every partial derivative of L at the point is exactly zero."""
    fields(step, f"step {step['id']}", ("id", "rule", "uses", "point"))
    grads = env.network.gradient(env.get(step["point"], step, points=True))
    for i, g in enumerate(grads):
        if any(x for row in g for x in row):
            _fail(step, "zero gradient", f"a non-zero partial derivative in layer {i + 1}")
    env.facts[("critical", step["point"])] = True


def rule_stationary_loss(env, step):
    """``grad l(Z) = 0`` at the point's product: Z minimises the convex l everywhere."""
    fields(step, f"step {step['id']}", ("id", "rule", "uses", "point"))
    net = env.network
    g = net.loss_gradient(net.product(env.get(step["point"], step, points=True)))
    if any(x for row in g for x in row):
        _fail(step, "grad l(Z) = 0", "a non-zero entry")
    env.facts[("global", step["point"])] = True


def _ldl(step, size, positive):
    where = f"step {step['id']}"
    lower = matrix(step["lower"], f"{where}.lower")
    if (lower.m, lower.n) != (size, size):
        raise Malformed(f"{where}.lower: expected {size} x {size}")
    for i in range(size):
        if lower.rows[i][i] != 1 or any(lower.rows[i][j] for j in range(i + 1, size)):
            _fail(step, "a unit lower triangular L", f"row {i} is not")
    diag = step["diagonal"]
    if not isinstance(diag, list) or len(diag) != size:
        raise Malformed(f"{where}.diagonal: expected {size} entries")
    diag = [rational(x, f"{where}.diagonal") for x in diag]
    bad = [x for x in diag if x < 0 or (positive and x == 0)]
    if bad:
        _fail(step, "positive pivots" if positive else "non-negative pivots", f"pivot {bad[0]}")
    for j, x in enumerate(diag):  # canonical form: L is zero below a zero pivot
        if x == 0 and any(lower.rows[i][j] for i in range(j + 1, size)):
            _fail(step, f"column {j} of L zero below the zero pivot", "a non-zero entry")
    return landscape.ldl_product(lower.rows, diag)


def rule_hessian_psd(env, step):
    """The exact Hessian of L equals ``L D L^T`` with ``D >= 0``: positive semidefinite."""
    fields(step, f"step {step['id']}", ("id", "rule", "uses", "point", "lower", "diagonal"))
    hess = env.network.hessian(env.get(step["point"], step, points=True))
    if _ldl(step, len(hess), positive=False) != hess:
        _fail(step, "Hessian = L D L^T", "a different matrix")
    env.facts[("psd", step["point"])] = True


def _series_layers(env, layers, curve, where):
    if not isinstance(curve, list) or not curve:
        raise Malformed(f"{where}: expected a non-empty list of coefficient points")
    coeff = [_layers(env, c, f"{where}[{j}]") for j, c in enumerate(curve)]
    return [[layers[i]] + [c[i] for c in coeff] for i in range(len(layers))]


def rule_negative_curvature(env, step):
    """``d^2/dt^2 L(W + t D)`` at 0 equals the stated negative value."""
    fields(step, f"step {step['id']}", ("id", "rule", "uses", "point", "direction", "second_derivative"))
    layers = env.get(step["point"], step, points=True)
    series = _series_layers(env, layers, [step["direction"]], f"step {step['id']}.direction")
    value = rational(step["second_derivative"], f"step {step['id']}.second_derivative")
    found = 2 * env.network.loss_polynomial(series)[2]
    if found != value or value >= 0:
        _fail(step, f"second derivative {value} < 0", f"{found}")
    env.facts[("negative-curvature", step["point"])] = True


def rule_descent_curve(env, step):
    """``p(t) = L(W(t)) - L(W)`` has lowest coefficient c_k < 0 and decreases on (0, t0]."""
    fields(step, f"step {step['id']}",
           ("id", "rule", "uses", "point", "curve", "coefficients", "order", "t0"))
    where = f"step {step['id']}"
    layers = env.get(step["point"], step, points=True)
    coeffs = env.network.loss_polynomial(_series_layers(env, layers, step["curve"], f"{where}.curve"))
    coeffs[0] = Fraction(0)
    while len(coeffs) > 1 and coeffs[-1] == 0:
        coeffs.pop()
    stated = step["coefficients"]
    if not isinstance(stated, list):
        raise Malformed(f"{where}.coefficients: expected a list")
    stated = [rational(x, f"{where}.coefficients") for x in stated]
    if stated != coeffs:
        _fail(step, f"coefficients {[str(c) for c in stated]}", f"{[str(c) for c in coeffs]}")
    k = count(step["order"], f"{where}.order", 1, len(coeffs) - 1 if len(coeffs) > 1 else 1)
    if any(coeffs[1:k]) or coeffs[k] >= 0:
        _fail(step, f"lowest non-zero coefficient c_{k} < 0", f"{[str(c) for c in coeffs[:k + 1]]}")
    t0 = rational(step["t0"], f"{where}.t0")
    tail = sum((abs(c) for c in coeffs[k + 1:]), Fraction(0))
    if not 0 < t0 <= 1 or t0 * tail > abs(coeffs[k]) / 2:
        _fail(step, "0 < t0 <= 1 and t0 * sum |c_j| <= |c_k| / 2", f"t0 = {t0}, tail sum {tail}")
    env.facts[("descent", step["point"])] = True


def rule_chart_minimum(env, step):
    """Z = F(W) is a strict local minimum of l on the rank-<=r matrices, r = min width.

    The chart Z' = Z'[:,J] Z'[I,J]^-1 Z'[I,:] (parameters: entries in rows I
    or columns J, row-major) has zero gradient and Hessian L D L^T with D > 0.
    """
    fields(step, f"step {step['id']}",
           ("id", "rule", "uses", "point", "rows", "cols", "inverse", "lower", "diagonal"))
    where = f"step {step['id']}"
    net = env.network
    z = net.product(env.get(step["point"], step, points=True))
    m, n, r = net.widths[-1], net.widths[0], min(net.widths)
    rows = index_list(step["rows"], f"{where}.rows", m)
    cols = index_list(step["cols"], f"{where}.cols", n)
    if len(rows) != r or len(cols) != r:
        _fail(step, f"|I| = |J| = min width = {r}", f"{len(rows)}, {len(cols)}")
    inv = matrix(step["inverse"], f"{where}.inverse")
    if (inv.m, inv.n) != (r, r):
        raise Malformed(f"{where}.inverse: expected {r} x {r}")
    block = [[z[i][j] for j in cols] for i in rows]
    if landscape.mul(block, inv.rows, r) != landscape.eye(r):
        _fail(step, "Z[I,J] * inverse = identity", "another matrix")
    params = [(i, j) for i in range(m) for j in range(n) if i in rows or j in cols]
    c1, c2 = [], []
    for p in params:
        g1, g2 = landscape.chart_taylor(net, z, rows, cols, inv.rows, {p: Fraction(1)})
        c1.append(g1)
        c2.append(g2)
    if any(c1):
        _fail(step, "zero chart gradient", f"non-zero at {params[[bool(x) for x in c1].index(True)]}")
    size = len(params)
    hess = [[2 * c2[a] if a == b else Fraction(0) for b in range(size)] for a in range(size)]
    for a in range(size):
        for b in range(a + 1, size):
            both = landscape.chart_taylor(net, z, rows, cols, inv.rows,
                                          {params[a]: Fraction(1), params[b]: Fraction(1)})[1]
            hess[a][b] = hess[b][a] = both - c2[a] - c2[b]
    if _ldl(step, size, positive=True) != hess:
        _fail(step, "chart Hessian = L D L^T", "a different matrix")
    env.facts[("strict-chart-minimum", step["point"])] = True


RULES = {
    "matrix": rule_matrix,
    "product": rule_product,
    "sum": rule_sum,
    "minor": rule_minor,
    "rank": rule_rank,
    "zero": rule_zero,
    "nonzero": rule_nonzero,
    "point": rule_point,
    "loss": rule_loss,
    "critical-point": rule_critical_point,
    "stationary-loss": rule_stationary_loss,
    "hessian-psd": rule_hessian_psd,
    "negative-curvature": rule_negative_curvature,
    "descent-curve": rule_descent_curve,
    "chart-minimum": rule_chart_minimum,
    "lift": rule_lift,
    "vertex-cover": rule_vertex_cover,
}
