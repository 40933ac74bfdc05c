"""A proof document as self-contained HTML with typeset mathematics.

Matrices are MathML tables (``<math><mtable>``, which current browsers lay
out natively) with square brackets drawn by CSS borders, so they render the
same with or without a mathematics font; entries are centred in their
columns as in typeset mathematics, fractions are stacked.  Prose keeps its
ASCII mathematics in the document and is typeset here: ``t^4`` becomes
t<sup>4</sup>, ``W1`` and ``c_k`` get subscripts, ``>=`` becomes ≥, a minus
sign is a minus sign.  The page has no scripts and no external resources.
"""

from __future__ import annotations

import html
import re

from .text import polynomial_terms

CLASS = "exactopen-proof"

STYLE = f"""
.{CLASS}{{font-family:Georgia,"DejaVu Serif","Liberation Serif",serif;line-height:1.5;
color:#1d1d1d;max-width:56em;overflow-wrap:anywhere}}
.{CLASS} h1{{font-size:1.5em;border-bottom:2px solid #1f5fa8;padding-bottom:.2em}}
.{CLASS} h2{{font-size:1.2em;color:#1f5fa8;margin-top:1.4em}}
.{CLASS} sub,.{CLASS} sup{{font-size:.72em;line-height:0}}
.{CLASS} .subsup{{display:inline-flex;flex-direction:column;vertical-align:.5em;
font-size:.72em;line-height:1}}
.{CLASS} .subsup>sub,.{CLASS} .subsup>sup{{font-size:1em;vertical-align:baseline;line-height:1}}
.{CLASS} .step{{font-weight:bold}}
.{CLASS} .nw{{white-space:nowrap}}
.{CLASS} .display{{display:flex;flex-wrap:wrap;align-items:center;gap:.6em 2.2em;
margin:.6em 0 1em 1.5em}}
.{CLASS} .item{{display:inline-flex;align-items:center;gap:.4em;max-width:100%;overflow-x:auto}}
.{CLASS} .note{{color:#666;font-size:.9em}}
.{CLASS} math{{font-size:1.12em}}
.{CLASS} .tuple{{display:inline-flex;align-items:baseline;gap:.3em;padding:.1em .85em;
border-left:.09em solid;border-right:.09em solid;border-radius:.75em/50%}}
.{CLASS} .tuple>span{{margin-right:.3em}}
.{CLASS} mtable.m{{border-left:.09em solid;border-right:.09em solid;padding:.15em .2em;
background:linear-gradient(currentColor,currentColor) left top/.4em .09em no-repeat,
linear-gradient(currentColor,currentColor) left bottom/.4em .09em no-repeat,
linear-gradient(currentColor,currentColor) right top/.4em .09em no-repeat,
linear-gradient(currentColor,currentColor) right bottom/.4em .09em no-repeat}}
.{CLASS} mtable.m>mtr>mtd{{padding:.2em .55em}}
"""

PAGE_STYLE = f"body{{margin:2em auto;padding:0 1em;max-width:56em}}{STYLE}"

# -- prose ---------------------------------------------------------------------------

_SYMBOLS = [
    (re.compile(r">="), "≥"), (re.compile(r"<="), "≤"), (re.compile(r"!="), "≠"),
    (re.compile(r"->"), "→"), (re.compile(r"(?<=[\w)]) x (?=[\w(])"), "\u00a0×\u00a0"),
    (re.compile(r" \* "), " · "), (re.compile(r"(?<![\w)\]])-(?=[\d(\w])"), "−"),
    (re.compile(r" - "), " − "), (re.compile(r"(?<=[A-Z])'"), "′"),
    # a line may break after a relation, never before it
    (re.compile(r" (?=(?:[=<>≤≥≠]|&[lg]t;) )"), "\u00a0"),
]

_SCRIPTS = [
    # sum_(j>4) -> a summation sign with its range below
    (re.compile(r"\bsum_\(([^()]*)\)"), r"∑<sub>\1</sub>"),
    (re.compile(r"Σ_(\w+)"), r"Σ<sub>\1</sub>"),
    # exponents: t^4, 2^61, L^T, ^-1, ^(m x n), ^{...}
    (re.compile(r"\^\(([^()]*)\)"), r"<sup>\1</sup>"),
    (re.compile(r"\^\{([^{}]*)\}"), r"<sup>\1</sup>"),
    (re.compile(r"\^(−?\w+)"), r"<sup>\1</sup>"),
    # subscripts: c_{k}, w_ij, C_j, F_2, and a letter with one or two digits (W1, t0, r12)
    (re.compile(r"(?<=[A-Za-z])_\{([^{}]*)\}"), r"<sub>\1</sub>"),
    (re.compile(r"(?<=[A-Za-z)])_([A-Za-z0-9]+)"), r"<sub>\1</sub>"),
    (re.compile(r"\b([A-Za-z]′?)(\d{1,2})\b"), r"\1<sub>\2</sub>"),
    # a verdict or label of three or more hyphenated words is not broken across lines
    (re.compile(r"\b[A-Za-z0-9]+(?:-[A-Za-z0-9]+){2,}\b"), r'<span class="nw">\g<0></span>'),
    # a subscript and a superscript on one base stand one above the other (W2^T)
    (re.compile(r"<sub>([^<]*)</sub><sup>([^<]*)</sup>"),
     r'<span class="subsup"><sup>\2</sup><sub>\1</sub></span>'),
    # a script stays on the line of its base (a line may otherwise break before "]^-1")
    (re.compile(r"[^\s<>]+(?:<(su[bp])>[^<]*</\1>|<span class=\"subsup\">.*?</span>)+"),
     r'<span class="nw">\g<0></span>'),
]


