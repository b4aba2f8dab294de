#!/usr/bin/env bash
# The main job: installs what is missing, then
#   1. compares naive / tiled / packed SGEMM on this machine (extra arguments go to `bench matmul`),
#   2. trains the MLP milestone on Fashion-MNIST (784→256→10, 10 epochs) and prints its metrics.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
swift run -c release bench matmul --impl naive,tiled,packed --shape 1024x1024x1024 "$@"
swift run -c release milestone mlp
