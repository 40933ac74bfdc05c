"""One function per proof rule; :data:`RULES` declares each rule once.

A rule's entry names its function, its required and optional fields, its cost
(an upper estimate of its work, computed from shapes and lengths before any
arithmetic, see :mod:`.plan`) and a one-line description that ``explain``
renders.  A rule reads its step's fields, recomputes what it can, and records
facts in the :class:`Env`.  It never searches: the certificate hands it
minors, kernels, witnesses and coefficients, and the rule multiplies and
compares.  Any mismatch raises :class:`NotVerified` naming the step.
"""

import re
from collections import namedtuple
from fractions import Fraction
from math import gcd

from . import arith, landscape
from .errors import Malformed, NotVerified, ResourceCap, show
from .jsonload import (Mat, count, fields, index_list, integer, matrix, number, rational,
                       sparse_matrix)
from .plan import across, minor_cost, mul, mulw, reduce_rows
from .spec import MAX_BAREISS, PRIME

NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,31}")


class Product:
    """A product of named matrices, evaluated only as far as a rule needs it.

    ``value`` is the whole product once a rule has needed it (then later rules
    use it as one matrix, as the plan counts them); it stays a Product, so the
    conclusion still sees its factors.
    """

    def __init__(self, factors):
        self.factors, self.m, self.n = factors, factors[0].m, factors[-1].n
        self.value = None


class Env:
    """Matrices and network points known so far, who defined them, and the facts."""

    def __init__(self, accel=None):
        self.accel = accel      # the optional accelerator lent by the caller
        self.matrices = {}      # name -> Mat or Product
        self.points = {}        # name -> list of layers (rows of Fractions)
        self.defined_by = {}    # name -> step id (0 for the claim)
        self.network = None     # landscape.Network of the claim
        self.rank, self.lower, self.upper = {}, {}, {}  # proven ranks and bounds
        self.basis = {}         # name -> (rows, cols) of a non-singular minor of size rank
        self.same_rank = {}     # core name -> the product whose rank it has
        self.zero, self.nonzero = set(), set()
        self.facts = {}         # (fact, point) -> value

    def define(self, name, value, sid, points=False):
        if name in self.defined_by:
            raise Malformed(f"step {sid}: {name!r} is already defined")
        (self.points if points else self.matrices)[name] = value
        self.defined_by[name] = sid

    def lookup(self, name, step, points=False):
        table = self.points if points else self.matrices
        if not isinstance(name, str) or name not in table:
            raise Malformed(f"step {step['id']}: unknown {'point' if points else 'matrix'} {name!r}")
        origin = self.defined_by[name]
        if origin and origin not in step["uses"]:
            raise Malformed(f"step {step['id']}: uses {name!r} from step {origin} without citing it")
        return table[name]

    def get(self, name, step):
        """The named matrix, a product evaluated in full (and kept)."""
        value = self.lookup(name, step)
        if not isinstance(value, Product):
            return value
        if value.value is None:
            value.value = arith.chain(value.factors, self.accel)
        return value.value

    def block(self, name, step, rows, cols):
        """``A[rows, cols]`` of a named matrix; of a product, from its factors' rows and columns."""
        value = self.lookup(name, step)
        if isinstance(value, Product) and value.value is not None:
            value = value.value
        if not isinstance(value, Product):
            return arith.take(value, rows, cols)
        f = value.factors
        ends = [arith.take(f[0], rows=rows)] + f[1:-1] + [arith.take(f[-1], cols=cols)]
        if len(f) == 1:
            return arith.take(f[0], rows, cols)
        return arith.chain(ends, self.accel)

    def bound(self, name, lower=None, upper=None):
        """Record rank bounds; when they meet, the rank is known."""
        for key in (name, self.same_rank.get(name)):
            if key is None:
                continue
            if lower is not None:
                self.lower[key] = max(self.lower.get(key, 0), lower)
            if upper is not None:
                self.upper[key] = min(self.upper.get(key, upper), upper)
            if key in self.upper and self.lower.get(key, -1) == self.upper[key]:
                self.rank[key] = self.upper[key]


def _fail(step, expected, found):
    raise NotVerified(step["id"], step["rule"], expected, found)


def _shape_error(step, what):
    raise Malformed(f"step {step['id']}: {step['rule']}: {what}")


