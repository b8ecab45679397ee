#!/usr/bin/env bash
# AWS Secrets Manager emulator: LocalStack's open-source runtime in host mode (no Docker), with moto's server as
# a fallback. What was learned getting it to run is in NOTES-localstack.md beside this file.
#
#   localstack.sh install   needs PyPI; idempotent; a virtualenv cached by version under $EMULATOR_CACHE
#   localstack.sh start     loopback only (runs inside `unshare --net`); fresh state; waits until ready; writes
#                           $HF_SECRETS_RUN_DIR/localstack/env (AWS_ENDPOINT_URL_SECRETS_MANAGER, AWS_REGION, ...)
#   localstack.sh stop      idempotent
#   localstack.sh status    exit 0 when running and Secrets Manager is ready
#   localstack.sh env       prints the env file written by start
#
# Environment:
#   LOCALSTACK_FLAVOR         localstack (default) | moto  (moto_server, the engine LocalStack's Secrets Manager uses)
#   LOCALSTACK_PORT           port on 127.0.0.1 (default 4566)
#   LOCALSTACK_PYTHON         interpreter for the virtualenv (default python3; needs >= 3.10)
#   LOCALSTACK_READY_TIMEOUT  seconds start waits for readiness (default 90)
#   LOCALSTACK_GATEWAY_SERVER hypercorn (default; binds 127.0.0.1 only) | twisted (LocalStack's default: 0.0.0.0)

set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
source "$HERE/lib.sh"

NAME=localstack
PYTHON="${LOCALSTACK_PYTHON:-python3}"
READY_TIMEOUT="${LOCALSTACK_READY_TIMEOUT:-90}"

# Versions. localstack-core 4.14.0 uses Python 3.12 syntax; 2026.x is the gated product: do not use either.
LOCALSTACK_VERSION=4.13.1
MOTO_EXT_VERSION=5.1.20.post22 # LocalStack's moto fork, the version 4.13.1 was released with
MOTO_VERSION=5.1.20            # fallback flavor: upstream moto[server], the base of moto-ext 5.1.20.post22
PIP_VERSION=26.3

# set_flavor <localstack|moto> and set_port <port>: everything below derives from these two.
set_flavor() {
  FLAVOR=$1
  case "$FLAVOR" in
    localstack)
      SPECS=("localstack-core[runtime]==$LOCALSTACK_VERSION" "moto-ext[all]==$MOTO_EXT_VERSION")
      VERSION_KEY="localstack-$LOCALSTACK_VERSION"
      ;;
    moto)
      SPECS=("moto[server]==$MOTO_VERSION")
      VERSION_KEY="moto-$MOTO_VERSION"
      ;;
    *) die "LOCALSTACK_FLAVOR must be 'localstack' or 'moto', not '$FLAVOR'" ;;
  esac
  # Full pin set (a pip freeze of a working install), so pip resolves the same tree every time.
  CONSTRAINTS="$HERE/localstack/constraints-$FLAVOR.txt"
  INSTALL_DIR="$EMULATOR_CACHE/$VERSION_KEY"
  VENV="$INSTALL_DIR/venv"
  MARKER="$INSTALL_DIR/.installed"
  STATIC_FS="$INSTALL_DIR/static-fs"
  # plux (LocalStack's plugin loader) caches its entry-point index under $XDG_CACHE_HOME/plux: keep it here.
  XDG_CACHE="$INSTALL_DIR/xdg-cache"
}
set_port() {
  PORT=$1
  [[ "$PORT" =~ ^[0-9]+$ ]] || die "LOCALSTACK_PORT must be a port number, not '$PORT'"
  URL="http://127.0.0.1:$PORT"
}
set_flavor "${LOCALSTACK_FLAVOR:-localstack}"
set_port "${LOCALSTACK_PORT:-4566}"

RUN="$HF_SECRETS_RUN_DIR/$NAME"

# ---------------------------------------------------------------------------------------------------- install

# What the marker records: the interpreter's version, the specs and the pins. Any change reinstalls.
install_fingerprint() {
  {
    "$PYTHON" -c 'import sys; print(sys.version)' 2>/dev/null || true
    printf '%s\n' "${SPECS[@]}"
    if [[ -f "$CONSTRAINTS" ]]; then cat "$CONSTRAINTS"; fi
  } | sha256sum | cut -d' ' -f1
}

is_installed() {
  [[ -f "$MARKER" && -x "$VENV/bin/python" ]] && [[ "$(cat "$MARKER")" == "$(install_fingerprint)" ]]
}

