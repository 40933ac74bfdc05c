"""Sparse matrices: vertex-cover rank certificates."""

import copy
import random

import pytest

from bench.workloads import sparse_block_matrix
from conftest import brute_rank
from exactopen.certify.encode import dumps
from exactopen.certify.rank import rank_certificate
from exactopen.checker import check_text
from exactopen.linalg import SYMPY, Matrix, rank
from exactopen.linalg.sparse import cover_certificate


@pytest.mark.parametrize("seed", range(6))
def test_block_matrices_get_cover_certificates(seed):
    rng = random.Random(seed)
    A = sparse_block_matrix(rng, 60, blocks=6, density=0.05)
    r, cert = rank_certificate(A)
    assert r == rank(A, SYMPY) == brute_rank(A)
    assert [s["rule"] for s in cert["steps"]] == ["vertex-cover", "minor"]
    assert "nonzeros" in cert["claim"]["matrix"]
    assert check_text(dumps(cert)) == (0, "VERIFIED")


def test_cover_mutations_rejected():
    A = sparse_block_matrix(random.Random(3), 40, blocks=4, density=0.08)
    _, cert = rank_certificate(A)
    cover = cert["steps"][0]
    for field in ("rows", "cols"):
        if cover[field]:
            bad = copy.deepcopy(cert)
            bad["steps"][0][field] = cover[field][1:]
            assert check_text(dumps(bad))[0] == 1
    bad = copy.deepcopy(cert)
    bad["claim"]["rank"] += 1
    assert check_text(dumps(bad))[0] != 0


def test_rank_below_cover_falls_back_to_a_kernel():
    # each 2 x 2 block has rank 1 but its smallest cover has 2 lines
    B = Matrix([[1, 1, 0, 0], [1, 1, 0, 0], [0, 0, 1, 1], [0, 0, 1, 1]] + [[0] * 4] * 40, ncols=4)
    assert cover_certificate(B) is None
    r, cert = rank_certificate(B)
    assert r == 2 and cert["steps"][0]["rule"] == "rank"
    assert check_text(dumps(cert)) == (0, "VERIFIED")


def test_koenig_cover_is_networkx_cover():
    import networkx as nx
    from networkx.algorithms import bipartite

    from exactopen.linalg.sparse import _koenig_cover
    rng = random.Random(8)
    for _ in range(60):
        graph = nx.Graph()
        graph.add_edges_from((("r", i), ("c", j)) for i in range(rng.randint(1, 9))
                             for j in range(rng.randint(1, 9)) if rng.random() < 0.3)
        for component in nx.connected_components(graph):
            block = graph.subgraph(component).copy()
            left = {v for v in block if v[0] == "r"}
            matching = bipartite.hopcroft_karp_matching(block, top_nodes=left)
            assert _koenig_cover(block, matching, left) == \
                bipartite.to_vertex_cover(block, matching, top_nodes=left)
