"""Certificates as proofs a person can read: Markdown and self-contained HTML.

:func:`explain` first has the independent checker verify the certificate,
then builds a small document (headings, paragraphs, matrices, lists) that
states the claim, the theorem used, every verified fact with its numbers,
and why the verdict follows; :func:`render_markdown` and :func:`render_html`
turn it into text.  Large matrices are summarised by their size and a
SHA-256 digest of their canonical JSON.
"""

from __future__ import annotations

import hashlib
import html
import json

from ..checker import check_text
from ..checker.rules import RULES
from ..errors import ExactOpenError
from .text import format_polynomial

#: Matrices with more entries than this are summarised, not typeset.
MAX_TYPESET = 64

THEOREMS = {
    "rank": "Linear algebra: a non-zero r x r minor gives rank >= r; n - r independent kernel "
            "vectors give rank <= r.",
    "local-openness": "Theorem 2 of the paper (k < min(m, n)) or Behrends' Theorem 2.5 "
                      "(k >= min(m, n)).",
    "network-local-openness": "Lemma 7 (non-degenerate points) or Lemma 3 (pyramidal networks "
                              "with strictly monotone activations).",
    "network-critical-point": "A critical point (zero gradient), degenerate or not (the rank of "
                              "W_h ... W_1 against min_i d_i), and the argument for the verdict: "
                              "grad l(Z) = 0 or the low-rank bound (global minimum); a descent "
                              "curve of order 2 (a negative Hessian eigenvalue: second-order "
                              "saddle) or more (not a local minimum); a positive definite chart "
                              "Hessian (local minimum); none (critical-point: undecided).",
    "network-not-local-minimum": "A descent curve: if L(W(t)) - L(W) < 0 for all small t > 0, "
                                 "W is not a local minimum (this refutes the minimality the "
                                 "paper's Theorem 8 construction claims).",
    "network-local-minimum": "A local minimum of L: its product is a strict local minimum of the "
                             "loss on the rank-r matrices (a zero gradient and a positive "
                             "definite Hessian in a chart); the point itself is not strict, as "
                             "rescaling adjacent layers leaves L unchanged.",
}


class NotExplainable(ExactOpenError):
    """The certificate did not verify; there is no proof to explain."""


def _dense(obj) -> list[list[str]]:
    m, n = obj["shape"]
    if "rows" in obj:
        return obj["rows"]
    rows = [["0"] * n for _ in range(m)]
    for i, j, v in obj["nonzeros"]:
        rows[i][j] = v
    return rows


def _matrix_block(label: str, obj) -> tuple:
    m, n = obj["shape"]
    if "tensor" in obj:
        side = ", transposed" if obj.get("transpose") else ""
        return ("p", f"{label}: the tensor {obj['tensor']!r} of the data file ({m} x {n}{side})")
    if m * n > MAX_TYPESET:
        digest = hashlib.sha256(json.dumps(obj, sort_keys=True).encode()).hexdigest()[:16]
        return ("p", f"{label}: a {m} x {n} matrix (SHA-256 {digest}...), not typeset")
    return ("matrix", label, _dense(obj), (m, n))


def _one_based(indices) -> str:
    return "{" + ", ".join(str(i + 1) for i in indices) + "}"


class _Values(dict):
    """A step's fields as text for a rule's description; what is missing reads "?"."""

    def __missing__(self, key):
        return "?"


def _values(step) -> _Values:
    out = _Values({k: v for k, v in step.items() if isinstance(v, (str, int))})
    derived = {
        "rows": lambda: _one_based(step["rows"]), "cols": lambda: _one_based(step["cols"]),
        "size": lambda: len(step["rows"]), "cover": lambda: len(step["rows"]) + len(step["cols"]),
        "factors": lambda: " ".join(step["factors"]), "terms": lambda: " + ".join(step["terms"]),
        "product": lambda: "*".join(step["factors"]),
        "side": lambda: " (the evidence is for the transpose)" if step["transposed"] else "",
        "minor": lambda: (f"its determinant is {step['det_residue']} modulo 2^61 - 1"
                          if "det_residue" in step else "its inverse modulo 2^61 - 1 is given"),
        "nullity": lambda: step["kernel"]["pivot_part"]["shape"][1],
        "diagonal": lambda: ", ".join(step["diagonal"]),
        "polynomial": lambda: format_polynomial(step["coefficients"]),
    }
    for key, make in derived.items():
        try:
            out[key] = make()
        except (KeyError, TypeError, IndexError, AttributeError):
            pass
    return out


