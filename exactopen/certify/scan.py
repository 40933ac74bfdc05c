"""Certify every factor pair (and chosen chains of layers) of weight files.

:func:`discover` finds the jobs in a file: PEFT's LoRA layout (tensors
``PREFIX.lora_A[.ADAPTER].weight``, r x d_in, and
``PREFIX.lora_B[.ADAPTER].weight``, d_out x r: the pair is ``W1 = lora_B``,
``W2 = lora_A``, since ``Delta W = (alpha / r) B A`` and the scale changes
no rank), explicit pairs, and explicit chains of layers for Lemma 7.
:func:`run_job` certifies one job and has the independent checker verify
the certificate with the data file, so that a job needs only the file's
path and its digest: it runs the same in this process, in a process pool or
on a Dask worker.  :func:`run_jobs` schedules them; :func:`index` is the
``index.json`` of a scan.
"""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass, field

from ..errors import ExactOpenError, InputError
from ..linalg import FLINT_PROJECTED
from ..linalg.weights import TensorRef, list_tensors, read_tensor
from .data import ClaimSources, DataFile
from .encode import dumps

LORA_A = re.compile(r"^(?P<prefix>.+)\.lora_A(?P<adapter>\.[^.]+)?\.weight$")
#: PEFT's prefix of every adapter tensor, left out of display names.
PEFT_PREFIX = "base_model.model."


@dataclass(frozen=True)
class Job:
    """One certificate to make: a pair ``(W1, W2)`` or a chain of layers of one data file."""

    kind: str                    # "pair" or "chain"
    name: str                    # what the table shows (the module, or the tensor names)
    tensors: tuple               # (W1, W2) for a pair; the layers in the order they apply
    data: DataFile
    certificate: str             # the certificate's path, relative to the output directory
    plain: bool = False          # check without the accelerator
    budget: int | None = None    # the checker's work budget (None: its default)


@dataclass
class Outcome:
    """What a job found; ``code`` is the checker's exit code (0 VERIFIED), or the command's
    for a job that failed before its certificate existed."""

    job: Job
    code: int
    message: str
    shapes: list = field(default_factory=list)
    ranks: list = field(default_factory=list)
    verdict: str = ""
    text: str | None = None      # the certificate, to be written by the caller
    seconds: float = 0.0


def _natural(name: str):
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name)]


def _display(prefix: str) -> str:
    return prefix[len(PEFT_PREFIX):] if prefix.startswith(PEFT_PREFIX) else prefix


def _file_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._") or "pair"


def lora_pairs(names) -> list[tuple[str, str, str]]:
    """``(display name, lora_B name, lora_A name)`` of every LoRA pair, in natural order."""
    names = set(names)
    out = []
    for name in names:
        match = LORA_A.match(name)
        if match:
            b = f"{match['prefix']}.lora_B{match['adapter'] or ''}.weight"
            if b in names:
                out.append((_display(match["prefix"]) + (match["adapter"] or ""), b, name))
    return sorted(out, key=lambda entry: _natural(entry[0]))


def discover(path: str, data: DataFile, pairs=(), chains=(), folder: str = "",
             plain: bool = False, budget: int | None = None) -> list[Job]:
    """The jobs of one weight file: its LoRA pairs, and those of ``pairs`` (``(W1, W2)``
    tensor names) and ``chains`` (lists of layer names) whose tensors it holds.

    Certificates are named after the pair (``DIR/[folder/]NAME.json``).
    """
    tensors = list_tensors(path)
    jobs, used = [], set()

    def add(kind, name, names):
        stem = _file_name(name)
        while stem in used:
            stem += "_"
        used.add(stem)
        jobs.append(Job(kind, name, tuple(names), data,
                        os.path.join(folder, stem + ".json") if folder else stem + ".json",
                        plain, budget))

    for name, b, a in lora_pairs(tensors):
        add("pair", name, (b, a))
    for w1, w2 in pairs:
        if w1 in tensors and w2 in tensors:
            add("pair", f"{w1},{w2}", (w1, w2))
    for chain in chains:
        if all(name in tensors for name in chain):
            add("chain", ",".join(chain), chain)
    return jobs


def _certify_pair(job: Job, out: Outcome):
    from ..openness import analyze
    from .theorem2 import openness_certificate

    (w1, w2), path = job.tensors, job.data.path
    W1, W2 = read_tensor(path, w1), read_tensor(path, w2)
    out.shapes = [list(W1.shape), list(W2.shape)]
    if W1.ncols != W2.nrows:
        raise InputError(f"{w1} is {W1.nrows} x {W1.ncols} but {w2} is {W2.nrows} x {W2.ncols}: "
                         "the inner dimensions differ")
    report = analyze(W1, W2, FLINT_PROJECTED)  # the checker proves the kernels below
    out.ranks = [report.r1, report.r2, report.r12]
    out.verdict = "locally-open" if report.locally_open else "not-locally-open"
    sources = ClaimSources({"W1": TensorRef(path, w1), "W2": TensorRef(path, w2)}, data=job.data)
    return openness_certificate(report, sources)


