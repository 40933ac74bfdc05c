"""Rank certificates: every one verifies; tampering makes the rule fail."""

import copy
import json
import random

import pytest

from conftest import EDGE_CASES, brute_rank, low_rank
from exactopen.certify.encode import dumps
from exactopen.certify.rank import rank_certificate
from exactopen.checker import check_text
from exactopen.linalg import Matrix


def _verify(cert):
    return check_text(dumps(cert))


@pytest.mark.parametrize("name", sorted(EDGE_CASES))
def test_edge_case_certificates_verify(name):
    A = EDGE_CASES[name]
    r, cert = rank_certificate(A)
    assert r == brute_rank(A)
    assert _verify(cert) == (0, "VERIFIED")


@pytest.mark.parametrize("seed", range(20))
def test_random_low_rank_certificates_verify(seed):
    rng = random.Random(seed)
    m, n = rng.randint(1, 30), rng.randint(1, 30)
    A = low_rank(rng, m, n, rng.randint(0, min(m, n)))
    r, cert = rank_certificate(A)
    assert r == brute_rank(A)
    assert _verify(cert)[0] == 0


def _mutants(cert):
    """Tamperings named in the acceptance criteria, plus a few more."""
    step = cert["steps"][0]
    kern = step["kernel"]
    if kern["pivot_part"]["rows"] and kern["pivot_part"]["rows"][0]:
        c = copy.deepcopy(cert)
        x = int(c["steps"][0]["kernel"]["pivot_part"]["rows"][0][0])
        c["steps"][0]["kernel"]["pivot_part"]["rows"][0][0] = str(x + 1)
        yield "kernel entry", c
    c = copy.deepcopy(cert)
    c["steps"][0]["kernel"]["denominator"] = str(int(kern["denominator"]) * 2 + 1)
    yield "kernel denominator", c
    c = copy.deepcopy(cert)
    c["steps"][0]["det_residue"] = str(int(step["det_residue"]) + 1)
    yield "determinant residue", c
    for delta in (1, -1):
        c = copy.deepcopy(cert)
        c["claim"]["rank"] += delta
        yield f"claim rank {delta:+d}", c
        c = copy.deepcopy(cert)
        c["steps"][0]["rank"] += delta
        yield f"step rank {delta:+d}", c
    if len(step["rows"]) >= 2:
        c = copy.deepcopy(cert)
        c["steps"][0]["rows"][1] = c["steps"][0]["rows"][0]
        yield "repeated row index", c
    if step["rows"]:
        c = copy.deepcopy(cert)
        c["steps"][0]["rows"] = c["steps"][0]["rows"][:-1]
        c["steps"][0]["cols"] = c["steps"][0]["cols"][:-1]
        yield "smaller minor", c
    c = copy.deepcopy(cert)
    c["claim"]["matrix"]["rows"][0][0] = str(int(c["claim"]["matrix"]["rows"][0][0]) + 1)
    yield "claim entry", c


@pytest.mark.parametrize("seed", range(8))
def test_tampering_is_rejected(seed):
    rng = random.Random(seed)
    m, n = rng.randint(2, 7), rng.randint(2, 7)
    A = low_rank(rng, m, n, rng.randint(1, min(m, n) - 1))
    _, cert = rank_certificate(A)
    for what, mutant in _mutants(cert):
        code, message = _verify(mutant)
        if what == "claim entry" and code == 0:
            # A changed input may still have the stated rank and kernel: re-check independently.
            changed = Matrix(mutant["claim"]["matrix"]["rows"], ncols=n)
            assert brute_rank(changed) == mutant["claim"]["rank"]
            continue
        assert code != 0, f"{what} was accepted"


def test_failure_message_names_step_and_rule():
    _, cert = rank_certificate(Matrix([[1, 2], [2, 4], [3, 6]]))
    cert["steps"][0]["kernel"]["pivot_part"]["rows"][0][0] = "5"
    code, message = _verify(cert)
    assert code == 1
    assert message.startswith("NOT VERIFIED: step 1: rank: expected")


def test_certificate_is_deterministic():
    A = low_rank(random.Random(3), 12, 9, 4)
    assert dumps(rank_certificate(A)[1]) == dumps(rank_certificate(Matrix(A.tolist()))[1])
    json.loads(dumps(rank_certificate(A)[1]))


def test_large_minors_carry_an_inverse_and_tampering_fails():
    rng = random.Random(11)
    A = Matrix([[rng.randint(-9, 9) for _ in range(60)] for _ in range(60)])
    r, cert = rank_certificate(A)
    step = cert["steps"][0]
    assert r == 60 and "inverse" in step and "det_residue" not in step
    assert _verify(cert) == (0, "VERIFIED")
    bad = copy.deepcopy(cert)
    x = int(step["inverse"]["rows"][3][5])
    bad["steps"][0]["inverse"]["rows"][3][5] = str((x + 1) % (2 ** 61 - 1))
    assert _verify(bad)[0] == 1
    both = copy.deepcopy(cert)
    both["steps"][0]["det_residue"] = "1"
    assert _verify(both)[0] == 2
    neither = copy.deepcopy(cert)
    del neither["steps"][0]["inverse"]
    assert _verify(neither)[0] == 2
    out_of_range = copy.deepcopy(cert)
    out_of_range["steps"][0]["inverse"]["rows"][0][0] = str(2 ** 61 + 5)
    assert _verify(out_of_range)[0] == 1
