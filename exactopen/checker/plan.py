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
  (64 bits): ``3 z + z n mulw(wa, wa + wb) / 3`` with ``z`` the non-zeros of the
  left factor (packed rows: one big-integer multiply-add per non-zero, by a row
  of n slots of about ``wa + wb`` words; ``mulw(a, b) = max * min^0.585``, as
  Python multiplies long integers by Karatsuba's method); a product's result, plus
  ``(wa + wb)^2 / 5`` per entry for the gcds that reduce it (Python's gcd is quadratic);
  a matrix's words bound its rows over one denominator (the lcm of the row
  denominators: their largest power of two and their distinct odd parts);
* a determinant modulo p of an s x s block: ``2 s^3``; Bareiss (``s^5 w^2``)
  only for s <= :data:`~.spec.MAX_BAREISS`;
* a kernel check: also the denominator times each row's free part;
* network rules: 200 per rational operation of :mod:`.landscape`, counted there,
  and the sum of a curve's stated coefficients.
"""

from .arith import chain_order
from .errors import Malformed, ResourceCap
from .jsonload import shape
from .spec import MAX_BAREISS, MAX_CELLS, MAX_DIGITS


def mulw(a, b):
    """Word operations to multiply an a-word by a b-word integer: ``max * min^0.585``
    (Python splits the longer one into pieces of the shorter one's size, and multiplies
    those by Karatsuba's method)."""
    return round(max(a, b) * min(a, b) ** 0.585)


def mul(m, k, n, wa, wb, density=1.0):
    """An integer product m x k by k x n: a Python step per non-zero of the left factor, each
    a multiply-add by a packed row of n slots of ``wa + wb`` words."""
    nonzero = max(1, round(m * k * density))
    return 3 * nonzero + nonzero * n * mulw(wa, wa + wb) // 3


def reduce_rows(m, n, words):
    """The gcds that reduce an m x n result to lowest terms, row by row (quadratic in words)."""
    return m * n * words * words // 5


def lcm_bits(dens):
    """A bound on the bits of the lcm of positive integers: their largest power of two and
    their distinct odd parts (exact for powers of two, the denominators of binary floats)."""
    twos, odd = 0, set()
    for d in dens:
        low = (d & -d).bit_length() - 1
        twos = max(twos, low)
        odd.add(d >> low)
    return twos + sum(x.bit_length() for x in odd)


def across(info):
    """Words of a matrix's entries over one denominator for all rows (a right factor or a
    transpose): the fifth entry of ``info`` where known, else its words."""
    return info[4] if len(info) > 4 else info[2]


class Plan:
    """``(m, n, words, density[, across])`` of named matrices (lists of them for products), stated ranks."""

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
        """Name a matrix ``(m, n, words, density)``, or a product (a list of factors: no
        entries held)."""
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
            return info[0][0], info[-1][1], info[0][2] + sum(map(across, info[1:])), 1.0
        return info

    def evaluate(self, name, where, rows=None, cols=None):
        """Charge the evaluation of a named matrix (a product: in the cheapest order)."""
        info = self.info.get(name)
        if not isinstance(info, list):
            return self.of(name)[:3]
        dims = [rows or info[0][0]] + [f[1] for f in info[:-1]] + [cols or info[-1][1]]
        sizes = [info[0][2]] + [across(f) for f in info[1:]]  # right factors: one denominator
        wide, words = max(sizes), sum(sizes)
        if len(info) == 2:  # the usual case, with the left factor's non-zeros
            cost = mul(dims[0], dims[1], dims[2], sizes[0], sizes[1], info[0][3])
        else:
            cost = 3 * sum(a * b for a, b in zip(dims, dims[1:])) + \
                chain_order(dims)[0, len(info) - 1][0] * mulw(wide, words) // 3
        self.charge(cost + reduce_rows(dims[0], dims[-1], words), where)
        if rows is None and cols is None:
            self.define(name, self.of(name), where)
        return dims[0], dims[-1], words

    def matrix_field(self, obj, where):
        """``(m, n, words, density)`` of a matrix field, charging its decoding.

        A row's words are those of its longest numerator plus every denominator
        in it: the row scaled to integers carries their least common multiple.
        """
        if not isinstance(obj, dict) or "shape" not in obj:
            raise Malformed(f"{where}: expected a matrix")
        m, n = shape(obj["shape"], where)
        if isinstance(obj.get("rows"), list):
            rows, cost, density = obj["rows"], m * n, 1.0
        elif isinstance(obj.get("nonzeros"), list):
            by_row, cost = {}, m * n // 30
            for e in obj["nonzeros"]:
                if isinstance(e, list) and len(e) == 3 and type(e[0]) is int:
                    by_row.setdefault(e[0], []).append(e[2])
            rows, density = list(by_row.values()), len(obj["nonzeros"]) / max(1, m * n)
        else:
            raise Malformed(f"{where}: expected rows or nonzeros as a list")
        digits, longest, denominators = 1, 0, set()
        for row in rows:
            if isinstance(row, list):
                texts = [x for x in row if isinstance(x, str)]
                cost += sum(len(x) ** 2 for x in texts) // 6000
                longest = max(longest, max(map(len, texts), default=0))
                denominators.update(x[x.find("/") + 1:] for x in texts if "/" in x)
                digits = max(digits, max(map(len, texts), default=0) +
                             sum(len(x) - x.find("/") for x in texts if "/" in x))
        # as a right factor or transposed, every row is scaled by the lcm of all of them
        dens = [int(x) for x in denominators  # longer ones: the number cap refuses them
                if len(x) <= MAX_DIGITS and x.isascii() and x.isdigit() and x != "0"]
        wide = max(digits, longest + lcm_bits(dens) * 30103 // 100000)
        self.charge(cost, where)
        return m, n, 1 + digits // 19, density, 1 + wide // 19


def minor_cost(plan, step, s, words, where):
    """A non-singular s x s block: by residue (and Bareiss only when small) or by inverse."""
    if "inverse" in step:  # the block is reduced modulo p, then multiplied by the inverse
        plan.matrix_field(step["inverse"], where)
        return s * s * words + mul(s, s, s, 1, 1)
    if step.get("det_residue") == "0" and s > MAX_BAREISS:
        raise ResourceCap(f"{where}: an exact determinant of a {s} x {s} minor (residue 0) "
                          f"exceeds the cap of {MAX_BAREISS}; give a non-zero residue or an inverse")
    bareiss = s ** 5 * words * words if step.get("det_residue") == "0" else 0
    return 2 * s ** 3 + s * s * words + bareiss