#: Evidence the description already summarises: not typeset.
_EVIDENCE = ("inverse", "lower", "gap_lower", "kernel")


def _matrices(label, value):
    """Every matrix inside a field (a matrix, a list of layers, a list of lists of layers)."""
    if isinstance(value, dict) and "shape" in value:
        return [_matrix_block(label, value)]
    if isinstance(value, list) and value and all(isinstance(v, (dict, list)) for v in value):
        return [block for i, v in enumerate(value) for block in _matrices(f"{label} {i + 1}", v)]
    return []


def _step_blocks(step) -> list:
    """A step as a sentence from its rule's description, then the matrices it carries."""
    rule = RULES.get(step.get("rule"))
    head = f"Step {step.get('id', '?')} ({step.get('rule')})"
    uses = step.get("uses") or []
    cites = f" Uses steps {', '.join(map(str, uses))}." if uses else ""
    text = rule.text.format_map(_values(step)).rstrip(".") if rule else "a rule this checker does not know"
    blocks = [("p", f"{head}: {text}.{cites}")]
    label = {"value": step.get("name", "value"), "layers": "layer", "curve": "C"}
    for key, value in step.items():
        if key not in _EVIDENCE:
            blocks += _matrices(label.get(key, key), value)
    return blocks


def _claim_blocks(doc) -> list:
    claim, kind = doc["claim"], doc["kind"]
    if kind == "rank":
        return [("p", f"Claim: the matrix A below has rank {claim['rank']}."),
                _matrix_block("A", claim["matrix"])]
    if kind == "local-openness":
        m, k = claim["W1"]["shape"]
        n = claim["W2"]["shape"][1]
        where = "in its range (matrices of rank <= k)" if claim["setting"] == "theorem-2" else ""
        return [("p", f"Claim: matrix multiplication (W1, W2) -> W1 W2, with W1 {m} x {k} and "
                      f"W2 {k} x {n}, is {doc['verdict'].replace('-', ' ')} {where} at the pair "
                      "below."),
                _matrix_block("W1", claim["W1"]), _matrix_block("W2", claim["W2"])]
    net = claim["network"]
    blocks = [("p", f"Claim about the deep linear network with widths {net['widths']} and loss "
                    "L(W) = 1/2 Σ w_ij ((W_h ... W_1 X - Y)_ij)²: "
                    f"{doc['verdict'].replace('-', ' ')}.")]
    for key in ("lemma", "construction", "degeneracy"):
        if key in claim:
            blocks.append(("p", f"{key.capitalize()}: {claim[key]}."))
    if claim.get("properties"):
        blocks.append(("ul", [f"property claimed: {p}" for p in claim["properties"]]))
    blocks += [_matrix_block(f"W{i + 1}", w) for i, w in enumerate(net["layers"])]
    blocks += [_matrix_block(k, net[k]) for k in ("X", "Y", "weights")]
    return blocks


def _conclusion(doc) -> str:
    kind, verdict = doc["kind"], doc["verdict"]
    if kind == "local-openness":
        conds = ", ".join(f"({k}) {'true' if v else 'false'}" for k, v in doc["conditions"].items())
        if doc["claim"]["setting"] == "theorem-2":
            rule = ("By Theorem 2 the map is locally open in its range exactly when "
                    "rank W1 = rank W2 = rank W1 W2; conditions (i) and (iii) hold exactly when "
                    "rank W1 W2 = rank W2, (ii) and (iv) when rank W1 W2 = rank W1.")
        else:
            rule = ("In Behrends' case the map is locally open exactly when (A) m + r2 <= k + r12 "
                    "or (B) n + r1 <= k + r12.")
        return f"{rule} The verified ranks give {conds}; hence the verdict: {verdict}."
    return f"The verified facts are exactly what the rule above needs; hence the verdict: {verdict}."


