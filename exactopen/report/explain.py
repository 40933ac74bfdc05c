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
from ..limbs import accelerator
from ..numbers import format_polynomial

#: Matrices with more entries than this are summarised, not typeset.
MAX_TYPESET = 64

THEOREMS = {
    "rank": "Linear algebra: a non-zero r x r minor gives rank >= r; n - r independent kernel "
            "vectors give rank <= r.",
    "local-openness": "Theorem 2 of the paper (k < min(m, n)) or Behrends' Theorem 2.5 "
                      "(k >= min(m, n)).",
    "network-local-openness": "Lemma 7 (non-degenerate points) or Lemma 3 (pyramidal networks "
                              "with strictly monotone activations).",
    "network-critical-point": "Theorem 5 and Corollary 6: a degenerate critical point of a "
                              "two-layer network is a global minimum or a second-order saddle.",
    "network-not-local-minimum": "A descent curve: if L(W(t)) - L(W) < 0 for all small t > 0, "
                                 "W is not a local minimum (this refutes the minimality the "
                                 "paper's Theorem 8 construction claims).",
    "network-local-minimum": "A strict local minimum of the loss on the rank-r matrices, shown "
                             "in a chart by a zero gradient and a positive definite Hessian.",
}


class NotExplainable(Exception):
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
    if m * n > MAX_TYPESET:
        digest = hashlib.sha256(json.dumps(obj, sort_keys=True).encode()).hexdigest()[:16]
        return ("p", f"{label}: a {m} x {n} matrix (SHA-256 {digest}...), not typeset")
    return ("matrix", label, _dense(obj), (m, n))


def _one_based(indices) -> str:
    return "{" + ", ".join(str(i + 1) for i in indices) + "}"


def _step_blocks(step) -> list:
    rule, sid = step["rule"], step["id"]
    head = f"Step {sid} ({rule})"
    cites = f" Uses steps {', '.join(map(str, step['uses']))}." if step["uses"] else ""
    if rule == "rank":
        side = " (for the transpose)" if step["transposed"] else ""
        r = step["rank"]
        if r == 0:
            return [("p", f"{head}: rank({step['matrix']}) = 0: it is the zero matrix, as the "
                          f"identity kernel shows (A I = 0).{cites}")]
        text = (f"{head}: rank({step['matrix']}) = {r}{side}. The {r} x {r} minor on rows "
                f"{_one_based(step['rows'])} and columns {_one_based(step['cols'])} has "
                f"determinant ≡ {step['det_residue']} (mod 2^61 - 1), so rank >= {r}; the kernel "
                f"[P; {step['kernel']['denominator']} I] has "
                f"{step['kernel']['pivot_part']['shape'][1]} independent columns and A K = 0, "
                f"so rank <= {r}.{cites}")
        return [("p", text)]
    if rule == "minor":
        s = len(step["rows"])
        return [("p", f"{head}: the {s} x {s} minor of {step['matrix']} on rows "
                      f"{_one_based(step['rows'])} and columns {_one_based(step['cols'])} has "
                      f"determinant ≡ {step['det_residue']} (mod 2^61 - 1), non-zero, so "
                      f"rank({step['matrix']}) >= {s}.{cites}")]
    if rule == "vertex-cover":
        s = len(step["rows"]) + len(step["cols"])
        return [("p", f"{head}: every non-zero entry of {step['matrix']} lies in one of "
                      f"{len(step['rows'])} rows or {len(step['cols'])} columns, so "
                      f"rank({step['matrix']}) <= {s}.{cites}")]
    if rule == "matrix":
        return [("p", f"{head}: the witness {step['name']} is"), _matrix_block(step["name"],
                                                                             step["value"])]
    if rule == "product":
        return [("p", f"{head}: the product {' '.join(step['factors'])} is computed exactly."
                      f"{cites}")]
    if rule == "sum":
        return [("p", f"{head}: the sum {' + '.join(step['terms'])} is computed exactly.{cites}")]
    if rule in ("zero", "nonzero"):
        word = "is zero" if rule == "zero" else "is not zero"
        return [("p", f"{head}: {step['matrix']} {word}.{cites}")]
    if rule == "point":
        return [("p", f"{head}: another point {step['name']} of the network, with layers")] + \
            [_matrix_block(f"{step['name']} layer {i + 1}", layer)
             for i, layer in enumerate(step["layers"])]
    if rule == "loss":
        return [("p", f"{head}: L({step['point']}) = {step['value']} exactly.{cites}")]
    if rule == "critical-point":
        return [("p", f"{head}: every partial derivative of L at {step['point']} is exactly 0.")]
    if rule == "stationary-loss":
        return [("p", f"{head}: the gradient of the convex loss l at the product of "
                      f"{step['point']} is exactly 0, so the product minimises l over all "
                      "matrices: a global minimum.")]
    if rule == "hessian-psd":
        d = step["diagonal"]
        return [("p", f"{head}: the exact {len(d)} x {len(d)} Hessian of L at {step['point']} "
                      f"equals L D L^T with D = diag({', '.join(d)}) >= 0: positive "
                      "semidefinite.")]
    if rule == "negative-curvature":
        return [("p", f"{head}: along the direction D below, d²/dt² L(W + tD) at t = 0 is "
                      f"{step['second_derivative']} < 0.")] + \
            [_matrix_block(f"D layer {i + 1}", layer) for i, layer in enumerate(step["direction"])]
    if rule == "descent-curve":
        poly = format_polynomial(step["coefficients"])
        k = step["order"]
        return [("p", f"{head}: along the curve W(t) = W + Σ C_j t^j (coefficients below), "
                      f"L(W(t)) - L(W) = {poly}. Its lowest term is c_{k} t^{k} with c_{k} < 0, "
                      f"and t0 = {step['t0']} satisfies t0 · Σ_(j>{k}) |c_j| <= |c_{k}| / 2, so "
                      f"L(W(t)) - L(W) <= c_{k} t^{k} / 2 < 0 for 0 < t <= t0.")] + \
            [_matrix_block(f"C_{j + 1} layer {i + 1}", layer)
             for j, layers in enumerate(step["curve"]) for i, layer in enumerate(layers)]
    if rule == "chart-minimum":
        d = step["diagonal"]
        return [("p", f"{head}: in the chart Z' = Z'[:,J] Z'[I,J]^-1 Z'[I,:] with I = "
                      f"{_one_based(step['rows'])}, J = {_one_based(step['cols'])}, the loss has "
                      f"zero gradient and a Hessian L D L^T with D = diag({', '.join(d)}) > 0: "
                      "a strict local minimum on the rank-r matrices.")]
    if rule == "lift":
        return [("p", f"{head}: exact factors W1', W2' of a target Z' with W1' W2' = Z'; "
                      f"||Z' - W1 W2||² = {step['delta_squared']}, ||W1' - W1||² = "
                      f"{step['reach1_squared']}, ||W2' - W2||² = {step['reach2_squared']}.")]
    return [("p", f"{head}.")]  # pragma: no cover - every rule is listed above


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
    for key in ("lemma", "construction"):
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


def explain(text: str) -> list:
    """The document of a certificate; raises :class:`NotExplainable` unless it verifies."""
    code, message = check_text(text, accelerator())
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
