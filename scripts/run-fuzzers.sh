#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz (the `fuzz` CMake preset: clang-14,
# ASan + UBSan), writes their seed corpora from the project's own fixtures, and
# runs each target for a bounded time. Fails if any target crashes, leaks,
# times out or trips a sanitizer; the input that did it is left in
# <build>/fuzz-artifacts/ (keep it as a regression test once fixed).
#
#   scripts/run-fuzzers.sh [seconds per target, default 20] [target...]
#
# Environment: TICKCAST_FUZZ_BUILD_DIR (default build/fuzz), TICKCAST_FUZZ_JOBS
# (build parallelism, default 1), TICKCAST_SHARED_DATA_DIR (default
# ../shared/data: recorded frames for the seeds; the repo's own
# tests/model/fixtures recordings are used when it is absent).
set -euo pipefail

seconds=${1:-20}
shift || true
root=$(cd "$(dirname "$0")/.." && pwd)
build=${TICKCAST_FUZZ_BUILD_DIR:-$root/build/fuzz}
jobs=${TICKCAST_FUZZ_JOBS:-1}
data=${TICKCAST_SHARED_DATA_DIR:-$root/../shared/data}
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(dialect_decode frame_lines bar_log_segment checkpoint config stream_request)
fi

cd "$root"
cmake --preset fuzz -B "$build" >/dev/null
cmake --build "$build" -j"$jobs" --target tickcast_fuzzers

# Seeds are regenerated on every run, never stored in the repo.
seeds=$build/fuzz-seeds
rm -rf "$seeds"
recordings=("$data"/trades/raw/*.gz)
[ -e "${recordings[0]}" ] || recordings=("$root"/tests/model/fixtures/*.gz)
for f in "${recordings[@]}"; do
  # 200 lines per recording; head closing the pipe early is expected.
  (zcat "$f" || true) | head -n 200
done | "$build"/tickcast_fuzz_seeds "$seeds"
cp "$root"/config/*.toml "$seeds"/config/
# The client messages of docs/protocol.md, one JSON object a line there.
grep '^{"op"' "$root"/docs/protocol.md | awk -v dir="$seeds/stream_request" \
  '{ f = dir "/protocol-md-" NR; print > f; close(f) }'

mkdir -p "$build"/fuzz-artifacts
failed=()
for t in "${targets[@]}"; do
  work=$build/fuzz-corpus/$t  # libFuzzer adds what it finds here; kept between runs
  mkdir -p "$work"
  echo "== fuzz_$t: ${seconds}s on $(ls "$seeds/$t" | wc -l) seeds + $(ls "$work" | wc -l) found inputs"
  if ! "$build/fuzz_$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 -artifact_prefix="$build/fuzz-artifacts/$t-" \
      "$work" "$seeds/$t" 2>"$build/fuzz-$t.log"; then
    failed+=("$t")
    tail -n 60 "$build/fuzz-$t.log"
  else
    grep -E "^(stat::number_of_executed_units|cov:|#[0-9]+ +DONE)" "$build/fuzz-$t.log" | tail -n 2 || true
  fi
done

if [ ${#failed[@]} -ne 0 ]; then
  echo "FAILED: ${failed[*]} (inputs in $build/fuzz-artifacts/, logs in $build/fuzz-<target>.log)"
  exit 1
fi
echo "all fuzz targets ran ${seconds}s without a finding"
