"""Plain-text renderings shared by the command line and the readable proofs."""

from __future__ import annotations


def polynomial_terms(coefficients) -> list[tuple[str, str, int]]:
    """The non-zero terms of ``sum_j c_j t^j`` as ``(sign, |c_j|, j)``; a unit coefficient of a
    non-constant term is ``""``.

    >>> polynomial_terms(["1", "-1", "0", "3/8"])
    [('+', '1', 0), ('-', '', 1), ('+', '3/8', 3)]
    """
    terms = []
    for j, c in enumerate(coefficients):
        if c in ("0", "-0"):
            continue
        size = c.lstrip("-")
        terms.append(("-" if c.startswith("-") else "+", "" if size == "1" and j else size, j))
    return terms


def format_polynomial(coefficients, var: str = "t") -> str:
    """``["0", "-3/8", "1/4"]`` -> ``"-3/8 t + 1/4 t^2"``; ``["0", "1", "-1"]`` -> ``"t - t^2"``.

    >>> format_polynomial(["0", "0", "0", "0", "-3/8", "0", "1/4", "0", "1/8"])
    '-3/8 t^4 + 1/4 t^6 + 1/8 t^8'
    """
    out = []
    for sign, size, j in polynomial_terms(coefficients):
        power = "" if j == 0 else (var if j == 1 else f"{var}^{j}")
        term = f"{size} {power}" if size and power else size or power
        out.append((sign, term))
    if not out:
        return "0"
    text = ("-" if out[0][0] == "-" else "") + out[0][1]
    return text + "".join(f" {s} {t}" for s, t in out[1:])
