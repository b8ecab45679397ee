#!/usr/bin/env bash
# A real kube-apiserver + etcd on 127.0.0.1 for the Kubernetes Secrets provider's integration tests.
#
#   kubernetes.sh install            build kube-apiserver and etcd from the Go module proxy (once, cached by version)
#   kubernetes.sh start              fresh PKI, tokens, etcd data; start etcd + kube-apiserver; wait for /readyz
#   kubernetes.sh stop               stop both (idempotent)
#   kubernetes.sh restart-apiserver  restart only kube-apiserver (same PKI, tokens, etcd data); wait for /readyz
#   kubernetes.sh status             print state; exit 0 only when both run and /readyz answers
#   kubernetes.sh env                print the env file written by start
#
# `install` needs the Go module proxy; everything else runs offline (inside `unshare --net`).
# See NOTES-kubernetes.md next to this script for versions, timings and why each flag is there.

set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source-path=SCRIPTDIR
source "$HERE/lib.sh"

# Versions (override with HF_KUBE_VERSION / HF_ETCD_VERSION; ETCD_* names are avoided on purpose because etcd
# reads every ETCD_<FLAG> environment variable as a flag).
K8S_VERSION="${HF_KUBE_VERSION:-1.36.3}"
ETCD_VERSION_PIN="${HF_ETCD_VERSION:-3.6.16}"

KUBE_CACHE="$EMULATOR_CACHE/kubernetes-$K8S_VERSION"
ETCD_CACHE="$EMULATOR_CACHE/etcd-$ETCD_VERSION_PIN"
APISERVER_BIN="$KUBE_CACHE/bin/kube-apiserver"
ETCD_BIN="$ETCD_CACHE/bin/etcd"

APISERVER_PORT="${KUBE_APISERVER_PORT:-6443}"
ETCD_CLIENT="${ETCD_CLIENT_PORT:-2379}"
ETCD_PEER="${ETCD_PEER_PORT:-2380}"
APISERVER_TIMEOUT="${KUBE_START_TIMEOUT:-180}"
ETCD_TIMEOUT="${ETCD_START_TIMEOUT:-60}"
SERVICE_CIDR="${KUBE_SERVICE_CIDR:-10.96.0.0/12}"

NAME=kubernetes
ETCD_NAME=kubernetes/etcd           # pid file: $HF_SECRETS_RUN_DIR/kubernetes/etcd/pid
APISERVER_NAME=kubernetes/apiserver # pid file: $HF_SECRETS_RUN_DIR/kubernetes/apiserver/pid

# ---------------------------------------------------------------------------------------------------------------
# install
# ---------------------------------------------------------------------------------------------------------------

find_go() {
  if command -v go >/dev/null 2>&1; then command -v go
  elif [[ -x /usr/local/go/bin/go ]]; then printf '%s' /usr/local/go/bin/go
  else die "Go toolchain not found (looked on PATH and at /usr/local/go/bin/go)"; fi
}

# Settings for every go command of the build: module mode, no VCS stamping, no toolchain download, static binary.
go_env() {
  env GOFLAGS="-mod=mod -buildvcs=false" GOTOOLCHAIN=local GO111MODULE=on CGO_ENABLED=0 GOWORK=off "$GO" "$@"
}

apiserver_cached() {
  [[ -x "$APISERVER_BIN" ]] && [[ "$("$APISERVER_BIN" --version 2>/dev/null)" == "Kubernetes v$K8S_VERSION" ]]
}

etcd_cached() {
  # Capture first: `etcd --version | grep -q` can fail under pipefail when grep exits before etcd finishes writing.
  local out
  [[ -x "$ETCD_BIN" ]] && out=$("$ETCD_BIN" --version 2>/dev/null) && [[ "${out%%$'\n'*}" == "etcd Version: $ETCD_VERSION_PIN" ]]
}

