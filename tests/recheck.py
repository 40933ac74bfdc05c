"""An independent re-check of certificate evidence (plain Fractions, no exactopen.linalg).

Used by the mutation tests: a mutated certificate that the checker accepts
must be shown valid here, fact by fact.
"""

from fractions import Fraction

from conftest import brute_rank
from exactopen.linalg import Matrix


def _mat(obj):
    m, n = obj["shape"]
    if "nonzeros" in obj:
        rows = [[Fraction(0)] * n for _ in range(m)]
        for i, j, v in obj["nonzeros"]:
            rows[i][j] = Fraction(v)
        return Matrix(rows, ncols=n)
    return Matrix([[Fraction(x) for x in row] for row in obj["rows"]], ncols=n)


def _product_name(names):
    return "*".join(f"({n})" if "+" in n else n for n in names)


def openness_evidence_holds(cert) -> bool:
    """Every step's fact holds and the stated verdict and conditions are right."""
    env = {"W1": _mat(cert["claim"]["W1"]), "W2": _mat(cert["claim"]["W2"])}
    basis = {}  # name -> (rows, cols) of its rank step's minor, in the matrix's orientation
    for step in cert["steps"]:
        rule = step["rule"]
        if rule == "core":
            a, b = step["factors"]
            rows, cols = basis[a][0], basis[b][1]
            A, B = env[a], env[b]
            env[f"core({_product_name([a, b])})"] = \
                A.submatrix(rows, range(A.ncols)) @ B.submatrix(range(B.nrows), cols)
        elif rule == "matrix":
            env[step["name"]] = _mat(step["value"])
        elif rule == "product":
            acc = env[step["factors"][0]]
            for name in step["factors"][1:]:
                acc = acc @ env[name]
            env[_product_name(step["factors"])] = acc
        elif rule == "sum":
            a, b = step["terms"]
            env[f"{a}+{b}"] = env[a] + env[b]
        elif rule == "zero" and not env[step["matrix"]].is_zero():
            return False
        elif rule == "nonzero" and env[step["matrix"]].is_zero():
            return False
        elif rule == "minor":
            A = env[step["matrix"]]
            if len(set(step["rows"])) != len(step["rows"]):
                return False
            sub = A.submatrix(step["rows"], step["cols"])
            if brute_rank(sub) != len(step["rows"]):
                return False
        elif rule == "rank":
            A = env[step["matrix"]]
            if brute_rank(A) != step["rank"]:
                return False
            rows, cols = step["rows"], step["cols"]
            basis[step["matrix"]] = (cols, rows) if step["transposed"] else (rows, cols)
            if brute_rank((A.T if step["transposed"] else A).submatrix(rows, cols)) != len(rows):
                return False
    W1, W2 = env["W1"], env["W2"]
    m, k, n = W1.nrows, W1.ncols, W2.ncols
    r1, r2, r12 = brute_rank(W1), brute_rank(W2), brute_rank(W1 @ W2)
    if k < min(m, n):
        conditions = {"i": r12 == r2, "ii": r12 == r1, "iii": r12 == r2, "iv": r12 == r1,
                      "v": r1 == r2 == r12}
        is_open = conditions["v"]
    else:
        conditions = {"A": m + r2 <= k + r12, "B": n + r1 <= k + r12}
        is_open = conditions["A"] or conditions["B"]
    verdict = "locally-open" if is_open else "not-locally-open"
    return cert["conditions"] == conditions and cert["verdict"] == verdict


def minor_holds(cert, step) -> bool:
    """A network certificate's minor step: the named matrix's block is non-singular."""
    net = cert["claim"]["network"]
    mats = {"X": _mat(net["X"])}
    for i, layer in enumerate(net["layers"]):
        mats[f"W{i + 1}"] = _mat(layer)
    names = step["matrix"].split("*")
    A = mats[names[0]]
    for name in names[1:]:
        A = A @ mats[name]
    if len(set(step["rows"])) != len(step["rows"]) or len(step["rows"]) != len(step["cols"]):
        return False
    if max(step["rows"], default=-1) >= A.nrows or max(step["cols"], default=-1) >= A.ncols:
        return False
    return brute_rank(A.submatrix(step["rows"], step["cols"])) == len(step["rows"])
