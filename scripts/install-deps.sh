#!/usr/bin/env bash
# Installs every Debian 12 package tickcast needs to build, test and benchmark.
# Idempotent: packages already present are skipped by apt; safe to run twice.
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build pkg-config git
  clang-14 libclang-rt-14-dev clang-format clang-tidy
  # libraries
  libboost1.81-dev libboost-url1.81-dev libssl-dev
  libsimdjson-dev libeigen3-dev prometheus-cpp-dev libtomlplusplus-dev
  libspdlog-dev libfmt-dev libsystemd-dev zlib1g-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  # test and reference tools: promtool and a real Prometheus server,
  # systemd-analyze, curl, and Debian's Python for reference numbers
  prometheus systemd curl procps
  python3 python3-websockets
  # bench/compare_pytorch: PyTorch's LSTM as the reference, on OpenBLAS
  python3-torch libopenblas0-pthread
  # feeds tests: the openssl command makes a throwaway CA for the TLS loopback test
  openssl
  # ops tests: cpack's dpkg-shlibdeps and dpkg-deb, lintian on the .deb, and
  # PyYAML for the Prometheus proof harness (it reads dashboards/alerts.yml)
  dpkg-dev lintian python3-yaml
  # the live page test: a real browser, driven by playwright-core from npm
  chromium
  # fault tests: libfaketime steps the daemon's wall clock (tests/faults)
  faketime
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
# The build runs `npm ci` for the live page (uPlot, playwright-core): Debian's
# nodejs and npm, but only when there is no npm at all, so that a newer
# Node.js already installed (e.g. NodeSource's, which conflicts with Debian's
# npm package) is kept.
if ! command -v npm >/dev/null 2>&1; then missing+=(nodejs npm); fi

if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "install-deps: installing ${missing[*]}"
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