# k8s.io/kubernetes replaces its staging modules (k8s.io/api, k8s.io/apiserver, ...) with ./staging/src paths
# and requires them at v0.0.0; replace directives of a dependency are ignored, so a wrapper module must map each
# of them to its published tag (v1.X.Y -> v0.X.Y).
build_apiserver() {
  local work=$1 staging_version="v0.${K8S_VERSION#1.}"
  local gomod
  gomod=$(cd "$work" && go_env mod download -json "k8s.io/kubernetes@v$K8S_VERSION" \
    | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",\{0,1\}$/\1/p')
  [[ -f "$gomod" ]] || die "could not download the go.mod of k8s.io/kubernetes@v$K8S_VERSION"
  local -a staging
  mapfile -t staging < <(awk '
    $1 == "require" { $1 = ""; $0 = $0 }
    $1 ~ /^k8s\.io\// && $2 == "v0.0.0" { print $1 }' "$gomod" | sort -u)
  ((${#staging[@]} > 10)) || die "found only ${#staging[@]} staging modules in $gomod; the go.mod layout changed"
  log "kube-apiserver v$K8S_VERSION: ${#staging[@]} staging modules pinned to $staging_version"

  mkdir -p "$work/apiserver"
  {
    printf 'module hf-secrets.local/kube-apiserver-build\n\ngo 1.26.0\n\nrequire k8s.io/kubernetes v%s\n\nreplace (\n' "$K8S_VERSION"
    local m; for m in "${staging[@]}"; do printf '\t%s => %s %s\n' "$m" "$m" "$staging_version"; done
    printf ')\n'
  } >"$work/apiserver/go.mod"

  # Same version stamping as hack/lib/version.sh, so /version and `--version` report the real release.
  local minor=${K8S_VERSION#1.}; minor=${minor%%.*}
  local build_date
  build_date=$(sed -n 's/.*"Time":"\([^"]*\)".*/\1/p' "${gomod%.mod}.info" 2>/dev/null || true)
  [[ -n "$build_date" ]] || build_date=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  build_date=${build_date%%.*}; build_date=${build_date%Z}Z
  local ldflags="-s -w" key val pkg
  for kv in "gitVersion=v$K8S_VERSION" "gitMajor=1" "gitMinor=$minor" "buildDate=$build_date"; do
    key=${kv%%=*} val=${kv#*=}
    for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do ldflags+=" -X $pkg.$key=$val"; done
  done

  local t0=$SECONDS
  log "building kube-apiserver v$K8S_VERSION (cold: 10-20 min on two cores) ..."
  (cd "$work/apiserver" && go_env build -trimpath -ldflags "$ldflags" -o "$work/kube-apiserver" \
    k8s.io/kubernetes/cmd/kube-apiserver) || die "go build of kube-apiserver v$K8S_VERSION failed"
  mkdir -p "$KUBE_CACHE/bin"
  cp "$work/apiserver/go.mod" "$KUBE_CACHE/build-go.mod"
  cp "$work/apiserver/go.sum" "$KUBE_CACHE/build-go.sum" 2>/dev/null || true
  mv -f "$work/kube-apiserver" "$APISERVER_BIN"
  printf 'kube-apiserver v%s built %s in %ss with %s\n' "$K8S_VERSION" "$(date -u +%FT%TZ)" $((SECONDS - t0)) \
    "$("$GO" version)" >>"$KUBE_CACHE/build-info.txt"
  apiserver_cached || die "built $APISERVER_BIN but it does not report Kubernetes v$K8S_VERSION"
  log "kube-apiserver v$K8S_VERSION built in $((SECONDS - t0))s -> $APISERVER_BIN"
}

# go.etcd.io/etcd/server/v3 is the etcd binary's main package (server/main.go); its go.mod replaces the sibling
# etcd modules with ../ paths, so `go install ...@v3.6.x` refuses it. A wrapper module that requires it builds it.
build_etcd() {
  local work=$1
  mkdir -p "$work/etcd"
  printf 'module hf-secrets.local/etcd-build\n\ngo 1.26.0\n\nrequire go.etcd.io/etcd/server/v3 v%s\n' \
    "$ETCD_VERSION_PIN" >"$work/etcd/go.mod"
  local t0=$SECONDS
  log "building etcd v$ETCD_VERSION_PIN ..."
  (cd "$work/etcd" && go_env build -trimpath -ldflags "-s -w" -o "$work/etcd-bin" go.etcd.io/etcd/server/v3) \
    || die "go build of etcd v$ETCD_VERSION_PIN failed"
  mkdir -p "$ETCD_CACHE/bin"
  cp "$work/etcd/go.mod" "$ETCD_CACHE/build-go.mod"
  cp "$work/etcd/go.sum" "$ETCD_CACHE/build-go.sum" 2>/dev/null || true
  mv -f "$work/etcd-bin" "$ETCD_BIN"
  printf 'etcd v%s built %s in %ss with %s\n' "$ETCD_VERSION_PIN" "$(date -u +%FT%TZ)" $((SECONDS - t0)) \
    "$("$GO" version)" >>"$ETCD_CACHE/build-info.txt"
  etcd_cached || die "built $ETCD_BIN but it does not report etcd Version: $ETCD_VERSION_PIN"
  log "etcd v$ETCD_VERSION_PIN built in $((SECONDS - t0))s -> $ETCD_BIN"
}

cmd_install() {
  if apiserver_cached && etcd_cached; then
    log "kube-apiserver v$K8S_VERSION and etcd v$ETCD_VERSION_PIN already built (cached in $EMULATOR_CACHE)"
    return 0
  fi
  GO=$(find_go)
  mkdir -p "$EMULATOR_CACHE"
  # One build at a time (two parallel installs would double a 15-minute build).
  exec 9>"$EMULATOR_CACHE/.kubernetes-install.lock"
  flock -w 3600 9 || die "timed out waiting for another kubernetes.sh install to finish"
  local work
  work=$(mktemp -d "${TMPDIR:-/tmp}/hf-secrets-kube-build.XXXXXX")
  # shellcheck disable=SC2064
  trap "rm -rf '$work'" EXIT
  etcd_cached || build_etcd "$work"
  apiserver_cached || build_apiserver "$work"
  log "installed: $APISERVER_BIN ($("$APISERVER_BIN" --version)), $ETCD_BIN (etcd $ETCD_VERSION_PIN)"
}

# ---------------------------------------------------------------------------------------------------------------
# start / stop
# ---------------------------------------------------------------------------------------------------------------

RUN=""
init_run() { RUN=$(run_dir "$NAME"); }

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

etcd_ready() {
  curl --noproxy '*' -fsS --max-time 2 "http://127.0.0.1:$ETCD_CLIENT/health" 2>/dev/null | grep -q '"health":"true"'
}

apiserver_ready() {
  [[ "$(curl --noproxy '*' -fsS --max-time 3 --cacert "$RUN/ca.crt" -H "@$RUN/admin.header" \
    "https://127.0.0.1:$APISERVER_PORT/readyz" 2>/dev/null)" == ok ]]
}

# For wait_until: succeeds when ready OR when the process is gone (the caller then tells the two apart).
etcd_ready_or_dead() { ! is_running "$ETCD_NAME" || etcd_ready; }
apiserver_ready_or_dead() { ! is_running "$APISERVER_NAME" || apiserver_ready; }

check_loopback() {
  command -v ip >/dev/null 2>&1 || return 0
  local lo; lo=$(ip -o link show lo 2>/dev/null) || return 0
  [[ "$lo" =~ [\<,]UP[,\>] ]] \
    || die "the loopback interface is down (inside 'unshare --net' run 'ip link set lo up' first)"
}

make_pki() {
  local pki="$RUN/pki"
  mkdir -p "$pki"; chmod 700 "$pki"
  cat >"$pki/openssl.cnf" <<'EOF'
[req]
distinguished_name = dn
prompt = no
[dn]
CN = hf-secrets integration-test CA
[v3_ca]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign,digitalSignature
subjectKeyIdentifier = hash
[v3_server]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local
EOF
  (
    cd "$pki"
    openssl req -x509 -new -nodes -newkey rsa:2048 -sha256 -days 3650 -config openssl.cnf -extensions v3_ca \
      -keyout ca.key -out ca.crt
    openssl req -new -nodes -newkey rsa:2048 -sha256 -subj "/CN=kube-apiserver" -keyout apiserver.key \
      -out apiserver.csr
    openssl x509 -req -sha256 -days 365 -in apiserver.csr -CA ca.crt -CAkey ca.key \
      -set_serial "0x$(openssl rand -hex 16)" -extfile openssl.cnf -extensions v3_server -out apiserver.crt
    openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out sa.key
    openssl pkey -in sa.key -pubout -out sa.pub
    chmod 600 ./*.key
  ) >"$RUN/pki.log" 2>&1 || { show_log_tail "$RUN/pki.log"; die "openssl failed to create the PKI in $pki"; }
  cp "$pki/ca.crt" "$RUN/ca.crt"
}

write_kubeconfig() { # <file> <user> <token>
  local ca_b64; ca_b64=$(base64 -w0 <"$RUN/ca.crt")
  (umask 077; cat >"$1" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: hf-secrets-test
  cluster:
    server: https://127.0.0.1:$APISERVER_PORT
    certificate-authority-data: $ca_b64
users:
- name: $2
  user:
    token: $3
contexts:
- name: $2@hf-secrets-test
  context:
    cluster: hf-secrets-test
    user: $2
    namespace: default
current-context: $2@hf-secrets-test
EOF
  )
}

make_credentials() {
  local admin reader
  admin=$(openssl rand -hex 32) reader=$(openssl rand -hex 32)
  (
    umask 077
    printf '%s\n' "$admin" >"$RUN/admin.token"
    printf '%s\n' "$reader" >"$RUN/reader.token"
    printf 'Authorization: Bearer %s\n' "$admin" >"$RUN/admin.header"
    # token,user,uid,"group,group" -- every authenticated user also gets system:authenticated.
    printf '%s,admin,hf-secrets-admin,"system:masters"\n%s,reader,hf-secrets-reader\n' "$admin" "$reader" \
      >"$RUN/tokens.csv"
  )
  write_kubeconfig "$RUN/admin.kubeconfig" admin "$admin"
  write_kubeconfig "$RUN/reader.kubeconfig" reader "$reader"
}

write_audit_policy() {
  cat >"$RUN/audit-policy.yaml" <<'EOF'
apiVersion: audit.k8s.io/v1
kind: Policy
# One line per request (ResponseComplete; watches also log ResponseStarted). Metadata level: no secret values.
omitStages: ["RequestReceived"]
rules:
- level: Metadata
  resources:
  - group: ""
    resources: ["secrets", "serviceaccounts/token"]
- level: None
EOF
  : >>"$RUN/audit.log"
}

write_env() {
  {
    printf 'export KUBE_APISERVER_URL=%q\n' "https://127.0.0.1:$APISERVER_PORT"
    printf 'export KUBE_CA_FILE=%q\n' "$RUN/ca.crt"
    printf 'export KUBE_ADMIN_KUBECONFIG=%q\n' "$RUN/admin.kubeconfig"
    printf 'export KUBE_READER_KUBECONFIG=%q\n' "$RUN/reader.kubeconfig"
    printf 'export KUBE_ADMIN_TOKEN_FILE=%q\n' "$RUN/admin.token"
    printf 'export KUBE_READER_TOKEN_FILE=%q\n' "$RUN/reader.token"
    printf 'export KUBE_AUDIT_LOG=%q\n' "$RUN/audit.log"
    printf 'export KUBE_RUN_DIR=%q\n' "$RUN"
  } >"$RUN/env"
}

start_etcd() {
  mkdir -p "$RUN/etcd-data"; chmod 700 "$RUN/etcd-data"
  # etcd maps every ETCD_<FLAG> variable to a flag (and warns about unknown ones): start it without them.
  local -a unset_etcd=()
  local v; for v in $(compgen -e | grep '^ETCD_' || true); do unset_etcd+=(-u "$v"); done
  start_background "$ETCD_NAME" "$RUN/etcd.log" env "${unset_etcd[@]}" "$ETCD_BIN" \
    --name hf-secrets \
    --data-dir "$RUN/etcd-data" \
    --listen-client-urls "http://127.0.0.1:$ETCD_CLIENT" \
    --advertise-client-urls "http://127.0.0.1:$ETCD_CLIENT" \
    --listen-peer-urls "http://127.0.0.1:$ETCD_PEER" \
    --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER" \
    --initial-cluster "hf-secrets=http://127.0.0.1:$ETCD_PEER" \
    --initial-cluster-state new \
    --listen-metrics-urls "" \
    --unsafe-no-fsync \
    --log-level warn
  if ! wait_until "$ETCD_TIMEOUT" "etcd on 127.0.0.1:$ETCD_CLIENT" etcd_ready_or_dead || ! is_running "$ETCD_NAME"; then
    show_log_tail "$RUN/etcd.log"; stop_background "$ETCD_NAME"
    die "etcd did not become healthy on 127.0.0.1:$ETCD_CLIENT (log: $RUN/etcd.log)"
  fi
  log "etcd v$ETCD_VERSION_PIN ready on http://127.0.0.1:$ETCD_CLIENT"
}

start_apiserver() {
  port_in_use "$APISERVER_PORT" && die "127.0.0.1:$APISERVER_PORT is already in use (set KUBE_APISERVER_PORT)"
  local pki="$RUN/pki"
  start_background "$APISERVER_NAME" "$RUN/apiserver.log" "$APISERVER_BIN" \
    --bind-address=127.0.0.1 \
    --advertise-address=127.0.0.1 \
    --secure-port="$APISERVER_PORT" \
    --cert-dir="$pki" \
    --tls-cert-file="$pki/apiserver.crt" \
    --tls-private-key-file="$pki/apiserver.key" \
    --client-ca-file="$pki/ca.crt" \
    --etcd-servers="http://127.0.0.1:$ETCD_CLIENT" \
    --token-auth-file="$RUN/tokens.csv" \
    --authorization-mode=RBAC \
    --disable-admission-plugins=ServiceAccount \
    --service-account-issuer=https://kubernetes.default.svc.cluster.local \
    --service-account-key-file="$pki/sa.pub" \
    --service-account-signing-key-file="$pki/sa.key" \
    --service-cluster-ip-range="$SERVICE_CIDR" \
    --endpoint-reconciler-type=none \
    --audit-policy-file="$RUN/audit-policy.yaml" \
    --audit-log-path="$RUN/audit.log" \
    --audit-log-mode=blocking \
    --audit-log-maxbackup=0 \
    --audit-log-maxsize=0 \
    --shutdown-send-retry-after=true \
    --profiling=false \
    --v=1
  if ! wait_until "$APISERVER_TIMEOUT" "kube-apiserver /readyz on 127.0.0.1:$APISERVER_PORT" apiserver_ready_or_dead \
    || ! is_running "$APISERVER_NAME"; then
    show_log_tail "$RUN/apiserver.log"; stop_background "$APISERVER_NAME"
    die "kube-apiserver did not become ready on https://127.0.0.1:$APISERVER_PORT (log: $RUN/apiserver.log)"
  fi
  log "kube-apiserver v$K8S_VERSION ready on https://127.0.0.1:$APISERVER_PORT"
}

require_binaries() {
  if ! apiserver_cached || ! etcd_cached; then
    die "kube-apiserver v$K8S_VERSION / etcd v$ETCD_VERSION_PIN not built yet: run '$0 install' first (needs the Go module proxy)"
  fi
  command -v curl >/dev/null 2>&1 || die "curl is required to probe readiness"
  command -v openssl >/dev/null 2>&1 || die "openssl is required to create the PKI"
}

cmd_start() {
  require_binaries
  check_loopback
  init_run
  if is_running "$ETCD_NAME" && is_running "$APISERVER_NAME" && apiserver_ready && [[ -f "$RUN/env" ]]; then
    log "already running (https://127.0.0.1:$APISERVER_PORT); env: $RUN/env"
    return 0
  fi
  # Anything half-started goes; every start begins from fresh PKI, tokens and etcd data.
  stop_background "$APISERVER_NAME"; stop_background "$ETCD_NAME"
  find "$RUN" -mindepth 1 -delete
  port_in_use "$ETCD_CLIENT" && die "127.0.0.1:$ETCD_CLIENT is already in use (set ETCD_CLIENT_PORT)"
  port_in_use "$ETCD_PEER" && die "127.0.0.1:$ETCD_PEER is already in use (set ETCD_PEER_PORT)"
  # A start that fails half-way leaves nothing running.
  trap 'stop_background "$APISERVER_NAME"; stop_background "$ETCD_NAME"' EXIT
  make_pki
  make_credentials
  write_audit_policy
  start_etcd
  start_apiserver
  write_env
  trap - EXIT
  log "env file: $RUN/env"
}

cmd_restart_apiserver() {
  require_binaries
  init_run
  [[ -f "$RUN/tokens.csv" && -f "$RUN/pki/apiserver.crt" ]] || die "no cluster state in $RUN: run '$0 start' first"
  is_running "$ETCD_NAME" || die "etcd is not running: run '$0 start' first"
  stop_background "$APISERVER_NAME"
  local deadline=$((SECONDS + 15))
  while port_in_use "$APISERVER_PORT" && ((SECONDS < deadline)); do sleep 0.2; done
  # Keep the previous log; the new one starts empty.
  [[ -f "$RUN/apiserver.log" ]] && mv -f "$RUN/apiserver.log" "$RUN/apiserver.previous.log"
  start_apiserver
}

cmd_stop() {
  init_run
  local was=0
  { is_running "$APISERVER_NAME" || is_running "$ETCD_NAME"; } && was=1
  stop_background "$APISERVER_NAME"
  stop_background "$ETCD_NAME"
  if ((was)); then log "stopped kube-apiserver and etcd"; else log "kubernetes emulator was not running"; fi
}

cmd_status() {
  init_run
  local ok=0
  if is_running "$ETCD_NAME"; then
    if etcd_ready; then log "etcd: running, healthy (pid $(cat "$RUN/etcd/pid"), http://127.0.0.1:$ETCD_CLIENT)"
    else log "etcd: running, NOT healthy (pid $(cat "$RUN/etcd/pid"))"; ok=1; fi
  else log "etcd: not running"; ok=1; fi
  if is_running "$APISERVER_NAME"; then
    if apiserver_ready; then
      log "kube-apiserver: running, ready (pid $(cat "$RUN/apiserver/pid"), https://127.0.0.1:$APISERVER_PORT)"
    else log "kube-apiserver: running, NOT ready (pid $(cat "$RUN/apiserver/pid"))"; ok=1; fi
  else log "kube-apiserver: not running"; ok=1; fi
  log "binaries: $APISERVER_BIN $(apiserver_cached && echo '(built)' || echo '(missing)'), $ETCD_BIN $(etcd_cached && echo '(built)' || echo '(missing)')"
  [[ -f "$RUN/env" ]] && log "env: $RUN/env"
  return "$ok"
}

cmd_env() {
  init_run
  if [[ ! -f "$RUN/env" ]] || ! is_running "$APISERVER_NAME"; then
    die "kube-apiserver is not running: run '$0 start' first"
  fi
  cat "$RUN/env"
}

case "${1:-}" in
  install) cmd_install ;;
  start) cmd_start ;;
  stop) cmd_stop ;;
  restart-apiserver) cmd_restart_apiserver ;;
  status) cmd_status ;;
  env) cmd_env ;;
  *) printf 'usage: %s install|start|stop|restart-apiserver|status|env\n' "$0" >&2; exit 2 ;;
esac
