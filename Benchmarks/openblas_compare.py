#!/usr/bin/env python3
"""SwiftTorch packed SGEMM vs numpy's OpenBLAS, measured in the same run, shape by shape.

For every thread count a numpy worker process is started (OPENBLAS_NUM_THREADS set before numpy loads;
OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE removed from its environment unless --coretype is given; its threads
pinned to distinct cores, as `bench` pins its OpenMP threads with OMP_PROC_BIND=spread), then for
each shape the `bench` executable and the worker time the same product back to back, in --rounds
alternating rounds (the machine is shared: alternation spreads its noise over both sides). Each round
reports the median of its measured runs after discarded warm-ups; the table gives the median over rounds
of each side and of the per-round ratio. On a shared, noisy host the last column is steadier: per round,
the ratio of the two sides' first-quartile times (their fast runs, which interference from other tenants
touches least), then the median over rounds. Prints a markdown table (and JSON lines with --json).

    swift build -c release --product bench
    python3 Benchmarks/openblas_compare.py --threads 1,2 --shapes 512x512x512,1024x1024x1024
"""
import argparse, json, os, subprocess, sys, time
from statistics import median

WORKER = r"""
import json, os, sys, time
import numpy as np
def core():
    try:
        from threadpoolctl import threadpool_info
        for lib in threadpool_info():
            if lib.get("internal_api") == "openblas":
                return "%s %s threads=%s" % (lib.get("version"), lib.get("architecture"), lib.get("num_threads"))
    except Exception:
        pass
    return "unknown (pip install threadpoolctl to see the kernel)"
# Pin OpenBLAS's threads to distinct cores, as `bench` does with OMP_PROC_BIND=spread: on a shared
# machine the scheduler can otherwise leave two threads of a short run on one core.
np.matmul(np.ones((256, 256), np.float32), np.ones((256, 256), np.float32))  # starts OpenBLAS's threads
cpus = sorted(os.sched_getaffinity(0))
for i, tid in enumerate(sorted(int(t) for t in os.listdir("/proc/self/task"))):
    os.sched_setaffinity(tid, {cpus[i % len(cpus)]})
print(json.dumps({"core": core()}), flush=True)
for line in sys.stdin:
    m, n, k, warmup, repeat, ta, tb = json.loads(line)
    rng = np.random.default_rng(0)
    a = rng.uniform(-1, 1, (k, m) if ta else (m, k)).astype(np.float32)
    b = rng.uniform(-1, 1, (n, k) if tb else (k, n)).astype(np.float32)
    A = a.T if ta else a
    B = b.T if tb else b
    c = np.empty((m, n), dtype=np.float32)
    for _ in range(warmup):
        np.matmul(A, B, out=c)
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter_ns()
        np.matmul(A, B, out=c)
        times.append((time.perf_counter_ns() - t0) * 1e-9)
    med, p25 = (float(np.quantile(times, q)) for q in (0.5, 0.25))  # linear interpolation, as bench's statistics
    print(json.dumps({"seconds": med, "p25": p25, "gflops": 2.0 * m * n * k / med / 1e9}), flush=True)
"""


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--shapes", default="512x512x512,1024x1024x1024,2048x2048x2048")
    p.add_argument("--threads", default="1,2")
    p.add_argument("--bench", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".build", "release", "bench"))
    p.add_argument("--isa", default=None, help="force SwiftTorch's ISA (scalar, avx2, avx512, neon)")
    p.add_argument("--coretype", default=None, help="OPENBLAS_CORETYPE for numpy (e.g. Haswell for its AVX2 kernel)")
    p.add_argument("--repeat", type=int, default=11)
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--pause", type=float, default=1.0,
                   help="seconds to wait after each OpenBLAS round: its idle threads spin for a while and would steal the cores")
    p.add_argument("--warmup", type=int, default=5, help="warm-up calls per round, at least --warmup-seconds worth")
    p.add_argument("--warmup-seconds", type=float, default=0.2,
                   help="warm-up time per round and side (estimated at 50 GFLOP/s): a short product's few calls "
                        "would otherwise be timed before the core has left its idle clock")
    p.add_argument("--trans-a", action="store_true")
    p.add_argument("--trans-b", action="store_true")
    p.add_argument("--json", action="store_true", help="also print one JSON object per row")
    args = p.parse_args()

    shapes = [tuple(int(v) for v in s.lower().split("x")) for s in args.shapes.split(",")]
    rows = []
    for threads in [int(t) for t in args.threads.split(",")]:
        env = dict(os.environ)
        for var in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):
            env.pop(var, None)
        if args.coretype:
            env["OPENBLAS_CORETYPE"] = args.coretype
        env["OPENBLAS_NUM_THREADS"] = str(threads)
        worker = subprocess.Popen([sys.executable, "-c", WORKER], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)
        core = json.loads(worker.stdout.readline())["core"]
        for (m, n, k) in shapes:
            warmup = max(args.warmup, int(args.warmup_seconds * 50e9 / (2.0 * m * n * k)))
            cmd = [args.bench, "matmul", "--impl", "packed", "--shape", f"{m}x{n}x{k}", "--threads", str(threads),
                   "--repeat", str(args.repeat), "--warmup", str(warmup), "--format", "json"]
            if args.isa:
                cmd += ["--isa", args.isa]
            if args.trans_a:
                cmd.append("--trans-a")
            if args.trans_b:
                cmd.append("--trans-b")
            ours_g, theirs_g, ratios, fast_ratios = [], [], [], []
            for _ in range(args.rounds):
                ours = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1])
                worker.stdin.write(json.dumps([m, n, k, warmup, args.repeat, args.trans_a, args.trans_b]) + "\n")
                worker.stdin.flush()
                theirs = json.loads(worker.stdout.readline())
                ours_g.append(ours["gflops"])
                theirs_g.append(theirs["gflops"])
                ratios.append(ours["gflops"] / theirs["gflops"])
                fast_ratios.append(theirs["p25"] / ours["p25"])
                time.sleep(args.pause)
            rows.append({"m": m, "n": n, "k": k, "threads": threads, "isa": ours["isa"], "ukr": ours["ukr"],
                         "swifttorch_gflops": median(ours_g), "openblas_gflops": median(theirs_g),
                         "ratio": median(ratios), "ratio_min": min(ratios), "ratio_max": max(ratios),
                         "ratio_p25": median(fast_ratios),
                         "rounds": args.rounds, "openblas": core})
        worker.stdin.close()
        worker.wait()

    print("| shape MxNxK | threads | SwiftTorch packed (%s) GFLOP/s | OpenBLAS GFLOP/s | ratio (median) | ratio range "
          "| ratio of fast quartiles |" % rows[0]["ukr"])
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['m']}x{r['n']}x{r['k']} | {r['threads']} | {r['swifttorch_gflops']:.1f} | {r['openblas_gflops']:.1f} | "
              f"{r['ratio']:.2f}x | {r['ratio_min']:.2f}-{r['ratio_max']:.2f} | {r['ratio_p25']:.2f}x |")
    print(f"\nOpenBLAS: {rows[0]['openblas']}")
    if args.json:
        for r in rows:
            print(json.dumps(r))


if __name__ == "__main__":
    main()
