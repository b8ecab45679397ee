#!/usr/bin/env bash
# Shared helpers for the emulator scripts. Each script is called as `<name>.sh install|start|stop|status|env`.
# install: needs the registries (npm, PyPI, Maven Central, Go proxy); idempotent; cached by version.
# start:   loopback only (it runs inside `unshare --net`); background server, waits until ready, writes an env file.
# stop:    idempotent; kills the whole process group that start created.

set -euo pipefail

HF_SECRETS_CACHE="${HF_SECRETS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/hf-secrets}"
EMULATOR_CACHE="$HF_SECRETS_CACHE/emulators"
HF_SECRETS_RUN_DIR="${HF_SECRETS_RUN_DIR:-/tmp/hf-secrets-run}"

log() { printf '[emulators] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

run_dir() { local d="$HF_SECRETS_RUN_DIR/$1"; mkdir -p "$d"; printf '%s' "$d"; }

# wait_until <seconds> <description> <command...>: polls every 0.5 s; fails after the deadline.
wait_until() {
  local seconds=$1 what=$2; shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then log "timed out after ${seconds}s waiting for $what"; return 1; fi
    sleep 0.5
  done
}

# start_background <name> <logfile> <command...>: starts in a new session so stop can kill the group.
start_background() {
  local name=$1 logfile=$2; shift 2
  local dir; dir=$(run_dir "$name")
  setsid "$@" >"$logfile" 2>&1 < /dev/null &
  echo $! >"$dir/pid"
}

stop_background() {
  local name=$1 dir="$HF_SECRETS_RUN_DIR/$1"
  [[ -f "$dir/pid" ]] || return 0
  local pid; pid=$(cat "$dir/pid")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    local deadline=$((SECONDS + 15))
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
    kill -KILL -- "-$pid" 2>/dev/null || true
  fi
  rm -f "$dir/pid"
}

is_running() { local f="$HF_SECRETS_RUN_DIR/$1/pid"; [[ -f "$f" ]] && kill -0 "$(cat "$f")" 2>/dev/null; }

show_log_tail() { [[ -f "$1" ]] && { log "last lines of $1:"; tail -n 40 "$1" >&2; } || true; }
