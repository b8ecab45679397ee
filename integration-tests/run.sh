#!/usr/bin/env bash
# Runs the integration suites against real servers: installs every emulator (needs the registries), then
# re-enters itself in a network namespace that has only loopback, starts the servers, runs Vitest, and stops
# the servers on any exit. Extra arguments go to Vitest (e.g. a file filter).
set -euo pipefail
cd "$(dirname "$0")/.."

EMULATORS=(${HF_SECRETS_EMULATORS:-huggingface-hub localstack kubernetes lowkey-vault})

if [[ -z "${HF_SECRETS_IN_NETNS:-}" ]]; then
  for emulator in "${EMULATORS[@]}"; do
    echo "[integration] installing $emulator" >&2
    bash "integration-tests/emulators/$emulator.sh" install
  done
  if [[ "${HF_SECRETS_NO_NETNS:-}" == 1 ]]; then
    export HF_SECRETS_IN_NETNS=skipped
  else
    exec unshare --net --fork --kill-child -- env HF_SECRETS_IN_NETNS=1 bash "$0" "$@"
  fi
fi

if [[ "$HF_SECRETS_IN_NETNS" == 1 ]]; then
  ip link set lo up
  echo "[integration] running in a network namespace with loopback only" >&2
fi

export HF_SECRETS_RUN_DIR="${HF_SECRETS_RUN_DIR:-$(mktemp -d /tmp/hf-secrets-run.XXXXXX)}"
started=()
stop_all() {
  for emulator in "${started[@]}"; do bash "integration-tests/emulators/$emulator.sh" stop || true; done
}
trap stop_all EXIT

for emulator in "${EMULATORS[@]}"; do
  echo "[integration] starting $emulator" >&2
  started+=("$emulator")
  bash "integration-tests/emulators/$emulator.sh" start
  env_file="$HF_SECRETS_RUN_DIR/$emulator/env"
  if [[ -f "$env_file" ]]; then
    # shellcheck disable=SC1090
    source "$env_file"
  fi
done

npx vitest run --config integration-tests/vitest.config.ts "$@"
