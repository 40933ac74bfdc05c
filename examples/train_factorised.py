"""Train two small digit classifiers and save their weights as safetensors.

Both are trained by full-batch gradient descent on the softmax cross-entropy
of the handwritten digits data set that scikit-learn ships (1797 images of
8 x 8 pixels, values 0..16), with a fixed seed, in a few seconds:

* ``digits-factorised.safetensors``: a rank-r linear classifier
  ``logits = U V x`` with ``U`` (10 x r) and ``V`` (r x 64), stored as
  ``classifier.U.weight`` and ``classifier.V.weight``.  The pair (U, V) is a
  pair (W1, W2) for Theorem 2 with k = r < min(10, 64).
* ``digits-pyramidal.safetensors``: a bias-free Leaky-ReLU network
  64 -> 32 -> 16 -> 10 (widths non-increasing, every layer full row rank:
  the setting of Lemma 3), stored as ``layers.0.weight`` (32 x 64),
  ``layers.1.weight`` (16 x 32) and ``layers.2.weight`` (10 x 16).

Training runs in float64; the weights are rounded to float32 once, at the
end.  The files are written by hand in the safetensors layout (8-byte
little-endian header length, JSON header with sorted keys and no spaces,
padded with spaces to a multiple of 8, then the raw little-endian data in the
order of the sorted tensor names), so re-running the script reproduces them
byte for byte.  (``safetensors.numpy.save_file`` orders ``__metadata__``
entries differently from run to run when there is more than one.)

Run time needs NumPy only.  The data file is found inside an installed
scikit-learn without importing it, or given with ``--data``::

    python examples/train_factorised.py
    python examples/train_factorised.py --data /path/to/digits.csv.gz
"""

import argparse
import gzip
import importlib.util
import itertools
import json
import os
import struct
import sys

import numpy as np

SEED = 0
RANK = 6
WIDTHS = (64, 32, 16, 10)
NEGATIVE_SLOPE = 0.125  # Leaky ReLU slope, exact in binary: 1/8
TEST_FRACTION = 0.2


def locate_digits():
    """Path of ``digits.csv.gz`` inside the installed scikit-learn (not imported)."""
    spec = importlib.util.find_spec("sklearn")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(
            "scikit-learn is not installed; pass --data PATH/TO/digits.csv.gz")
    root = next(iter(spec.submodule_search_locations))
    path = os.path.join(root, "datasets", "data", "digits.csv.gz")
    if not os.path.exists(path):
        raise FileNotFoundError(path)
    return path


def load_digits(path):
    """Images as rows scaled to [0, 1] (1797 x 64) and integer labels."""
    with gzip.open(path, "rt") as handle:
        table = np.loadtxt(handle, delimiter=",", dtype=np.float64)
    return table[:, :-1] / 16.0, table[:, -1].astype(np.int64)


def split(images, labels, rng):
    order = rng.permutation(len(labels))
    n_test = round(TEST_FRACTION * len(labels))
    test, train = order[:n_test], order[n_test:]
    return images[train], labels[train], images[test], labels[test]


def softmax_gradient(logits, labels):
    """Mean cross-entropy and its gradient with respect to the logits."""
    shifted = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    probs = exp / exp.sum(axis=1, keepdims=True)
    n = len(labels)
    loss = -np.mean(np.log(probs[np.arange(n), labels]))
    grad = probs.copy()
    grad[np.arange(n), labels] -= 1.0
    return loss, grad / n


def accuracy(logits, labels):
    return float(np.mean(np.argmax(logits, axis=1) == labels))


def train_factorised(x, y, rng, rank=RANK, steps=3000, lr=1.0):
    """Gradient descent on (U, V) for logits = x V^T U^T."""
    u = rng.normal(0.0, 0.3, size=(10, rank))
    v = rng.normal(0.0, 0.3, size=(rank, x.shape[1]))
    for _ in range(steps):
        loss, g = softmax_gradient(x @ v.T @ u.T, y)
        grad_w = g.T @ x                          # d loss / d (U V), 10 x 64
        u, v = u - lr * grad_w @ v.T, v - lr * u.T @ grad_w
    return u, v, loss


def leaky(z):
    return np.where(z > 0, z, NEGATIVE_SLOPE * z)


