#!/usr/bin/env bash
# Azure Key Vault test double: Lowkey Vault (com.github.nagyesta.lowkey-vault:lowkey-vault-app, a Spring Boot jar),
# run with `java -jar`. See NOTES-lowkey-vault.md beside this file.
#
#   lowkey-vault.sh install   needs Maven Central; idempotent; jar cached by version under $EMULATOR_CACHE
#   lowkey-vault.sh start     loopback only (runs inside `unshare --net`: the token port binds all interfaces);
#                             waits until ready; fetches the TLS certificate; writes the env file
#   lowkey-vault.sh stop      idempotent
#   lowkey-vault.sh status    exit 0 when running and answering /ping
#   lowkey-vault.sh env       prints the env file written by start
#
# Exit status 3 (install: the registry does not serve the jar; start: no jar installed) lets a caller skip the
# Azure Key Vault tests instead of failing; any other failure exits 1.
#
# Environment:
#   LOWKEY_VERSION        app version (default below; >= 7.3 serves Secrets API 2025-07-01; >= 5.0 needs Java 25)
#   LOWKEY_JAR            use this jar instead of the cached download (install then only checks it)
#   LOWKEY_PORT           HTTPS vault port on 127.0.0.1 (default 8443)
#   LOWKEY_TOKEN_PORT     HTTP token/metadata port (default 8080; binds 0.0.0.0 whatever is asked)
#   LOWKEY_JAVA_HOME      JDK/JRE to run it with (default: the first of $JAVA_HOME, Temurin 25, /usr/lib/jvm/*
#                         that is new enough)
#   LOWKEY_READY_TIMEOUT  seconds to wait for /ping (default 90)
#   LOWKEY_RECOVERY_LEVEL recovery level of the 127.0.0.1 and localhost vaults (default Recoverable+Purgeable, as a
#                         new Azure vault without purge protection; Lowkey's own default is Recoverable, where purge
#                         fails). One of Purgeable, Recoverable+Purgeable, Recoverable, CustomizedRecoverable+Purgeable,
#                         CustomizedRecoverable, Recoverable+ProtectedSubscription, ...
#   LOWKEY_RECOVERABLE_DAYS  soft-delete retention for that level (default 90; 7..89 for Customized*; ignored
#                         for Purgeable)
#   LOWKEY_DEBUG_REQUESTS 1 to pass --LOWKEY_DEBUG_REQUEST_LOG=true (request bodies in server.log)
#   LOWKEY_EXTRA_ARGS     extra app arguments, space separated (e.g. --LOWKEY_VAULT_NAMES=a,b)
#   LOWKEY_CDS            0 to skip the JVM class-data-sharing archive kept in the run dir (default 1)
#   MAVEN_REPO_LOCAL      Maven local repository used by install (default ~/.m2/repository)

set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
source "$HERE/lib.sh"

NAME=lowkey-vault
VERSION="${LOWKEY_VERSION:-7.3.74}"
GROUP_ID=com.github.nagyesta.lowkey-vault
ARTIFACT_ID=lowkey-vault-app
PORT="${LOWKEY_PORT:-8443}"
TOKEN_PORT="${LOWKEY_TOKEN_PORT:-8080}"
READY_TIMEOUT="${LOWKEY_READY_TIMEOUT:-90}"
RECOVERY_LEVEL="${LOWKEY_RECOVERY_LEVEL:-Recoverable+Purgeable}"
RECOVERABLE_DAYS="${LOWKEY_RECOVERABLE_DAYS:-90}"
M2_REPO="${MAVEN_REPO_LOCAL:-$HOME/.m2/repository}"
# Exit code of install (registry does not serve the jar) and start (jar not installed): callers may skip on it.
EXIT_UNAVAILABLE=3

INSTALL_DIR="$EMULATOR_CACHE/lowkey-vault-$VERSION"
CACHED_JAR="$INSTALL_DIR/lowkey-vault-app.jar"
JAR="${LOWKEY_JAR:-$CACHED_JAR}"

# The vault URL: Lowkey registers https://127.0.0.1:<port> and https://localhost:<port> by default, and its
# certificate's SAN covers both (DNS:localhost, IP:127.0.0.1 among others). 127.0.0.1 avoids any ::1 lookup.
VAULT_URL="https://127.0.0.1:$PORT"
TOKEN_BASE="http://127.0.0.1:$TOKEN_PORT"
TOKEN_URL="$TOKEN_BASE/metadata/identity/oauth2/token"

# curl that never uses a proxy and never waits long: everything here is on 127.0.0.1.
lcurl() { curl --noproxy '*' --silent --show-error --fail --max-time 5 "$@"; }

