"""Exact ranks and Theorem 2 verdicts for the example models, from scratch.

This script is the independent reference that exactopen's answers on
``examples/models`` are compared with.  It uses the standard library only:
it parses the safetensors files itself, turns every stored float (float32,
bfloat16, float16 or float64) into the exact rational it denotes
(``fractions.Fraction(float(x))``, a dyadic rational), scales each matrix by a
power of two to integers and computes ranks by fraction-free (Bareiss)
elimination.  If python-flint is installed, every rank is recomputed with
``flint.fmpq_mat.rank`` on the same rationals and the two must agree.

For a factor pair (W1, W2) with W1 m x k, W2 k x n and k < min(m, n),
Theorem 2 says: locally open in its range iff r1 = r2 = r12, where
r1 = rank W1, r2 = rank W2, r12 = rank W1 W2.  For a LoRA module,
W1 = lora_B (d_out x r) and W2 = lora_A (r x d_in), so Delta W = B A (times
the scale lora_alpha / r, which changes no rank).  For k >= min(m, n)
(Behrends' case) the map is open iff m + r2 <= k + r12 or n + r1 <= k + r12.
In the JSON output, ``dim_iii`` = dim(N(W1) ∩ C(W2)) = r2 - r12 and
``dim_iv`` = dim(N(W2^T) ∩ C(W1^T)) = r1 - r12 (the paper's conditions (iii)
and (iv) hold when they are 0), and ``case`` is ``theorem-2`` or ``behrends``.

    python examples/expected_ranks.py               # Markdown tables
    python examples/expected_ranks.py --json FILE   # also write them as JSON
"""

import argparse
import itertools
import json
import math
import os
import struct
import sys
from fractions import Fraction

MODELS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "models")
LORA_PREFIX = "base_model.model."


# -- reading safetensors ------------------------------------------------------

def _decode(dtype, raw):
    """The stored values as Python floats (exact: every format embeds in float64)."""
    if dtype == "F32":
        return list(struct.unpack(f"<{len(raw) // 4}f", raw))
    if dtype == "F64":
        return list(struct.unpack(f"<{len(raw) // 8}d", raw))
    if dtype == "F16":
        return list(struct.unpack(f"<{len(raw) // 2}e", raw))
    if dtype == "BF16":
        halves = struct.unpack(f"<{len(raw) // 2}H", raw)
        return list(struct.unpack(f"<{len(halves)}f",
                                  struct.pack(f"<{len(halves)}I", *(h << 16 for h in halves))))
    raise ValueError(f"unsupported dtype {dtype}")


def read_safetensors(path):
    """{name: (dtype, shape, rows as lists of Fractions)} for every 2-D tensor."""
    with open(path, "rb") as handle:
        blob = handle.read()
    (length,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + length])
    data = blob[8 + length:]
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        start, end = info["data_offsets"]
        values = _decode(info["dtype"], data[start:end])
        if not all(math.isfinite(v) for v in values):
            raise ValueError(f"{name}: not finite")
        rows, cols = info["shape"]
        exact = [Fraction(v) for v in values]
        tensors[name] = (info["dtype"], (rows, cols),
                         [exact[i * cols:(i + 1) * cols] for i in range(rows)])
    return tensors


# -- exact ranks ----------------------------------------------------------------

def to_integers(matrix):
    """The matrix times the least common denominator (a power of two here)."""
    scale = 1
    for row in matrix:
        for x in row:
            scale = scale * x.denominator // _gcd(scale, x.denominator)
    return [[int(x * scale) for x in row] for row in matrix]


def _gcd(a, b):
    while b:
        a, b = b, a % b
    return a


