"""Assembling the numbered, cited steps of a certificate.

Generators add steps in whatever order is natural, naming the matrices and
points each step reads and defines; :meth:`Proof.steps` orders them so that
each step cites only earlier ones (a topological order of the dependency
graph, ties broken by insertion order, so the output is deterministic).
"""

from __future__ import annotations

import heapq

from ..checker.spec import FORMAT, VERSION, claim_digest
from ..errors import InternalError


class Proof:
    """Steps under construction; names of the claim are given at creation."""

    def __init__(self, claim_names=()):
        self._entries = []  # (rule, fields, reads, defines)
        self._claim = set(claim_names)

    def add(self, rule: str, *, reads=(), defines=(), **fields) -> None:
        self._entries.append((rule, fields, tuple(reads), tuple(defines)))

    def steps(self) -> list[dict]:
        definer = {}
        for index, (_, _, _, defines) in enumerate(self._entries):
            for name in defines:
                definer[name] = index
        after = [[] for _ in self._entries]  # step index -> the steps that read what it defines
        waiting = [0] * len(self._entries)
        for index, (rule, _, reads, _) in enumerate(self._entries):
            for name in sorted(set(reads)):
                if name in definer:
                    after[definer[name]].append(index)
                    waiting[index] += 1
                elif name not in self._claim:
                    raise InternalError(f"step {rule} reads undefined {name!r}")
        ready = [index for index, count in enumerate(waiting) if not count]
        heapq.heapify(ready)
        order = []
        while ready:  # Kahn's algorithm, the earliest added step first among those ready
            index = heapq.heappop(ready)
            order.append(index)
            for later in after[index]:
                waiting[later] -= 1
                if not waiting[later]:
                    heapq.heappush(ready, later)
        if len(order) != len(self._entries):
            raise InternalError("the steps read each other's names in a cycle")
        position = {index: pos + 1 for pos, index in enumerate(order)}
        out = []
        for index in order:
            rule, fields, reads, _ = self._entries[index]
            uses = sorted({position[definer[n]] for n in reads if n in definer})
            out.append({"id": position[index], "rule": rule, "uses": uses, **fields})
        return out


def certificate(kind: str, claim: dict, verdict: str, proof: Proof, conditions=None) -> dict:
    """The certificate document (a dict ready for :func:`encode.dumps`)."""
    doc = {"format": FORMAT, "version": VERSION, "kind": kind, "claim": claim,
           "claim_sha256": claim_digest(claim), "verdict": verdict, "steps": proof.steps()}
    if conditions is not None:
        doc["conditions"] = conditions
    return doc
