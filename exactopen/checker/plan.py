"""The work budget: every step's cost, added up before any arithmetic.

The checker first walks the whole certificate reading only shapes, lengths
of numbers and stated ranks, and adds up an upper estimate of each step's
work; past the budget (:data:`~.spec.BUDGET` unless the caller sets another)
it refuses with a resource cap, exit 3, having computed nothing.  A unit is
about 30 ns of the standard-library path on a current machine; the costs
below are the shapes of the computations the rules do:

* an integer product m x k by k x n with w-word entries: ``20 m k + m k n w^2 / 3``
  (packed rows: one big multiply-add per entry of the left factor);
* a determinant modulo p of an s x s block: ``3 s^3``; Bareiss only for
  s <= :data:`~.spec.MAX_BAREISS`;
* decoding: ``1 + digits^2 / 6000`` per number, one per entry of a dense matrix;
* network rules: 100 per rational operation of :mod:`.landscape`, counted there.
"""

from .arith import chain_order
from .errors import Malformed, ResourceCap
from .jsonload import shape
from .spec import MAX_BAREISS


def mul(m, k, n, w):
    return 20 * m * k + m * k * n * w * w // 3


class Plan:
    """Shapes ``(m, n, words)`` of named matrices (lists of them for products), stated ranks."""

    def __init__(self, budget):
        self.info, self.ranks, self.points = {}, {}, set()
        self.network = None     # (widths, samples) of the claim's network
        self.total, self.budget = 0, budget

    def charge(self, units, where):
        self.total += int(units)
        if self.total > self.budget:
            raise ResourceCap(f"{where}: the planned work, at least {self.total} units, exceeds the "
                              f"budget of {self.budget} (raise it with --budget)")

    def define(self, name, info):
        self.info[name] = info

    def of(self, name):
        """Shape and words of a named matrix (a product: of its result)."""
        info = self.info.get(name)
        if info is None:
            raise Malformed(f"unknown matrix {name!r}")
        if isinstance(info, list):
            return info[0][0], info[-1][1], sum(w for _, _, w in info)
        return info

    def evaluate(self, name, where, rows=None, cols=None):
        """Charge the evaluation of a named matrix (a product: in the cheapest order)."""
        info = self.info.get(name)
        if not isinstance(info, list):
            return self.of(name)
        dims = [rows or info[0][0]] + [n for _, n, _ in info[:-1]] + [cols or info[-1][1]]
        words = sum(w for _, _, w in info)
        self.charge(chain_order(dims)[0, len(info) - 1][0] * words * words // 3 + 20 * dims[0] * dims[1],
                    where)
        if rows is None and cols is None:
            self.info[name] = self.of(name)
        return dims[0], dims[-1], words

    def matrix_field(self, obj, where):
        """``(m, n, words)`` of a matrix field, charging its decoding."""
        if not isinstance(obj, dict) or "shape" not in obj:
            raise Malformed(f"{where}: expected a matrix")
        m, n = shape(obj["shape"], where)
        entries = obj.get("rows") or [e[2:] for e in obj.get("nonzeros") or [] if isinstance(e, list)]
        digits, cost = 1, m * n
        for row in entries if isinstance(entries, list) else []:
            if isinstance(row, list):
                lengths = [len(x) for x in row if isinstance(x, str)]
                cost += sum(x * x for x in lengths) // 6000
                digits = max(digits, max(lengths, default=0) +
                             sum(len(x) - x.find("/") for x in row if isinstance(x, str) and "/" in x))
        self.charge(cost, where)
        return m, n, 1 + digits // 19


def minor_cost(plan, step, s, words, where):
    """A non-singular s x s block: by residue (and Bareiss only when small) or by inverse."""
    if "inverse" in step:
        plan.matrix_field(step["inverse"], where)
        return mul(s, s, s, words + 1)
    if step.get("det_residue") == "0" and s > MAX_BAREISS:
        raise ResourceCap(f"{where}: an exact determinant of a {s} x {s} minor (residue 0) "
                          f"exceeds the cap of {MAX_BAREISS}; give a non-zero residue or an inverse")
    bareiss = s ** 5 * words * words if step.get("det_residue") == "0" else 0
    return 3 * s ** 3 + s * s * words + bareiss