def _operand_name(name):
    return f"({name})" if "+" in name else name


def _fresh_name(step):
    if not isinstance(step["name"], str) or not NAME.fullmatch(step["name"]):
        raise Malformed(f"step {step['id']}: invalid name {step['name']!r}")
    return step["name"]


# -- linear algebra -------------------------------------------------------------

def rule_matrix(env, step):
    """Defines {name} as the matrix below."""
    env.define(_fresh_name(step), sparse_matrix(step["value"], f"step {step['id']}.value"),
               step["id"])


def rule_product(env, step):
    """Defines the product {factors} (evaluated only as far as a later rule needs)."""
    names = step["factors"]
    if not isinstance(names, list) or len(names) < 2:
        _shape_error(step, "factors must list at least two matrices")
    factors = []
    for name in names:
        value = env.lookup(name, step)
        if factors and factors[-1].n != value.m:
            _shape_error(step, f"cannot multiply {factors[-1].m} x {factors[-1].n} by "
                               f"{value.m} x {value.n}")
        if isinstance(value, Product):
            value = value.factors if value.value is None else [value.value]
        factors += value if isinstance(value, list) else [value]
    env.define("*".join(_operand_name(n) for n in names), Product(factors), step["id"])


def rule_sum(env, step):
    """Defines the sum {terms}."""
    names = step["terms"]
    if not isinstance(names, list) or len(names) != 2:
        _shape_error(step, "terms must list two matrices")
    a, b = (env.get(n, step) for n in names)
    if (a.m, a.n) != (b.m, b.n):
        _shape_error(step, f"cannot add {a.m} x {a.n} and {b.m} x {b.n}")
    env.define("+".join(names), arith.add(a, b), step["id"])


def rule_vertex_cover(env, step):
    """rank({matrix}) <= {cover}: every non-zero entry lies in one of the rows {rows} or the
    columns {cols}.

    (A is then a sum of |R| rows and |C| columns, each of rank <= 1.)
    """
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
    env.bound(name, upper=len(rows) + len(cols))


def _minor_indices(step, m, n):
    rows = index_list(step["rows"], f"step {step['id']}.rows", m)
    cols = index_list(step["cols"], f"step {step['id']}.cols", n)
    if len(rows) != len(cols):
        _shape_error(step, "rows and cols must have the same length")
    if ("det_residue" in step) == ("inverse" in step):
        raise Malformed(f"step {step['id']}: give det_residue or inverse, exactly one")
    return rows, cols


def _nonsingular(env, step, block, name):
    """Check ``det B != 0`` for the row-scaled integer block B, by residue or inverse."""
    s = block.m
    if "inverse" in step:  # B C = I modulo p: det B != 0 mod p
        inverse = matrix(step["inverse"], f"step {step['id']}.inverse", integers=True)
        if (inverse.m, inverse.n) != (s, s):
            _shape_error(step, f"inverse must be {s} x {s}")
        if not arith.inverse_mod_p_holds(block.rows, inverse.rows, PRIME, env.accel):
            _fail(step, f"inverse of {name}[I, J] modulo 2^61 - 1", "another matrix")
        return
    stated = integer(step["det_residue"], f"step {step['id']}.det_residue")
    residue = arith.det_mod_p(block.rows, PRIME)
    if residue != stated:
        _fail(step, f"det {name}[I, J] = {show(stated)} mod 2^61 - 1", residue)
    if residue == 0 and s > MAX_BAREISS:
        raise ResourceCap(f"step {step['id']}: an exact determinant of a {s} x {s} minor exceeds "
                          f"the cap of {MAX_BAREISS}")
    if residue == 0 and arith.bareiss_det(block.rows) == 0:
        _fail(step, f"a non-zero {s} x {s} minor of {name}", "determinant 0")


def rule_minor(env, step):
    """rank({matrix}) >= {size}: the minor on rows {rows} and columns {cols} is non-zero
    ({minor})."""
    name = step["matrix"]
    value = env.lookup(name, step)
    rows, cols = _minor_indices(step, value.m, value.n)
    _nonsingular(env, step, env.block(name, step, rows, cols), name)
    env.bound(name, lower=len(rows))


