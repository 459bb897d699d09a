#!/usr/bin/env bash
# The load benchmark suite (docs/performance.md): starts the reference servers and ticketd
# on loopback with temporary data directories, runs tktload against each, stops them by
# PID, and prints a Markdown table (and the raw JSON lines to bench-results.jsonl).
#
#   bash deploy/bench.sh [SECONDS_PER_RUN]      # default 5; needs a build (deploy/build.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-5}
build=${BUILD_DIR:-build}
load="$build/client/tktload"
baseline="$build/tests/bench/baseline_server"
ticketd="$build/server/ticketd"
for b in "$load" "$baseline" "$ticketd"; do
  [ -x "$b" ] || { echo "missing $b: run bash deploy/build.sh first" >&2; exit 2; }
done
work=$(mktemp -d /tmp/tkt-bench.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

# start NAME CMD...: runs CMD in the background with --port_file, waits for the port and
# sets $addr.
start() {
  local name=$1; shift
  "$@" --port_file="$work/$name.port" >"$work/$name.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 100); do [ -s "$work/$name.port" ] && break; sleep 0.1; done
  [ -s "$work/$name.port" ] || { echo "$name did not start; log:" >&2; cat "$work/$name.log" >&2; exit 1; }
  addr="127.0.0.1:$(cat "$work/$name.port")"
}
stop_last() { kill "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null || true; unset 'pids[-1]'; }

results=bench-results.jsonl
: > "$results"
run() {  # LABEL ADDR SCENARIO CONCURRENCY [TOKEN]
  "$load" --label="$1" --addr="$2" --scenario="$3" --concurrency="$4" --token="${5:-}" \
      --channels=8 --duration="$seconds" --warmup=1 | tee -a "$results"
}

token=agent-alice-0123456789abcdef
start noop "$baseline" --mode=noop --listen=127.0.0.1:0
run "no-op gRPC server" "$addr" create 64
stop_last
start durable "$baseline" --mode=durable --listen=127.0.0.1:0 --data_dir="$work/durable"
run "storage floor (group commit)" "$addr" create 64
run "storage floor (group commit)" "$addr" create 256
stop_last
start ticketd "$ticketd" --config=deploy/config.example.textproto --listen=127.0.0.1:0 \
    --data_dir="$work/ticketd"
run "ticketd" "$addr" create 64 "$token"
run "ticketd" "$addr" create 256 "$token"
run "ticketd" "$addr" comment 64 "$token"
run "ticketd" "$addr" list 64 "$token"
run "ticketd" "$addr" mixed 64 "$token"
stop_last
# Timers: 50,000 tickets created at one test-clock instant; their first-response warnings
# and breaches (100,000 clocks) fall due when the clock moves 2 hours
# (tests/bench/timers.textproto: a warning and a breach rule, no re-escalation).
start ticketd-timers "$ticketd" --config=tests/bench/timers.textproto --listen=127.0.0.1:0 \
    --data_dir="$work/ticketd-timers" --test_clock --test_clock_start=2026-01-05T09:00:00Z
"$load" --label="ticketd (test clock)" --addr="$addr" --scenario=timers --tickets=50000 \
    --advance=2h --token="$token" --admin_token=admin-root-0123456789abcdef | tee -a "$results"
stop_last

field() { sed -n "s/.*\"$1\":\([^,}]*\).*/\1/p" <<<"$2" | tr -d '"'; }
# The reference rates of this run: the ticket server's rates are given as ratios to them,
# which hold on a noisy machine where absolute rates do not (docs/performance.md).
rate_of() {  # LABEL CONCURRENCY
  grep "\"label\":\"$1\"" "$results" | grep "\"concurrency\":$2," | head -1 |
    sed -n 's/.*"rate":\([0-9.]*\).*/\1/p'
}
noop=$(rate_of "no-op gRPC server" 64)
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else printf "-" }'; }
echo
echo "| server | scenario | in flight | rate/s | × no-op | × storage floor | p50 ms | p99 ms | p99.9 ms | errors | client CPU s |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
while read -r line; do
  label=$(field label "$line"); in_flight=$(field concurrency "$line"); rate=$(field rate "$line")
  to_noop="-"; to_floor="-"
  if [[ "$label" != "no-op gRPC server" ]]; then to_noop=$(ratio "$rate" "$noop"); fi
  if [[ "$label" == "ticketd" ]]; then
    to_floor=$(ratio "$rate" "$(rate_of "storage floor (group commit)" "$in_flight")")
  fi
  printf '| %s | %s | %s | %s | %s | %s | %.2f | %.2f | %.2f | %s | %.2f |\n' "$label" \
    "$(field scenario "$line")" "$in_flight" "$rate" "$to_noop" "$to_floor" \
    "$(field p50_ms "$line")" "$(field p99_ms "$line")" "$(field p999_ms "$line")" \
    "$(field failed "$line")" "$(field client_cpu_s "$line")"
done < <(grep -v '"scenario":"timers"' "$results")
echo
echo "| server | timers: tickets | alerts stored and streamed | all stored (s) | all streamed (s) |"
echo "|---|---|---|---|---|"
while read -r line; do
  printf '| %s | %s | %s | %.2f | %.2f |\n' "$(field label "$line")" "$(field tickets "$line")" \
    "$(field alerts_streamed "$line")" "$(field stored_s "$line")" "$(field streamed_s "$line")"
done < <(grep '"scenario":"timers"' "$results")
