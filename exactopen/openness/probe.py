"""Measuring the reach of local openness: exact lifts of random targets at shrinking radii.

Targets in the range near ``Z = W1 W2 = C R`` (a rank factorisation, r =
rank Z) are drawn as ``Z' = (C + s A)(R + s B) + s U V`` with seeded random
integer ``A, B`` and ``U V`` of rank ``k - r`` (the direction transverse to
the rank-r matrices, where reaching costs most), so ``rank Z' <= k``; in
Behrends' case the range is everything and ``Z' = Z + s E``.  Each is lifted exactly;
``delta = ||Z' - Z||`` and ``reach = ||W1' - W1|| + ||W2' - W2||`` are
exact square roots of rationals, turned into decimals only to print and fit.
The fitted exponent is the least-squares slope of log(worst reach) against
log(delta): about 1 for full-rank pairs, about 1/2 when the rank is below k.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from fractions import Fraction

from ..linalg import Matrix, rref
from .lift import NotLiftable, lift, obstruction
from .theorem2 import analyze

DEFAULT_RADII = (Fraction(1, 10), Fraction(1, 100), Fraction(1, 1000), Fraction(1, 10 ** 4),
                 Fraction(1, 10 ** 5))


@dataclass(frozen=True)
class ProbeRow:
    radius: Fraction
    delta: float        # median over samples of ||Z' - Z||
    worst_reach: float  # max over samples of ||W1' - W1|| + ||W2' - W2||


def _random(rng, m, n):
    return Matrix([[rng.randint(-3, 3) for _ in range(n)] for _ in range(m)], ncols=n)


def _sqrt(x: Fraction) -> float:
    return math.sqrt(x.numerator / x.denominator) if x.denominator < 1 << 1000 else \
        math.exp((math.log(x.numerator) - math.log(x.denominator)) / 2)


def probe(W1: Matrix, W2: Matrix, radii=DEFAULT_RADII, samples: int = 5, seed: int = 0,
          progress=None) -> tuple[list[ProbeRow], float]:
    """Rows of (radius, delta, worst reach) and the fitted exponent."""
    report = analyze(W1, W2)
    if not report.locally_open:
        raise NotLiftable("nothing to probe: the pair is not locally open; " + obstruction(report))
    m, k, n = report.shape
    Z = W1 @ W2
    R, pivots = rref(Z)
    r = len(pivots)
    C, Rr = Z.submatrix(range(m), pivots), R.submatrix(range(r), range(n))  # Z = C Rr
    rng = random.Random(seed)
    rows = []
    for radius in radii:
        deltas, reaches = [], []
        for _ in range(samples):
            if report.setting == "theorem-2":
                A, B = _random(rng, m, r), _random(rng, r, n)
                U, V = _random(rng, m, k - r), _random(rng, k - r, n)
                target = (C + A.scale(radius)) @ (Rr + B.scale(radius)) + (U @ V).scale(radius)
            else:
                target = Z + _random(rng, m, n).scale(radius)
            result = lift(W1, W2, target, report)
            deltas.append(_sqrt(result.delta_squared))
            reaches.append(_sqrt(result.reach1_squared) + _sqrt(result.reach2_squared))
            if progress:
                progress()
        deltas.sort()
        rows.append(ProbeRow(radius, deltas[len(deltas) // 2], max(reaches)))
    return rows, fitted_exponent(rows)


def fitted_exponent(rows: list[ProbeRow]) -> float:
    """Least-squares slope of log(worst reach) against log(delta)."""
    points = [(math.log(r.delta), math.log(r.worst_reach)) for r in rows
              if r.delta > 0 and r.worst_reach > 0]
    if len(points) < 2:
        return float("nan")
    mx = sum(x for x, _ in points) / len(points)
    my = sum(y for _, y in points) / len(points)
    sxx = sum((x - mx) ** 2 for x, _ in points)
    return sum((x - mx) * (y - my) for x, y in points) / sxx if sxx else float("nan")


def svg_plot(rows: list[ProbeRow], exponent: float, title: str) -> str:
    """A self-contained log-log SVG of worst reach against delta."""
    pts = [(math.log10(r.delta), math.log10(r.worst_reach)) for r in rows
           if r.delta > 0 and r.worst_reach > 0]
    if not pts:
        pts = [(0.0, 0.0)]
    x0, x1 = min(p[0] for p in pts) - 0.5, max(p[0] for p in pts) + 0.5
    y0, y1 = min(p[1] for p in pts) - 0.5, max(p[1] for p in pts) + 0.5
    W, H, pad = 480, 360, 60

    def sx(x):
        return pad + (x - x0) / (x1 - x0) * (W - 2 * pad)

    def sy(y):
        return H - pad - (y - y0) / (y1 - y0) * (H - 2 * pad)

    marks = "".join(f'<circle cx="{sx(x):.1f}" cy="{sy(y):.1f}" r="4" fill="#1f5fa8"/>'
                    for x, y in pts)
    line = " ".join(f"{sx(x):.1f},{sy(y):.1f}" for x, y in pts)
    ticks = "".join(
        f'<text x="{sx(t):.1f}" y="{H - pad + 18}" font-size="11" text-anchor="middle">1e{t}</text>'
        for t in range(math.ceil(x0), math.floor(x1) + 1))
    yticks = "".join(
        f'<text x="{pad - 8}" y="{sy(t) + 4:.1f}" font-size="11" text-anchor="end">1e{t}</text>'
        for t in range(math.ceil(y0), math.floor(y1) + 1))
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" '
            f'font-family="sans-serif">'
            f'<rect width="{W}" height="{H}" fill="white"/>'
            f'<text x="{W / 2}" y="24" font-size="14" text-anchor="middle">{title}</text>'
            f'<line x1="{pad}" y1="{H - pad}" x2="{W - pad}" y2="{H - pad}" stroke="black"/>'
            f'<line x1="{pad}" y1="{pad}" x2="{pad}" y2="{H - pad}" stroke="black"/>'
            f'{ticks}{yticks}'
            f'<text x="{W / 2}" y="{H - 18}" font-size="12" text-anchor="middle">'
            f'delta = ||Z\' - W1 W2||</text>'
            f'<text x="16" y="{H / 2}" font-size="12" text-anchor="middle" '
            f'transform="rotate(-90 16 {H / 2})">worst reach</text>'
            f'<polyline points="{line}" fill="none" stroke="#1f5fa8"/>{marks}'
            f'<text x="{W - pad}" y="{pad}" font-size="12" text-anchor="end">fitted exponent '
            f'{exponent:.3f}</text></svg>\n')
