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

from .certify.encode import dumps
from .certify.openness import openness_certificate
from .linalg import Matrix
from .openness import analyze


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


def entries() -> list[Entry]:
    """Every gallery entry, in table order."""
    from .networks.gallery import network_entries
    return OPENNESS + network_entries()


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