[[ "$VERSION" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "LOWKEY_VERSION must look like 7.3.74, not '$VERSION'"
[[ "$PORT" =~ ^[0-9]+$ && "$TOKEN_PORT" =~ ^[0-9]+$ ]] || die "LOWKEY_PORT/LOWKEY_TOKEN_PORT must be numbers"
[[ "$PORT" != "$TOKEN_PORT" ]] || die "LOWKEY_PORT and LOWKEY_TOKEN_PORT must differ"
case "$RECOVERY_LEVEL" in
  Purgeable | Recoverable+Purgeable | Recoverable | Recoverable+ProtectedSubscription | \
    CustomizedRecoverable+Purgeable | CustomizedRecoverable | CustomizedRecoverable+ProtectedSubscription) ;;
  *) die "LOWKEY_RECOVERY_LEVEL '$RECOVERY_LEVEL' is not an Azure DeletionRecoveryLevel" ;;
esac
[[ "$RECOVERABLE_DAYS" =~ ^[0-9]+$ ]] || die "LOWKEY_RECOVERABLE_DAYS must be a number"

# Lowkey >= 5.0 is compiled for Java 25; older ones run on 17.
required_java() { if (("${VERSION%%.*}" >= 5)); then echo 25; else echo 17; fi; }

java_major() { # <java binary> -> major version on stdout
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n1
}