def rule_rank(env, step):
    """rank({matrix}) = {rank}{side}: the minor on rows {rows} and columns {cols} is non-zero
    ({minor}), so rank >= {rank}; an integer kernel K of full column rank {nullity} has
    A K = 0, so rank <= {rank}.

    With ``transposed`` the evidence is for A^T.  The kernel K has rows
    ``pivot_part`` at the minor's columns J and ``denominator`` times the
    identity at the other columns F, so it has full column rank n - r.
    """
    name = step["matrix"]
    a = env.get(name, step)
    if not isinstance(step["transposed"], bool):
        raise Malformed(f"step {step['id']}: transposed must be true or false")
    flip = step["transposed"]  # B = A^T is formed only for a kernel to check
    m, n = (a.n, a.m) if flip else (a.m, a.n)
    r = count(step["rank"], f"step {step['id']}.rank", 0, min(m, n))
    rows, cols = _minor_indices(step, m, n)
    if len(rows) != r:
        _fail(step, f"a minor of size rank = {r}", f"size {len(rows)}")
    block = arith.transpose(arith.take(a, cols, rows)) if flip else arith.take(a, rows, cols)
    _nonsingular(env, step, block, name)
    kern = fields(step["kernel"], f"step {step['id']}.kernel", ("pivot_part", "denominator"))
    part = matrix(kern["pivot_part"], f"step {step['id']}.kernel.pivot_part", integers=True)
    if (part.m, part.n) != (r, n - r):
        _shape_error(step, f"kernel pivot_part must be {r} x {n - r}")
    d = integer(kern["denominator"], f"step {step['id']}.kernel.denominator")
    common = d
    for row in part.rows:
        for x in row:
            common = gcd(common, x)
    if d <= 0 or common != 1:
        _fail(step, "a positive kernel denominator coprime to pivot_part", f"{d}, gcd {common}")
    chosen = set(cols)
    free = [j for j in range(n) if j not in chosen]
    for a_, j in enumerate(cols):  # J is the greedy (RREF) pivot set: no later pivot is used
        if any(part.rows[a_][f] for f, g in enumerate(free) if j > g):
            _fail(step, "pivot columns J in RREF order (free columns use earlier pivots only)",
                  f"column {j} used by an earlier free column")
    if m and free and not arith.kernel_vanishes((arith.transpose(a) if flip else a).rows, cols,
                                                free, part.rows, d, env.accel):
        _fail(step, f"A K = 0 for the kernel of {name}", "a non-zero entry")
    env.basis[name] = (cols, rows) if flip else (rows, cols)
    env.bound(name, lower=r, upper=r)


def rule_core(env, step):
    """rank({product}) = rank of its core A[I, :] B[:, J], I and J the rows and columns of the
    minors that proved the ranks of A and B.

    The r1 rows I span A's row space and the r2 columns J span B's column
    space, so ``A = C A[I, :]`` with C of full column rank and ``B = B[:, J] D``
    with D of full row rank: ``A B = C (A[I, :] B[:, J]) D`` has the core's rank.
    """
    names = step["factors"]
    if not isinstance(names, list) or len(names) != 2:
        _shape_error(step, "factors must list two matrices")
    a, b = (env.lookup(n, step) for n in names)
    if a.n != b.m or any(n not in env.basis for n in names):
        _shape_error(step, "factors must chain and have proven ranks (rank steps)")
    core = arith.matmul(arith.take(env.get(names[0], step), rows=env.basis[names[0]][0]),
                        arith.take(env.get(names[1], step), cols=env.basis[names[1]][1]), env.accel)
    product = "*".join(_operand_name(n) for n in names)
    env.define(f"core({product})", core, step["id"])
    env.same_rank[f"core({product})"] = product


def rule_zero(env, step):
    """{matrix} = 0."""
    if not env.get(step["matrix"], step).is_zero():
        _fail(step, f"{step['matrix']} = 0", "a non-zero entry")
    env.zero.add(step["matrix"])


def rule_nonzero(env, step):
    """{matrix} != 0."""
    if env.get(step["matrix"], step).is_zero():
        _fail(step, f"{step['matrix']} != 0", "the zero matrix")
    env.nonzero.add(step["matrix"])


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
        out.append(mat.fractions())
    return out


def _point(env, step):
    return env.lookup(step["point"], step, points=True)


def rule_point(env, step):
    """Another point {name} of the network, with the layers below."""
    env.define(_fresh_name(step), _layers(env, step["layers"], f"step {step['id']}.layers"),
               step["id"], points=True)


