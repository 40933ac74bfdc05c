"""Plain-text renderings shared by the command line and the readable proofs."""

from __future__ import annotations


def format_polynomial(coefficients) -> str:
    """``["0", "-3/8", "1/4"]`` -> ``"-3/8 t + 1/4 t^2"``; ``["0", "0", "-1"]`` -> ``"-t^2"``."""
    terms = []
    for j, c in enumerate(coefficients):
        if c == "0":
            continue
        power = "" if j == 0 else (" t" if j == 1 else f" t^{j}")
        sign, size = ("-" if c.startswith("-") else "+"), c.lstrip("-")
        terms.append((sign, power.strip() if size == "1" and power else size + power))
    if not terms:
        return "0"
    text = ("-" if terms[0][0] == "-" else "") + terms[0][1]
    return text + "".join(f" {s} {t}" for s, t in terms[1:])
