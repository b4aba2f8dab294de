#!/usr/bin/env python3
"""SwiftTorch packed SGEMM vs numpy's OpenBLAS, measured in the same process, interleaved, shape by shape.

The script finds the OpenBLAS library numpy uses (numpy is imported and the library is read from the
process's memory map) and runs `bench matmul --impl packed --openblas LIB` for every shape, thread count
and round, with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE removed from bench's environment (unless
--coretype is given). bench loads the library and times both SGEMMs on the same operands, interleaved:
on 1 thread call by call, alternating which goes first; on more threads in blocks of 5 calls after a
0.3 s pause (so neither library's idle threads spin on the cores the other needs). Each pair or block
gives one ratio, OpenBLAS time / SwiftTorch time (above 1: SwiftTorch is faster); neighbouring calls see
the same machine, so on a shared host these ratios are much steadier than either side's times.

Earlier versions timed np.matmul in a Python worker process. That added numpy's call overhead (~1.5 us)
to OpenBLAS's side, 10% of a 128x10x256 product, and put the two sides seconds apart.

The table gives, per shape and thread count: each side's median GFLOP/s, the median ratio and the
quartiles of the per-pair (per-block) ratios, each the median over --rounds bench runs, and the range of
the rounds' median ratios.

    swift build -c release --product bench
    python3 Benchmarks/openblas_compare.py --threads 1,2 --shapes 512x512x512,1024x1024x1024
"""
import argparse, json, os, subprocess, sys
from statistics import median


def numpy_openblas():
    """Path of the OpenBLAS shared library numpy has loaded (a wheel's bundled copy or the system's)."""
    import numpy as np
    np.matmul(np.ones((64, 64), np.float32), np.ones((64, 64), np.float32))
    with open("/proc/self/maps") as maps:
        paths = sorted({f[-1] for f in (line.split() for line in maps)
                        if f[-1].startswith("/") and "openblas" in os.path.basename(f[-1]).lower()})
    if not paths:
        sys.exit("numpy does not use OpenBLAS here (no libopenblas mapped); pass --openblas-lib")
    return paths[0]


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--shapes", default="512x512x512,1024x1024x1024,2048x2048x2048")
    p.add_argument("--threads", default="1,2")
    p.add_argument("--bench", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".build", "release", "bench"))
    p.add_argument("--openblas-lib", default=None, help="an OpenBLAS shared library (default: numpy's)")
    p.add_argument("--isa", default=None, help="force SwiftTorch's ISA (scalar, avx2, avx512, neon)")
    p.add_argument("--coretype", default=None, help="OPENBLAS_CORETYPE for OpenBLAS (e.g. Haswell for its AVX2 kernel)")
    p.add_argument("--repeat", type=int, default=51, help="timed calls per side and round")
    p.add_argument("--rounds", type=int, default=3, help="bench runs per shape and thread count")
    p.add_argument("--warmup", type=int, default=5, help="warm-up calls per side, at least --warmup-seconds worth")
    p.add_argument("--warmup-seconds", type=float, default=0.2,
                   help="warm-up time per side (estimated at 50 GFLOP/s): a short product's few calls would "
                        "otherwise be timed before the core has left its idle clock")
    p.add_argument("--trans-a", action="store_true")
    p.add_argument("--trans-b", action="store_true")
    p.add_argument("--json", action="store_true", help="also print one JSON object per row")
    args = p.parse_args()

    lib = args.openblas_lib or numpy_openblas()
    env = dict(os.environ)
    for var in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):
        env.pop(var, None)
    if args.coretype:
        env["OPENBLAS_CORETYPE"] = args.coretype

    shapes = [tuple(int(v) for v in s.lower().split("x")) for s in args.shapes.split(",")]
    rows = []
    for threads in [int(t) for t in args.threads.split(",")]:
        # bench sets both libraries' thread counts; these also size OpenBLAS's pool when it loads, and set
        # the count of a library without openblas_set_num_threads (another SwiftTorch build, for an A/A check).
        env["OPENBLAS_NUM_THREADS"] = env["OMP_NUM_THREADS"] = str(threads)
        for (m, n, k) in shapes:
            warmup = max(args.warmup, int(args.warmup_seconds * 50e9 / (2.0 * m * n * k)))
            cmd = [args.bench, "matmul", "--impl", "packed", "--openblas", lib, "--shape", f"{m}x{n}x{k}",
                   "--threads", str(threads), "--repeat", str(args.repeat), "--warmup", str(warmup), "--format", "json"]
            cmd += ["--isa", args.isa] if args.isa else []
            cmd += ["--trans-a"] if args.trans_a else []
            cmd += ["--trans-b"] if args.trans_b else []
            runs = []
            for _ in range(args.rounds):
                out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env).stdout
                objs = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
                runs.append({o["impl"]: o for o in objs})
            ours, theirs = [r["packed"] for r in runs], [r["openblas"] for r in runs]
            rows.append({"m": m, "n": n, "k": k, "threads": threads, "isa": ours[0]["isa"], "ukr": ours[0]["ukr"],
                         "openblas": theirs[0]["isa"], "openblas_lib": lib,
                         "swifttorch_gflops": median(o["gflops"] for o in ours),
                         "openblas_gflops": median(o["gflops"] for o in theirs),
                         "ratio": median(o["ratio"] for o in theirs),
                         "ratio_p25": median(o["ratio_p25"] for o in theirs),
                         "ratio_p75": median(o["ratio_p75"] for o in theirs),
                         "ratio_min": min(o["ratio"] for o in theirs), "ratio_max": max(o["ratio"] for o in theirs),
                         "rounds": args.rounds, "pairs_or_blocks": theirs[0]["blocks"]})

    print("| shape MxNxK | threads | SwiftTorch packed (%s) GFLOP/s | OpenBLAS (%s) GFLOP/s | ratio (median) "
          "| ratio quartiles | rounds' range |" % (rows[0]["ukr"], rows[0]["openblas"]))
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['m']}x{r['n']}x{r['k']} | {r['threads']} | {r['swifttorch_gflops']:.1f} | {r['openblas_gflops']:.1f} | "
              f"{r['ratio']:.3f}x | {r['ratio_p25']:.3f}-{r['ratio_p75']:.3f} | {r['ratio_min']:.3f}-{r['ratio_max']:.3f} |")
    print(f"\nOpenBLAS: {lib}")
    if args.json:
        for r in rows:
            print(json.dumps(r))


if __name__ == "__main__":
    main()