def explain(text: str, accelerator=None, data=None) -> list:
    """The document of a certificate; raises :class:`NotExplainable` unless it verifies.

    ``accelerator`` and ``data`` are handed to the checker (see
    :func:`exactopen.checker.check_text`).
    """
    code, message = check_text(text, accelerator, data)
    if code:
        raise NotExplainable(message)
    doc = json.loads(text)
    blocks = [("h1", f"Proof: {doc['kind'].replace('-', ' ')} ({doc['verdict']})"),
              ("p", "Verified by exactopen's independent checker (standard library only, exact "
                    f"integer arithmetic): {message}. Claim digest SHA-256 "
                    f"{doc['claim_sha256'][:16]}...")]
    blocks += [("h2", "Claim")] + _claim_blocks(doc)
    theorem = THEOREMS[doc["kind"]]
    if doc["kind"] == "local-openness":
        theorem = ("Theorem 2 of the paper: for k < min(m, n), multiplication is locally open in "
                   "its range at (W1, W2) if and only if rank W1 = rank W2 = rank W1 W2; "
                   "conditions (i)-(v) are then equivalent." if doc["claim"]["setting"] ==
                   "theorem-2" else "Behrends' Theorem 2.5 (k >= min(m, n), the range is every "
                   "matrix): locally open if and only if (A) or (B) holds.")
    blocks += [("h2", "Theorem used"), ("p", theorem)]
    blocks += [("h2", "Verified facts")]
    for step in doc["steps"]:
        blocks += _step_blocks(step)
    blocks += [("h2", "Why the verdict follows"), ("p", _conclusion(doc))]
    return blocks


def render_markdown(blocks) -> str:
    out = []
    for block in blocks:
        kind = block[0]
        if kind == "h1":
            out.append(f"# {block[1]}\n")
        elif kind == "h2":
            out.append(f"## {block[1]}\n")
        elif kind == "p":
            out.append(block[1] + "\n")
        elif kind == "ul":
            out.append("\n".join(f"- {item}" for item in block[1]) + "\n")
        else:
            _, label, rows, (m, n) = block
            body = "\n".join("    [" + "  ".join(x.rjust(5) for x in r) + " ]" for r in rows)
            out.append(f"{label} ({m} x {n}):\n\n{body if rows else '    (empty)'}\n")
    return "\n".join(out)


STYLE = """body{font-family:Georgia,serif;max-width:52em;margin:2em auto;padding:0 1em;color:#222}
h1{font-size:1.5em;border-bottom:2px solid #1f5fa8}h2{font-size:1.2em;color:#1f5fa8}
table.m{border-collapse:collapse;margin:.5em 0 1em 1em;font-family:monospace}
table.m td{padding:.1em .6em;text-align:right;border-left:1px solid #ccc}
table.m td:first-child{border-left:2px solid #444}table.m td:last-child{border-right:2px solid #444}
.label{font-style:italic}"""


def render_html(blocks) -> str:
    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           f"<title>{html.escape(blocks[0][1])}</title><style>{STYLE}</style></head><body>"]
    for block in blocks:
        kind = block[0]
        if kind in ("h1", "h2"):
            out.append(f"<{kind}>{html.escape(block[1])}</{kind}>")
        elif kind == "p":
            out.append(f"<p>{html.escape(block[1])}</p>")
        elif kind == "ul":
            out.append("<ul>" + "".join(f"<li>{html.escape(i)}</li>" for i in block[1]) + "</ul>")
        else:
            _, label, rows, (m, n) = block
            cells = "".join("<tr>" + "".join(f"<td>{html.escape(x)}</td>" for x in r) + "</tr>"
                            for r in rows)
            out.append(f'<p class="label">{html.escape(label)} ({m} x {n})</p>'
                       f'<table class="m">{cells}</table>')
    out.append("</body></html>")
    return "\n".join(out) + "\n"
