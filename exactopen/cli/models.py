"""``exactopen scan``: certify every factor pair of weight files (LoRA adapters and more)."""

from __future__ import annotations

import os
import sys

from ..errors import InputError
from .common import EXIT_OK, add_budget, add_plain, add_quiet, emit, examples, progress

SCAN_HELP = """\
Pairs: PEFT's LoRA layout is found by itself: PREFIX.lora_A.weight (r x d_in)
with PREFIX.lora_B.weight (d_out x r) gives W1 = lora_B, W2 = lora_A (the
update is (alpha / r) B A; the scale changes no rank). --pair W1,W2 names
other pairs (e.g. the factors of a factorised layer), --chain L1,L2,...
the layers of a stack in the order they apply to the input (each layer is
out x in, as in PyTorch), for Lemma 7: the product map (L1, ..., Lh) ->
Lh ... L1 is locally open at a non-degenerate point (rank of the product =
smallest width). That is the map of a deep *linear* network; with
activations between the layers, Lemma 3 is the relevant statement
(exactopen network-open --lemma 3, with the data X).

Each certificate refers to its weight file by SHA-256 and is verified by the
independent checker with that file; verify one yourself with
  exactopen verify DIR/NAME.json --data FILE
Binary floats are read exactly, as the dyadic rationals they are.

DIR/index.json: {"files": [{"path", "sha256"}], "pairs": [{"W1", "W2",
"shapes": [[m, k], [k, n]], "ranks": [r1, r2, r12], "verdict":
"locally-open" | "not-locally-open", "certificate": RELATIVE_PATH}]} (the
pairs whose certificate was written and verified), and "chains" when
--chain is given.

Exit codes: 0 every certificate VERIFIED; otherwise the worst outcome:
4 internal error, 1 a certificate NOT VERIFIED, 3 over the checker's caps,
2 bad input (a tensor missing, not a matrix, shapes that do not chain),
5 a chain at a degenerate point (Lemma 7 does not apply).
"""

#: Which outcome the exit code reports when several occur.
SEVERITY = (4, 1, 3, 2, 5)


def _names(values, what: str, least: int) -> list[tuple]:
    out = []
    for value in values or ():
        names = tuple(x.strip() for x in value.split(","))
        if len(names) < least or not all(names) or (what == "--pair" and len(names) != 2):
            raise InputError(f"{what} {value!r}: expected "
                             f"{'W1,W2' if what == '--pair' else 'NAME1,NAME2,...'} (tensor names)")
        out.append(names)
    return out


def _jobs(args):
    from ..certify.data import DataFile
    from ..certify.scan import discover
    from ..linalg.inputs import is_weight_file

    pairs, chains = _names(args.pair, "--pair", 2), _names(args.chain, "--chain", 2)
    files, jobs = [], []
    stems = set()
    for path in args.files:
        if not os.path.isfile(path):
            raise InputError(f"{path}: no such file")
        if not is_weight_file(path):
            raise InputError(f"{path}: not a .npy, .npz or .safetensors file")
        data = DataFile.of(path)
        files.append(data)
        folder = ""
        if len(args.files) > 1:
            folder = os.path.splitext(os.path.basename(path))[0] or "file"
            while folder in stems:
                folder += "_"
            stems.add(folder)
        found = discover(path, data, pairs, chains, folder, args.plain, args.budget)
        if not found and not (pairs or chains):
            print(f"{path}: no LoRA pairs (PREFIX.lora_A.weight with PREFIX.lora_B.weight), "
                  "and none of the --pair or --chain tensors", file=sys.stderr)
        jobs += found
    for names, kind in [(p, "pair") for p in pairs] + [(c, "chain") for c in chains]:
        if not any(job.kind == kind and job.tensors == names for job in jobs):
            raise InputError(f"--{kind} {','.join(names)}: no file holds all of these tensors")
    if not jobs:
        raise InputError("nothing to certify: name factor pairs with --pair W1,W2 or chains of "
                         "layers with --chain NAME1,NAME2,...")
    return files, jobs


def _shapes(out) -> str:
    return ", ".join(f"{m} x {n}" for m, n in out.shapes)


