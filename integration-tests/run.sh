#!/usr/bin/env bash
# Runs the integration suites against real servers: installs every emulator (needs the registries), then
# re-enters itself in a network namespace that has only loopback, starts the servers, runs Vitest, and stops
# the servers on any exit. Extra arguments go to Vitest (e.g. a file filter).
#
# An emulator whose install exits 3 is BLOCKED: the registry here does not serve it (see
# integration-tests/emulators/NOTES-<emulator>.md). Its suite is left out of the Vitest run, and a
# "NOT RUN (blocked)" line naming the suite, its case count and the reason is printed before and after the run:
# those cases are never counted as passed. The run then fails (exit 3) unless the emulator is listed in
# HF_SECRETS_ACCEPT_BLOCKED (space separated), which .ci/run sets for the machines where the block is known.
set -euo pipefail
cd "$(dirname "$0")/.."

EMULATORS=(${HF_SECRETS_EMULATORS:-huggingface-hub localstack kubernetes lowkey-vault})

# The suite each emulator serves.
suite_of() {
  case "$1" in
    lowkey-vault) echo integration-tests/azure ;;
    localstack) echo integration-tests/aws ;;
    kubernetes) echo integration-tests/kubernetes ;;
    huggingface-hub) echo integration-tests/hf-cli ;;
    *) echo "integration-tests/$1" ;;
  esac
}

if [[ -z "${HF_SECRETS_IN_NETNS:-}" ]]; then
  runnable=()
  blocked=()
  for emulator in "${EMULATORS[@]}"; do
    echo "[integration] installing $emulator" >&2
    status=0
    bash "integration-tests/emulators/$emulator.sh" install || status=$?
    case "$status" in
      0) runnable+=("$emulator") ;;
      3) blocked+=("$emulator") ;;
      *) exit "$status" ;;
    esac
  done
  export HF_SECRETS_RUNNABLE="${runnable[*]}" HF_SECRETS_BLOCKED="${blocked[*]}"
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
read -r -a EMULATORS <<<"${HF_SECRETS_RUNNABLE:-}"

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

exclude=()
not_run=()
for emulator in ${HF_SECRETS_BLOCKED:-}; do
  suite=$(suite_of "$emulator")
  cases=$(npx vitest list --config integration-tests/vitest.config.ts "$suite" 2>/dev/null | grep -c . || true)
  not_run+=("NOT RUN (blocked): $suite, ${cases:-?} cases. $emulator cannot be installed here: the registry does not serve it (integration-tests/emulators/NOTES-$emulator.md). These cases did not pass; they did not run.")
  exclude+=(--exclude "$suite/**")
done
for line in "${not_run[@]}"; do echo "[integration] $line" >&2; done

status=0
npx vitest run --config integration-tests/vitest.config.ts "${exclude[@]}" "$@" || status=$?

# Again after Vitest's summary, so it is the last thing a reader of the log sees.
for line in "${not_run[@]}"; do echo "[integration] $line" >&2; done
((status == 0)) || exit "$status"
for emulator in ${HF_SECRETS_BLOCKED:-}; do
  if [[ " ${HF_SECRETS_ACCEPT_BLOCKED:-} " != *" $emulator "* ]]; then
    echo "[integration] FAILED: $emulator is blocked and not listed in HF_SECRETS_ACCEPT_BLOCKED, so this run is incomplete." >&2
    exit 3
  fi
done
