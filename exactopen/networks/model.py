"""Deep linear networks with exact data and weighted square losses.

A network has widths ``d_0, ..., d_h``, layers ``W_i`` (d_i x d_{i-1}), data
``X`` (d_0 x N), targets ``Y`` (d_h x N) and positive weights ``w``
(d_h x N).  Its loss is

    L(W) = 1/2 * sum_ij w_ij * ((W_h ... W_1 X - Y)_ij)^2

(all weights 1: the paper's square loss (5); a weight ``w`` is ``Omega^2`` in
the notation ``||Omega o (ZX - Y)||^2``, so that weights stay rational).

Network files are JSON objects ``{"widths": [...], "layers": [...], "X": ...,
"Y": ..., "weights": ...}`` with matrices as lists of rows; ``weights``
defaults to all ones and ``X`` to the identity.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from ..errors import InputError
from ..linalg.readers import exact_json_loads, matrix_from_json_value
from ..linalg import Matrix


def _width(p) -> int:
    """A width as written: a Python int (not a bool) or ASCII digits."""
    if type(p) is int or (isinstance(p, str) and p.isascii() and p.isdigit()):
        return int(p)
    raise ValueError(p)


def parse_widths(text: str | list) -> list[int]:
    """``"2,1,1,2"`` -> ``[2, 1, 1, 2]``, with a clear error for anything else."""
    parts = text if isinstance(text, list) else str(text).replace(" ", "").split(",")
    shown = ",".join(map(str, text)) if isinstance(text, list) else text
    try:
        widths = [_width(p) for p in parts]
    except (TypeError, ValueError):
        raise InputError(f"widths {shown}: expected positive integers like 2,1,1,2") from None
    if len(widths) < 2 or any(d < 1 for d in widths):
        raise InputError(f"widths {shown}: need at least two widths, each at least 1")
    if max(widths) > 64 or len(widths) > 17:
        raise InputError(f"widths {shown}: exactopen builds networks with widths <= 64 and "
                         "depth <= 16")
    return widths


def top_left_identity(rows: int, cols: int) -> Matrix:
    return Matrix([[int(i == j) for j in range(cols)] for i in range(rows)], ncols=cols)


def unit(rows: int, cols: int, i: int, j: int, value=1) -> Matrix:
    """The matrix with ``value`` at (i, j) and zeros elsewhere."""
    return Matrix([[value if (a, b) == (i, j) else 0 for b in range(cols)] for a in range(rows)],
                  ncols=cols)


@dataclass(frozen=True)
class LinearNetwork:
    """A deep linear network at a point, with its data and loss weights."""

    widths: tuple
    layers: tuple
    X: Matrix
    Y: Matrix
    weights: Matrix
    data_given: bool = True  # False: a file without Y, read for a lemma that uses no data

    def __post_init__(self):
        d = self.widths
        if len(self.layers) != len(d) - 1:
            raise InputError(f"{len(d) - 1} layers expected for widths {list(d)}, "
                             f"found {len(self.layers)}")
        for i, W in enumerate(self.layers):
            if W.shape != (d[i + 1], d[i]):
                raise InputError(f"layer {i + 1} is {W.nrows} x {W.ncols}, expected "
                                 f"{d[i + 1]} x {d[i]} (widths {list(d)})")
        if self.X.nrows != d[0]:
            raise InputError(f"X has {self.X.nrows} rows, expected d_0 = {d[0]}")
        if not self.X.ncols:
            raise InputError("X has no columns: the data needs at least one sample")
        for name, M in (("Y", self.Y), ("weights", self.weights)):
            if M.shape != (d[-1], self.X.ncols):
                raise InputError(f"{name} is {M.nrows} x {M.ncols}, expected "
                                 f"{d[-1]} x {self.X.ncols}")
        bad = next(((i, j, x) for i, row in enumerate(self.weights.tolist())
                    for j, x in enumerate(row) if x <= 0), None)
        if bad:
            raise InputError(f"weights: row {bad[0] + 1}, column {bad[1] + 1}: {bad[2]} is not "
                             "positive (the weighted loss needs every weight > 0)")

    @property
    def depth(self) -> int:
        return len(self.widths) - 1

    def product(self, layers=None) -> Matrix:
        layers = self.layers if layers is None else layers
        F = Matrix.identity(self.widths[0])
        for W in layers:
            F = W @ F
        return F

    def loss(self, layers=None) -> Fraction:
        R = self.product(layers) @ self.X - self.Y
        return sum((w * r * r for wr, rr in zip(self.weights.tolist(), R.tolist())
                    for w, r in zip(wr, rr)), Fraction(0)) / 2

    def loss_gradient(self, Z: Matrix) -> Matrix:
        """Gradient of ``l`` at ``Z``: ``(w o (Z X - Y)) X^T``."""
        R = Z @ self.X - self.Y
        S = Matrix([[w * r for w, r in zip(wr, rr)]
                    for wr, rr in zip(self.weights.tolist(), R.tolist())], ncols=R.ncols)
        return S @ self.X.T

    def parameters(self) -> list[tuple[int, int, int]]:
        """Parameter order: layer 1..h, entries row-major (as in the certificates)."""
        d = self.widths
        return [(i, p, q) for i in range(self.depth) for p in range(d[i + 1]) for q in range(d[i])]


def network_from_json(text: str, source: str, targets: bool = True) -> LinearNetwork:
    """Read a network file (see module doc); with ``targets=False`` ``Y`` may be missing (for
    Lemma 7, which uses no data): it is then 0 and ``data_given`` is False."""
    data = exact_json_loads(text, source)
    if not isinstance(data, dict) or "layers" not in data:
        raise InputError(f'{source}: expected {{"widths": [...], "layers": [...], "X": ..., '
                         f'"Y": ..., "weights": ...}}')
    unknown = set(data) - {"widths", "layers", "X", "Y", "weights"}
    if unknown:
        raise InputError(f"{source}: unknown field(s) {', '.join(sorted(unknown))}")

    def mat(obj, where):
        return matrix_from_json_value(obj, f"{source}: {where}")

    layers = data["layers"]
    if not isinstance(layers, list) or not layers:
        raise InputError(f"{source}: layers must be a non-empty list of matrices")
    layers = [mat(W, f"layer {i + 1}") for i, W in enumerate(layers)]
    widths = data.get("widths") or [layers[0].ncols] + [W.nrows for W in layers]
    widths = parse_widths([str(x) for x in widths] if isinstance(widths, list) else widths)
    X = mat(data["X"], "X") if "X" in data else Matrix.identity(widths[0])
    if "Y" not in data and targets:
        raise InputError(f"{source}: missing Y (the targets, d_h x N)")
    Y = mat(data["Y"], "Y") if "Y" in data else Matrix.zeros(widths[-1], X.ncols)
    weights = mat(data["weights"], "weights") if "weights" in data else \
        Matrix([[1] * Y.ncols for _ in range(Y.nrows)], ncols=Y.ncols)
    return LinearNetwork(tuple(widths), tuple(layers), X, Y, weights, data_given="Y" in data)
