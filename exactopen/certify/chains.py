"""Lemma 7 for a chain of layers, with evidence proportional to the layers.

For layers ``W1, ..., Wh`` (``Wi`` is d_i x d_(i-1), applied in that order)
the product ``F = Wh ... W1`` is non-degenerate when ``rank F = min_i d_i``,
and Lemma 7 then makes the product map locally open at the point
(docs/theory.md, section 8).  With ``p`` a narrowest width, ``F = L R`` for
``L = Wh ... W(p+1)`` (d_h x d_p) and ``R = Wp ... W1`` (d_p x d_0), each
formed through products no wider than d_p; rows ``I`` spanning ``L``'s row
space and columns ``J`` spanning ``C(R)`` give the non-zero minor
``F[I, J] = L[I, :] R[:, J]`` when both have rank d_p.  The checker
multiplies only those rows and columns through the chain.
"""

from __future__ import annotations

from ..errors import InputError
from ..linalg import FLINT, Engine, Matrix
from ..linalg.rank_evidence import independent_columns, independent_rows
from .data import EMBEDDED, ClaimSources
from .proof import Proof, certificate
from .rank import minor_evidence


def widths_of(layers: list[Matrix]) -> list[int]:
    """``[d_0, ..., d_h]`` of layers that chain; None if they do not."""
    widths = [layers[0].ncols] + [W.nrows for W in layers]
    if any(W.ncols != d for W, d in zip(layers, widths)):
        return None
    return widths


def _product(factors: list[Matrix], size: int) -> Matrix:
    """``factors[-1] ... factors[0]`` (applied first to last), multiplied in the cheapest order
    of the chain; the identity of ``size`` if there are none."""
    if not factors:
        return Matrix.identity(size)
    chain = factors[::-1]  # left to right
    dims = [chain[0].nrows] + [W.ncols for W in chain]
    best = {(i, i): (0, None) for i in range(len(chain))}
    for length in range(2, len(chain) + 1):
        for i in range(len(chain) - length + 1):
            j = i + length - 1
            best[i, j] = min((best[i, c][0] + best[c + 1, j][0]
                              + dims[i] * dims[c + 1] * dims[j + 1], c) for c in range(i, j))

    def multiply(i, j):
        if i == j:
            return chain[i]
        c = best[i, j][1]
        return multiply(i, c) @ multiply(c + 1, j)
    return multiply(0, len(chain) - 1)


def nondegenerate_minor(layers: list[Matrix], engine: Engine = FLINT):
    """``(rows, cols, block)``: a non-singular ``min_i d_i`` minor of ``Wh ... W1`` and its
    value, or None when the product has lower rank (a degenerate point)."""
    widths = widths_of(layers)
    if widths is None:
        raise InputError("the layers do not chain: each layer's columns must be the previous "
                         "layer's rows")
    p = widths.index(min(widths))
    R = _product(layers[:p], widths[0])                       # d_p x d_0
    L = _product(layers[p:], widths[p])                       # d_h x d_p
    rows = independent_rows(L, engine.exact) if L.nrows and L.ncols else []
    cols = independent_columns(R, engine.exact) if R.nrows and R.ncols else []
    if len(rows) < widths[p] or len(cols) < widths[p]:
        return None
    block = L.submatrix(rows, range(L.ncols)) @ R.submatrix(range(R.nrows), cols)
    return rows, cols, block


def lemma7_chain_certificate(layers: list[Matrix], sources: ClaimSources = EMBEDDED,
                             engine: Engine = FLINT) -> dict | None:
    """The Lemma 7 certificate of the point ``(W1, ..., Wh)``, or None when it is degenerate.

    The claim names the network by its widths and layers only (no data: Lemma 7
    needs none); ``sources`` says which layers are tensors of a data file.
    """
    found = nondegenerate_minor(layers, engine)
    if found is None:
        return None
    rows, cols, block = found
    widths = widths_of(layers)
    names = [f"W{i}" for i in range(len(layers), 0, -1)]
    proof = Proof(["W"] + names)
    product = "*".join(names) if len(names) > 1 else names[0]
    if len(names) > 1:
        proof.add("product", reads=names, defines=[product], factors=names)
    size = len(rows)
    proof.add("minor", reads=[product], matrix=product, rows=list(rows), cols=list(cols),
              **minor_evidence(block, range(size), range(size)))
    network = {"widths": widths,
               "layers": [sources.encode(f"W{i + 1}", W) for i, W in enumerate(layers)]}
    return certificate("network-local-openness", sources.claim({"network": network, "lemma": "7"}),
                       "locally-open", proof)