def rule_loss(env, step):
    """L({point}) = {value} exactly."""
    value = number(step["value"], f"step {step['id']}.value")
    found = env.network.loss(_point(env, step))
    if found != value:
        _fail(step, f"loss {show(value)}", found)
    env.facts[("loss", step["point"])] = value


def rule_critical_point(env, step):
    """Every partial derivative of L at {point} is exactly 0."""
    for i, g in enumerate(env.network.gradient(_point(env, step))):
        if any(x for row in g for x in row):
            _fail(step, "zero gradient", f"a non-zero partial derivative in layer {i + 1}")
    env.facts[("critical", step["point"])] = True


def rule_stationary_loss(env, step):
    """The gradient of the convex loss l at the product of {point} is 0, so the product
    minimises l over all matrices."""
    net = env.network
    if any(x for row in net.loss_gradient(net.product(_point(env, step))) for x in row):
        _fail(step, "grad l(Z) = 0", "a non-zero entry")
    env.facts[("global", step["point"])] = True


def _ldl(step, size, positive, prefix=""):
    """``L diag(D) L^T`` from the step's ``lower``, ``diagonal`` (after ``prefix``), checked."""
    where = f"step {step['id']}.{prefix}"
    lower = matrix(step[prefix + "lower"], f"{where}lower")
    if (lower.m, lower.n) != (size, size):
        raise Malformed(f"{where}lower: expected {size} x {size}")
    rows = lower.fractions()
    for i in range(size):
        if rows[i][i] != 1 or any(rows[i][j] for j in range(i + 1, size)):
            _fail(step, "a unit lower triangular L", f"row {i} is not")
    diag = step[prefix + "diagonal"]
    if not isinstance(diag, list) or len(diag) != size:
        raise Malformed(f"{where}diagonal: expected {size} entries")
    diag = [number(x, f"{where}diagonal") for x in diag]
    bad = [x for x in diag if x < 0 or (positive and x == 0)]
    if bad:
        _fail(step, "positive pivots" if positive else "non-negative pivots", f"pivot {bad[0]}")
    for j, x in enumerate(diag):  # canonical form: L is zero below a zero pivot
        if x == 0 and any(rows[i][j] for i in range(j + 1, size)):
            _fail(step, f"column {j} of L zero below the zero pivot", "a non-zero entry")
    return landscape.ldl_product(rows, diag)


def rule_hessian_psd(env, step):
    """The Hessian of L at {point} equals L D L^T with D = diag({diagonal}) >= 0: positive
    semidefinite."""
    ldl = _ldl(step, env.network.parameters, positive=False)
    if ldl != env.network.hessian(_point(env, step)):
        _fail(step, "Hessian = L D L^T", "a different matrix")
    env.facts[("psd", step["point"])] = True


def _series_layers(env, layers, curve, where):
    if not isinstance(curve, list) or not curve:
        raise Malformed(f"{where}: expected a non-empty list of coefficient points")
    coeff = [_layers(env, c, f"{where}[{j}]") for j, c in enumerate(curve)]
    return [[layers[i]] + [c[i] for c in coeff] for i in range(len(layers))]


def rule_descent_curve(env, step):
    """Along the curve W(t) = {point} + sum of C_j t^j below, L(W(t)) - L({point}) =
    {polynomial}; its lowest term has order {order} and a negative coefficient, and
    t0 = {t0} satisfies t0 * sum_(j>{order}) |c_j| <= |c_{order}| / 2, so L(W(t)) < L({point})
    for 0 < t <= t0.

    At a critical point an order-2 descent curve ``W + t D + ...`` shows ``D^T H D < 0``: the
    Hessian has a negative eigenvalue (a second-order saddle in the paper's sense).
    """
    where = f"step {step['id']}"
    stated = step["coefficients"]
    if not isinstance(stated, list) or len(stated) < 2:
        raise Malformed(f"{where}.coefficients: expected a list of at least two")
    stated = [number(x, f"{where}.coefficients") for x in stated]
    k = count(step["order"], f"{where}.order", 1, len(stated) - 1)
    t0 = number(step["t0"], f"{where}.t0")
    tail = sum((abs(c) for c in stated[k + 1:]), Fraction(0))
    if stated[0] or any(stated[1:k]) or stated[k] >= 0 or stated[-1] == 0:
        _fail(step, f"c_0 = ... = c_{k - 1} = 0 > c_{k}, last coefficient non-zero",
              [show(c) for c in stated[:k + 1]])
    if not 0 < t0 <= 1 or t0 * tail > abs(stated[k]) / 2:
        _fail(step, "0 < t0 <= 1 and t0 * sum |c_j| <= |c_k| / 2",
              f"t0 = {show(t0)}, tail sum {show(tail)}")
    layers = _point(env, step)
    coeffs = env.network.loss_polynomial(_series_layers(env, layers, step["curve"], f"{where}.curve"))
    coeffs[0] = Fraction(0)
    while len(coeffs) > 1 and coeffs[-1] == 0:
        coeffs.pop()
    if stated != coeffs:
        _fail(step, f"coefficients {[show(c) for c in stated]}", [show(c) for c in coeffs])
    env.facts[("descent", step["point"])] = k


