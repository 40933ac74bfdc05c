"""The gallery: certificates for the paper's examples and the cases that teach it.

Each entry is a file name, a one-line claim, a "why" line and a builder.
:func:`build_gallery` regenerates every certificate deterministically;
``exactopen gallery`` writes them and ``exactopen demo`` verifies them in a
temporary directory.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Callable

from ..linalg import Matrix
from ..networks.model import LinearNetwork
from ..networks.theorem8 import paper_construction, weighted_minimum
from ..openness import analyze
from .encode import dumps
from .classify import classify_certificate
from .networks import (lemma3_certificate, lemma7_certificate, square_refutation_certificate,
                       weighted_minimum_certificate)
from .theorem2 import openness_certificate


@dataclass(frozen=True)
class Entry:
    name: str
    claim: str
    why: str
    build: Callable[[], dict]


def _pair(w1, w2):
    return lambda: openness_certificate(analyze(Matrix(w1), Matrix(w2)))


OPENNESS = [
    Entry("paper-example-open-in-range.json", "W1 = [1; 2], W2 = [1 1]",
          "r1 = r2 = r12 = 1 (Theorem 2: open in the range, though not in all of Q^(2x2))",
          _pair([[1], [2]], [[1, 1]])),
    Entry("rank-mismatch.json", "W1 = [1; 1], W2 = [0 0]",
          "r1 = 1 != r2 = 0: not open; (iv) fails, y = [1 0] shows it",
          _pair([[1], [1]], [[0, 0]])),
    Entry("rank-mismatch-transpose.json", "W1 = [0; 0], W2 = [1 1]",
          "the transposed pair: r1 = 0 != r2 = 1, (iii) fails",
          _pair([[0], [0]], [[1, 1]])),
    Entry("zero-pair.json", "W1 = 0 (2 x 1), W2 = 0 (1 x 2)",
          "r1 = r2 = r12 = 0: open in the range (factors of size sqrt(delta) reach every rank-1 target)",
          _pair([[0], [0]], [[0, 0]])),
    Entry("equal-rank-intersection.json", "W1 = e1 e1^T (3 x 2), W2 = e2 e1^T (2 x 3)",
          "r1 = r2 = 1 but r12 = 0: N(W1) ∩ C(W2) = span(e2), so (i)-(v) all fail",
          _pair([[1, 0], [0, 0], [0, 0]], [[0, 0, 0], [1, 0, 0]])),
    Entry("both-full-rank.json", "W1 (3 x 2), W2 (2 x 3), both of rank 2",
          "full rank factors: r1 = r2 = r12 = k, open with T1 = T2 = 0",
          _pair([[1, 0], [0, 1], [1, 1]], [[1, 0, 1], [0, 1, 1]])),
    Entry("behrends-open.json", "W1 = [1 0], W2 = [0; 1] (k = 2 >= min(m, n) = 1)",
          "Behrends: m + r2 = 2 <= k + r12 = 2, so (A) holds and the product is open",
          _pair([[1, 0]], [[0], [1]])),
    Entry("behrends-not-open.json", "W1 = e1 e1^T, W2 = e2 e2^T (2 x 2)",
          "Behrends: m + r2 = n + r1 = 3 > k + r12 = 2, neither (A) nor (B): not open",
          _pair([[1, 0], [0, 0]], [[0, 0], [0, 1]])),
]


def _square(widths):
    return lambda: square_refutation_certificate(paper_construction(widths))


def _weighted(widths):
    return lambda: weighted_minimum_certificate(weighted_minimum(widths))


def _ones(m, n):
    return Matrix([[1] * n for _ in range(m)], ncols=n)


def lemma7_network() -> LinearNetwork:
    W1 = Matrix([[1, 0, 2], [0, 1, -1]])
    W2 = Matrix([[1, 0], [0, 1], [1, 1]])
    return LinearNetwork((3, 2, 3), (W1, W2), Matrix.identity(3), Matrix.zeros(3, 3), _ones(3, 3))


def lemma3_network() -> LinearNetwork:
    X = Matrix([[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 1]])
    W1 = Matrix([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 1]])
    W2 = Matrix([[1, 1, 0], [0, 1, 1]])
    return LinearNetwork((4, 3, 2), (W1, W2), X, Matrix.zeros(2, 3), _ones(2, 3))


def saddle_network() -> LinearNetwork:
    """W = 0 for Y = diag(1, 2): a degenerate critical point that is not global."""
    return LinearNetwork((2, 1, 2), (Matrix.zeros(1, 2), Matrix.zeros(2, 1)), Matrix.identity(2),
                         Matrix([[1, 0], [0, 2]]), _ones(2, 2))


def _lemma7():
    return lemma7_certificate(lemma7_network())


def _lemma3():
    return lemma3_certificate(lemma3_network(), {"name": "leaky-relu", "slope": "1/10"})


def _saddle():
    return classify_certificate(saddle_network())[1]


NETWORKS = [
    Entry("theorem8-square-2-1-1-2.json", "Theorem 8's printed instance, widths (2,1,1,2)",
          "critical point, PSD Hessian, loss 1/2 > 0, but L(t) - L(0) = -3/8 t^4 + 1/4 t^6 "
          "+ 1/8 t^8 < 0: not a local minimum", _square((2, 1, 1, 2))),
    Entry("theorem8-square-2-1-3-1-2.json", "construction for widths (2,1,3,1,2), p2 = p1 + 2",
          "the only pair is (p1, p2) = (1, 3); the same descent polynomial refutes it",
          _square((2, 1, 3, 1, 2))),
    Entry("weighted-minimum-2-1-2-2.json", "weighted square loss, widths (2,1,2,2)",
          "paper predicts no spurious minimum (its condition fails), yet a bottleneck r = 1 "
          "gives a local minimum of L with loss 2 > 1/2 (strict for the product on the rank-<= 1 "
          "matrices, not strict in the parameters)", _weighted((2, 1, 2, 2))),
    Entry("weighted-minimum-3-2-1-3.json", "weighted square loss, widths (3,2,1,3)",
          "bottleneck r = 1 < 3: a non-global local minimum of L (chart Hessian positive "
          "definite: the product is a strict local minimum on the rank-<= 1 matrices)",
          _weighted((3, 2, 1, 3))),
    Entry("lemma7-non-degenerate.json", "widths (3,2,3), rank(W2 W1) = 2",
          "non-degenerate point: locally open (Lemma 7)", _lemma7),
    Entry("lemma3-pyramidal.json", "pyramidal widths (4,3,2), leaky ReLU slope 1/10",
          "full-row-rank layers and X of full column rank: locally open (Lemma 3)", _lemma3),
    Entry("theorem5-saddle.json", "W = 0 for Y = diag(1, 2), widths (2,1,2)",
          "degenerate critical point, not global: along W + tD, L drops by 2 t^2 - 2 t^4 (a "
          "negative Hessian eigenvalue: a second-order saddle, as Corollary 6 predicts)", _saddle),
]


# -- classify at depth three (docs/theory.md, "Classifying critical points") -------------

def _identity_data(widths, layers, Y):
    return LinearNetwork(widths, tuple(Matrix(W) for W in layers), Matrix.identity(widths[0]),
                         Matrix(Y), _ones(len(Y), widths[0]))


def zero_point_network() -> LinearNetwork:
    """W = 0 at widths (2,2,2,2) with X = I, Y = I: zero Hessian, not a local minimum."""
    return _identity_data((2, 2, 2, 2), [[[0, 0], [0, 0]]] * 3, [[1, 0], [0, 1]])


def kernel_descent_network() -> LinearNetwork:
    """A degenerate critical point with no zero layer and a PSD Hessian, not a local minimum."""
    return _identity_data((2, 2, 2, 2), [[[0, 0], [1, 0]], [[0, 1], [0, 0]], [[1, 1], [0, 0]]],
                          [[1, 0], [0, 1]])


def deep_global_network() -> LinearNetwork:
    """The best rank-1 fit of Y = diag(1, 2) through widths (2,1,1,2): a global minimum."""
    return _identity_data((2, 1, 1, 2), [[[0, 1]], [[1]], [[0], [2]]], [[1, 0], [0, 2]])


def _classified(network):
    return lambda: classify_certificate(network())[1]


CLASSIFY = [
    Entry("classify-zero-point-2-2-2-2.json", "W = 0 for X = Y = I, widths (2,2,2,2)",
          "degenerate critical point with zero Hessian; along the line W + tD through the zero "
          "layers L drops by t^3 - t^6 / 2 (order 3 = depth): not a local minimum",
          _classified(zero_point_network)),
    Entry("classify-kernel-descent-2-2-2-2.json",
          "W1 = e2 e1^T, W2 = e1 e2^T, W3 = [1 1; 0 0], X = Y = I",
          "degenerate critical point, not global, no zero layer, Hessian without negative "
          "curvature; a line in its kernel drops L by t^3 - t^4: not a local minimum",
          _classified(kernel_descent_network)),
    Entry("classify-global-2-1-1-2.json", "W1 = [0 1], W2 = [1], W3 = [0; 2], Y = diag(1, 2)",
          "non-degenerate, grad l(Z) != 0, yet L = 1/2 is the least loss of any rank-1 product "
          "(Eckart-Young, Ky Fan's bound with t = 1): a global minimum",
          _classified(deep_global_network)),
]


def entries() -> list[Entry]:
    """Every gallery entry, in table order."""
    return OPENNESS + NETWORKS + CLASSIFY


def build_gallery(progress=None) -> dict[str, str]:
    """``{file name: canonical certificate text}`` for every entry."""
    out = {}
    for entry in entries():
        if progress:
            progress(entry.name)
        out[entry.name] = dumps(entry.build())
    return out


def gallery_files(progress=None) -> dict[str, str]:
    """Every file of ``certificates/``: the certificates and their README."""
    built = build_gallery(progress)
    return {**built, "README.md": gallery_readme(built)}


README_HEAD = """# The certificate gallery

Certificates for the paper's own examples and for the cases that teach its
theorems. They are regenerated deterministically by `exactopen gallery`
(the tests fail if a byte differs) and each is verified by the independent
checker: `exactopen verify certificates/*.json`.

"""


def gallery_readme(built: dict[str, str]) -> str:
    """``certificates/README.md``: a table of claim, verdict and why."""
    lines = ["| certificate | claim | verdict | why |", "|---|---|---|---|"]
    for entry in entries():
        verdict = json.loads(built[entry.name])["verdict"]
        lines.append(f"| `{entry.name}` | {entry.claim} | {verdict} | {entry.why} |")
    return README_HEAD + "\n".join(lines) + "\n"
