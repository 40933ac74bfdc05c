"""The work budget: every step's cost, added up before any arithmetic.

The checker first walks the whole certificate reading only shapes, lengths
of numbers and stated ranks, and adds up an upper estimate of each step's
work; past the budget (:data:`~.spec.BUDGET` unless the caller sets another)
it refuses with a resource cap, exit 3, having computed nothing.  It also
caps the matrix entries held at once (:data:`~.spec.MAX_CELLS`).  A unit is
about 30 ns of the standard-library path on a current machine (one Python
operation on a small integer; measured within a factor of about two on the
gallery and the benchmark certificates); the costs follow the computations
the rules do:

* decoding: one unit per entry of a dense matrix, plus ``digits^2 / 6000``
  per number (Python's conversion of long digit strings is quadratic);
* an integer product m x k by k x n with entries of ``wa`` and ``wb`` words
  (64 bits): ``3 m k + m k n wa (wa + wb) / 3`` (packed rows: one big-integer
  multiply-add per entry of the left factor, by a row of n slots of about
  ``wa + wb`` words);
* a determinant modulo p of an s x s block: ``2 s^3``; Bareiss (``s^5 w^2``)
  only for s <= :data:`~.spec.MAX_BAREISS`;
* network rules: 200 per rational operation of :mod:`.landscape`, counted there.
"""

from .arith import chain_order
from .errors import Malformed, ResourceCap
from .jsonload import shape
from .spec import MAX_BAREISS, MAX_CELLS


def mul(m, k, n, wa, wb):
    return 3 * m * k + m * k * n * wa * (wa + wb) // 3


class Plan:
    """Shapes ``(m, n, words)`` of named matrices (lists of them for products), stated ranks."""

    def __init__(self, budget):
        self.info, self.ranks, self.points, self.cells = {}, {}, set(), 0
        self.network = None     # (widths, samples) of the claim's network
        self.total, self.budget = 0, budget

    def charge(self, units, where):
        self.total += int(units)
        if self.total > self.budget:
            raise ResourceCap(f"{where}: the planned work, at least {self.total} units, exceeds the "
                              f"budget of {self.budget} (raise it with --budget)")

    def define(self, name, info, where="claim"):
        """Name a matrix ``(m, n, words)``, or a product (a list of factors: no entries held)."""
        self.info[name] = info
        if not isinstance(info, list):
            self.cells += info[0] * info[1]
            if self.cells > MAX_CELLS:
                raise ResourceCap(f"{where}: the matrices held at once would exceed {MAX_CELLS} "
                                  "entries")

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
        wide, words = max(w for _, _, w in info), sum(w for _, _, w in info)
        scalar = chain_order(dims)[0, len(info) - 1][0]
        self.charge(3 * sum(a * b for a, b in zip(dims, dims[1:])) + scalar * wide * words // 3,
                    where)
        if rows is None and cols is None:
            self.define(name, self.of(name), where)
        return dims[0], dims[-1], words

    def matrix_field(self, obj, where):
        """``(m, n, words)`` of a matrix field, charging its decoding.

        A row's words are those of its longest numerator plus every denominator
        in it: the row scaled to integers carries their least common multiple.
        """
        if not isinstance(obj, dict) or "shape" not in obj:
            raise Malformed(f"{where}: expected a matrix")
        m, n = shape(obj["shape"], where)
        if isinstance(obj.get("rows"), list):
            rows, cost = obj["rows"], m * n
        elif isinstance(obj.get("nonzeros"), list):
            by_row, cost = {}, m * n // 30
            for e in obj["nonzeros"]:
                if isinstance(e, list) and len(e) == 3 and type(e[0]) is int:
                    by_row.setdefault(e[0], []).append(e[2])
            rows = list(by_row.values())
        else:
            raise Malformed(f"{where}: expected rows or nonzeros as a list")
        digits = 1
        for row in rows:
            if isinstance(row, list):
                texts = [x for x in row if isinstance(x, str)]
                cost += sum(len(x) ** 2 for x in texts) // 6000
                digits = max(digits, max(map(len, texts), default=0) +
                             sum(len(x) - x.find("/") for x in texts if "/" in x))
        self.charge(cost, where)
        return m, n, 1 + digits // 19


def minor_cost(plan, step, s, words, where):
    """A non-singular s x s block: by residue (and Bareiss only when small) or by inverse."""
    if "inverse" in step:
        plan.matrix_field(step["inverse"], where)
        return mul(s, s, s, words, 1)
    if step.get("det_residue") == "0" and s > MAX_BAREISS:
        raise ResourceCap(f"{where}: an exact determinant of a {s} x {s} minor (residue 0) "
                          f"exceeds the cap of {MAX_BAREISS}; give a non-zero residue or an inverse")
    bareiss = s ** 5 * words * words if step.get("det_residue") == "0" else 0
    return 2 * s ** 3 + s * s * words + bareiss
