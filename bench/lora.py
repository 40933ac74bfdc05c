"""LoRA-shaped factor pairs: certified local openness from weight files, against the
uncertified route, in one run.

Usage::

    python bench/lora.py                   # everything (the FLINT baseline alone takes minutes)
    python bench/lora.py --quick           # d = 1024 only, no 200-pair scan
    python bench/lora.py --json out.json   # also write every measurement

Workloads (fixed seeds, files written to a temporary directory):

* ``int 4096x16``: W1 (4096 x 16) and W2 (16 x 4096) with integer entries in
  [-9, 9], stored as int32 in one .safetensors file (the pair of issue 13);
* ``f32 d x r``: LoRA shapes, d in {1024, 4096}, r in {8, 16, 64}: W1 = B
  (d x r) and W2 = A (r x d) float32 random normal ("trained"), and B = 0 (PEFT's
  initialisation) with the same A ("init");
* ``scan 200 pairs``: a synthetic PEFT adapter of 200 pairs (50 layers of
  q, k, v, o projections, hidden size 4096, r = 16, float32, every fifth B = 0),
  scanned with ``exactopen scan --workers 2``.

Measured for each pair: ``exactopen certify FILE:W1 FILE:W2 -o CERT`` and
``exactopen verify CERT --data FILE`` as whole processes (wall time, peak
resident memory of the process from ``getrusage`` in a small launcher), the library calls
(``read_tensor`` + ``analyze`` + ``openness_certificate``; the checker with
the data), the certificate's bytes and the checker's planned work
(``Plan.total``).  Baseline, the route a user takes without exactopen (no
certificate): FLINT's ``fmpz_mat.rank`` of W1, W2 and of the formed product
W1 W2, on the integers the file stores (for floats, each matrix scaled by a
power of two to integers: the same ranks), timed in a child process; it is
run for the integer pair and for d = 1024 (at d = 4096 the float product
would take far longer).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
ENV = {**os.environ, "PYTHONPATH": ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""),
       "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}


#: Runs a command and reports its wall time, its peak resident memory and exit code on
#: standard error.  A small launcher, so that the peak is the command's own: a child forked
#: straight from this (large) process would count this process's pages until it execs.
LAUNCHER = (
    "import resource, subprocess, sys, time\n"
    "start = time.perf_counter()\n"
    "code = subprocess.run(sys.argv[1:], stderr=subprocess.STDOUT).returncode\n"
    "seconds = time.perf_counter() - start\n"
    "usage = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "print(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, code, file=sys.stderr)\n")

#: CPU seconds (user + system) of the last command run by :func:`run_process`.
CPU = {}


def run_process(argv):
    """``(seconds, peak MB, exit code, output)`` of a command run as its own process; its CPU
    seconds (user + system, all its processes) go to ``CPU["last"]``."""
    proc = subprocess.run([sys.executable, "-c", LAUNCHER, *argv], capture_output=True,
                          text=True, env=ENV)
    seconds, cpu, peak, code = proc.stderr.split()[-4:]
    CPU["last"] = float(cpu)
    return float(seconds), int(peak) / 1024, int(code), proc.stdout


def exactopen(*args):
    return run_process([sys.executable, "-m", "exactopen.cli", *map(str, args)])


def write_pair(path, W1, W2):
    from safetensors.numpy import save_file
    save_file({"W1": W1, "W2": W2}, path)


def workloads(quick):
    import numpy as np

    rng = np.random.default_rng(2024)
    out = []
    if not quick:
        out.append(("int 4096x16", rng.integers(-9, 10, (4096, 16)).astype(np.int32),
                    rng.integers(-9, 10, (16, 4096)).astype(np.int32), True))
    for d in (1024,) if quick else (1024, 4096):
        for r in (8, 16, 64):
            B = rng.standard_normal((d, r)).astype(np.float32)
            A = rng.standard_normal((r, d)).astype(np.float32)
            out.append((f"f32 {d}x{r} trained", B, A, d == 1024 and r == 16))
            out.append((f"f32 {d}x{r} init B=0", np.zeros_like(B), A, False))
    return out


BASELINE = r"""
import sys, time, flint
from exactopen.linalg.weights import read_tensor
path = sys.argv[1]
mats = []
for name in ("W1", "W2"):
    q = read_tensor(path, name).to_flint()
    mats.append(q.numer_denom()[0])  # the integers: W scaled by a power of two, same rank
