#!/usr/bin/env bash
# How much account-wide work (reclassifying every account, importing many) stalls ticket
# writes (docs/performance.md, "Account work under load"). Starts ticketd on loopback with
# ACCOUNTS accounts (imported in chunks of 10,000), then runs tktload's create scenario
# twice, in the same server: quiet, and while a loop reclassifies every account (--apply)
# and re-imports 10,000 of them without pause. (The first classification, which moves
# many accounts in one large write, is done before both.) Prints both JSON lines and a table of the
# create latencies.
#
#   bash deploy/bench-stall.sh [SECONDS] [ACCOUNTS] [TICKETD]   # defaults 10, 50000, the build's
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}
accounts=${2:-50000}
build=${BUILD_DIR:-build}
ticketd=${3:-$build/server/ticketd}
load="$build/client/tktload"
tktctl="$build/client/tktctl"
for b in "$load" "$tktctl" "$ticketd"; do
  [ -x "$b" ] || { echo "missing $b: run bash deploy/build.sh first" >&2; exit 2; }
done
work=$(mktemp -d /tmp/tkt-stall.XXXXXX)
pid=
loop=
cleanup() {
  [ -n "$loop" ] && kill "$loop" 2>/dev/null
  [ -n "$pid" ] && kill "$pid" 2>/dev/null
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# Private (ticketd refuses a config others may read); its sample tokens need development mode.
install -m 600 deploy/config.example.textproto "$work/config.textproto"
# The load generator is one user far faster than any person: its role's rate limit is lifted
# (the limiter still runs on every call, so its cost is measured).
for role in AGENT TECHNICIAN SUPERVISOR ADMIN; do
  echo "rate_limits { role: ROLE_$role limit { requests_per_second: 1e9 burst: 1000000000 } }"
done >> "$work/config.textproto"
"$ticketd" --config="$work/config.textproto" --listen=127.0.0.1:0 --unsafe_development_mode \
    --data_dir="$work/db" --port_file="$work/port" >"$work/ticketd.log" 2>&1 &
pid=$!
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.1; done
[ -s "$work/port" ] || { cat "$work/ticketd.log" >&2; exit 1; }
export TKT_ADDR="127.0.0.1:$(cat "$work/port")"
admin=admin-root-0123456789abcdef
supervisor=supervisor-sue-0123456789abcdef

# CSV chunks of 10,000 accounts. Sales and profit sit with one account in a hundred, as in
# a small-retail tier: about 1,000 accounts are KEY, the rest STANDARD.
chunk=10000
for start in $(seq 0 "$chunk" $((accounts - 1))); do
  file="$work/accounts-$start.csv"
  {
    echo "id,name,channel_tier,region,sales_current,profit_current"
    for i in $(seq "$start" $((start + chunk - 1))); do
      [ "$i" -lt "$accounts" ] || break
      sales=10; profit=1
      [ $((i % 100)) -eq 0 ] && sales=$((1000000 + i))
      [ $((i % 97)) -eq 0 ] && profit=$((50000 + i))
      echo "acct-$i,Account $i,small_retail,cn/zhejiang,$sales.00,$profit.00"
    done
  } > "$file"
  TKT_TOKEN=$admin "$tktctl" accounts import "$file" >/dev/null
done
echo "imported $accounts accounts" >&2
# The first classification of new accounts moves many of them at once (one large write);
# settle it first, so that the runs measure reclassifying an established base (a few moves
# each time) and re-importing unchanged rows, as a nightly job would.
TKT_TOKEN=$supervisor "$tktctl" accounts reclassify --apply >/dev/null

run() {  # LABEL
  "$load" --label="$1" --addr="$TKT_ADDR" --scenario=create --concurrency=64 --channels=8 \
      --duration="$seconds" --warmup=1 --token=agent-alice-0123456789abcdef
}
quiet=$(run "quiet")
# Account-wide work without pause: reclassify every account (applying the moves), then
# re-import the first 10,000 (an upsert of unchanged rows), again and again.
(
  while true; do
    TKT_TOKEN=$supervisor "$tktctl" accounts reclassify --apply >/dev/null 2>&1 || true
    TKT_TOKEN=$admin "$tktctl" accounts import "$work/accounts-0.csv" >/dev/null 2>&1 || true
  done
) &
loop=$!
busy=$(run "reclassify+import running")
kill "$loop" 2>/dev/null; wait "$loop" 2>/dev/null || true; loop=

echo "$quiet"
echo "$busy"
field() { sed -n "s/.*\"$1\":\([^,}]*\).*/\1/p" <<<"$2" | tr -d '"'; }
echo
echo "| create at 64 in flight | rate/s | p50 ms | p99 ms | p99.9 ms | max ms | errors |"
echo "|---|---|---|---|---|---|---|"
for line in "$quiet" "$busy"; do
  printf '| %s | %s | %.2f | %.2f | %.2f | %.2f | %s |\n' "$(field label "$line")" \
    "$(field rate "$line")" "$(field p50_ms "$line")" "$(field p99_ms "$line")" \
    "$(field p999_ms "$line")" "$(field max_ms "$line")" "$(field failed "$line")"
done
