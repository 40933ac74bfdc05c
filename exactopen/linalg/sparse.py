"""Sparse and structured matrices: rank from the bipartite graph of the non-zero pattern.

Rows and columns are the two sides of a bipartite graph with an edge per
non-zero entry.  A vertex cover of that graph with ``s`` lines writes the
matrix as a sum of ``s`` rows and columns, so ``rank <= s`` (a certificate
checked in one pass over the non-zeros); by König's theorem the smallest
cover has the size of a maximum matching, found per connected component
(the components are blocks whose ranks add up).  When each block also has a
non-singular minor of its cover's size, the rank is settled with no kernel.
"""

from __future__ import annotations

from itertools import compress

from .matrix import Matrix
from .rank_evidence import rank_evidence


def nonzero_pattern(A: Matrix) -> dict[int, list[int]]:
    """Row -> columns of its non-zero entries (cached on the matrix)."""
    if "pattern" not in A._cache:  # the cache of derived facts, private to linalg
        rows = {}
        columns = range(A.ncols)
        for i, row in enumerate(A.numerator_rows()):
            cols = list(compress(columns, row))
            if cols:
                rows[i] = cols
        A._cache["pattern"] = rows
    return A._cache["pattern"]


def density(A: Matrix) -> float:
    """Fraction of non-zero entries (display and routing only)."""
    entries = A.nrows * A.ncols
    return sum(len(c) for c in nonzero_pattern(A).values()) / entries if entries else 0.0


def cover_certificate(A: Matrix, exact: bool = True):
    """``(cover_rows, cover_cols, minor_rows, minor_cols)`` proving ``rank A = |cover|``, or None.

    None when some block's rank is below its smallest cover (then a kernel is
    needed and :func:`~exactopen.linalg.rank_evidence.rank_evidence` applies).
    """
    import networkx as nx  # here: dense matrices never need it
    from networkx.algorithms import bipartite

    pattern = nonzero_pattern(A)
    graph = nx.Graph()
    graph.add_nodes_from(("r", i) for i in pattern)
    graph.add_edges_from((("r", i), ("c", j)) for i, cols in pattern.items() for j in cols)
    cover_rows, cover_cols, minor_rows, minor_cols = [], [], [], []
    for component in nx.connected_components(graph):
        block = graph.subgraph(component).copy()  # a plain graph: fast matching
        left = {v for v in block if v[0] == "r"}
        matching = bipartite.hopcroft_karp_matching(block, top_nodes=left)
        cover = bipartite.to_vertex_cover(block, matching, top_nodes=left)
        rows = sorted(i for side, i in component if side == "r")
        cols = sorted(j for side, j in component if side == "c")
        sub = A.submatrix(rows, cols)
        ev = rank_evidence(sub, exact=exact)
        if ev.rank != len(cover):
            return None
        r_idx, c_idx = (ev.cols, ev.rows) if ev.transposed else (ev.rows, ev.cols)
        minor_rows += [rows[a] for a in r_idx]
        minor_cols += [cols[b] for b in c_idx]
        cover_rows += [i for side, i in cover if side == "r"]
        cover_cols += [j for side, j in cover if side == "c"]
    return sorted(cover_rows), sorted(cover_cols), sorted(minor_rows), sorted(minor_cols)
