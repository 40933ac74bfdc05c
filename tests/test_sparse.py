"""Sparse matrices: vertex-cover rank certificates and the checker's sparse elimination."""

import copy
import random

import flint
import pytest

from conftest import brute_rank
from exactopen.certify.encode import dumps
from exactopen.certify.rank import rank_certificate
from exactopen.checker import check_text
from exactopen.checker.arith import PRIME, _det_mod_p_dense, _det_mod_p_sparse
from exactopen.linalg import Matrix, rank
from exactopen.linalg.sparse import cover_certificate, sparse_block_matrix


@pytest.mark.parametrize("seed", range(6))
def test_block_matrices_get_cover_certificates(seed):
    rng = random.Random(seed)
    A = sparse_block_matrix(rng, 60, blocks=6, density=0.05)
    r, cert = rank_certificate(A)
    assert r == rank(A, "sympy") == brute_rank(A)
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


@pytest.mark.parametrize("seed", range(30))
def test_sparse_and_dense_elimination_agree(seed):
    """The checker's sparse determinant path agrees with its dense path and with FLINT."""
    rng = random.Random(seed)
    n = rng.randint(9, 30)
    A = [[rng.choice([0] * 6 + [rng.randint(-9, 9)]) for _ in range(n)] for _ in range(n)]
    expected = int(flint.nmod_mat(flint.fmpz_mat(A), PRIME).det())
    assert _det_mod_p_sparse(A, PRIME) == expected
    assert _det_mod_p_dense(A, PRIME) == expected
