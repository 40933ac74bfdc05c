"""exactopen benchmarks: certified answers against FLINT and SymPy, measured in one run.

Usage::

    python bench/run.py --quick          # n = 100, 200, 400 (a few minutes at most)
    python bench/run.py                  # adds n = 800 and the sparse workload
    python bench/run.py --json out.json  # also write every measurement

Each workload runs in a fresh child process (so its peak memory is its own)
with fixed seeds; times are medians over ``--repeat`` runs, single-threaded
(FLINT's default, and one BLAS thread for NumPy).

Workloads and baselines:

* rank, n x n integer matrices, full rank and rank n/4 (factors with entries
  in [-9, 9]): ``flint.nmod_mat.rank`` (one modular elimination, the floor),
  ``flint.fmpz_mat.rank`` (exact, uncertified), SymPy's ``DomainMatrix`` rank
  over its pure-Python rationals (sparse ``SDM`` representation; with
  python-flint installed SymPy would otherwise hand QQ matrices to FLINT),
  skipped when it would not finish within a minute; exactopen's certified
  rank (``rank_certificate`` with kernel identities projected modulo primes) and the independent checker
  on the certificate text, with NumPy's exact limb products ("verify") and
  on its standard-library path alone ("verify plain", one run).
* Theorem 2, W1 (n x n/4) and W2 (n/4 x n) of rank n/5: the full
  certification (``analyze`` + ``openness_certificate``) against the three
  certified ranks it needs, and the checker.
* sparse: a 2000 x 2000 block-structured matrix with about 1% non-zeros.
* solve: the exact solve on the pivot block of each rank n/4 matrix, the
  costly step of its certificate: exactopen's p-adic lifting in float64
  against FLINT's ``fmpq_mat.solve`` (Dixon), same answer asserted.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import resource
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

SYMPY_LIMIT = 60.0  # seconds


def _timed(fn, repeat):
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def _integer_matrix(rng, m, n, rank=None):
    import flint
    if rank is None:
        return flint.fmpz_mat(m, n, [rng.randint(-9, 9) for _ in range(m * n)])
    B = flint.fmpz_mat(m, rank, [rng.randint(-9, 9) for _ in range(m * rank)])
    C = flint.fmpz_mat(rank, n, [rng.randint(-9, 9) for _ in range(rank * n)])
    return B * C


def _sympy_rank(rows):
    from sympy.polys.domains import QQ_python
    from sympy.polys.matrices.sdm import SDM
    field = QQ_python()
    matrix = SDM.from_list([[field(x) for x in r] for r in rows], (len(rows), len(rows[0])), field)
    return len(matrix.rref()[1])  # DomainMatrix.rank is the number of RREF pivots


def _sympy_child(rows_json):
    rows = json.loads(rows_json)
    _sympy_rank([[1]])  # imports outside the timing
    start = time.perf_counter()
    _sympy_rank(rows)
    return time.perf_counter() - start


def _verify(text, repeat):
    """``(median seconds, verdict)`` of the checker with the NumPy accelerator."""
    from exactopen.checker import check_text
    from exactopen.accel.limbs import accelerator
    return _timed(lambda: check_text(text, accelerator()), repeat)


def _certified_rank(out, Z, repeat):
    """Time the rank certificate of ``Z`` and its checking (both paths) into ``out``."""
    from exactopen.certify.encode import dumps
    from exactopen.certify.rank import rank_certificate
    from exactopen.linalg import FLINT_PROJECTED, Matrix
    out["certify"], (r_cert, cert) = _timed(
        lambda: rank_certificate(Matrix.from_flint(Z), FLINT_PROJECTED), repeat)
    text = dumps(cert)
    out["certificate_bytes"] = len(text)
    out["verify"], verdict = _verify(text, repeat)
    out["verify_plain"] = _plain(text)
    return r_cert, verdict


def _plain(text):
    """Seconds of one run of the checker on its standard-library path alone."""
    from exactopen.checker import check_text
    seconds, verdict = _timed(lambda: check_text(text), 1)
    assert verdict == (0, "VERIFIED")
    return seconds


def work_rank(n, kind, repeat, with_sympy):
    import flint

    rng = random.Random(1000 * n + (kind == "low"))
    Z = _integer_matrix(rng, n, n, None if kind == "full" else n // 4)
    prime = (1 << 61) - 1
    out = {"workload": f"rank {n}x{n} {kind}", "n": n}
    out["nmod_rank"], r_mod = _timed(lambda: flint.nmod_mat(Z, prime).rank(), repeat)
    out["fmpz_rank"], r_exact = _timed(lambda: Z.rank(), repeat)
    r_cert, verdict = _certified_rank(out, Z, repeat)
    assert r_mod == r_exact == r_cert and verdict == (0, "VERIFIED"), (r_mod, r_exact, r_cert)
    out["rank"] = r_cert
    if with_sympy:
        rows = [[int(x) for x in row] for row in Z.tolist()]
        try:
            child = subprocess.run([sys.executable, __file__, "--sympy-child"], input=json.dumps(rows),
                                   capture_output=True, text=True, timeout=SYMPY_LIMIT, check=True)
            out["sympy_rank"] = float(child.stdout.strip())
        except subprocess.TimeoutExpired:
            out["sympy_rank"] = None  # did not finish within SYMPY_LIMIT seconds
    return out


def work_theorem2(n, repeat):
    from exactopen.certify.encode import dumps
    from exactopen.certify.rank import rank_certificate
    from exactopen.certify.theorem2 import openness_certificate
    from exactopen.linalg import FLINT_PROJECTED, Matrix
    from exactopen.openness import analyze

    rng = random.Random(7 * n)
    k, r = n // 4, n // 5
    W1f, W2f = _integer_matrix(rng, n, k, r), _integer_matrix(rng, k, n, r)
    out = {"workload": f"theorem 2, n = {n}", "n": n}

    def certify():
        W1, W2 = Matrix.from_flint(W1f), Matrix.from_flint(W2f)
        return openness_certificate(analyze(W1, W2, FLINT_PROJECTED))

    def three_ranks():
        for M in (W1f, W2f, W1f * W2f):
            rank_certificate(Matrix.from_flint(M), FLINT_PROJECTED)

    out["certify"], cert = _timed(certify, repeat)
    out["three_ranks"], _ = _timed(three_ranks, repeat)
    text = dumps(cert)
    out["certificate_bytes"] = len(text)
    out["verify"], verdict = _verify(text, repeat)
    assert verdict == (0, "VERIFIED") and cert["verdict"] == "locally-open"
    return out


def work_sparse(repeat):
    import flint

    from workloads import sparse_block_matrix
    A = sparse_block_matrix(random.Random(2000), 2000, blocks=40, density=0.01)
    Z = A.to_flint().numer_denom()[0]
    out = {"workload": "sparse 2000x2000, 1% non-zeros", "n": 2000}
    out["nmod_rank"], _ = _timed(lambda: flint.nmod_mat(Z, (1 << 61) - 1).rank(), repeat)
    out["fmpz_rank"], r_exact = _timed(lambda: Z.rank(), 1)
    r_cert, verdict = _certified_rank(out, Z, repeat)
    assert r_cert == r_exact and verdict == (0, "VERIFIED")
    out["rank"] = r_cert
    return out


def work_solve(n, repeat):
    """The exact solve on the pivot block of the rank n/4 workload: float64 lifting vs FLINT."""
    import flint

    from exactopen.linalg import dixon
    from exactopen.linalg.rank_evidence import _pivots, _submatrix

    Z = _integer_matrix(random.Random(1000 * n + 1), n, n, n // 4)
    p = (1 << 61) - 1
    M = flint.nmod_mat(Z, p)
    R, r = M.rref()
    cols = _pivots(R, r)
    rows = _pivots(flint.nmod_mat(Z.transpose(), p).rref()[0], r)
    free = [j for j in range(n) if j not in set(cols)]
    B, C = _submatrix(Z, rows, cols), _submatrix(Z, rows, free)
    out = {"workload": f"pivot block {r}x{r}, {n - r} right-hand sides", "n": n}
    out["lifting"], (N, d) = _timed(lambda: dixon.lift_float64(B, C), repeat)
    out["flint_solve"], X = _timed(
        lambda: flint.fmpq_mat(B).solve(flint.fmpq_mat(C), algorithm="dixon"), repeat)
    num, den = X.numer_denom()
    assert (N, d) == (num, int(den))
    return out


def _child(spec):
    kind = spec["kind"]
    if kind == "rank":
        out = work_rank(spec["n"], spec["shape"], spec["repeat"], spec["sympy"])
    elif kind == "solve":
        out = work_solve(spec["n"], spec["repeat"])
    elif kind == "theorem2":
        out = work_theorem2(spec["n"], spec["repeat"])
    else:
        out = work_sparse(spec["repeat"])
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


#: One thread for BLAS as for FLINT, so that every ratio compares single-core times.
SINGLE_THREAD = {name: "1" for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS",
                                        "MKL_NUM_THREADS")}


def run_child(spec):
    child = subprocess.run([sys.executable, __file__, "--child", json.dumps(spec)],
                           capture_output=True, text=True, env={**os.environ, **SINGLE_THREAD})
    if child.returncode:
        raise SystemExit(f"benchmark {spec} failed:\n{child.stderr}")
    return json.loads(child.stdout)


def _ratio(a, b):
    return a / b if a and b else None


def _fmt(x, digits=3):
    return "-" if x is None else f"{x:.{digits}g}"


def table(results):
    lines = ["| workload | rank | nmod | fmpz | sympy | certify | verify | verify plain | "
             "certify/fmpz | sympy/certify | verify/certify | peak MB |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        if "three_ranks" in r or "lifting" in r:
            continue
        lines.append(
            f"| {r['workload']} | {r.get('rank', '-')} | {_fmt(r['nmod_rank'])} | "
            f"{_fmt(r['fmpz_rank'])} | {_fmt(r.get('sympy_rank'))} | {_fmt(r['certify'])} | "
            f"{_fmt(r['verify'])} | {_fmt(r.get('verify_plain'))} | "
            f"{_fmt(_ratio(r['certify'], r['fmpz_rank']), 2)} | "
            f"{_fmt(_ratio(r.get('sympy_rank'), r['certify']), 3)} | "
            f"{_fmt(_ratio(r['verify'], r['certify']), 2)} | {r['peak_rss_mb']:.0f} |")
    theorem = [r for r in results if "three_ranks" in r]
    if theorem:
        lines += ["", "| workload | certify | three certified ranks | ratio | verify | peak MB |",
                  "|---|---|---|---|---|---|"]
        for r in theorem:
            lines.append(f"| {r['workload']} | {_fmt(r['certify'])} | {_fmt(r['three_ranks'])} | "
                         f"{_fmt(_ratio(r['certify'], r['three_ranks']), 2)} | "
                         f"{_fmt(r['verify'])} | {r['peak_rss_mb']:.0f} |")
    solves = [r for r in results if "lifting" in r]
    if solves:
        lines += ["", "| exact solve | p-adic float64 lifting | FLINT fmpq_mat.solve (Dixon) | "
                  "ratio | peak MB |", "|---|---|---|---|---|"]
        for r in solves:
            lines.append(f"| {r['workload']} | {_fmt(r['lifting'])} | {_fmt(r['flint_solve'])} | "
                         f"{_fmt(_ratio(r['lifting'], r['flint_solve']), 2)} | "
                         f"{r['peak_rss_mb']:.0f} |")
    growth = []
    for shape in ("full", "low"):
        rows = [r for r in results if r["workload"].endswith(shape) and "rank" in r]
        for a, b in zip(rows, rows[1:]):
            e = math.log(b["certify"] / a["certify"]) / math.log(b["n"] / a["n"])
            growth.append(f"{shape} rank, n {a['n']} -> {b['n']}: certify grows as n^{e:.2f}")
    return "\n".join(lines + ([""] + growth if growth else [])) + "\n\nTimes in seconds (medians)."


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="n <= 400, no sparse workload")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", metavar="FILE", help="write all measurements as JSON")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--sympy-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.sympy_child:
        print(_sympy_child(sys.stdin.read()))
        return 0
    if args.child:
        print(json.dumps(_child(json.loads(args.child))))
        return 0
    sizes = [100, 200, 400] if args.quick else [100, 200, 400, 800]
    specs = []
    for n in sizes:
        for shape in ("full", "low"):
            specs.append({"kind": "rank", "n": n, "shape": shape, "repeat": args.repeat,
                          "sympy": n <= 200 or (n == 400 and not args.quick)})
    for n in sizes:
        specs.append({"kind": "theorem2", "n": n, "repeat": args.repeat})
    for n in sizes:
        specs.append({"kind": "solve", "n": n, "repeat": args.repeat})
    if not args.quick:
        specs.append({"kind": "sparse", "repeat": 1})
    results = []
    for spec in specs:
        print(f"running {spec}", file=sys.stderr, flush=True)
        results.append(run_child(spec))
    print(table(results))
    if args.json:
        with open(args.json, "w") as handle:
            json.dump({"command": " ".join(sys.argv), "results": results}, handle, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
