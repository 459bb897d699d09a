#!/usr/bin/env bash
# The load benchmark suite (docs/performance.md): starts the reference servers and ticketd
# on loopback with temporary data directories, runs tktload against each, stops them by
# PID, and prints Markdown tables (the raw JSON lines go to bench-results.jsonl).
#
#   bash deploy/bench.sh [SECONDS_PER_RUN] [ROUNDS]   # defaults 5 and 3; needs a build
#   COMPARE_TICKETD=/path/to/other/ticketd bash deploy/bench.sh 5 5   (TICKETD= swaps the order)
#       also runs another build's ticketd in every round, labelled "ticketd (compared
#       build)", the two taking turns going first: a change measured against its parent like
#       with like (a last table gives this build's rate over the other's, per round).
#
# The machine's speed drifts 10-30% within minutes, so the servers are measured like with
# like: every round runs the no-op server, the storage floor and ticketd back to back (A, B,
# C, A, B, C, ...), each of ticketd's rates is divided by the references of ITS round, and
# the tables give the median of those ratios over the rounds and their range. A fresh data
# directory per round keeps the rounds alike. The timers scenario runs once, at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-5}
rounds=${2:-3}
build=${BUILD_DIR:-build}
load="$build/client/tktload"
baseline="$build/tests/bench/baseline_server"
ticketd=${TICKETD:-$build/server/ticketd}
for b in "$load" "$baseline" "$ticketd"; do
  [ -x "$b" ] || { echo "missing $b: run bash deploy/build.sh first" >&2; exit 2; }
done
work=$(mktemp -d /tmp/tkt-bench.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

# The sample config, private (ticketd refuses a config others may read); its published
# tokens need development mode, which builds from before it existed do not know.
install -m 600 deploy/config.example.textproto "$work/config.textproto"
install -m 600 tests/bench/timers.textproto "$work/timers.textproto"
# --helpfull exits 1, which pipefail would read as "no such flag": the help is read whole
# first.
dev_flag() {
  case "$("$1" --helpfull 2>&1 || true)" in
    *unsafe_development_mode*) echo --unsafe_development_mode ;;
  esac
}
# The load generator is one user far faster than any person: its role's rate limit is lifted
# (the limiter still runs on every call, so its cost is measured). Builds from before rate
# limits (COMPARE_TICKETD) get the configs without.
for base in config timers; do
  install -m 600 "$work/$base.textproto" "$work/$base-limits.textproto"
  for role in AGENT TECHNICIAN SUPERVISOR ADMIN; do
    echo "rate_limits { role: ROLE_$role limit { requests_per_second: 1e9 burst: 1000000000 } }"
  done >> "$work/$base-limits.textproto"
done
# config_of BINARY BASE: the config file BINARY takes.
config_of() { if grep -q rate_limits "$1"; then echo "$work/$2-limits.textproto"; else echo "$work/$2.textproto"; fi; }

