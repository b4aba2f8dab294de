#!/usr/bin/env bash
# The main job: installs what is missing, then compares naive / tiled / packed SGEMM on this machine.
# Extra arguments go to `bench matmul` (see `swift run -c release bench matmul --help`).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
swift run -c release bench matmul --impl naive,tiled,packed --shape 1024x1024x1024 "$@"
