#!/usr/bin/env python3
"""One epoch of the 784→256→10 ReLU MLP on Fashion-MNIST in NumPy with a hand-written backward, the
reference `bench train` compares SwiftTorch against (same model, batch 128, SGD momentum 0.9, shuffled
batches gathered each step, data loading included in the epoch time).

    python3 Benchmarks/mlp_numpy.py --threads 1 --epochs 3 [--data /usr/share/datasets/fashion-mnist]

Prints one JSON object: {"threads", "epoch_seconds" (per epoch), "median_epoch_seconds" (epochs after the
first), "test_accuracy", "blas"}. OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE are removed from this process's
environment before NumPy loads (the project's rule for benchmarks against NumPy's OpenBLAS), and
OPENBLAS_NUM_THREADS is set to --threads.
"""
import argparse, gzip, json, os, sys, time

p = argparse.ArgumentParser()
p.add_argument("--threads", type=int, default=1)
p.add_argument("--epochs", type=int, default=3)
p.add_argument("--batch-size", type=int, default=128)
p.add_argument("--lr", type=float, default=0.05)
p.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
args = p.parse_args()
for var in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):
    os.environ.pop(var, None)
os.environ["OPENBLAS_NUM_THREADS"] = str(args.threads)
import numpy as np  # noqa: E402  (after the environment is set)


def idx(name):
    path = os.path.join(args.data, name + ".gz")
    with gzip.open(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(data, np.uint8, offset=4 + 4 * ndim).reshape(dims)


x_train = idx("train-images-idx3-ubyte").reshape(-1, 784).astype(np.float32) / 255
y_train = idx("train-labels-idx1-ubyte").astype(np.int64)
x_test = idx("t10k-images-idx3-ubyte").reshape(-1, 784).astype(np.float32) / 255
y_test = idx("t10k-labels-idx1-ubyte").astype(np.int64)
mean, std = x_train.mean(), x_train.std()
x_train, x_test = (x_train - mean) / std, (x_test - mean) / std

rng = np.random.default_rng(0)
w1 = (rng.standard_normal((784, 256)) * np.sqrt(2 / 784)).astype(np.float32)   # [D_in, H]
b1 = np.zeros(256, np.float32)
w2 = (rng.standard_normal((256, 10)) * np.sqrt(2 / 256)).astype(np.float32)    # [H, C]
b2 = np.zeros(10, np.float32)
params = [w1, b1, w2, b2]
velocity = [np.zeros_like(q) for q in params]

epoch_seconds = []
for epoch in range(args.epochs):
    start = time.perf_counter()
    order = rng.permutation(len(x_train))
    for s in range(0, len(order), args.batch_size):
        idx_b = order[s:s + args.batch_size]
        x, y = x_train[idx_b], y_train[idx_b]                 # x: [B, 784], y: [B]
        z1 = x @ w1 + b1                                       # [B, 256]
        h = np.maximum(z1, 0)
        logits = h @ w2 + b2                                   # [B, 10]
        e = np.exp(logits - logits.max(axis=1, keepdims=True))
        p_ = e / e.sum(axis=1, keepdims=True)
        d = p_
        d[np.arange(len(y)), y] -= 1
        d /= len(y)                                            # dlogits = (p − onehot) / B
        grads = [None, None, h.T @ d, d.sum(axis=0)]
        dz1 = (d @ w2.T) * (z1 > 0)
        grads[0], grads[1] = x.T @ dz1, dz1.sum(axis=0)
        for q, v, g in zip(params, velocity, grads):
            v *= 0.9
            v += g
            q -= args.lr * v
    epoch_seconds.append(time.perf_counter() - start)

accuracy = float(((np.maximum(x_test @ w1 + b1, 0) @ w2 + b2).argmax(axis=1) == y_test).mean())
later = sorted(epoch_seconds[1:] or epoch_seconds)
try:
    from threadpoolctl import threadpool_info
    blas = ["%s %s" % (i.get("internal_api"), i.get("architecture")) for i in threadpool_info()]
except Exception:
    blas = ["unknown"]
print(json.dumps({"threads": args.threads, "epoch_seconds": epoch_seconds,
                  "median_epoch_seconds": later[len(later) // 2], "test_accuracy": accuracy, "blas": blas}))
