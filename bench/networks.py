"""Deep linear networks: whole commands, their scaling, and old against new exact derivatives.

First, whole commands as processes, each generated and then verified:
``exactopen counterexample --widths W --loss L -o CERT`` (which itself checks
the certificate before writing it) and ``exactopen verify CERT`` (and
``--plain``), for the documented goals (40,1,1,40 square and weighted under
10 s each, 16,8,4,8,16 weighted under 20 s) and a scaling table by number of
parameters.  With ``--baseline DIR`` (a checkout of an earlier exactopen, e.g.
``git worktree add /tmp/base 2ccf507``) the same commands also run from there,
abandoned after ``--command-budget`` seconds, and the ratio is reported where
the baseline finishes.

Then the checker's work budget: for each certificate the units it plans
before any arithmetic (about 30 ns each), as a share of the default budget,
against the seconds its standard-library path then takes.

Then, in process, what ``exactopen counterexample`` computes before writing a
certificate:

* ``--loss square`` (the paper's construction): the gradient and Hessian of
  the loss and the LDL^T of the Hessian;
* ``--loss weighted`` (a non-global local minimum): the gradient of the loss
  (the critical-point check), the gradient and Hessian in the chart of
  rank-r matrices, and the LDL^T of the chart Hessian.

"old" is ``networks.derivatives`` (polarised power series) and
``tests/networks/fraction_ldl.py`` (Fraction elimination); "new" is ``networks.hessian``
(structured, FLINT integers, sparse rows) and ``networks.symmetric``
(integer elimination), with the same outputs (lists of Fractions); the
largest cases, new only, keep the sparse forms (``sparse_hessian`` or
``chart_sparse_hessian``, and ``ldl_columns``) instead of dense lists.
Both must give the same exact matrices and factors (checked wherever the old
route runs).  The old route runs in a child
process and is abandoned after ``--budget`` seconds (default 60).

    python bench/networks.py                          # everything (a few minutes: old routes)
    python bench/networks.py --quick                  # small cases only
    python bench/networks.py --commands-only --baseline /tmp/base   # the command tables
    python bench/networks.py --budget-only            # the checker's plan against its time
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from exactopen.networks import derivatives, hessian, symmetric  # noqa: E402
sys.path.insert(0, str(ROOT / "tests" / "networks"))
import fraction_ldl as quadratic  # noqa: E402  (the tests' plain Fraction reference)
from exactopen.networks.derivatives import chart_parameters  # noqa: E402
from exactopen.networks.theorem8 import paper_construction, weighted_minimum  # noqa: E402


def _network(kind, widths):
    if kind == "square":
        return paper_construction(widths).network, None
    c = weighted_minimum(widths)
    return c.network, c


def run(route, kind, widths):
    """``(seconds for derivatives, seconds for LDL, result)`` of one route."""
    net, c = _network(kind, widths)
    t0 = time.perf_counter()
    if kind == "square":
        if route == "old":
            g, H = derivatives.gradient_and_hessian(net)
        elif route == "new":
            g, H = hessian.gradient_and_hessian(net)
        else:
            g, H = hessian.gradient(net), hessian.sparse_hessian(net)
    else:
        Z = net.product()
        if route == "old":
            g = derivatives.gradient(net)
            _, H = derivatives.chart_gradient_and_hessian(net, Z, c.rows, c.cols)
        elif route == "new":
            g = hessian.gradient(net)
            _, H = hessian.chart_gradient_and_hessian(net, Z, c.rows, c.cols)
        else:
            g = hessian.gradient(net)
            _, H = hessian.chart_sparse_hessian(net, Z, c.rows, c.cols)
    t1 = time.perf_counter()
    if route == "sparse":
        factor = symmetric.ldl_columns(H)
    else:
        factor = (quadratic.ldl if route == "old" else symmetric.ldl)(H)
    t2 = time.perf_counter()
    return t1 - t0, t2 - t1, (g, H, factor)


def _child(queue, kind, widths):
    queue.put(run("old", kind, widths))


def gram(n, k, seed=1):
    """``B^T B`` for a seeded random k x n integer B with entries in [-3, 3] (rank <= k)."""
    import random

    import flint

    rng = random.Random(seed)
    B = flint.fmpz_mat(k, n, [rng.randint(-3, 3) for _ in range(k * n)])
    return B.transpose() * B


def _ldl_child(queue, n, k):
    from fractions import Fraction

    H = [[Fraction(int(x)) for x in row] for row in gram(n, k).tolist()]
    t = time.perf_counter()
    factor = quadratic.ldl(H)
    queue.put((time.perf_counter() - t, factor))


def run_old(kind, widths, budget, target=_child):
    queue = multiprocessing.Queue()
    proc = multiprocessing.Process(target=target, args=(queue, kind, widths))
    proc.start()
    try:
        return queue.get(timeout=budget)
    except Exception:
        return None
    finally:
        proc.terminate()
        proc.join()


def sizes(kind, widths):
    net, c = _network(kind, widths)
    P = len(net.parameters())
    if kind == "square":
        return P, P
    m, n = net.product().shape
    return P, len(chart_parameters(m, n, c.rows, c.cols))


def _fmt(x):
    return "-" if x is None else (f"{x:.4f}" if x < 1 else f"{x:.2f}")


def _ratio(old, new):
    if old is None:
        return ""
    r = old / max(new, 1e-6)
    return f"{r:.0f}x" if r >= 10 else f"{r:.1f}x"


# -- whole commands, as processes ---------------------------------------------------

def command(root, args, timeout):
    """Wall seconds of ``python -m exactopen.cli ARGS`` run from the checkout ``root``, or None
    when it takes longer than ``timeout`` or fails."""
    env = dict(os.environ, PYTHONPATH=str(root))
    start = time.perf_counter()
    try:
        proc = subprocess.run([sys.executable, "-m", "exactopen.cli", *args], env=env, cwd=root,
                              capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None
    return time.perf_counter() - start if proc.returncode == 0 else None


def generate_and_verify(root, loss, widths, timeout, plain=True):
    """``(generate, verify, verify --plain)`` seconds (None: over ``timeout`` or failed)."""
    with tempfile.TemporaryDirectory() as tmp:
        cert = os.path.join(tmp, "c.json")
        text = ",".join(map(str, widths))
        gen = command(root, ["counterexample", "--widths", text, "--loss", loss, "-q", "-o", cert],
                      timeout)
        if gen is None:
            return None, None, None
        ver = command(root, ["verify", cert], timeout)
        flat = command(root, ["verify", "--plain", cert], timeout) if plain else None
    return gen, ver, flat


def _total(*xs):
    return None if any(x is None for x in xs) else sum(xs)


def command_tables(args):
    goals = [("square", (40, 1, 1, 40), 10), ("weighted", (40, 1, 1, 40), 10),
             ("weighted", (16, 8, 4, 8, 16), 20)]
    scaling = [("square", (n, 1, 1, n)) for n in (5, 10, 20, 40, 64)] + \
        [("square", (n, n // 2, n // 4, n // 2, n)) for n in (4, 8, 16)] + \
        [("weighted", (n, 1, 1, n)) for n in (5, 10, 20, 40, 64)] + \
        [("weighted", (n, n // 2, n // 4, n // 2, n)) for n in (4, 8, 16, 20)]
    if args.quick:
        goals, scaling = goals[:1], scaling[:2] + scaling[8:10]
    base = Path(args.baseline).resolve() if args.baseline else None
    budget = args.command_budget
    print(f"whole commands as processes (seconds, wall): generate = `exactopen counterexample "
          f"... -o CERT` (it checks the certificate before writing), verify = `exactopen verify "
          f"CERT`, plain = `exactopen verify --plain CERT`"
          + (f"; baseline: {base}, abandoned after {budget:.0f} s" if base else ""))
    head = (f"{'loss':8} {'widths':16} {'P':>5} {'H':>5} | {'generate':>8} {'verify':>7} "
            f"{'plain':>6} {'total':>6} {'goal':>5}" +
            (f" | {'base gen':>8} {'base ver':>8} {'base tot':>8} {'ratio':>7}" if base else ""))
    print(head)
    print("-" * len(head))
    rows = []
    for kind, widths, goal in goals:
        rows.append(_command_row(kind, widths, goal, base, budget))
    print()
    print("scaling by number of parameters P (H: Hessian size, or chart size for --loss weighted)")
    print(head)
    print("-" * len(head))
    for kind, widths in scaling:
        rows.append(_command_row(kind, widths, None, base if max(widths) <= 20 else None, budget))
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1) + "\n")


def _command_row(kind, widths, goal, base, budget):
    P, size = sizes(kind, widths)
    gen, ver, plain = generate_and_verify(ROOT, kind, widths, max(budget, 600))
    total = _total(gen, ver)
    row = {"loss": kind, "widths": list(widths), "P": P, "H": size, "generate": gen,
           "verify": ver, "plain": plain, "total": total, "goal": goal}
    line = (f"{kind:8} {','.join(map(str, widths)):16} {P:>5} {size:>5} | {_fmt(gen):>8} "
            f"{_fmt(ver):>7} {_fmt(plain):>6} {_fmt(total):>6} "
            f"{'' if goal is None else ('<' + str(goal)):>5}")
    if base is not None:
        bgen, bver, _ = generate_and_verify(base, kind, widths, budget, plain=False)
        btotal = _total(bgen, bver)
        row.update(base_generate=bgen, base_verify=bver, base_total=btotal)
        ratio = _ratio(btotal, total) if btotal and total else f"> {budget / total:.0f}x" \
            if total else ""
        line += (f" | {_fmt(bgen) if bgen else f'>{budget:.0f}':>8} {_fmt(bver):>8} "
                 f"{_fmt(btotal):>8} {ratio:>7}")
    print(line, flush=True)
    return row


# -- the checker's work budget against measured checking ------------------------------

def planned_and_measured(text):
    """Per step: ``(rule, planned units, measured seconds)`` of the standard-library checker."""
    from exactopen.checker import check_text, plan as plan_module, rules

    costs, times = {}, {}
    charge = plan_module.Plan.charge

    def counting(self, units, where):
        costs[where] = costs.get(where, 0) + int(units)
        charge(self, units, where)

    saved = dict(rules.RULES)
    for name, rule in saved.items():
        def timed(env, step, check=rule.check):
            start = time.perf_counter()
            check(env, step)
            times[step["id"]] = time.perf_counter() - start
        rules.RULES[name] = rule._replace(check=timed)
    plan_module.Plan.charge = counting
    try:
        code, message = check_text(text)
    finally:
        plan_module.Plan.charge = charge
        rules.RULES.update(saved)
    assert code == 0, message
    steps = json.loads(text)["steps"]
    return [(s["rule"], costs.get(f"step {s['id']}", 0), times.get(s["id"], 0.0)) for s in steps]


def budget_table(args):
    from exactopen.certify.encode import dumps
    from exactopen.certify.networks import (square_refutation_certificate,
                                            weighted_minimum_certificate)
    from exactopen.checker.spec import BUDGET

    cases = [("square", (40, 1, 1, 40)), ("weighted", (40, 1, 1, 40)),
             ("weighted", (16, 8, 4, 8, 16)), ("square", (64, 1, 1, 64)),
             ("square", (16, 8, 4, 8, 16)), ("weighted", (20, 10, 5, 10, 20))]
    if args.quick:
        cases = cases[:1]
    print(f"the checker's plan (units of about 30 ns; budget {BUDGET:,}) against its measured "
          "standard-library checking, the costliest step and the whole certificate")
    head = (f"{'loss':8} {'widths':16} | {'step':14} {'planned s':>9} {'measured':>8} | "
            f"{'total units':>13} {'of budget':>9} {'planned s':>9} {'measured':>8}")
    print(head)
    print("-" * len(head))
    for kind, widths in cases:
        net = paper_construction(widths) if kind == "square" else weighted_minimum(widths)
        cert = (square_refutation_certificate if kind == "square"
                else weighted_minimum_certificate)(net)
        rows = planned_and_measured(dumps(cert))
        rule, units, seconds = max(rows, key=lambda r: r[1])
        total, measured = sum(r[1] for r in rows), sum(r[2] for r in rows)
        print(f"{kind:8} {','.join(map(str, widths)):16} | {rule:14} {units * 30e-9:>9.2f} "
              f"{seconds:>8.3f} | {total:>13,} {100 * total / BUDGET:>8.1f}% "
              f"{total * 30e-9:>9.2f} {measured:>8.3f}", flush=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small cases only")
    parser.add_argument("--budget", type=float, default=60.0,
                        help="seconds after which the old route is abandoned (default 60)")
    parser.add_argument("--baseline", metavar="DIR",
                        help="a checkout of an earlier exactopen to time the same commands from")
    parser.add_argument("--command-budget", type=float, default=300.0,
                        help="seconds after which a baseline command is abandoned (default 300)")
    parser.add_argument("--commands-only", action="store_true",
                        help="only the whole-command tables")
    parser.add_argument("--json", metavar="FILE", help="write the command rows as JSON")
    parser.add_argument("--budget-only", action="store_true",
                        help="only the table of the checker's planned work against its time")
    args = parser.parse_args(argv)
    if not args.budget_only:
        command_tables(args)
        print()
    budget_table(args)
    if args.commands_only or args.budget_only:
        return
    print()

    square = [(n, 1, 1, n) for n in (5, 10, 20, 40)]
    weighted = [(n, 1, 1, n) for n in (5, 10, 20, 40)] + [(4, 2, 1, 2, 4), (8, 4, 2, 4, 8),
                                                          (16, 8, 4, 8, 16)]
    new_only = [("square", (64, 1, 1, 64)), ("square", (32, 16, 8, 16, 32)),
                ("square", (64, 32, 16, 32, 64)), ("weighted", (32, 16, 8, 16, 32)),
                ("weighted", (64, 32, 16, 32, 64))]
    if args.quick:
        square, weighted, new_only = square[:2], weighted[:2] + weighted[4:5], []
    cases = [("square", w) for w in square] + [("weighted", w) for w in weighted]
    cases += [(k, w) for k, w in new_only]
    skip_old = set(new_only)

    head = (f"{'loss':8} {'widths':20} {'P':>5} {'H size':>6} | {'old dH':>7} {'new dH':>7} "
            f"{'ratio':>7} | {'old LDL':>7} {'new LDL':>7} {'ratio':>6} | {'old all':>7} "
            f"{'new all':>7} {'ratio':>7}")
    print(f"python {' '.join(sys.argv)}  (seconds; dH = gradient + Hessian, or network gradient "
          "+ chart gradient and Hessian for --loss weighted; new: best of 3; old: one run, "
          f"abandoned after {args.budget:.0f} s)")
    print(head)
    print("-" * len(head))
    for kind, widths in cases:
        P, size = sizes(kind, widths)
        route = "sparse" if (kind, widths) in skip_old else "new"
        runs = [run(route, kind, widths) for _ in range(3)]    # best of three: GC pauses
        new_d, new_l, new_result = min(x[0] for x in runs), min(x[1] for x in runs), runs[0][2]
        old = None if (kind, widths) in skip_old else run_old(kind, widths, args.budget)
        if old is not None:
            assert old[2] == new_result, f"old and new differ for {kind} {widths}"
        old_d, old_l = (old[0], old[1]) if old else (None, None)
        old_all = None if old is None else old_d + old_l
        note = "   (new: sparse forms)" if (kind, widths) in skip_old else \
            "" if old is not None else f"   (old > {args.budget:.0f} s)"
        print(f"{kind:8} {','.join(map(str, widths)):20} {P:>5} {size:>6} | {_fmt(old_d):>7} "
              f"{_fmt(new_d):>7} {_ratio(old_d, new_d):>7} | {_fmt(old_l):>7} {_fmt(new_l):>7} "
              f"{_ratio(old_l, new_l):>6} | {_fmt(old_all):>7} {_fmt(new_d + new_l):>7} "
              f"{_ratio(old_all, new_d + new_l):>7}{note}", flush=True)

    print()
    print("LDL^T of dense PSD matrices B^T B (B: k x n, integers in [-3, 3]): "
          "quadratic.ldl on Fractions against symmetric.ldl (auto route) and its two routes")
    head = (f"{'n':>5} {'rank':>5} | {'old':>7} {'new':>7} {'ratio':>6} | {'sparse':>7} "
            f"{'dense':>7}")
    print(head)
    print("-" * len(head))
    dense = [(50, 50), (100, 100), (100, 10), (200, 200), (400, 20), (1000, 30), (2000, 10)]
    for n, k in (dense[:3] if args.quick else dense):
        H = gram(n, k)
        times = {}
        for method in ("auto", "sparse", "dense"):
            times[method] = float("inf")
            for _ in range(3 if n <= 400 else 1):      # best of three for the small ones
                t = time.perf_counter()
                factor = symmetric.ldl_columns(H, method)
                times[method] = min(times[method], time.perf_counter() - t)
        old = run_old(n, k, args.budget, target=_ldl_child) if n <= 400 else None
        if old is not None:
            L, D = old[1]
            columns, D_new = factor
            assert D == D_new and all(L[i][j] == columns[j].get(i, 0)
                                      for j in range(n) for i in range(j + 1, n))
        old_t = None if old is None else old[0]
        note = "" if old is not None else "   (old not run)" if n > 400 else \
            f"   (old > {args.budget:.0f} s)"
        print(f"{n:>5} {min(n, k):>5} | {_fmt(old_t):>7} {_fmt(times['auto']):>7} "
              f"{_ratio(old_t, times['auto']):>6} | {_fmt(times['sparse']):>7} "
              f"{_fmt(times['dense']):>7}{note}", flush=True)


if __name__ == "__main__":
    main()