find_java() {
  local need; need=$(required_java)
  local candidates=()
  [[ -n "${LOWKEY_JAVA_HOME:-}" ]] && candidates+=("$LOWKEY_JAVA_HOME")
  [[ -n "${JAVA_HOME:-}" ]] && candidates+=("$JAVA_HOME")
  candidates+=(/usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-25-jre-amd64)
  local d
  for d in /usr/lib/jvm/*; do [[ -d "$d" ]] && candidates+=("$d"); done
  for d in "${candidates[@]}"; do
    [[ -x "$d/bin/java" ]] || continue
    local major; major=$(java_major "$d/bin/java")
    if [[ -n "$major" ]] && ((major >= need)); then
      echo "$d/bin/java"
      return 0
    fi
    if [[ -n "${LOWKEY_JAVA_HOME:-}" && "$d" == "$LOWKEY_JAVA_HOME" ]]; then
      die "LOWKEY_JAVA_HOME=$d is Java ${major:-?}; Lowkey $VERSION needs Java >= $need"
    fi
  done
  die "no Java >= $need found (Lowkey $VERSION needs it): install Temurin $need or set LOWKEY_JAVA_HOME"
}

jar_looks_valid() { # a Spring Boot jar: a zip (PK\3\4) of some size
  [[ -f "$1" ]] && (($(stat -c %s "$1") > 1000000)) && [[ "$(head -c 4 "$1" | od -An -tx1 | tr -d ' \n')" == "504b0304" ]]
}

cmd_install() {
  if [[ -n "${LOWKEY_JAR:-}" ]]; then
    jar_looks_valid "$LOWKEY_JAR" || die "LOWKEY_JAR=$LOWKEY_JAR is not a readable Spring Boot jar"
    log "using LOWKEY_JAR=$LOWKEY_JAR (nothing downloaded, nothing cached)"
    find_java >/dev/null
    return 0
  fi
  if jar_looks_valid "$CACHED_JAR"; then
    log "Lowkey Vault $VERSION already installed: $CACHED_JAR"
    find_java >/dev/null
    return 0
  fi
  local coords="$GROUP_ID:$ARTIFACT_ID:$VERSION"
  local m2_jar="$M2_REPO/${GROUP_ID//.//}/$ARTIFACT_ID/$VERSION/$ARTIFACT_ID-$VERSION.jar"
  if ! jar_looks_valid "$m2_jar"; then
    command -v mvn >/dev/null || die "mvn not found: it is needed to download $coords"
    log "downloading $coords from Maven Central (mvn dependency:get)"
    local mlog; mlog=$(mktemp)
    # -U: retry even if an earlier miss was cached in the local repository.
    if ! timeout 600 mvn -B -U -q -Dmaven.repo.local="$M2_REPO" dependency:get \
      -Dartifact="$coords" -Dtransitive=false >"$mlog" 2>&1; then
      grep -E 'ERROR' "$mlog" | head -n 3 >&2 || true
      if grep -q -E 'Could not find artifact|was not found in' "$mlog"; then
        rm -f "$mlog"
        log "error: the registry does not serve $coords (see NOTES-lowkey-vault.md, 'Availability');" \
          "a jar obtained another way can be used with LOWKEY_JAR=/path/to/jar"
        exit "$EXIT_UNAVAILABLE"
      fi
      rm -f "$mlog"
      die "could not download $coords (network or Maven failure; see the errors above)"
    fi
    rm -f "$mlog"
  fi
  jar_looks_valid "$m2_jar" || die "Maven reported success but $m2_jar is missing or not a jar"
  mkdir -p "$INSTALL_DIR"
  cp "$m2_jar" "$CACHED_JAR.tmp"
  mv "$CACHED_JAR.tmp" "$CACHED_JAR"
  find_java >/dev/null
  log "installed Lowkey Vault $VERSION: $CACHED_JAR"
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

ping_ok() { lcurl -o /dev/null "$TOKEN_BASE/ping"; }

# Converts Lowkey's default PKCS#12 store (served on the token port) to a PEM holding only its certificate(s).
fetch_ca() {
  local dir=$1
  local p12="$dir/lowkey-vault.p12" password
  lcurl -o "$p12" "$TOKEN_BASE/metadata/default-cert/lowkey-vault.p12" || return 1
  password=$(lcurl "$TOKEN_BASE/metadata/default-cert/password") || return 1
  local raw="$dir/ca.raw.pem"
  if ! openssl pkcs12 -in "$p12" -nokeys -passin "pass:$password" -out "$raw" 2>/dev/null; then
    openssl pkcs12 -legacy -in "$p12" -nokeys -passin "pass:$password" -out "$raw" ||
      { log "openssl could not read $p12"; return 1; }
  fi
  sed -n '/-----BEGIN CERTIFICATE-----/,/-----END CERTIFICATE-----/p' "$raw" >"$dir/ca.pem.tmp"
  rm -f "$raw"
  grep -q 'BEGIN CERTIFICATE' "$dir/ca.pem.tmp" || { log "no certificate in $p12"; return 1; }
  mv "$dir/ca.pem.tmp" "$dir/ca.pem"
}

# Lowkey auto-registers https://127.0.0.1:<port> and https://localhost:<port> as "Recoverable" vaults (90 days, no
# purge). Re-create both with the wanted recovery level through Lowkey's management API (HTTPS port, no auth).
set_recovery_level() {
  local ca=$1
  [[ "$RECOVERY_LEVEL" == Recoverable && "$RECOVERABLE_DAYS" == 90 ]] && return 0
  local days=$RECOVERABLE_DAYS
  [[ "$RECOVERY_LEVEL" == Purgeable ]] && days=null
  local host base mgmt="https://127.0.0.1:$PORT/management/vault"
  for host in 127.0.0.1 localhost; do
    base="https://$host:$PORT"
    lcurl --cacert "$ca" -o /dev/null -X DELETE "$mgmt?baseUri=$base" || return 1
    lcurl --cacert "$ca" -o /dev/null -X DELETE "$mgmt/purge?baseUri=$base" || return 1
    lcurl --cacert "$ca" -o /dev/null -X POST -H 'Content-Type: application/json' \
      -d "{\"baseUri\":\"$base\",\"recoveryLevel\":\"$RECOVERY_LEVEL\",\"recoverableDays\":$days}" "$mgmt" ||
      { log "Lowkey refused recovery level '$RECOVERY_LEVEL' with $days days for $base"; return 1; }
  done
}

write_env_file() {
  local dir=$1
  cat >"$dir/env.tmp" <<EOF
export AZURE_KEYVAULT_URL=$VAULT_URL
export NODE_EXTRA_CA_CERTS=$dir/ca.pem
export LOWKEY_CERT_P12=$dir/lowkey-vault.p12
export IDENTITY_ENDPOINT=$TOKEN_URL
export IDENTITY_HEADER=lowkey-vault
export LOWKEY_TOKEN_URL=$TOKEN_URL
export LOWKEY_VERSION=$VERSION
export LOWKEY_PORT=$PORT
export LOWKEY_TOKEN_PORT=$TOKEN_PORT
export LOWKEY_RECOVERY_LEVEL=$RECOVERY_LEVEL
EOF
  mv "$dir/env.tmp" "$dir/env"
}

cmd_start() {
  if ! jar_looks_valid "$JAR"; then
    log "error: Lowkey Vault $VERSION is not installed ($JAR): run '$0 install' first (with network access)"
    exit "$EXIT_UNAVAILABLE"
  fi
  local java; java=$(find_java)
  command -v openssl >/dev/null || die "openssl not found"
  command -v curl >/dev/null || die "curl not found"
  local dir; dir=$(run_dir "$NAME")
  if is_running "$NAME"; then
    if ping_ok && fetch_ca "$dir"; then
      log "already running (pid $(cat "$dir/pid"))"
      write_env_file "$dir"
      return 0
    fi
    log "a previous instance is running but does not answer: stopping it"
    stop_background "$NAME"
  fi
  port_in_use "$PORT" && die "127.0.0.1:$PORT is already in use by another process (set LOWKEY_PORT)"
  port_in_use "$TOKEN_PORT" && die "port $TOKEN_PORT is already in use by another process (set LOWKEY_TOKEN_PORT)"
  rm -f "$dir/env" "$dir/ca.pem"
  local logfile="$dir/server.log"
  local started=$SECONDS

  local args=(
    --server.address=127.0.0.1
    "--server.port=$PORT"
    "--app.token.port=$TOKEN_PORT"
  )
  [[ "${LOWKEY_DEBUG_REQUESTS:-0}" == 1 ]] && args+=(--LOWKEY_DEBUG_REQUEST_LOG=true)
  if [[ -n "${LOWKEY_EXTRA_ARGS:-}" ]]; then
    local extra
    read -r -a extra <<<"$LOWKEY_EXTRA_ARGS"
    args+=("${extra[@]}")
  fi
  # C1 only and the serial GC: starts faster on two cores; this is a test double, not a benchmark target.
  local jvm=(-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xms64m -Xmx512m -Djava.net.preferIPv4Stack=true)
  # Java >= 19: a class-data-sharing archive written on the first run (and at exit) makes later starts faster.
  if [[ "${LOWKEY_CDS:-1}" == 1 ]] && (($(java_major "$java") >= 19)); then
    jvm+=(-XX:+AutoCreateSharedArchive "-XX:SharedArchiveFile=$dir/lowkey-$VERSION-$(cksum <"$JAR" | cut -d' ' -f1).jsa" -Xlog:cds=off -Xlog:cds+dynamic=off)
  fi
  log "starting Lowkey Vault $VERSION with $("$java" -version 2>&1 | head -n1) on $VAULT_URL (token port $TOKEN_PORT)"
  start_background "$NAME" "$logfile" "$java" "${jvm[@]}" -jar "$JAR" "${args[@]}"

  local deadline=$((SECONDS + READY_TIMEOUT))
  until ping_ok 2>/dev/null; do
    if ! is_running "$NAME"; then
      log "Lowkey Vault exited during startup"
      show_log_tail "$logfile"
      stop_background "$NAME"
      exit 1
    fi
    if ((SECONDS >= deadline)); then
      log "timed out after ${READY_TIMEOUT}s waiting for $TOKEN_BASE/ping"
      show_log_tail "$logfile"
      stop_background "$NAME"
      exit 1
    fi
    sleep 0.5
  done
  if ! fetch_ca "$dir"; then
    show_log_tail "$logfile"
    stop_background "$NAME"
    die "could not fetch Lowkey's certificate from $TOKEN_BASE/metadata/default-cert/"
  fi
  # The HTTPS side must answer with a certificate that ca.pem verifies for the vault URL's host.
  if ! lcurl --cacert "$dir/ca.pem" -o /dev/null "$VAULT_URL/ping"; then
    show_log_tail "$logfile"
    stop_background "$NAME"
    die "$VAULT_URL/ping did not verify against $dir/ca.pem"
  fi
  if ! set_recovery_level "$dir/ca.pem"; then
    show_log_tail "$logfile"
    stop_background "$NAME"
    die "could not set the vaults' recovery level to $RECOVERY_LEVEL"
  fi
  write_env_file "$dir"
  log "Lowkey Vault ready on $VAULT_URL after $((SECONDS - started))s (pid $(cat "$dir/pid"), log $logfile, env $dir/env)"
}

cmd_stop() {
  if is_running "$NAME"; then
    log "stopping $NAME (pid $(cat "$HF_SECRETS_RUN_DIR/$NAME/pid"))"
  fi
  stop_background "$NAME"
  rm -f "$HF_SECRETS_RUN_DIR/$NAME/env"
}

cmd_status() {
  local envf="$HF_SECRETS_RUN_DIR/$NAME/env"
  if [[ -f "$envf" ]]; then # the ports the running instance was started with
    TOKEN_PORT=$(sed -n 's/^export LOWKEY_TOKEN_PORT=//p' "$envf")
    PORT=$(sed -n 's/^export LOWKEY_PORT=//p' "$envf")
    VAULT_URL="https://127.0.0.1:$PORT" TOKEN_BASE="http://127.0.0.1:$TOKEN_PORT"
  fi
  if ! is_running "$NAME"; then
    log "$NAME: not running"
    return 1
  fi
  local pid; pid=$(cat "$HF_SECRETS_RUN_DIR/$NAME/pid")
  if ping_ok; then
    log "$NAME: running (pid $pid, $VAULT_URL, token port $TOKEN_PORT)"
  else
    log "$NAME: process $pid is running but $TOKEN_BASE/ping does not answer"
    return 1
  fi
}

cmd_env() {
  local f="$HF_SECRETS_RUN_DIR/$NAME/env"
  [[ -f "$f" ]] || die "no env file at $f: run '$0 start' first"
  cat "$f"
}

case "${1:-}" in
  install) cmd_install ;;
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  env) cmd_env ;;
  *) die "usage: $0 install|start|stop|status|env" ;;
esac