def _certify_chain(job: Job, out: Outcome):
    from .chains import lemma7_chain_certificate, widths_of

    layers = [read_tensor(job.data.path, name) for name in job.tensors]
    out.shapes = [list(W.shape) for W in layers]
    widths = widths_of(layers)
    if widths is None:
        raise InputError(f"the layers {', '.join(job.tensors)} do not chain (each layer's "
                         "columns must be the previous layer's rows)")
    refs = {f"W{i + 1}": TensorRef(job.data.path, name) for i, name in enumerate(job.tensors)}
    cert = lemma7_chain_certificate(layers, ClaimSources(refs, data=job.data), FLINT_PROJECTED)
    out.ranks = [min(widths)] if cert else []
    out.verdict = "locally-open" if cert else "degenerate"
    return cert


_DATA = {}  # path -> ((size, mtime), content): a process reads a file once for all its jobs


def _data(path: str) -> bytes:
    from ..checker import read_capped

    status = os.stat(path)
    key = (status.st_size, status.st_mtime_ns)
    if _DATA.get(path, (None,))[0] != key:
        _DATA.clear()
        _DATA[path] = (key, read_capped(path, binary=True))
    return _DATA[path][1]


def run_job(job: Job) -> Outcome:
    """Certify one job and verify its certificate with the independent checker and the data.

    Never raises for a bad pair: the outcome carries the exit code and the message
    (2 bad input, 5 the lemma does not apply, 4 internal error).
    """
    from ..accel.limbs import accelerator
    from ..checker import check_text
    from ..checker.spec import BUDGET
    from ..errors import InternalError, NotApplicable

    start = time.perf_counter()
    out = Outcome(job, 0, "")
    try:
        cert = (_certify_pair if job.kind == "pair" else _certify_chain)(job, out)
        if cert is None:
            out.code, out.message = 5, ("the product of the layers has rank below the smallest "
                                        "width: Lemma 7 does not apply (nothing certified)")
        else:
            out.text = dumps(cert)
            out.code, out.message = check_text(out.text, accelerator(job.plain),
                                               _data(job.data.path), job.budget or BUDGET)
    except InternalError as exc:
        out.code, out.message = 4, f"internal error: {exc}"
    except NotApplicable as exc:
        out.code, out.message = 5, f"does not apply: {exc}"
    except (ExactOpenError, OSError) as exc:
        out.code, out.message = 2, f"error: {exc}"
    out.seconds = time.perf_counter() - start
    return out


def run_jobs(jobs: list[Job], workers: int = 1, dask: str | None = None):
    """Yield the :class:`Outcome` of every job as it completes: here (``workers == 1``), in a
    process pool of ``workers`` processes, or on the Dask cluster at the address ``dask``."""
    if dask:
        try:
            from distributed import Client, as_completed
        except ImportError:
            raise InputError("--dask needs Dask's distributed scheduler: "
                             "pip install 'exactopen[dask]'") from None
        with Client(dask) as client:
            futures = client.map(run_job, jobs, pure=False)
            for future in as_completed(futures):
                yield future.result()
        return
    if workers <= 1 or len(jobs) <= 1:
        yield from map(run_job, jobs)
        return
    from concurrent.futures import ProcessPoolExecutor, as_completed as completed

    with ProcessPoolExecutor(max_workers=min(workers, len(jobs))) as pool:
        futures = [pool.submit(run_job, job) for job in jobs]
        for future in completed(futures):
            yield future.result()


def index(files: list[DataFile], outcomes: list[Outcome]) -> dict:
    """``index.json``: the files with their digests, and one entry per pair whose certificate
    was verified (and, when chains were asked for, one per chain)."""
    doc = {"files": [{"path": f.path, "sha256": f.sha256} for f in files], "pairs": []}
    for out in outcomes:
        if out.job.kind == "pair" and out.code == 0:
            doc["pairs"].append({"W1": out.job.tensors[0], "W2": out.job.tensors[1],
                                 "shapes": out.shapes, "ranks": out.ranks, "verdict": out.verdict,
                                 "certificate": out.job.certificate})
    chains = [out for out in outcomes if out.job.kind == "chain"]
    if chains:
        doc["chains"] = [{"layers": list(out.job.tensors), "shapes": out.shapes,
                          "verdict": out.verdict,
                          **({"lemma": "7", "certificate": out.job.certificate}
                             if out.code == 0 else {})} for out in chains]
    return doc
