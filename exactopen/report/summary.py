"""Short human summaries of results, for the command line."""

from __future__ import annotations

from ..openness import OpennessReport

CONDITION_TEXT = {
    "i": "exists T1: T1 W2 = 0 and W1 + T1 has full column rank",
    "ii": "exists T2: W1 T2 = 0 and W2 + T2 has full row rank",
    "iii": "dim(N(W1) ∩ C(W2)) = 0",
    "iv": "dim(N(W2^T) ∩ C(W1^T)) = 0",
    "v": "locally open in the range (rank <= k matrices)",
    "A": "exists T1: T1 W2 = 0 and W1 + T1 has full row rank m",
    "B": "exists T2: W1 T2 = 0 and W2 + T2 has full column rank n",
}


def _vector(values) -> str:
    return "[" + ", ".join(str(x) for x in values) + "]"


def openness_summary(report: OpennessReport) -> str:
    m, k, n = report.shape
    lines = [f"W1 is {m} x {k}, W2 is {k} x {n}"]
    if report.setting == "theorem-2":
        lines.append(f"k = {k} < min(m, n) = {min(m, n)}: Theorem 2, openness in the range "
                     f"of matrices of rank <= {k}")
    else:
        lines.append(f"k = {k} >= min(m, n) = {min(m, n)}: Behrends' case, the range is all of "
                     f"Q^({m} x {n})")
    lines.append(f"ranks: r1 = {report.r1}, r2 = {report.r2}, r12 = rank(W1 W2) = {report.r12}")
    lines.append(f"dim N(W1) ∩ C(W2) = {report.dim_iii}, dim N(W2^T) ∩ C(W1^T) = {report.dim_iv}")
    for key, value in report.conditions.items():
        label = f"({key})".ljust(6)
        lines.append(f"  {label}{'true ' if value else 'false'}  {CONDITION_TEXT[key]}")
    lines.append(f"max rank(W1 + T1) over T1 W2 = 0: {report.max_rank_T1}; "
                 f"max rank(W2 + T2) over W1 T2 = 0: {report.max_rank_T2}")
    if report.setting == "theorem-2" and report.r1 != report.r2:
        lines.append("r1 != r2, so by Theorem 2 the map is not locally open")
    if report.u is not None:
        lines.append(f"obstruction: u = {_vector(report.u.column(0))} has W2 u != 0, "
                     "W1 W2 u = 0")
    if report.y is not None:
        lines.append(f"obstruction: y = {_vector(report.y.row(0))} has y W1 != 0, "
                     "y W1 W2 = 0")
    verdict = "LOCALLY OPEN" if report.locally_open else "NOT LOCALLY OPEN"
    where = " in its range" if report.setting == "theorem-2" else ""
    lines.append(f"verdict: matrix multiplication is {verdict}{where} at (W1, W2)")
    return "\n".join(lines)
