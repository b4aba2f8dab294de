#!/usr/bin/env bash
# Installs the Debian packages SwiftTorch needs that are missing (sudo only when not root).
#   install-deps.sh [extra packages...]
set -euo pipefail
packages=(libomp-dev libhwloc-dev pkg-config zlib1g-dev dataset-fashion-mnist "$@")
command -v cc >/dev/null 2>&1 || packages+=(gcc) # the C test drivers in scripts/test.sh (Swift brings clang, not cc)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    echo "installing: ${missing[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
