#!/usr/bin/env bash
# Runs one libFuzzer harness for a bounded time: run_fuzzer.sh BINARY SEEDS WORKDIR MAX_LEN
# New inputs go to WORKDIR/corpus (the seeds in the repo are only read); a failing input is
# WORKDIR/crash-* (or leak-, timeout-, oom-), printed in hex. FUZZ_SECONDS (default 25).
set -euo pipefail
binary="$1" seeds="$2" work="$3" max_len="$4"
mkdir -p "$work/corpus"
rm -f "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-* "$work"/slow-unit-*
set +e
"$binary" -max_total_time="${FUZZ_SECONDS:-25}" -timeout=10 -rss_limit_mb=2048 \
  -max_len="$max_len" -print_final_stats=1 -artifact_prefix="$work/" \
  "$work/corpus" "$seeds" 2>&1 | tail -n 60
code=${PIPESTATUS[0]}
set -e
for input in "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-*; do
  [[ -e "$input" ]] || continue
  echo "failing input $input:"
  od -A d -c "$input" | head -n 40
done
exit "$code"