def rule_chart_minimum(env, step):
    """In the chart Z' = Z'[:,J] Z'[I,J]^-1 Z'[I,:] with I = {rows}, J = {cols}, the loss has
    zero gradient and Hessian L D L^T with D = diag({diagonal}) > 0: the product of {point} is
    a strict local minimum of l on the matrices of rank <= min width.

    The parameters are the entries in rows I or columns J, row-major.
    """
    where = f"step {step['id']}"
    net = env.network
    m, n, r = net.widths[-1], net.widths[0], min(net.widths)
    rows = index_list(step["rows"], f"{where}.rows", m)
    cols = index_list(step["cols"], f"{where}.cols", n)
    if len(rows) != r or len(cols) != r:
        _fail(step, f"|I| = |J| = min width = {r}", f"{len(rows)}, {len(cols)}")
    params = [(i, j) for i in range(m) for j in range(n) if i in rows or j in cols]
    ldl = _ldl(step, len(params), positive=True)
    inv = matrix(step["inverse"], f"{where}.inverse")
    if (inv.m, inv.n) != (r, r):
        raise Malformed(f"{where}.inverse: expected {r} x {r}")
    inv = inv.fractions()
    z = net.product(_point(env, step))
    block = [[z[i][j] for j in cols] for i in rows]
    if landscape.mul(block, inv, r) != landscape.eye(r):
        _fail(step, "Z[I,J] * inverse = identity", "another matrix")
    grad, hess = landscape.chart_derivatives(net, z, rows, cols, inv, params)
    if any(grad):
        _fail(step, "zero chart gradient", f"non-zero at {params[[bool(x) for x in grad].index(True)]}")
    if ldl != hess:
        _fail(step, "chart Hessian = L D L^T", "a different matrix")
    env.facts[("strict-chart-minimum", step["point"])] = True


def rule_low_rank_bound(env, step):
    """Every Z of rank <= r = min width has l(Z) >= c/2 (||Y||^2 - r t - tr S) = L({point}) when the
    weights all equal c, t = {threshold} >= 0, S = L D L^T >= 0, t I + S - M = L' D' L'^T >= 0,
    M = Y X^T G X Y^T, G symmetric, X X^T G X X^T = X X^T: {point} is a global minimum.

    X^T G X projects onto the row space of X, so a Z X with column projection P leaves at least
    ||Y||^2 - tr(P M) (Eckart-Young), and tr(P M) <= tr(P (t I + S)) <= r t + tr S (Ky Fan).
    """
    where, net, d, mul, tr = f"step {step['id']}", env.network, env.network.widths, \
        landscape.mul, landscape.transpose
    t = number(step["threshold"], f"{where}.threshold")
    g = matrix(step["inverse"], f"{where}.inverse")
    if (g.m, g.n) != (d[0], d[0]):
        raise Malformed(f"{where}.inverse: expected {d[0]} x {d[0]}")
    g, xt, c = g.fractions(), tr(net.X, d[0]), net.w[0][0]
    xxt, yx = mul(net.X, xt, d[0]), mul(net.Y, xt, d[0])
    if t < 0 or any(x != c for row in net.w for x in row) or g != tr(g, d[0]) or \
            mul(mul(xxt, g, d[0]), xxt, d[0]) != xxt:
        _fail(step, "t >= 0, equal weights, G = G^T, X X^T G X X^T = X X^T", "otherwise")
    s, gap, m = _ldl(step, d[-1], False), _ldl(step, d[-1], False, "gap_"), \
        mul(mul(yx, g, d[0]), tr(yx, d[-1]), d[-1])
    if any(gap[i][j] != t * (i == j) + s[i][j] - m[i][j] for i in range(d[-1])
           for j in range(d[-1])):
        _fail(step, "t I + S - M = L' D' L'^T", "a different matrix")
    bound = c * (sum(x * x for row in net.Y for x in row) - min(d) * t -
                 sum(s[i][i] for i in range(d[-1]))) / 2
    if net.loss(_point(env, step)) != bound:
        _fail(step, f"L({step['point']}) = the bound {bound}", net.loss(_point(env, step)))
    env.facts[("global", step["point"])] = True


