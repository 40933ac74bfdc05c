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
        cover = _koenig_cover(block, matching, left)
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


def _koenig_cover(graph, matching: dict, left: set) -> set:
    """The minimum vertex cover of a bipartite graph given a maximum matching (König's
    theorem): with Z the vertices reached from the unmatched left vertices by alternating
    paths, the cover is the left vertices outside Z and the right vertices in Z (the set
    ``networkx.bipartite.to_vertex_cover`` returns, found in one search)."""
    reached = {v for v in left if v not in matching}
    stack = list(reached)
    while stack:
        u = stack.pop()  # a left vertex: leave it by edges outside the matching
        for w in graph[u]:
            if w not in reached and matching.get(u) != w:
                reached.add(w)
                x = matching.get(w)  # a right vertex: leave it by its matched edge
                if x is not None and x not in reached:
                    reached.add(x)
                    stack.append(x)
    return (left - reached) | ((set(graph) - left) & reached)