cmd_install() {
  log "flavor: $FLAVOR ($VERSION_KEY)"
  if is_installed; then
    log "already installed in $VENV"
    build_service_catalog
    return 0
  fi
  command -v "$PYTHON" >/dev/null || die "$PYTHON not found (set LOCALSTACK_PYTHON)"
  "$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)' ||
    die "$PYTHON is $("$PYTHON" -V 2>&1); $VERSION_KEY needs Python >= 3.10"
  [[ -f "$CONSTRAINTS" ]] || die "missing pin set $CONSTRAINTS"
  log "creating virtualenv $VENV with $("$PYTHON" -V 2>&1)"
  rm -rf "$VENV" "$MARKER" "$STATIC_FS"
  mkdir -p "$INSTALL_DIR"
  "$PYTHON" -m venv "$VENV" || die "could not create a virtualenv with $PYTHON"
  local pip=("$VENV/bin/python" -m pip --disable-pip-version-check --no-input)
  log "pip install ${SPECS[*]} -c ${CONSTRAINTS#"$HERE"/}"
  "${pip[@]}" install --quiet "pip==$PIP_VERSION" || die "could not install pip $PIP_VERSION"
  "${pip[@]}" install --quiet -c "$CONSTRAINTS" "${SPECS[@]}" || die "pip install failed for ${SPECS[*]}"
  # The machine sets PYTHONDONTWRITEBYTECODE=1: compile once here so that no start has to.
  "$VENV/bin/python" -m compileall -q -j 0 "$VENV/lib" >/dev/null 2>&1 || true
  smoke_test || die "$VERSION_KEY does not load in $VENV (see the traceback above)"
  install_fingerprint >"$MARKER"
  build_service_catalog
  log "installed in $VENV"
}

smoke_test() {
  case "$FLAVOR" in
    # Loading the runtime's component plugin imports the gateway and the protocol parsers, so a dependency
    # that breaks LocalStack (as cbor2 6.x does) fails here, at install, not as a start that never gets ready.
    localstack)
      XDG_CACHE_HOME="$XDG_CACHE" OVERRIDE_IN_DOCKER=0 "$VENV/bin/python" -c '
import moto.secretsmanager
from plux import PluginManager
PluginManager("localstack.runtime.components").load("aws")'
      ;;
    moto) "$VENV/bin/python" -c 'import moto.server, moto.secretsmanager' ;;
  esac
}

# LocalStack's Docker image ships a prebuilt index of the AWS service specs (the "service catalog"); without
# one, every start with a fresh FILESYSTEM_ROOT spends ~4-8 s building it. Build it once; start copies it in.
service_catalog_file() { compgen -G "$STATIC_FS/usr/lib/localstack/service-catalog-*.dill" | head -n 1 || true; }
build_service_catalog() {
  [[ "$FLAVOR" == localstack ]] || return 0
  [[ -n "$(service_catalog_file)" ]] && return 0
  log "building LocalStack's service catalog index in $STATIC_FS"
  local tmp="$STATIC_FS.tmp"
  rm -rf "$STATIC_FS" "$tmp"
  mkdir -p "$tmp/usr/lib/localstack"
  (cd "$tmp" && XDG_CACHE_HOME="$XDG_CACHE" OVERRIDE_IN_DOCKER=0 FILESYSTEM_ROOT="$tmp" \
    "$VENV/bin/python" -m localstack.aws.spec) || die "could not build the service catalog index"
  mv "$tmp" "$STATIC_FS"
  [[ -n "$(service_catalog_file)" ]] || die "no service catalog index was written under $STATIC_FS"
}

# ------------------------------------------------------------------------------------------------ start / stop

# Talks to 127.0.0.1 only and ignores any proxy settings. Exit 0 when Secrets Manager is ready.
health_check() {
  "$VENV/bin/python" - "$URL" "$FLAVOR" <<'PY'
import json, sys, urllib.request
url, flavor = sys.argv[1], sys.argv[2]
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
try:
    if flavor == "localstack":
        with opener.open(url + "/_localstack/health", timeout=3) as r:
            state = json.load(r).get("services", {}).get("secretsmanager")
        if state not in ("available", "running"):
            sys.exit(f"secretsmanager is {state!r} in {url}/_localstack/health")
    else:
        with opener.open(url + "/moto-api/data.json", timeout=3) as r:
            r.read()
except (OSError, ValueError) as e:
    sys.exit(f"health check of {url} failed: {e}")
PY
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; }

# The state file tells stop and status which flavor and port the running server has.
read_state() {
  [[ -f "$RUN/state" ]] || return 1
  local flavor port
  read -r flavor port <"$RUN/state" || return 1
  set_flavor "$flavor"
  set_port "$port"
}

write_env_file() {
  cat >"$RUN/env.tmp" <<EOF
export AWS_ENDPOINT_URL_SECRETS_MANAGER=$URL
export AWS_REGION=us-east-1
export AWS_ACCESS_KEY_ID=test
export AWS_SECRET_ACCESS_KEY=test
export LOCALSTACK_URL=$URL
export LOCALSTACK_FLAVOR=$FLAVOR
EOF
  mv "$RUN/env.tmp" "$RUN/env"
}

