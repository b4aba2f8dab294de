#!/usr/bin/env bash
# Cross-builds the CKernels sources and Tests/neon/neon_sgemm_test.c for AArch64 (no OpenMP, no hwloc)
# and runs the test under qemu-aarch64 (natively on an AArch64 host), from any working directory; then
# the same for the fused GELU kernels (CKernels/tensor/gelu.c with Tests/neon/gelu_test.c) and the roofline's
# peak and bandwidth kernels (CKernels/roofline/*.c with Tests/neon/roofline_test.c).
#
#   bash Tests/neon/run.sh            # install the tools if missing, build, run
#   bash Tests/neon/run.sh -v         # extra arguments go to the test program
#
# Environment: CFLAGS (default "-O2 -std=gnu11 -Wall -Wextra"), WERROR=1 to fail on compiler warnings,
# NEON_TEST_SEED to change the test's random seed, KEEP=1 to keep the build directory.
# Debian packages used: gcc-aarch64-linux-gnu, libc6-dev-arm64-cross, qemu-user.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
kernels="$repo/CKernels"
[[ -f "$kernels/include/swifttorch_kernels.h" ]] || { echo "run.sh: $kernels does not look like CKernels" >&2; exit 2; }

native=0
[[ "$(uname -m)" == aarch64 ]] && native=1 # on an AArch64 host: native compiler, no qemu
if ((native)); then default_cc="${CC:-cc}"; else default_cc=aarch64-linux-gnu-gcc; fi
read -ra cc <<<"${CC_AARCH64:-$default_cc}" # e.g. CC_AARCH64="clang --target=aarch64-linux-gnu"
sysroot="/usr/aarch64-linux-gnu"

qemu=""
find_qemu() {
    qemu=""
    for q in qemu-aarch64 qemu-aarch64-static; do
        if command -v "$q" >/dev/null 2>&1; then qemu="$(command -v "$q")"; return 0; fi
    done
    return 1
}

# ---------------------------------------------------------------- tools
missing=()
if ((!native)); then
    command -v aarch64-linux-gnu-gcc >/dev/null 2>&1 || missing+=(gcc-aarch64-linux-gnu)
    [[ -f "$sysroot/include/stdio.h" ]] || missing+=(libc6-dev-arm64-cross)
    find_qemu || missing+=(qemu-user)
fi
if ((${#missing[@]} > 0)); then
    echo "run.sh: installing ${missing[*]}"
    sudo=""
    if [[ "$(id -u)" != 0 ]]; then
        command -v sudo >/dev/null 2>&1 || { echo "run.sh: need root or sudo to install ${missing[*]}" >&2; exit 2; }
        sudo="sudo"
    fi
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get update -qq >/dev/null
    $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    find_qemu || { echo "run.sh: qemu-aarch64 still not found" >&2; exit 2; }
    command -v aarch64-linux-gnu-gcc >/dev/null 2>&1 || { echo "run.sh: aarch64-linux-gnu-gcc still not found" >&2; exit 2; }
fi

# ---------------------------------------------------------------- build
build="$(mktemp -d "${TMPDIR:-/tmp}/neon-sgemm.XXXXXX")"
if [[ "${KEEP:-0}" != 1 ]]; then trap 'rm -rf "$build"' EXIT; else echo "run.sh: build directory $build"; fi

read -ra cflags <<<"${CFLAGS:--O2 -std=gnu11 -Wall -Wextra}"
[[ "${WERROR:-0}" == 1 ]] && cflags+=(-Werror)
includes=(-I "$kernels/include" -I "$kernels")
sources=("$kernels"/*.c "$kernels"/ukr/*.c "$kernels"/roofline/*.c)

t0=$SECONDS
pids=()
objs=()
i=0
for src in "${sources[@]}" "$here/neon_sgemm_test.c"; do
    obj="$build/$i-$(basename "$src" .c).o"
    objs+=("$obj")
    "${cc[@]}" "${cflags[@]}" "${includes[@]}" -c "$src" -o "$obj" 2>"$obj.log" &
    pids+=($!)
    i=$((i + 1))
    if ((${#pids[@]} >= 2)); then # two cores: at most two compilers at once
        wait "${pids[0]}" || { cat "$build"/*.log >&2; echo "run.sh: compile failed" >&2; exit 1; }
        pids=("${pids[@]:1}")
    fi
done
for pid in "${pids[@]}"; do
    wait "$pid" || { cat "$build"/*.log >&2; echo "run.sh: compile failed" >&2; exit 1; }
done
if grep -q . "$build"/*.log; then
    echo "run.sh: compiler warnings:" >&2
    cat "$build"/*.log >&2
fi
"${cc[@]}" "${cflags[@]}" -o "$build/neon_sgemm_test" "${objs[@]}" -lm -lpthread
echo "run.sh: built $((${#sources[@]} + 1)) files with ${cc[*]} ${cflags[*]} in $((SECONDS - t0)) s"

# ---------------------------------------------------------------- run
t1=$SECONDS
status=0
if ((native)); then
    "$build/neon_sgemm_test" "$@" || status=$?
else
    "$qemu" -L "$sysroot" "$build/neon_sgemm_test" "$@" || status=$?
fi
echo "run.sh: qemu run took $((SECONDS - t1)) s, exit status $status" >&2
((status == 0)) || exit "$status"

# ---------------------------------------------------------------- GELU (self-contained: gelu.c + its test)
"${cc[@]}" "${cflags[@]}" "${includes[@]}" -o "$build/gelu_test" "$kernels/tensor/gelu.c" "$here/gelu_test.c" -lm
if ((native)); then
    "$build/gelu_test" --no-bench || status=$?
else
    "$qemu" -L "$sysroot" "$build/gelu_test" --no-bench || status=$?
fi
echo "run.sh: GELU kernels, exit status $status" >&2
((status == 0)) || exit "$status"

# ---------------------------------------------------------------- roofline peak and bandwidth kernels
# (linked with the objects built above, less the SGEMM test's main)
roofline_objs=()
for o in "${objs[@]}"; do [[ "$o" == *neon_sgemm_test.o ]] || roofline_objs+=("$o"); done
"${cc[@]}" "${cflags[@]}" "${includes[@]}" -o "$build/roofline_test" "${roofline_objs[@]}" "$here/roofline_test.c" -lm -lpthread
if ((native)); then
    "$build/roofline_test" || status=$?
else
    "$qemu" -L "$sysroot" "$build/roofline_test" || status=$?
fi
echo "run.sh: roofline kernels, exit status $status" >&2
exit "$status"
