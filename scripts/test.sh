#!/usr/bin/env bash
# The whole test suite: installs what is missing, then
#   1. builds and tests the package with its default traits off (no OpenMP, no hwloc: one thread, /sys caches),
#   2. runs the reference BLAS test program (xblat3s, Debian's libblas-test) against the exported sgemm_,
#      once per ISA this CPU has,
#   3. tests the AArch64 NEON kernels (SGEMM, GELU, roofline peak/bandwidth) with a cross compiler under
#      qemu-aarch64, and the x86 GELU and roofline kernels natively,
#   4. runs `swift test` with every trait on.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh libblas-test
export OMP_WAIT_POLICY=passive

echo "== 1. default traits off (no OpenMP, no hwloc)"
swift test --disable-default-traits --scratch-path .build-notraits

echo "== 2. reference BLAS test program against the exported sgemm_"
swift build --product SwiftTorchBLAS
lib="$(swift build --show-bin-path)/libSwiftTorchBLAS.so"
blasdir=/usr/lib/x86_64-linux-gnu/blas
[ -d "$blasdir" ] || blasdir=$(dirname "$(dpkg -L libblas-test | grep '/xblat3s$')")
isas="scalar"
grep -qw avx2 /proc/cpuinfo && isas="$isas avx2"
grep -qw avx512f /proc/cpuinfo && isas="$isas avx512"
grep -qw asimd /proc/cpuinfo && isas="$isas neon"
for isa in $isas; do
    work=$(mktemp -d)
    (cd "$work" && SWIFTTORCH_ISA=$isa LD_PRELOAD="$lib" "$blasdir/xblat3s" < "$blasdir/sblat3.in" > xblat3s.log 2>&1)
    if grep -q "SGEMM  PASSED THE COMPUTATIONAL TESTS" "$work/sblat3.out" &&
       grep -q "SGEMM  PASSED THE TESTS OF ERROR-EXITS" "$work/sblat3.out" &&
       ! grep -q "FAIL" "$work/sblat3.out"; then
        echo "xblat3s ($isa): $(grep 'SGEMM  PASSED THE COMPUTATIONAL' "$work/sblat3.out" | sed 's/^ *//')"
    else
        echo "xblat3s ($isa) FAILED:"; cat "$work/sblat3.out" "$work/xblat3s.log"; exit 1
    fi
    rm -rf "$work"
done

echo "== 3. NEON kernels under qemu-aarch64; the GELU and roofline kernels natively (reference and AVX2/AVX-512)"
bash Tests/neon/run.sh
gelu="$(mktemp -d)"
cc -O2 -std=gnu11 -Wall -Wextra -ICKernels/include -o "$gelu/gelu_test" CKernels/tensor/gelu.c Tests/neon/gelu_test.c -lm
"$gelu/gelu_test" --no-bench | tail -2
cc -O2 -std=gnu11 -Wall -Wextra -ICKernels/include -ICKernels -o "$gelu/roofline_test" CKernels/*.c CKernels/ukr/*.c \
    CKernels/roofline/*.c Tests/neon/roofline_test.c -lm -lpthread
"$gelu/roofline_test" | tail -1
rm -rf "$gelu"

echo "== 4. swift test"
swift test