start = time.perf_counter()
a, b = mats
ranks = (a.rank(), b.rank(), (a * b).rank())
print(time.perf_counter() - start, *ranks)
"""


def library(path):
    """Seconds of the library calls, the certificate text, the ranks and the planned units."""
    from exactopen.accel.limbs import accelerator
    from exactopen.certify.data import ClaimSources
    from exactopen.certify.encode import dumps
    from exactopen.certify.theorem2 import openness_certificate
    from exactopen.checker import check_text, plan
    from exactopen.linalg import FLINT_PROJECTED
    from exactopen.linalg.weights import TensorRef, read_tensor
    from exactopen.openness import analyze

    start = time.perf_counter()
    W1, W2 = read_tensor(path, "W1"), read_tensor(path, "W2")
    report = analyze(W1, W2, FLINT_PROJECTED)
    sources = ClaimSources({"W1": TensorRef(path, "W1"), "W2": TensorRef(path, "W2")})
    text = dumps(openness_certificate(report, sources))
    certify = time.perf_counter() - start
    data = open(path, "rb").read()
    totals = []
    original = plan.Plan.charge

    def charge(self, units, where):
        original(self, units, where)
        totals.append(self.total)
    plan.Plan.charge = charge
    try:
        start = time.perf_counter()
        verdict = check_text(text, accelerator(), data)
        verify = time.perf_counter() - start
    finally:
        plan.Plan.charge = original
    assert verdict == (0, "VERIFIED"), verdict
    return certify, verify, (report.r1, report.r2, report.r12), report.locally_open, max(totals)


def measure_pair(name, W1, W2, baseline, workdir):
    path = os.path.join(workdir, name.replace(" ", "_").replace("=", "") + ".safetensors")
    write_pair(path, W1, W2)
    cert = path[:-len(".safetensors")] + ".json"
    row = {"workload": name, "shape": f"{W1.shape[0]}x{W1.shape[1]} . {W2.shape[0]}x{W2.shape[1]}",
           "data_bytes": os.path.getsize(path)}
    row["certify_s"], row["certify_MB"], code, out = exactopen("certify", f"{path}:W1",
                                                               f"{path}:W2", "-o", cert, "-q")
    assert code == 0, out
    row["certify_cpu_s"] = CPU["last"]
    row["verify_s"], row["verify_MB"], code, out = exactopen("verify", cert, "--data", path)
    assert code == 0 and out.strip() == "VERIFIED", out
    row["verify_cpu_s"] = CPU["last"]
    row["commands_s"] = row["certify_s"] + row["verify_s"]
    row["commands_cpu_s"] = row["certify_cpu_s"] + row["verify_cpu_s"]
    row["certificate_bytes"] = os.path.getsize(cert)
    (row["library_certify_s"], row["library_verify_s"], ranks, is_open,
     row["plan_units"]) = library(path)
    row["ranks"], row["verdict"] = list(ranks), "open" if is_open else "not open"
    if baseline:
        seconds, mb, code, out = run_process([sys.executable, "-c", BASELINE, path])
        assert code == 0, out
        fields = out.split()
        row["flint_s"], row["flint_MB"], row["flint_cpu_s"] = float(fields[0]), mb, CPU["last"]
        assert [int(x) for x in fields[1:]] == row["ranks"], (fields, row["ranks"])
        row["speedup"] = row["flint_s"] / row["commands_s"]
    return row


def synthetic_adapter(path, layers=50, hidden=4096, r=16):
    """A PEFT-layout adapter: q, k, v, o per layer; every fifth lora_B zero (never trained)."""
    import numpy as np
    from safetensors.numpy import save_file

    rng = np.random.default_rng(7)
    tensors = {}
    count = 0
    for layer in range(layers):
        for module in ("q_proj", "k_proj", "v_proj", "o_proj"):
            prefix = f"base_model.model.model.layers.{layer}.self_attn.{module}"
            tensors[f"{prefix}.lora_A.weight"] = rng.standard_normal((r, hidden)).astype(np.float32)
            B = rng.standard_normal((hidden, r)).astype(np.float32)
            tensors[f"{prefix}.lora_B.weight"] = B * 0 if count % 5 == 4 else B
            count += 1
    save_file(tensors, path, metadata={"format": "pt"})
    return count


def measure_scan(workdir, workers=2):
    path = os.path.join(workdir, "adapter_model.safetensors")
    pairs = synthetic_adapter(path)
    out_dir = os.path.join(workdir, "scan")
    seconds, mb, code, out = exactopen("scan", path, "--out", out_dir, "--workers", workers, "-q")
    assert code == 0, out
    index = json.load(open(os.path.join(out_dir, "index.json")))
    assert len(index["pairs"]) == pairs
    opened = sum(p["verdict"] == "locally-open" for p in index["pairs"])
    return {"workload": f"scan {pairs} pairs (4096 x 16, float32), --workers {workers}",
            "data_bytes": os.path.getsize(path), "scan_s": seconds, "scan_MB": mb,
            "scan_cpu_s": CPU["last"],
            "open": opened, "not_open": pairs - opened, "summary": out.strip()}


def table(rows):
    lines = ["| workload | ranks | verdict | certify (s) | verify (s) | both (s) | both, CPU (s) | "
             "peak MB | library certify | library verify | certificate bytes | planned units | "
             "FLINT ranks (s) | speed-up |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        if "ranks" not in r:
            continue
        flint_s = f"{r['flint_s']:.1f}" if "flint_s" in r else "-"
        speedup = f"{r['speedup']:.0f}x" if "speedup" in r else "-"
        lines.append(f"| {r['workload']} | {' '.join(map(str, r['ranks']))} | {r['verdict']} | "
                     f"{r['certify_s']:.2f} | {r['verify_s']:.2f} | {r['commands_s']:.2f} | "
                     f"{r['commands_cpu_s']:.2f} | "
                     f"{max(r['certify_MB'], r['verify_MB']):.0f} | {r['library_certify_s']:.2f} | "
                     f"{r['library_verify_s']:.2f} | {r['certificate_bytes']:,} | "
                     f"{r['plan_units']:,} | {flint_s} | {speedup} |")
    for r in rows:
        if "scan_s" in r:
            lines.append("")
            lines.append(f"{r['workload']}: {r['scan_s']:.1f} s ({r['scan_cpu_s']:.1f} s of CPU "
                         f"in all its processes), peak {r['scan_MB']:.0f} MB (the largest process), "
                         f"{r['data_bytes']:,} bytes of weights; {r['summary']}")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="d = 1024 only, no scan")
    parser.add_argument("--json", metavar="FILE", help="write every measurement here")
    args = parser.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory(prefix="exactopen-lora-") as workdir:
        for name, W1, W2, baseline in workloads(args.quick):
            rows.append(measure_pair(name, W1, W2, baseline, workdir))
            print(rows[-1], file=sys.stderr, flush=True)
        if not args.quick:
            rows.append(measure_scan(workdir))
            print(rows[-1], file=sys.stderr, flush=True)
    print(table(rows))
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(rows, handle, indent=1)


if __name__ == "__main__":
    main()