def _table(outcomes) -> list[str]:
    rows = [("pair", "shapes", "ranks", "verdict", "check")]
    for out in outcomes:
        ranks = ("r1 r2 r12 = " + " ".join(map(str, out.ranks))) if out.job.kind == "pair" \
            and out.ranks else (f"rank = {out.ranks[0]}" if out.ranks else "")
        rows.append((out.job.name, _shapes(out), ranks, out.verdict or "-",
                     "VERIFIED" if out.code == 0 else out.message))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    return ["  ".join(r[i].ljust(widths[i]) for i in range(4)) + "  " + r[4] for r in rows]


def _count(n: int, what: str) -> str:
    return f"{n} {what}{'' if n == 1 else 's'}"


def _summary(outcomes, files) -> str:
    pairs = [o for o in outcomes if o.job.kind == "pair"]
    chains = [o for o in outcomes if o.job.kind == "chain"]
    parts = []
    if pairs:
        opened = sum(o.verdict == "locally-open" for o in pairs if o.code == 0)
        closed = sum(o.verdict == "not-locally-open" for o in pairs if o.code == 0)
        parts.append(f"{_count(len(pairs), 'pair')}: {opened} locally open, {closed} not "
                     "locally open")
    if chains:
        opened = sum(o.code == 0 for o in chains)
        parts.append(f"{_count(len(chains), 'chain')}: {opened} locally open (Lemma 7)")
    failed = [o for o in outcomes if o.code]
    verified = len([o for o in outcomes if o.code == 0])
    data = "the data files" if len(files) > 1 else "the data file"
    parts.append(f"{_count(verified, 'certificate')} VERIFIED by the independent checker with "
                 f"{data}" + (f", {len(failed)} not" if failed else ""))
    return "; ".join(parts)


def _html(args, outcomes, doc) -> None:
    import html

    from ..checker import read_capped
    from ..report import explain, render_html
    from .common import accelerator
    from .output import write_output

    lines = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
             "<title>exactopen scan</title><style>body{font-family:Georgia,serif;margin:2em}"
             "td,th{padding:.2em .8em;text-align:left}th{border-bottom:1px solid #444}</style>"
             "</head><body><h1>Certified factor pairs</h1><p>Files: " +
             ", ".join(f"{html.escape(f['path'])} (SHA-256 {f['sha256'][:16]}...)"
                       for f in doc["files"]) + "</p><table><tr><th>pair</th><th>shapes</th>"
             "<th>ranks r1 r2 r12</th><th>verdict</th><th>proof</th></tr>"]
    for out in outcomes:
        if out.text is None or out.code:
            continue
        proof = os.path.splitext(out.job.certificate)[0] + ".html"
        data = read_capped(out.job.data.path, binary=True)
        write_output(os.path.join(args.out, proof),
                     render_html(explain(out.text, accelerator(args), data, args.budget)))
        lines.append(f"<tr><td>{html.escape(out.job.name)}</td><td>{html.escape(_shapes(out))}"
                     f"</td><td>{' '.join(map(str, out.ranks))}</td><td>{out.verdict}</td>"
                     f'<td><a href="{html.escape(proof)}">proof</a> · '
                     f'<a href="{html.escape(out.job.certificate)}">certificate</a></td></tr>')
    lines.append("</table></body></html>")
    write_output(os.path.join(args.out, "index.html"), "\n".join(lines) + "\n")