cmd_start() {
  log "flavor: $FLAVOR ($VERSION_KEY) on $URL"
  is_installed || die "$VERSION_KEY is not installed for $("$PYTHON" -V 2>&1): run '$0 install' first (needs PyPI)"
  run_dir "$NAME" >/dev/null
  if is_running "$NAME"; then
    log "an instance is already running (pid $(cat "$RUN/pid")): restarting it for a fresh state"
    local want_flavor=$FLAVOR want_port=$PORT
    cmd_stop
    set_flavor "$want_flavor"
    set_port "$want_port"
  fi
  port_in_use && die "127.0.0.1:$PORT is already in use by another process (set LOCALSTACK_PORT)"
  rm -f "$RUN/env"
  local logfile="$RUN/server.log" started=$SECONDS
  mkdir -p "$XDG_CACHE"

  case "$FLAVOR" in
    localstack)
      # Fresh state on every start: LocalStack keeps everything under FILESYSTEM_ROOT (PERSISTENCE=0).
      local fs="$RUN/localstack-fs" catalog
      rm -rf "$fs"
      mkdir -p "$fs/usr/lib/localstack"
      catalog=$(service_catalog_file)
      if [[ -n "$catalog" ]]; then cp "$catalog" "$fs/usr/lib/localstack/"; fi
      # Host mode, 127.0.0.1 only, nothing downloaded (the one remaining outbound act is a DNS lookup of
      # s3.127.0.0.1 by the S3 provider's init, which fails at once inside `unshare --net`; see the notes):
      #   OVERRIDE_IN_DOCKER=0    the machine has /.dockerenv; without it LocalStack uses container paths
      #   GATEWAY_SERVER          hypercorn, because the default (twisted) ignores GATEWAY_LISTEN's host for
      #                           IPv4 and binds 0.0.0.0 (localstack/runtime/server/twisted.py: "TODO: interface
      #                           = host?"); hypercorn binds exactly 127.0.0.1:$PORT
      #   DNS_ADDRESS=0           no DNS server (it would bind port 53 on all interfaces)
      #   SKIP_SSL_CERT_DOWNLOAD  generate a self-signed certificate instead of downloading LocalStack's
      #   DISABLE_EVENTS          no analytics events
      start_background "$NAME" "$logfile" env \
        XDG_CACHE_HOME="$XDG_CACHE" \
        OVERRIDE_IN_DOCKER=0 \
        GATEWAY_SERVER="${LOCALSTACK_GATEWAY_SERVER:-hypercorn}" \
        GATEWAY_LISTEN="127.0.0.1:$PORT" \
        LOCALSTACK_HOST="127.0.0.1:$PORT" \
        DNS_ADDRESS=0 \
        SERVICES=secretsmanager \
        EAGER_SERVICE_LOADING=1 \
        DISABLE_EVENTS=1 \
        SKIP_SSL_CERT_DOWNLOAD=1 \
        PERSISTENCE=0 \
        FILESYSTEM_ROOT="$fs" \
        "$VENV/bin/python" -m localstack.runtime.main
      ;;
    moto)
      # moto keeps its state in memory: a new process is a fresh state.
      start_background "$NAME" "$logfile" "$VENV/bin/moto_server" -H 127.0.0.1 -p "$PORT"
      ;;
  esac
  printf '%s %s\n' "$FLAVOR" "$PORT" >"$RUN/state"

  local deadline=$((SECONDS + READY_TIMEOUT))
  until health_check >/dev/null 2>&1; do
    if ! is_running "$NAME"; then
      log "$FLAVOR exited during startup"
      show_log_tail "$logfile"
      cmd_stop
      exit 1
    fi
    if ((SECONDS >= deadline)); then
      log "timed out after ${READY_TIMEOUT}s waiting for $FLAVOR's Secrets Manager on $URL"
      health_check || true
      show_log_tail "$logfile"
      cmd_stop
      exit 1
    fi
    sleep 0.25
  done
  write_env_file
  log "$FLAVOR ready on $URL after $((SECONDS - started))s (pid $(cat "$RUN/pid"); log $logfile; env $RUN/env)"
}

cmd_stop() {
  read_state || true
  if is_running "$NAME"; then log "stopping $FLAVOR (pid $(cat "$RUN/pid"))"; fi
  stop_background "$NAME"
  rm -f "$RUN/env" "$RUN/state"
}

cmd_status() {
  read_state || true
  if ! is_running "$NAME"; then
    log "$NAME: not running"
    return 1
  fi
  local pid; pid=$(cat "$RUN/pid")
  if [[ -x "$VENV/bin/python" ]] && health_check; then
    log "$NAME: $FLAVOR running (pid $pid) on $URL, Secrets Manager ready"
  else
    log "$NAME: $FLAVOR process $pid is running but Secrets Manager on $URL is not ready"
    return 1
  fi
}

cmd_env() {
  [[ -f "$RUN/env" ]] || die "no env file at $RUN/env: run '$0 start' first"
  cat "$RUN/env"
}

case "${1:-}" in
  install) cmd_install ;;
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  env) cmd_env ;;
  *) die "usage: $0 install|start|stop|status|env" ;;
esac
