"""Whole commands as processes: input file to written, verified certificate, against the
uncertified route a user would take, in the same run.

Usage::

    python bench/commands.py --quick          # n = 200 only (about a minute)
    python bench/commands.py                  # n = 800, sparse 2000, and n = 200 (about 10 min)
    python bench/commands.py --json out.json  # also write every measurement

Every workload is written to files with a fixed seed; every timing is a fresh
process (``python -m exactopen.cli ...`` from this checkout, imports and all),
single-threaded as in ``bench/run.py``; the runs of one workload alternate
between the commands, and times are medians of ``--repeat`` runs.

* **rank**: ``exactopen rank A.json -o cert.json`` (the checker included, the
  default) against the FLINT route (one Python process: ``json.load``,
  ``flint.fmpz_mat``, ``.rank()``) and SymPy's (``json.load`` and the rank of
  a ``DomainMatrix`` over its pure-Python rationals, as in ``bench/run.py``;
  run once, "-" when it does not finish within ``--sympy-limit`` seconds).
  Dense rank n/4 (products of two factors with entries in [-9, 9]), dense
  full rank, and a sparse block matrix with 1% non-zeros (dense JSON rows, so
  that both routes read the same file); the low-rank one also with
  ``--no-check``.
* **certify**: Theorem 2 for W1 (n x n/4) and W2 (n/4 x n) of rank n/5
  against the three ranks that decide it (W1, W2, W1 W2), by FLINT; also with
  ``--no-check``.
* **verify**: ``exactopen verify cert.json`` on each certificate written above.
* **counterexample**: ``exactopen counterexample --widths 2,1,1,2`` (no
  uncertified route to compare with).
* **read**: in one process, ``read_matrix`` on the low-rank matrix as JSON,
  text and Matrix Market (array and coordinate) against ``json.load`` plus
  ``flint.fmpz_mat`` of the JSON.

More commands (``scan``) join by adding a function to :data:`WORKLOADS`.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from bench.run import SINGLE_THREAD, _integer_matrix  # noqa: E402

#: This checkout's package, whatever is installed.
ENV = {**os.environ, **SINGLE_THREAD, "PYTHONPATH": ROOT}
EXACTOPEN = [sys.executable, "-m", "exactopen.cli"]

FLINT_RANKS = """\
import json, sys, flint
mats = []
for path in sys.argv[1:]:
    with open(path) as handle:
        mats.append(flint.fmpz_mat(json.load(handle)))
if len(mats) == 2:  # Theorem 2: the ranks of W1, W2 and W1 W2 decide it
    mats.append(mats[0] * mats[1])
print([M.rank() for M in mats])
"""

SYMPY_RANKS = """\
import json, sys
from sympy.polys.domains import QQ_python
from sympy.polys.matrices.sdm import SDM
field = QQ_python()
with open(sys.argv[1]) as handle:
    rows = json.load(handle)
M = SDM.from_list([[field(x) for x in r] for r in rows], (len(rows), len(rows[0])), field)
print(len(M.rref()[1]))
"""


def _write_json(path, M):
    with open(path, "w") as handle:
        json.dump([[int(x) for x in row] for row in M.tolist()], handle)


class Run:
    """One process run: wall seconds, CPU seconds of the child, exit code, output."""

    def __init__(self, argv, timeout=None):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        try:
            done = subprocess.run(argv, capture_output=True, text=True, env=ENV, timeout=timeout)
            self.code, self.out = done.returncode, done.stdout + done.stderr
        except subprocess.TimeoutExpired:
            self.code, self.out = None, "timed out"
        self.wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        self.cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _median(runs, key="wall"):
    return statistics.median(getattr(r, key) for r in runs)


def measure(commands, repeat):
    """Run each named command ``repeat`` times, alternating; medians of wall and CPU time.

    A command that fails is reported with its exit code and last line, and not run again."""
    runs, failed = {name: [] for name in commands}, {}
    for _ in range(repeat):
        for name, argv in commands.items():
            if name in failed:
                continue
            run = Run(argv)
            if run.code != 0:
                failed[name] = {"exit": run.code, "output": run.out.strip().splitlines()[-1:]}
            else:
                runs[name].append(run)
    out = {name: {"wall": _median(r), "cpu": _median(r, "cpu"), "output": r[-1].out.strip()}
           for name, r in runs.items() if r}
    return out, failed


def sympy_once(path, limit):
    """Seconds of SymPy's route on ``path``, or None when it does not finish within ``limit``."""
    if not limit:
        return None
    run = Run([sys.executable, "-c", SYMPY_RANKS, path], timeout=limit)
    return run.wall if run.code == 0 else None