def pyramidal_forward(weights, x):
    """Pre-activations of every layer; the last one are the logits."""
    pre, h = [], x.T
    for i, w in enumerate(weights):
        z = w @ h
        pre.append(z)
        h = leaky(z) if i < len(weights) - 1 else z
    return pre


def train_pyramidal(x, y, rng, steps=2000, lr=0.5):
    """Gradient descent on a bias-free Leaky-ReLU network, He initialisation."""
    weights = [rng.normal(0.0, np.sqrt(2.0 / d_in), size=(d_out, d_in))
               for d_in, d_out in itertools.pairwise(WIDTHS)]
    for _ in range(steps):
        pre = pyramidal_forward(weights, x)
        loss, g = softmax_gradient(pre[-1].T, y)
        delta = g.T                                # d loss / d logits, 10 x N
        grads = [None] * len(weights)
        for i in range(len(weights) - 1, -1, -1):
            below = x.T if i == 0 else leaky(pre[i - 1])
            grads[i] = delta @ below.T
            if i > 0:
                slope = np.where(pre[i - 1] > 0, 1.0, NEGATIVE_SLOPE)
                delta = (weights[i].T @ delta) * slope
        weights = [w - lr * gw for w, gw in zip(weights, grads)]
    return weights, loss


def safetensors_bytes(tensors, metadata):
    """The safetensors encoding of float32 arrays, deterministic byte for byte."""
    header, blobs, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = {k: str(metadata[k]) for k in sorted(metadata)}
    for name in sorted(tensors):
        data = np.ascontiguousarray(tensors[name], dtype="<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(tensors[name].shape),
                        "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":"), sort_keys=True).encode()
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + b"".join(blobs)


def save(path, tensors, metadata):
    with open(path, "wb") as handle:
        handle.write(safetensors_bytes(tensors, metadata))
    print(f"wrote {path} ({os.path.getsize(path)} bytes)")


def main(argv=None):
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", help="digits.csv.gz (default: scikit-learn's copy)")
    parser.add_argument("--out-dir", default=os.path.join(here, "models"))
    args = parser.parse_args(argv)

    x, y = load_digits(args.data or locate_digits())
    x_train, y_train, x_test, y_test = split(x, y, np.random.default_rng(SEED))
    os.makedirs(args.out_dir, exist_ok=True)
    common = {"data": "scikit-learn digits (1797 x 64, pixels / 16)",
              "loss": "softmax cross-entropy, full-batch gradient descent",
              "seed": SEED}

    u, v, loss = train_factorised(x_train, y_train, np.random.default_rng(SEED + 1))
    u32, v32 = u.astype(np.float32), v.astype(np.float32)
    w = u32.astype(np.float64) @ v32.astype(np.float64)
    train_acc, test_acc = accuracy(x_train @ w.T, y_train), accuracy(x_test @ w.T, y_test)
    print(f"factorised rank {RANK}: loss {loss:.4f}, "
          f"train accuracy {train_acc:.4f}, test accuracy {test_acc:.4f}")
    save(os.path.join(args.out_dir, "digits-factorised.safetensors"),
         {"classifier.U.weight": u32, "classifier.V.weight": v32},
         dict(common, model="logits = U V x, U (10 x r), V (r x 64)", rank=RANK,
              test_accuracy=f"{test_acc:.4f}"))

    weights, loss = train_pyramidal(x_train, y_train, np.random.default_rng(SEED + 2))
    w32 = [w.astype(np.float32) for w in weights]
    w64 = [w.astype(np.float64) for w in w32]
    train_acc = accuracy(pyramidal_forward(w64, x_train)[-1].T, y_train)
    test_acc = accuracy(pyramidal_forward(w64, x_test)[-1].T, y_test)
    print(f"pyramidal {'-'.join(map(str, WIDTHS))}: loss {loss:.4f}, "
          f"train accuracy {train_acc:.4f}, test accuracy {test_acc:.4f}")
    save(os.path.join(args.out_dir, "digits-pyramidal.safetensors"),
         {f"layers.{i}.weight": w for i, w in enumerate(w32)},
         dict(common, model="logits = W2 s(W1 s(W0 x)), no biases",
              activation="leaky_relu", negative_slope="0.125",
              widths="-".join(map(str, WIDTHS)), test_accuracy=f"{test_acc:.4f}"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