def inline(text: str) -> str:
    """Plain text with ASCII mathematics as HTML: scripts raised and lowered, signs typeset."""
    for pattern, repl in _SYMBOLS:
        text = pattern.sub(repl, text)
    text = html.escape(text, quote=False)
    for pattern, repl in _SCRIPTS:
        text = pattern.sub(repl, text)
    return text


# -- MathML ------------------------------------------------------------------------------

def _number(x: str, lead: bool = True) -> str:
    """A rational as MathML: integers as ``<mn>``, fractions stacked, a minus sign as ``<mo>``."""
    sign = ""
    if x.startswith("-"):
        sign, x = "<mo>−</mo>" if lead else "", x[1:]
    if "/" in x:
        p, q = x.split("/")
        return f'{sign}<mfrac displaystyle="true"><mn>{p}</mn><mn>{q}</mn></mfrac>'
    return f"{sign}<mn>{x}</mn>"


def _polynomial(coefficients) -> str:
    out = []
    for k, (sign, size, j) in enumerate(polynomial_terms(coefficients)):
        if k or sign == "-":
            out.append(f"<mo>{'−' if sign == '-' else '+'}</mo>")
        power = "" if j == 0 else ("<mi>t</mi>" if j == 1 else
                                   f"<msup><mi>t</mi><mn>{j}</mn></msup>")
        out.append((_number(size) if size else "") + power)
    return "<mrow>" + ("".join(out) or "<mn>0</mn>") + "</mrow>"


def _entry(x) -> str:
    return _polynomial(x) if isinstance(x, tuple) else _number(x)


def matrix(rows, shape) -> str:
    """A bracketed matrix in MathML (an empty one as its shape)."""
    m, n = shape
    if not m or not n:
        return f'<math><mtext>(empty {m} × {n})</mtext></math>'
    body = "".join("<mtr>" + "".join(f"<mtd>{_entry(x)}</mtd>" for x in r) + "</mtr>"
                   for r in rows)
    return f'<math><mtable class="m">{body}</mtable></math>'


def _value(value) -> str:
    if value[0] == "mat":
        return matrix(value[1], value[2])
    if value[0] == "summary":
        return f"<span>{inline(value[1])}</span>"
    parts = "<span>,</span>".join(_value(v) for v in value[1])
    return f'<span class="tuple">{parts}</span>'


def _item(label, value, note) -> str:
    lhs = f'<span class="lhs">{inline(label)} =</span>' if label and value[0] != "summary" else \
        (f'<span class="lhs">{inline(label)}:</span>' if label else "")
    aside = f'<span class="note">({inline(note)})</span>' if note else ""
    return f'<span class="item">{lhs}{_value(value)}{aside}</span>'


_STEP = re.compile(r"^(Step \d+ \([\w-]+\)):")


def _paragraph(text: str) -> str:
    body = inline(text)
    return _STEP.sub(r'<span class="step">\1</span>:', body)


def render_fragment(blocks) -> str:
    """The proof as one ``<div>`` with its own scoped style: for a notebook cell or a page."""
    out = [f'<div class="{CLASS}"><style>{STYLE}</style>']
    for block in blocks:
        kind = block[0]
        if kind in ("h1", "h2"):
            out.append(f"<{kind}>{inline(block[1])}</{kind}>")
        elif kind == "p":
            out.append(f"<p>{_paragraph(block[1])}</p>")
        elif kind == "ul":
            out.append("<ul>" + "".join(f"<li>{inline(i)}</li>" for i in block[1]) + "</ul>")
        elif kind == "display":
            out.append('<div class="display">' + "".join(_item(*i) for i in block[1]) + "</div>")
        else:
            raise ValueError(f"unknown block {kind!r}")
    out.append("</div>")
    return "\n".join(out)


def render_html(blocks) -> str:
    """The proof as one self-contained HTML page (no scripts, no external resources)."""
    title = html.escape(blocks[0][1], quote=False)
    return "\n".join(["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
                      '<meta name="viewport" content="width=device-width, initial-scale=1">',
                      f"<title>{title}</title><style>{PAGE_STYLE}</style></head><body>",
                      render_fragment(blocks), "</body></html>"]) + "\n"