def rank(matrix):
    """Rank over Q by Bareiss fraction-free elimination on an integer copy."""
    rows = [row[:] for row in to_integers(matrix) if any(row)]
    if not rows:
        return 0
    n_cols, r, previous = len(rows[0]), 0, 1
    for col in range(n_cols):
        pivot = next((i for i in range(r, len(rows)) if rows[i][col]), None)
        if pivot is None:
            continue
        rows[r], rows[pivot] = rows[pivot], rows[r]
        p = rows[r][col]
        for i in range(r + 1, len(rows)):
            q = rows[i][col]
            rows[i] = [(p * rows[i][j] - q * rows[r][j]) // previous for j in range(n_cols)]
        previous, r = p, r + 1
        if r == len(rows):
            break
    return r


def product(a, b):
    columns = list(zip(*b))
    return [[sum(x * y for x, y in zip(row, col)) for col in columns] for row in a]


def flint_rank(matrix):
    """python-flint's rank of the same rationals, or None without python-flint."""
    try:
        import flint
    except ImportError:
        return None
    return flint.fmpq_mat([[flint.fmpq(x.numerator, x.denominator) for x in row]
                           for row in matrix]).rank()


def checked_rank(matrix, label):
    r = rank(matrix)
    other = flint_rank(matrix)
    if other is not None and other != r:
        raise AssertionError(f"{label}: Bareiss rank {r}, python-flint rank {other}")
    return r


# -- verdicts -------------------------------------------------------------------

def pair_verdict(w1, w2, label):
    """Ranks of W1, W2, W1 W2 and the verdict of Theorem 2 or Behrends' case."""
    m, k, n = len(w1), len(w2), len(w2[0])
    if len(w1[0]) != k:
        raise ValueError(f"{label}: shapes {m}x{len(w1[0])} and {k}x{n} do not chain")
    r1 = checked_rank(w1, label + " W1")
    r2 = checked_rank(w2, label + " W2")
    r12 = checked_rank(product(w1, w2), label + " W1 W2")
    if k < min(m, n):
        case, is_open = "theorem-2", r1 == r2 == r12
    else:
        case, is_open = "behrends", m + r2 <= k + r12 or n + r1 <= k + r12
    return {"m": m, "k": k, "n": n, "r1": r1, "r2": r2, "r12": r12,
            "dim_iii": r2 - r12, "dim_iv": r1 - r12,
            "case": case, "locally_open": is_open}


def lora_pairs(path):
    tensors = read_safetensors(path)
    modules = sorted({name[len(LORA_PREFIX):name.index(".lora_")]
                      for name in tensors if ".lora_" in name})
    out = []
    for module in modules:
        a_name = f"{LORA_PREFIX}{module}.lora_A.weight"
        b_name = f"{LORA_PREFIX}{module}.lora_B.weight"
        dtype = tensors[a_name][0]
        verdict = pair_verdict(tensors[b_name][2], tensors[a_name][2], module)
        out.append(dict(module=module, W1=b_name, W2=a_name, dtype=dtype, **verdict))
    return out


def digits_pairs():
    path = os.path.join(MODELS, "digits-factorised.safetensors")
    t = read_safetensors(path)
    verdict = pair_verdict(t["classifier.U.weight"][2], t["classifier.V.weight"][2], "U V")
    return [dict(module="classifier", W1="classifier.U.weight",
                 W2="classifier.V.weight", dtype=t["classifier.U.weight"][0], **verdict)]


def pyramidal():
    """Per-layer ranks (Lemma 3), consecutive pairs, and the linear product's rank."""
    t = read_safetensors(os.path.join(MODELS, "digits-pyramidal.safetensors"))
    names = sorted(t, key=lambda s: int(s.split(".")[1]))
    layers = []
    for name in names:
        rows, cols = t[name][1]
        r = checked_rank(t[name][2], name)
        layers.append({"name": name, "dtype": t[name][0], "shape": [rows, cols],
                       "rank": r, "full_row_rank": r == rows})
    pairs = [dict(W1=upper, W2=lower, **pair_verdict(t[upper][2], t[lower][2],
                                                     f"{upper} {lower}"))
             for lower, upper in itertools.pairwise(names)]
    chain = t[names[0]][2]
    for name in names[1:]:
        chain = product(t[name][2], chain)
    widths = [t[names[0]][1][1]] + [t[n][1][0] for n in names]
    lemma3 = (all(layer["full_row_rank"] for layer in layers)
              and all(a >= b for a, b in itertools.pairwise(widths)))
    return {"widths": widths, "layers": layers, "pairs": pairs,
            "rank_of_product": checked_rank(chain, "product of all layers"),
            "lemma3_locally_open": lemma3}


def verdict_word(row):
    return "open" if row["locally_open"] else "NOT open"


def markdown(results):
    lines = []
    for title, rows in (("digits-factorised.safetensors", results["digits-factorised"]),
                        ("lora-adapter/adapter_model.safetensors", results["lora-adapter"]),
                        ("lora-adapter-bf16/adapter_model.safetensors",
                         results["lora-adapter-bf16"])):
        lines += [f"### {title}", "",
                  "| pair (W1 = B or U, W2 = A or V) | dtype | m x k x n | r1 | r2 | r12 | verdict |",
                  "|---|---|---|---|---|---|---|"]
        for row in rows:
            lines.append(f"| `{row['module']}` | {row['dtype']} | "
                         f"{row['m']} x {row['k']} x {row['n']} | {row['r1']} | {row['r2']} | "
                         f"{row['r12']} | {verdict_word(row)} |")
        lines.append("")
    p = results["digits-pyramidal"]
    lines += ["### digits-pyramidal.safetensors", "",
              "| tensor | dtype | shape | rank | full row rank |", "|---|---|---|---|---|"]
    for layer in p["layers"]:
        lines.append(f"| `{layer['name']}` | {layer['dtype']} | "
                     f"{layer['shape'][0]} x {layer['shape'][1]} | {layer['rank']} | "
                     f"{'yes' if layer['full_row_rank'] else 'no'} |")
    lines += ["", "| pair (W1, W2) | m x k x n | r1 | r2 | r12 | case | verdict |",
              "|---|---|---|---|---|---|---|"]
    for row in p["pairs"]:
        lines.append(f"| `{row['W1']}`, `{row['W2']}` | {row['m']} x {row['k']} x {row['n']} | "
                     f"{row['r1']} | {row['r2']} | {row['r12']} | {row['case']} | "
                     f"{verdict_word(row)} |")
    lemma3 = "applies" if p["lemma3_locally_open"] else "does not apply"
    lines += ["", (f"Widths {'-'.join(map(str, p['widths']))}; rank of the product of all "
                   f"layers {p['rank_of_product']}; Lemma 3 (all layers full row rank, widths "
                   f"non-increasing): {lemma3}.")]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args(argv)
    results = {
        "digits-factorised": digits_pairs(),
        "digits-pyramidal": pyramidal(),
        "lora-adapter": lora_pairs(os.path.join(MODELS, "lora-adapter",
                                                "adapter_model.safetensors")),
        "lora-adapter-bf16": lora_pairs(os.path.join(MODELS, "lora-adapter-bf16",
                                                     "adapter_model.safetensors")),
    }
    print(markdown(results))
    try:
        import flint  # noqa: F401
        print("\nEvery rank agreed with python-flint.")
    except ImportError:
        print("\n(python-flint not installed: ranks from Bareiss elimination only.)")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump(results, handle, indent=1, sort_keys=True, ensure_ascii=False)
            handle.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
