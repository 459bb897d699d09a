#!/usr/bin/env bash
# Builds the server and starts it in the background with the sample config.
#
#   bash deploy/quickstart.sh          install deps, build, start ticketd on 127.0.0.1:50051
#   bash deploy/quickstart.sh status   is it running? who answers?
#   bash deploy/quickstart.sh stop     SIGTERM (drains in-flight calls) and wait
#
# State lives in ./data: config.textproto (made from deploy/config.example.textproto when
# missing, mode 0600, with a fresh random token for each user and only its SHA-256 in the
# config), tokens/USER (each user's token, readable only by you), db/ (RocksDB),
# ticketd.log, ticketd.pid, ticketd.port.
# Environment: BUILD_DIR (default: build).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

BUILD_DIR="${BUILD_DIR:-build}"
TICKETD="$BUILD_DIR/server/ticketd"
TKTCTL="$BUILD_DIR/client/tktctl"
DATA=data
CONFIG="$DATA/config.textproto"
PID_FILE="$DATA/ticketd.pid"
PORT_FILE="$DATA/ticketd.port"
LOG_FILE="$DATA/ticketd.log"
TOKENS="$DATA/tokens"
LISTEN=127.0.0.1:50051

# Prints the pid of a running ticketd started by this script; fails when none.
running_pid() {
  [[ -f "$PID_FILE" ]] || return 1
  local pid
  pid="$(cat "$PID_FILE")"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  [[ "$(ps -p "$pid" -o comm= 2>/dev/null)" == ticketd* ]] || return 1
  echo "$pid"
}

# host:port the server reports in the port file (a bare port means 127.0.0.1).
server_addr() {
  local port
  port="$(tr -d '[:space:]' < "$PORT_FILE" 2>/dev/null || true)"
  if [[ -z "$port" ]]; then echo "$LISTEN"
  elif [[ "$port" == *:* ]]; then echo "$port"
  else echo "127.0.0.1:$port"
  fi
}

