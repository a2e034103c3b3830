#!/usr/bin/env bash
# Installs the Debian 12 packages that qscore needs to build, test and run its examples.
#
#   scripts/install-deps.sh            # installs only what is missing; does nothing if all is there
#   scripts/install-deps.sh --update   # apt-get update and install everything (CI, fresh machines)
#
# Needs root (or sudo) when something has to be installed.
set -euo pipefail

packages=(
  build-essential cmake ninja-build
  libyaml-cpp-dev libeigen3-dev libboost-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libcli11-dev nlohmann-json3-dev
  python3 python3-yaml python3-jsonschema
  clang-14 libclang-rt-14-dev   # the libFuzzer targets (libFuzzer ships in libclang-rt-14-dev)
)

if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
  echo "install-deps: not a Debian system; install the equivalents of: ${packages[*]}" >&2
  exit 0
fi

missing=()
if [[ "${1:-}" == "--update" ]]; then
  missing=("${packages[@]}")
else
  for package in "${packages[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
    [[ "$status" == "install ok installed" ]] || missing+=("$package")
  done
fi
[[ ${#missing[@]} -eq 0 ]] && exit 0

sudo=()
if [[ $(id -u) -ne 0 ]]; then
  if ! command -v sudo >/dev/null 2>&1; then
    echo "install-deps: missing packages (${missing[*]}); run this script as root" >&2
    exit 1
  fi
  sudo=(sudo)
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update
"${sudo[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