# -- costs (see plan.py): shapes and lengths only, before any arithmetic -------------

def _names(step, key, count=None):
    names = step[key]
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names) or \
            len(names) < 2 or (count and len(names) != count):
        raise Malformed(f"step {step['id']}: {key} must list {count or 'two or more'} matrix names")
    return names


def _length(step, key):
    if not isinstance(step[key], list):
        raise Malformed(f"step {step['id']}: {key} must be a list")
    return len(step[key])


def cost_matrix(plan, step, where):
    plan.define(step["name"], plan.matrix_field(step["value"], where), where)


def cost_product(plan, step, where):
    factors = []
    for name in _names(step, "factors"):
        info = plan.info.get(name)
        if info is None:
            raise Malformed(f"{where}: unknown matrix {name!r}")
        factors += info if isinstance(info, list) else [info]
    plan.define("*".join(_operand_name(n) for n in step["factors"]), factors, where)


def cost_sum(plan, step, where):
    """Row by row over the lcm of the two rows' denominators: at most both sizes."""
    names = _names(step, "terms", 2)
    (m, n, wa), (_, _, wb) = (plan.evaluate(n, where) for n in names)
    plan.charge(m * n * (wa + wb) + reduce_rows(m, n, wa + wb), where)
    wide = sum(across(plan.of(name)) for name in names)
    plan.define("+".join(step["terms"]), (m, n, wa + wb, 1.0, wide), where)


def cost_minor(plan, step, where):
    s = _length(step, "rows")
    plan.charge(minor_cost(plan, step, s, plan.evaluate(step["matrix"], where, s, s)[2], where),
                where)


