#!/usr/bin/env python3
"""PyTorch on the workloads `bench conv`, `bench train` and `bench ops` time, so that SwiftTorch is compared
with PyTorch in the same run on the same machine (the issues' PyTorch figures come from another machine).

    python3 Benchmarks/torch_compare.py conv  --threads 1 [--repeat 10] [--data DIR] [--no-epoch | --no-shapes]
    python3 Benchmarks/torch_compare.py mlp   --threads 1 [--epochs 3] [--data DIR]
    python3 Benchmarks/torch_compare.py step  [--rounds 15 --calls 500]
    python3 Benchmarks/torch_compare.py gelu  --threads 1 [--repeat 15] [--size 16777216]

Prints one JSON object per line, with "kernel" and "threads" as `bench` names them. Exits with status 3
and prints nothing when PyTorch (or NumPy) cannot be imported. Install it beside the system Python with, e.g.:
    python3 -m venv /tmp/torchenv && /tmp/torchenv/bin/pip install torch numpy
and point `bench` at it with SWIFTTORCH_TORCH_PYTHON=/tmp/torchenv/bin/python.

The workloads mirror the Swift side:
- conv: forward of LeNet conv1 (N=64, 1->6, 5x5, 28x28), conv2 (N=64, 6->16, 5x5, 12x12) and a ResNet-like
  3x3 layer (N=8, 64->64, 56x56, pad 1), NCHW float32, no autograd; FLOPs 2*N*O*Ho*Wo*C*k*k; median of
  --repeat runs after 5 warm-ups. Then one training epoch of the LeNet-5 milestone model (conv 1->6 5x5 pad 2,
  ReLU, max-pool 2, conv 6->16 5x5, ReLU, max-pool 2, 400->120->84->10 with ReLU) on Fashion-MNIST, batch 64,
  SGD momentum 0.9 lr 0.02, shuffled, batches gathered each step.
- mlp: the 784->256->10 ReLU MLP, batch 128, SGD momentum 0.9 lr 0.05, shuffled; median epoch after the first.
- step: one training step (zero_grad, forward, cross-entropy, backward, SGD step) of a 64->32->10 MLP at
  batch 128 on one thread: median over rounds of the mean step time.
- gelu: F.gelu over --size (16M) floats, exact and tanh; bytes counted 8 per element (one read, one write).
"""
import argparse, gzip, json, os, sys, time
from statistics import median

p = argparse.ArgumentParser()
p.add_argument("workload", choices=["conv", "mlp", "step", "gelu"])
p.add_argument("--threads", type=int, default=1)
p.add_argument("--repeat", type=int, default=10)
p.add_argument("--epochs", type=int, default=3)
p.add_argument("--rounds", type=int, default=15)
p.add_argument("--calls", type=int, default=500)
p.add_argument("--no-epoch", action="store_true")
p.add_argument("--no-shapes", action="store_true", help="conv: only the LeNet epoch")
p.add_argument("--size", type=int, default=1 << 24, help="gelu: elements")
p.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
args = p.parse_args()
try:
    import numpy as np
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
except Exception:
    sys.exit(3)

torch.set_num_threads(args.threads)
torch.manual_seed(0)


def emit(**fields):
    fields.setdefault("threads", args.threads)
    fields["torch"] = torch.__version__
    print(json.dumps(fields), flush=True)


def median_seconds(fn, warmup, runs):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return median(times)


def idx(name):
    path = os.path.join(args.data, name)
    with (gzip.open(path + ".gz", "rb") if os.path.exists(path + ".gz") else open(path, "rb")) as f:
        data = f.read()
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(data, np.uint8, offset=4 + 4 * ndim).reshape(dims)


def fashion_mnist():
    """Training images normalized by their mean and std, as float32 [60000, 784], and the labels."""
    x = torch.from_numpy(idx("train-images-idx3-ubyte").reshape(-1, 784).astype(np.float32) / 255)
    y = torch.from_numpy(idx("train-labels-idx1-ubyte").astype(np.int64))
    return (x - x.mean()) / x.std(unbiased=False), y  # the population std, as SwiftTorch's pixelStatistics


def train_epoch(model, opt, x, y, batch):
    order = torch.randperm(len(x))
    total = 0.0
    for s in range(0, len(order), batch):
        i = order[s:s + batch]
        opt.zero_grad()
        loss = F.cross_entropy(model(x[i]), y[i])
        loss.backward()
        opt.step()
        total += loss.item()
    return total / ((len(order) + batch - 1) // batch)


if args.workload == "conv":
    shapes = [("lenet_conv1", 64, 1, 6, 5, 28, 0), ("lenet_conv2", 64, 6, 16, 5, 12, 0),
              ("resnet_3x3", 8, 64, 64, 3, 56, 1)]
    with torch.no_grad():
        for name, n, c, o, k, h, pad in ([] if args.no_shapes else shapes):
            x, w = torch.randn(n, c, h, h), torch.randn(o, c, k, k) * 0.1
            ho = h + 2 * pad - k + 1
            flops = 2.0 * n * o * ho * ho * c * k * k
            t = median_seconds(lambda: F.conv2d(x, w, padding=pad), 5, args.repeat)
            emit(kernel=name, seconds=t, gflops=flops / t / 1e9)
    if not args.no_epoch:
        x, y = fashion_mnist()
        x = x.reshape(-1, 1, 28, 28)
        model = nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
                              nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                              nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))
        opt = torch.optim.SGD(model.parameters(), lr=0.02, momentum=0.9)
        t0 = time.perf_counter()
        loss = train_epoch(model, opt, x, y, 64)
        emit(kernel="lenet_epoch", seconds=time.perf_counter() - t0, train_loss=loss)

elif args.workload == "mlp":
    x, y = fashion_mnist()
    model = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10))
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    epochs = []
    for _ in range(max(args.epochs, 2)):
        t0 = time.perf_counter()
        train_epoch(model, opt, x, y, 128)
        epochs.append(time.perf_counter() - t0)
    emit(kernel="mlp_epoch", seconds=median(epochs[1:]), epoch_seconds=epochs)

elif args.workload == "step":
    torch.set_num_threads(1)
    model = nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10))
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    x, y = torch.randn(128, 64), torch.arange(128) % 10

    def step():
        opt.zero_grad()
        F.cross_entropy(model(x), y).backward()
        opt.step()

    for _ in range(200):
        step()
    rounds = []
    for _ in range(args.rounds):
        t0 = time.perf_counter()
        for _ in range(args.calls):
            step()
        rounds.append((time.perf_counter() - t0) / args.calls)
    emit(kernel="tiny_mlp_step", threads=1, seconds=median(rounds), microseconds=median(rounds) * 1e6)

else:  # gelu
    n = args.size
    x = torch.randn(n)
    out = torch.empty(n)
    for form, approximate in (("gelu_exact", "none"), ("gelu_tanh", "tanh")):
        # As a user calls it (a new output each call, as in bench ops), and into a preallocated output: a
        # fresh 64 MiB output costs PyTorch its page faults, since its CPU allocator keeps no cache.
        t = median_seconds(lambda: F.gelu(x, approximate=approximate), 3, args.repeat)
        t_out = median_seconds(lambda: torch._C._nn.gelu(x, approximate=approximate, out=out), 3, args.repeat)
        emit(kernel=form, elements=n, seconds=t, gbps=8.0 * n / t / 1e9, seconds_out=t_out, gbps_out=8.0 * n / t_out / 1e9)