# Writes $CONFIG from the sample config with a fresh random token for every user: the
# config keeps only the token's SHA-256 (token_sha256), the token itself goes to
# $TOKENS/<user>, readable by you alone. The sample's published tokens never reach a server.
generate_config() {
  local source="$1" out name="" token hash
  mkdir -p "$TOKENS"
  chmod 700 "$TOKENS"
  out="$(mktemp "$DATA/config.XXXXXX")"  # mode 0600
  while IFS= read -r line; do
    if [[ "$line" =~ ^[[:space:]]*name:[[:space:]]*\"([^\"]+)\" ]]; then name="${BASH_REMATCH[1]}"; fi
    if [[ "$line" =~ ^([[:space:]]*)token:[[:space:]]*\"[^\"]*\" ]]; then
      token="$(head -c 30 /dev/urandom | base64 | tr '+/' '-_')"
      hash="$(printf '%s' "$token" | sha256sum | cut -d' ' -f1)"
      (umask 077 && printf '%s\n' "$token" > "$TOKENS/$name")
      line="${BASH_REMATCH[1]}token_sha256: \"$hash\"  # the token is in $TOKENS/$name"
    fi
    printf '%s\n' "$line"
  done < "$source" > "$out"
  mv "$out" "$CONFIG"
}

whoami_ok() {
  "$TKTCTL" --addr="$(server_addr)" --token_file="$TOKENS/alice" --timeout=2 whoami >/dev/null 2>&1
}

print_help() {
  local addr
  addr="$(server_addr)"
  cat <<MSG

ticketd is running (pid $1) on $addr; log: $LOG_FILE, data: $DATA/db

Each user's token is in $TOKENS/ (alice, tom, sue, root), readable only by you.
Talk to it with tktctl ($TKTCTL):
  export TKT_ADDR=$addr
  export TKT_TOKEN_FILE=$PWD/$TOKENS/alice   # alice, an agent
  $TKTCTL whoami
  $TKTCTL accounts create acme-hz --name="ACME Hangzhou" --channel=ka_retail_chain
  $TKTCTL create --kind=repair --account=acme-hz --summary="Printer jams on every page" \\
      --contact_name="Wang Wei" --contact_phone="+86 571 8888 0000" --impact=high --urgency=high \\
      --queue=field-hz
  $TKTCTL list
  $TKTCTL get T-1
  $TKTCTL queue team field-hz
  $TKTCTL help
Other users: tom (technician), sue (supervisor), root (admin): --token_file=$TOKENS/sue ...

Stop it:  bash deploy/quickstart.sh stop
MSG
}

start_server() {
  mkdir -p "$DATA"
  chmod 700 "$DATA"
  if [[ ! -f "$CONFIG" ]]; then
    generate_config deploy/config.example.textproto
    echo "quickstart: created $CONFIG from deploy/config.example.textproto with new tokens in $TOKENS/"
  elif grep -qE '^[[:space:]]*token:' "$CONFIG" && [[ ! -d "$TOKENS" ]]; then
    # A config from an earlier quickstart holds the published sample tokens, which the server
    # now refuses: the same config with new tokens.
    generate_config "$CONFIG"
    echo "quickstart: gave every user of $CONFIG a new token (in $TOKENS/); the sample tokens no longer work"
  fi
  chmod 600 "$CONFIG"
  rm -f "$PORT_FILE"
  nohup "$TICKETD" --config="$CONFIG" --data_dir="$DATA/db" --listen="$LISTEN" \
    --port_file="$PORT_FILE" >>"$LOG_FILE" 2>&1 </dev/null &
  echo $! > "$PID_FILE"
}

# Waits up to 30 s for the port file and a successful `tktctl whoami`.
wait_ready() {
  local pid="$1"
  for _ in $(seq 1 60); do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "quickstart: ticketd exited during start-up; last lines of $LOG_FILE:" >&2
      tail -n 20 "$LOG_FILE" >&2 || true
      rm -f "$PID_FILE"
      return 1
    fi
    if [[ -s "$PORT_FILE" ]] && whoami_ok; then return 0; fi
    sleep 0.5
  done
  echo "quickstart: ticketd (pid $pid) did not answer within 30 s; see $LOG_FILE" >&2
  tail -n 20 "$LOG_FILE" >&2 || true
  return 1
}

cmd_start() {
  local pid
  if pid="$(running_pid)"; then
    echo "quickstart: ticketd is already running (pid $pid); not starting another"
    print_help "$pid"
    return 0
  fi
  bash deploy/build.sh --target ticketd tktctl  # the tests build with deploy/test.sh
  start_server
  pid="$(cat "$PID_FILE")"
  echo "quickstart: started ticketd (pid $pid), waiting for it to answer..."
  wait_ready "$pid"
  print_help "$pid"
}

cmd_stop() {
  local pid
  if ! pid="$(running_pid)"; then
    echo "quickstart: ticketd is not running"
    rm -f "$PID_FILE"
    return 0
  fi
  echo "quickstart: sending SIGTERM to ticketd (pid $pid)"
  kill -TERM "$pid"
  for _ in $(seq 1 120); do
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$PID_FILE" "$PORT_FILE"
      echo "quickstart: ticketd stopped"
      return 0
    fi
    sleep 0.5
  done
  echo "quickstart: ticketd (pid $pid) still running after 60 s; see $LOG_FILE" >&2
  return 1
}

cmd_status() {
  local pid
  if ! pid="$(running_pid)"; then
    echo "ticketd is not running"
    return 3
  fi
  if whoami_ok; then
    echo "ticketd is running (pid $pid) on $(server_addr) and answering"
  else
    echo "ticketd is running (pid $pid) but $(server_addr) does not answer whoami"
    return 1
  fi
}

case "${1:-start}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  *)
    echo "usage: bash deploy/quickstart.sh [start|stop|status]" >&2
    exit 2
    ;;
esac