def cost_rank(plan, step, where):
    m, n, w = plan.evaluate(step["matrix"], where)
    if step["transposed"] is True:  # the transpose puts all rows over one denominator
        m, n, w = n, m, across(plan.of(step["matrix"]))
    r = _length(step, "rows")
    kernel = fields(step["kernel"], where, ("pivot_part", "denominator"))
    part = plan.matrix_field(kernel["pivot_part"], where)[2]
    d = 1 + len(kernel["denominator"]) // 19 if isinstance(kernel["denominator"], str) else 1
    plan.charge(m * n + minor_cost(plan, step, r, w, where) + mul(m, r, n - r, w, max(part, d)) +
                m * mulw(d, max(n - r, 0) * (w + part + d)) // 30, where)  # d times free parts
    plan.ranks[step["matrix"]] = r


def cost_core(plan, step, where):
    (a, b) = _names(step, "factors", 2)
    (m, k, wa), (_, n, _) = plan.evaluate(a, where), plan.evaluate(b, where)
    wb = across(plan.of(b))  # the right factor over one denominator
    ra, rb = plan.ranks.get(a, min(m, k)), plan.ranks.get(b, min(k, n))
    plan.charge(ra * k + k * rb + mul(ra, k, rb, wa, wb) + reduce_rows(ra, rb, wa + wb), where)
    plan.define(f"core({_operand_name(a)}*{_operand_name(b)})", (ra, rb, wa + wb, 1.0), where)


def cost_scan(plan, step, where):
    m, n, _ = plan.evaluate(step["matrix"], where)
    plan.charge(m * n, where)


def _network_cost(ops):
    """The cost of a network rule: its matrices' decoding, ``200 ops(widths, N, degree)`` and
    ``200 ldl_ops`` for each factorisation ``L D L^T`` it multiplies out; the operations on
    products of h layers of b-bit numbers cost ``(1 + h b / 64)^2`` each."""
    def cost(plan, step, where):
        if plan.network is None or (plan.network[1] is None and step["rule"] != "point"):
            raise Malformed(f"{where}: {step['rule']} needs a network claim with X, Y and weights")
        d, samples, bits = plan.network
        for key in ("lower", "gap_lower", "inverse"):
            if key in step:
                size, _, words = plan.matrix_field(step[key], where)[:3]
                diagonal = step.get(key.replace("lower", "diagonal")) if "lower" in key else None
                if isinstance(diagonal, list):      # L D L^T: by the non-zeros of L's columns
                    words += max((len(x) for x in diagonal if isinstance(x, str)), default=0) // 19
                    rows = step[key].get("rows")
                    dense = isinstance(rows, list) and all(isinstance(r, list) for r in rows)
                    counts = [len(c) - c.count("0") for c in zip(*rows)] if dense else \
                        [size - j for j in range(size)]
                    plan.charge(200 * landscape.ldl_ops(size, counts, words), where)
        curve = step.get("curve") or ([step["layers"]] if "layers" in step else [])
        for layers in curve if isinstance(curve, list) else []:
            for layer in layers if isinstance(layers, list) else []:
                bits = max(bits, 64 * (plan.matrix_field(layer, where)[2] - 1))
        if step["rule"] == "point":  # later rules may read this point: charge them its numbers
            plan.network = (d, samples, bits)
        stated = step.get("coefficients") if isinstance(step.get("coefficients"), list) else []
        digits = sum(len(c) for c in stated if isinstance(c, str))  # their sum, as Fractions
        plan.charge(len(stated) * digits * digits // 10000, where)
        size = 1 + len(d) * bits // 64
        plan.charge(200 * ops(d, samples, len(curve) or 1) * size * size, where)
    return cost


Rule = namedtuple("Rule", "check cost required optional text")


def _rule(check, cost, required, optional=()):
    """A table entry; its description is the first paragraph of the rule's docstring."""
    return Rule(check, cost, required, optional, " ".join(check.__doc__.split("\n\n")[0].split()))


_NET = _network_cost
RULES = {
    "matrix": _rule(rule_matrix, cost_matrix, ("name", "value")),
    "product": _rule(rule_product, cost_product, ("factors",)),
    "sum": _rule(rule_sum, cost_sum, ("terms",)),
    "minor": _rule(rule_minor, cost_minor, ("matrix", "rows", "cols"), ("det_residue", "inverse")),
    "rank": _rule(rule_rank, cost_rank, ("matrix", "rank", "transposed", "rows", "cols", "kernel"),
                  ("det_residue", "inverse")),
    "core": _rule(rule_core, cost_core, ("factors",)),
    "vertex-cover": _rule(rule_vertex_cover, cost_scan, ("matrix", "rows", "cols")),
    "zero": _rule(rule_zero, cost_scan, ("matrix",)),
    "nonzero": _rule(rule_nonzero, cost_scan, ("matrix",)),
    "point": _rule(rule_point, _NET(lambda d, s, k: 0), ("name", "layers")),
    "loss": _rule(rule_loss, _NET(lambda d, s, k: landscape.gradient_ops(d, s)),
                  ("point", "value")),
    "critical-point": _rule(rule_critical_point, _NET(lambda d, s, k: landscape.gradient_ops(d, s)),
                            ("point",)),
    "stationary-loss": _rule(rule_stationary_loss,
                             _NET(lambda d, s, k: landscape.gradient_ops(d, s)), ("point",)),
    "hessian-psd": _rule(rule_hessian_psd, _NET(lambda d, s, k: landscape.hessian_ops(d, s)),
                         ("point", "lower", "diagonal")),
    "descent-curve": _rule(rule_descent_curve, _NET(landscape.polynomial_ops),
                           ("point", "curve", "coefficients", "order", "t0")),
    "chart-minimum": _rule(rule_chart_minimum, _NET(lambda d, s, k: landscape.chart_ops(d, s)),
                           ("point", "rows", "cols", "inverse", "lower", "diagonal")),
    "low-rank-bound": _rule(rule_low_rank_bound, _NET(lambda d, s, k: landscape.bound_ops(d, s)),
                            ("point", "threshold", "inverse", "lower", "diagonal", "gap_lower",
                             "gap_diagonal")),
}
