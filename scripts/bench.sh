#!/usr/bin/env bash
# The main job: installs what is missing, then runs `bench --roofline`: measures this machine's ceilings
# (FMA peak per ISA, memory bandwidth per cache level), runs the kernel suite and places every kernel on
# the roofline. Writes bench-out/roofline.svg (1 thread), roofline-2threads.svg, roofline.json and
# roofline.csv. Extra arguments go to `bench --roofline` (e.g. --threads 1 --quick).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
swift run -c release bench --roofline --output bench-out "$@"