# start NAME CMD...: runs CMD in the background with --port_file, waits for the port and
# sets $addr.
start() {
  local name=$1; shift
  rm -f "$work/$name.port"
  "$@" --port_file="$work/$name.port" >"$work/$name.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 100); do [ -s "$work/$name.port" ] && break; sleep 0.1; done
  [ -s "$work/$name.port" ] || { echo "$name did not start; log:" >&2; cat "$work/$name.log" >&2; exit 1; }
  addr="127.0.0.1:$(cat "$work/$name.port")"
}
stop_last() { kill "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null || true; unset 'pids[-1]'; }

results=bench-results.jsonl
: > "$results"
round=0
run() {  # LABEL ADDR SCENARIO CONCURRENCY [TOKEN]
  "$load" --label="$1" --addr="$2" --scenario="$3" --concurrency="$4" --token="${5:-}" \
      --channels=8 --duration="$seconds" --warmup=1 |
    sed "s/^{/{\"round\":$round,/" | tee -a "$results"
}

token=agent-alice-0123456789abcdef
for round in $(seq "$rounds"); do
  start noop "$baseline" --mode=noop --listen=127.0.0.1:0
  run "no-op gRPC server" "$addr" create 64
  stop_last
  start durable "$baseline" --mode=durable --listen=127.0.0.1:0 --data_dir="$work/durable-$round"
  run "storage floor (group commit)" "$addr" create 64
  run "storage floor (group commit)" "$addr" create 256
  stop_last
  # measure LABEL BINARY: the five ticketd runs against a fresh server.
  measure() {
    # shellcheck disable=SC2046
    start "$1" "$2" --config="$(config_of "$2" config)" --listen=127.0.0.1:0 \
        --data_dir="$work/$1-$round" $(dev_flag "$2")
    for spec in "create 64" "create 256" "comment 64" "list 64" "mixed 64"; do
      # shellcheck disable=SC2086
      run "$3" "$addr" $spec "$token"
    done
    stop_last
    rm -rf "${work:?}/$1-$round"
  }
  # With a compared build, the two take turns going first (the second of two servers in a
  # round measured about 10% slower, whichever it was).
  if [ -n "${COMPARE_TICKETD:-}" ] && [ $((round % 2)) = 0 ]; then
    measure compared "$COMPARE_TICKETD" "ticketd (compared build)"
    measure ticketd "$ticketd" "ticketd"
  else
    measure ticketd "$ticketd" "ticketd"
    if [ -n "${COMPARE_TICKETD:-}" ]; then
      measure compared "$COMPARE_TICKETD" "ticketd (compared build)"
    fi
  fi
  rm -rf "$work/durable-$round"
done
# Timers: 50,000 tickets created at one test-clock instant; their first-response warnings
# and breaches (100,000 clocks) fall due when the clock moves 2 hours
# (tests/bench/timers.textproto: a warning and a breach rule, no re-escalation).
round=0
# shellcheck disable=SC2046
start ticketd-timers "$ticketd" --config="$(config_of "$ticketd" timers)" --listen=127.0.0.1:0 \
    --data_dir="$work/ticketd-timers" --test_clock --test_clock_start=2026-01-05T09:00:00Z \
    $(dev_flag "$ticketd")
"$load" --label="ticketd (test clock)" --addr="$addr" --scenario=timers --tickets=50000 \
    --advance=2h --token="$token" --admin_token=admin-root-0123456789abcdef | tee -a "$results"
stop_last

# One awk pass: per (server, scenario, in flight), the median and range over the rounds of
# the rate, of the ratios to the no-op server and to the storage floor of the same round
# (same in-flight count), and of the latencies.
echo
echo "Medians over $rounds interleaved rounds of ${seconds}s; [min-max] across rounds."
echo
echo "| server | scenario | in flight | rate/s | × no-op | × storage floor | p50 ms | p99 ms | p99.9 ms | errors | client CPU s |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
grep -v '"scenario":"timers"' "$results" | awk '
  function field(name,   m) {
    if (match($0, "\"" name "\":\"?[^,}\"]*")) {
      m = substr($0, RSTART, RLENGTH); sub(/^"[^"]*":"?/, "", m); return m
    }
    return ""
  }
  function median(list,   n, a, i, j, t) {
    n = split(list, a, " ")
    for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
    lo = a[1]; hi = a[n]
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  function show(list, fmt,   m) {
    if (list == "") return "-"
    m = median(list)
    return sprintf(fmt " [" fmt "-" fmt "]", m, lo, hi)
  }
  {
    r = field("round"); label = field("label"); scen = field("scenario"); c = field("concurrency")
    key = label SUBSEP scen SUBSEP c
    if (!(key in seen)) { seen[key] = 1; order[++n] = key }
    rate[key, r] = field("rate"); rates[key] = rates[key] " " field("rate")
    p50[key] = p50[key] " " field("p50_ms"); p99[key] = p99[key] " " field("p99_ms")
    p999[key] = p999[key] " " field("p999_ms"); err[key] = err[key] " " field("failed")
    cpu[key] = cpu[key] " " field("client_cpu_s")
    rounds_of[key] = rounds_of[key] " " r
    if (label == "no-op gRPC server") noop[r] = field("rate")
    if (label == "storage floor (group commit)") floor_rate[r, c] = field("rate")
  }
  END {
    for (i = 1; i <= n; i++) {
      key = order[i]; split(key, k, SUBSEP)
      to_noop = ""; to_floor = ""
      m = split(rounds_of[key], rs, " ")
      for (j = 1; j <= m; j++) {
        r = rs[j]
        if (k[1] != "no-op gRPC server" && noop[r] > 0) to_noop = to_noop " " rate[key, r] / noop[r]
        if (k[1] ~ /^ticketd/ && floor_rate[r, k[3]] > 0) to_floor = to_floor " " rate[key, r] / floor_rate[r, k[3]]
      }
      printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", k[1], k[2], k[3],
        show(rates[key], "%.0f"), show(to_noop, "%.2f"), show(to_floor, "%.2f"),
        show(p50[key], "%.2f"), show(p99[key], "%.2f"), show(p999[key], "%.2f"),
        show(err[key], "%d"), show(cpu[key], "%.2f")
    }
    # With COMPARE_TICKETD: the rate of this build over that of the compared one, per round.
    header = 0
    for (i = 1; i <= n; i++) {
      key = order[i]; split(key, k, SUBSEP)
      if (k[1] != "ticketd") continue
      other = "ticketd (compared build)" SUBSEP k[2] SUBSEP k[3]
      if (!(other in seen)) continue
      if (!header) {
        print ""; print "| scenario | in flight | this build ÷ compared build, same round |"
        print "|---|---|---|"; header = 1
      }
      quotient = ""
      m = split(rounds_of[key], rs, " ")
      for (j = 1; j <= m; j++) {
        r = rs[j]
        if (rate[other, r] > 0) quotient = quotient " " rate[key, r] / rate[other, r]
      }
      printf "| %s | %s | %s |\n", k[2], k[3], show(quotient, "%.2f")
    }
  }'
field() { sed -n "s/.*\"$1\":\([^,}]*\).*/\1/p" <<<"$2" | tr -d '"'; }
echo
echo "| server | timers: tickets | alerts stored and streamed | all stored (s) | all streamed (s) |"
echo "|---|---|---|---|---|"
while read -r line; do
  printf '| %s | %s | %s | %.2f | %.2f |\n' "$(field label "$line")" "$(field tickets "$line")" \
    "$(field alerts_streamed "$line")" "$(field stored_s "$line")" "$(field streamed_s "$line")"
done < <(grep '"scenario":"timers"' "$results")
