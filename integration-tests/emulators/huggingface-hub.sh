#!/usr/bin/env bash
# The real `huggingface_hub` Python package in a cached virtualenv. Not a server: it is used by
# integration-tests/hf-cli/hf_interop.py to write real token fixtures (token file, stored_tokens) and to
# compare token resolution with huggingface_hub.get_token(). No network call to the Hub is ever made.
#
#   huggingface-hub.sh install   # idempotent; needs PyPI; a rerun with the marker present takes seconds
#   huggingface-hub.sh python    # prints the venv's python path (fails if not installed)
#   huggingface-hub.sh version   # prints the installed huggingface_hub version
#   huggingface-hub.sh status    # "installed <version>" or "not installed" (exit 1)
#   huggingface-hub.sh env       # HF_HUB_PYTHON=<path> line for an env file
#   huggingface-hub.sh start|stop   # no-ops (exit 0): nothing to run in the background
#
# Override the pin with HF_HUB_VERSION=<x.y.z> (the spec in NOTES-huggingface-hub.md was read from the pin).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
source "$here/lib.sh"

HF_HUB_VERSION="${HF_HUB_VERSION:-2.4.0}"
HF_HUB_PYTHON_BIN="${HF_HUB_PYTHON_BIN:-python3}"
base="$EMULATOR_CACHE/huggingface-hub-$HF_HUB_VERSION"
venv="$base/venv"
marker="$base/.installed"
py="$venv/bin/python"

is_installed() { [[ -f "$marker" && -x "$py" ]]; }

install() {
  if is_installed; then
    log "huggingface_hub $HF_HUB_VERSION already installed in $venv"
    return 0
  fi
  log "installing huggingface_hub==$HF_HUB_VERSION into $venv"
  mkdir -p "$base"
  rm -rf "$venv"
  "$HF_HUB_PYTHON_BIN" -m venv "$venv"
  "$py" -m pip install --quiet --disable-pip-version-check --no-input "huggingface_hub==$HF_HUB_VERSION"
  local got
  got=$("$py" -c 'import huggingface_hub; print(huggingface_hub.__version__)')
  [[ "$got" == "$HF_HUB_VERSION" ]] || die "installed huggingface_hub $got, expected $HF_HUB_VERSION"
  # The interop script relies on these private helpers; fail at install time if they moved.
  "$py" - <<'PY'
from huggingface_hub.utils._auth import _save_token, get_stored_tokens, _clean_token, _get_token_from_file  # noqa: F401
from huggingface_hub._login import _set_active_token  # noqa: F401
from huggingface_hub import get_token  # noqa: F401
PY
  printf '%s\n' "$HF_HUB_VERSION" >"$marker"
  log "huggingface_hub $HF_HUB_VERSION ready"
}

require_installed() { is_installed || die "huggingface_hub $HF_HUB_VERSION not installed; run: $0 install"; }

case "${1:-}" in
  install) install ;;
  python) require_installed; printf '%s\n' "$py" ;;
  version) require_installed; "$py" -c 'import huggingface_hub; print(huggingface_hub.__version__)' ;;
  status)
    if is_installed; then echo "installed $HF_HUB_VERSION"; else echo "not installed"; exit 1; fi ;;
  env) require_installed; printf 'HF_HUB_PYTHON=%s\n' "$py" ;;
  start | stop) exit 0 ;;
  *) echo "usage: $0 install|python|version|status|env|start|stop" >&2; exit 2 ;;
esac