# -- workloads: each writes its inputs and says what to run --------------------------

@dataclass
class Workload:
    """One row: ``exactopen ARGS -o CERT`` (and ``--no-check`` when asked), the
    uncertified route (``baseline``, a Python program run on ``inputs``), SymPy's."""

    label: str
    args: list
    inputs: list = field(default_factory=list)
    no_check: bool = False
    baseline: str | None = FLINT_RANKS
    sympy: bool = False


def rank_low(tmp, n):
    path = os.path.join(tmp, f"low{n}.json")
    _write_json(path, _integer_matrix(random.Random(1000 * n + 1), n, n, n // 4))
    return Workload(f"rank {n}x{n}, rank {n // 4}", ["rank", path], [path], no_check=True,
                    sympy=True)


def rank_full(tmp, n):
    path = os.path.join(tmp, f"full{n}.json")
    _write_json(path, _integer_matrix(random.Random(1000 * n), n, n))
    return Workload(f"rank {n}x{n}, full rank", ["rank", path], [path], sympy=True)


def rank_sparse(tmp, n):
    from bench.workloads import sparse_block_matrix
    path = os.path.join(tmp, f"sparse{n}.json")
    A = sparse_block_matrix(random.Random(n), n, blocks=n // 50, density=0.01)
    _write_json(path, A.to_flint().numer_denom()[0])
    return Workload(f"rank sparse {n}x{n}, 1% non-zeros", ["rank", path], [path], sympy=True)


def certify_theorem2(tmp, n):
    rng = random.Random(7 * n)
    k, r = n // 4, n // 5
    paths = [os.path.join(tmp, f"W1_{n}.json"), os.path.join(tmp, f"W2_{n}.json")]
    _write_json(paths[0], _integer_matrix(rng, n, k, r))
    _write_json(paths[1], _integer_matrix(rng, k, n, r))
    return Workload(f"certify (Theorem 2) W1 {n}x{k}, W2 {k}x{n}", ["certify"] + paths, paths,
                    no_check=True)


def counterexample(tmp, n):
    return Workload("counterexample --widths 2,1,1,2",
                    ["counterexample", "--widths", "2,1,1,2"], baseline=None)


#: name -> (function(tmp, n) -> Workload, sizes).  ``scan`` joins here once the command exists.
WORKLOADS = {
    "rank-low": (rank_low, (800, 200)),
    "rank-full": (rank_full, (800,)),
    "rank-sparse": (rank_sparse, (2000,)),
    "certify": (certify_theorem2, (800, 200)),
    "counterexample": (counterexample, (0,)),
}


def run_workload(tmp, key, n, repeat, sympy_limit):
    work = WORKLOADS[key][0](tmp, n)
    cert = os.path.join(tmp, f"{key}-{n}.cert.json")
    commands = {"exactopen": EXACTOPEN + work.args + ["-o", cert]}
    if work.no_check:
        commands["no_check"] = EXACTOPEN + work.args + ["-o", cert, "--no-check"]
    if work.baseline:
        commands["flint"] = [sys.executable, "-c", work.baseline] + work.inputs
    commands["verify"] = EXACTOPEN + ["verify", cert]
    out, failed = measure(commands, repeat)
    result = {"workload": work.label, "key": key, "n": n,
              "input_bytes": sum(os.path.getsize(p) for p in work.inputs),
              "certificate_bytes": os.path.getsize(cert) if os.path.exists(cert) else None,
              **{f"{name}_{k}": v[k] for name, v in out.items() for k in ("wall", "cpu")},
              "failed": failed}
    if "exactopen" in out:
        result["output"] = out["exactopen"]["output"].splitlines()[:2]
    if work.sympy:
        result["sympy_wall"] = sympy_once(work.inputs[0], sympy_limit)
    return result


def read_times(path_json, repeat):
    """In one process: read_matrix on JSON, text and Matrix Market against json.load + fmpz_mat."""
    code = f"""
import json, statistics, sys, time, flint
from exactopen.checker.spec import long_integers
from exactopen.linalg.readers import read_matrix
rows = json.load(open({path_json!r}))
base = {path_json!r}[:-5]
with open(base + ".txt", "w") as f:
    f.write("\\n".join(" ".join(map(str, r)) for r in rows) + "\\n")
m, n = len(rows), len(rows[0])
with open(base + ".mtx", "w") as f:
    f.write(f"%%MatrixMarket matrix array integer general\\n{{m}} {{n}}\\n")
    f.write("".join(f"{{rows[i][j]}}\\n" for j in range(n) for i in range(m)))
nz = [(i, j, v) for i, r in enumerate(rows) for j, v in enumerate(r) if v]
with open(base + ".coord.mtx", "w") as f:
    f.write(f"%%MatrixMarket matrix coordinate integer general\\n{{m}} {{n}} {{len(nz)}}\\n")
    f.write("".join(f"{{i + 1}} {{j + 1}} {{v}}\\n" for i, j, v in nz))
def timed(fn):
    times = []
    for _ in range({repeat}):
        start = time.perf_counter(); fn(); times.append(time.perf_counter() - start)
    return statistics.median(times)
def flint_route():
    with open({path_json!r}) as handle:
        flint.fmpz_mat(json.load(handle))
out = {{"json.load + fmpz_mat": timed(flint_route)}}
with long_integers():
    for name in (".json", ".txt", ".mtx", ".coord.mtx"):
        out["read_matrix " + name] = timed(lambda: read_matrix(base + name))
print(json.dumps(out))
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=ENV,
                          check=True)
    return json.loads(done.stdout)


def _fmt(x, digits=3):
    return "-" if x is None else f"{x:.{digits}g}"


def _ratio(a, b):
    return a / b if a and b else None


def _cell(r, name, digits=3):
    if name in r["failed"]:
        return f"exit {r['failed'][name]['exit']}"
    return _fmt(r.get(f"{name}_wall"), digits)


def table(results, reads):
    lines = ["| workload | input MB | exactopen | FLINT route | ratio | --no-check | SymPy route | "
             "verify | verify / generate | certificate MB | certificate / input bytes |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        made, cert = r.get("exactopen_wall"), r["certificate_bytes"]
        lines.append(
            f"| {r['workload']} | {_fmt(r['input_bytes'] / 1e6 or None)} | "
            f"{_cell(r, 'exactopen')} | {_cell(r, 'flint')} | "
            f"{_fmt(_ratio(made, r.get('flint_wall')), 2)} | {_cell(r, 'no_check')} | "
            f"{_fmt(r.get('sympy_wall'))} | {_cell(r, 'verify')} | "
            f"{_fmt(_ratio(r.get('verify_wall'), made), 2)} | {_fmt(cert and cert / 1e6)} | "
            f"{_fmt(_ratio(cert, r['input_bytes']), 3)} |")
    for r in results:
        for name, fail in r["failed"].items():
            lines.append(f"\n{r['workload']}: {name} exited {fail['exit']}: "
                         f"{' '.join(fail['output'])}")
    if reads:
        base = reads["json.load + fmpz_mat"]
        lines += ["", "| reading the rank-n/4 matrix | seconds | / (json.load + fmpz_mat) |",
                  "|---|---|---|"]
        lines += [f"| {name} | {_fmt(t)} | {_fmt(t / base, 2)} |" for name, t in reads.items()]
    return "\n".join(lines) + "\n\nWall-clock seconds of whole processes (medians)."


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="n = 200 workloads only")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sympy-limit", type=float, default=30.0, metavar="SECONDS",
                        help="time limit of SymPy's route (one run; 0 skips it)")
    parser.add_argument("--only", metavar="KEY", action="append", choices=sorted(WORKLOADS),
                        help="run only these workloads (repeatable)")
    parser.add_argument("--json", metavar="FILE", help="write all measurements as JSON")
    args = parser.parse_args(argv)
    tmp = tempfile.mkdtemp(prefix="exactopen-bench-")
    results = []
    try:
        for key, (_, sizes) in WORKLOADS.items():
            if args.only and key not in args.only:
                continue
            for n in sizes:
                if args.quick and n > 200:
                    continue
                print(f"running {key} n={n}", file=sys.stderr, flush=True)
                results.append(run_workload(tmp, key, n, args.repeat, args.sympy_limit))
        low = [r for r in results if r["key"] == "rank-low"]
        reads = read_times(os.path.join(tmp, f"low{low[0]['n']}.json"), args.repeat) if low else {}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(table(results, reads))
    if args.json:
        with open(args.json, "w") as handle:
            command = " ".join(["python", "bench/commands.py"] + (argv or sys.argv[1:]))
            json.dump({"command": command, "results": results, "read": reads}, handle, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
