"""Gallery entries for deep linear networks (Theorem 8, Lemmas 3 and 7, Theorem 5)."""

from __future__ import annotations

from ..linalg import Matrix
from .model import LinearNetwork


def _entry(*args):
    from ..gallery import Entry
    return Entry(*args)


def _square(widths):
    def build():
        from ..certify.networks import square_refutation_certificate
        from .theorem8 import paper_construction
        return square_refutation_certificate(paper_construction(widths))
    return build


def _weighted(widths):
    def build():
        from ..certify.networks import weighted_minimum_certificate
        from .theorem8 import weighted_minimum
        return weighted_minimum_certificate(weighted_minimum(widths))
    return build


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
    from ..certify.networks import lemma7_certificate
    return lemma7_certificate(lemma7_network())


def _lemma3():
    from ..certify.networks import lemma3_certificate
    return lemma3_certificate(lemma3_network(), {"name": "leaky-relu", "slope": "1/10"})


def _saddle():
    from ..certify.networks import classify_certificate
    return classify_certificate(saddle_network())[1]


def network_entries():
    return [
        _entry("theorem8-square-2-1-1-2.json", "Theorem 8's printed instance, widths (2,1,1,2)",
               "critical point, PSD Hessian, loss 1/2 > 0, but L(t) - L(0) = -3/8 t^4 + 1/4 t^6 "
               "+ 1/8 t^8 < 0: not a local minimum", _square((2, 1, 1, 2))),
        _entry("theorem8-square-2-1-3-1-2.json", "construction for widths (2,1,3,1,2), p2 = p1 + 2",
               "the only pair is (p1, p2) = (1, 3); the same descent polynomial refutes it",
               _square((2, 1, 3, 1, 2))),
        _entry("weighted-minimum-2-1-2-2.json", "weighted square loss, widths (2,1,2,2)",
               "paper predicts no spurious minimum (its condition fails), yet a bottleneck r = 1 "
               "gives a strict local minimum with loss 2 > 1/2", _weighted((2, 1, 2, 2))),
        _entry("weighted-minimum-3-2-1-3.json", "weighted square loss, widths (3,2,1,3)",
               "bottleneck r = 1 < 3: strict non-global local minimum (chart Hessian positive "
               "definite)", _weighted((3, 2, 1, 3))),
        _entry("lemma7-non-degenerate.json", "widths (3,2,3), rank(W2 W1) = 2",
               "non-degenerate point: locally open (Lemma 7)", _lemma7),
        _entry("lemma3-pyramidal.json", "pyramidal widths (4,3,2), leaky ReLU slope 1/10",
               "full-row-rank layers and X of full column rank: locally open (Lemma 3)", _lemma3),
        _entry("theorem5-saddle.json", "W = 0 for Y = diag(1, 2), widths (2,1,2)",
               "degenerate critical point, not global: a direction with second derivative -4 "
               "(Theorem 5: a second-order saddle)", _saddle),
    ]