def cmd_scan(args) -> int:
    from ..certify.encode import dumps
    from ..certify.scan import index, run_jobs
    from .output import write_output

    if args.workers is not None and args.workers < 1:
        raise InputError("--workers must be at least 1")
    if os.path.exists(args.out) and not os.path.isdir(args.out):
        raise InputError(f"{args.out}: not a directory (--out names the directory for the "
                         "certificates and index.json)")
    files, jobs = _jobs(args)
    os.makedirs(args.out, exist_ok=True)
    order = {job: i for i, job in enumerate(jobs)}
    outcomes = []
    workers = args.workers or os.cpu_count() or 1
    with progress(args, len(jobs), "certifying") as bar:
        for out in run_jobs(jobs, workers, args.dask):
            if out.code == 0:
                path = os.path.join(args.out, out.job.certificate)
                os.makedirs(os.path.dirname(path), exist_ok=True)
                write_output(path, out.text)
            outcomes.append(out)
            bar.update(1)
    outcomes.sort(key=lambda out: order[out.job])
    doc = index(files, outcomes)
    write_output(os.path.join(args.out, "index.json"), dumps(doc))
    if args.html:
        _html(args, outcomes, doc)
    summary = _summary(outcomes, files)
    lines = _table(outcomes) + [summary]
    index_path = os.path.join(args.out, "index.json")
    example = next((o for o in outcomes if o.code == 0), None)
    if example:
        lines.append(f"index: {index_path}; verify a certificate with: exactopen verify "
                     f"{os.path.join(args.out, example.job.certificate)} "
                     f"--data {example.job.data.path}")
    codes = {out.code for out in outcomes}
    code = next((code for code in SEVERITY if code in codes), EXIT_OK)
    if args.quiet:  # the table is not printed: what went wrong still is, on standard error
        for out in outcomes:
            if out.code:
                print(f"exactopen: {out.job.name}: {out.message}", file=sys.stderr)
    pairs = [o for o in outcomes if o.job.kind == "pair" and o.code == 0]
    emit(args, lines, summary, {
        "verdict": "VERIFIED" if all(o.code == 0 for o in outcomes) else "NOT VERIFIED",
        "exit": code, "summary": summary, "index": index_path,
        "pairs": len([o for o in outcomes if o.job.kind == "pair"]),
        "locally_open": sum(o.verdict == "locally-open" for o in pairs),
        "not_locally_open": sum(o.verdict == "not-locally-open" for o in pairs),
        "chains": len([o for o in outcomes if o.job.kind == "chain"]),
        "verified": sum(o.code == 0 for o in outcomes),
        "failed": [{"name": o.job.name, "exit": o.code, "message": o.message}
                   for o in outcomes if o.code]})
    return code


def register(sub, fmt) -> None:
    """Add ``scan`` to the ``exactopen`` parser."""
    p = sub.add_parser("scan", help="certify every factor pair of weight files (LoRA adapters)",
                       formatter_class=fmt,
                       description="Find the factor pairs of .safetensors, .npz or .npy files, "
                                   "certify for each whether (W1, W2) -> W1 W2 is locally open "
                                   "(Theorem 2, or Behrends' case), verify every certificate "
                                   "with the independent checker, and write the certificates "
                                   "and an index to DIR.\n\n" + SCAN_HELP,
                       epilog=examples(
                           "exactopen scan adapter_model.safetensors --out certs",
                           "exactopen scan model.safetensors --pair U.weight,V.weight --out certs",
                           "exactopen scan net.safetensors --chain l0.weight,l1.weight "
                           "--out certs --json"))
    p.add_argument("files", nargs="+", metavar="FILE",
                   help="weight files (.safetensors, .npz, .npy)")
    p.add_argument("--out", required=True, metavar="DIR", help="directory for the certificates "
                   "and index.json (created if needed)")
    p.add_argument("--pair", action="append", metavar="W1,W2",
                   help="a factor pair by tensor names (repeatable)")
    p.add_argument("--chain", action="append", metavar="L1,L2,...",
                   help="layers applied in this order, for Lemma 7 (repeatable)")
    p.add_argument("--workers", type=int, metavar="N",
                   help="certify in a pool of N processes (default: the machine's cores)")
    p.add_argument("--dask", metavar="ADDRESS",
                   help="certify on the Dask distributed cluster at ADDRESS (e.g. "
                        "tcp://scheduler:8786; pip install 'exactopen[dask]'); its workers must "
                        "see the files at the same paths")
    p.add_argument("--html", action="store_true",
                   help="also write DIR/index.html and a readable proof of each pair (NAME.html)")
    add_budget(p)
    add_quiet(p, "the summary (pairs, verdicts, certificates verified)", json_too=True)
    add_plain(p)
    p.set_defaults(func=cmd_scan)
