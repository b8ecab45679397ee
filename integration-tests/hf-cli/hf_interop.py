#!/usr/bin/env python3
"""Python side of the hf-secrets <-> huggingface_hub interop test.

Run with the virtualenv python printed by `integration-tests/emulators/huggingface-hub.sh python`.
Every subcommand prints exactly one JSON object on stdout (exit 0), or on failure
{"error": <exception class>, "message": <text>} on stdout with exit code 1 (2 for usage errors,
printed by argparse on stderr).

Subcommands:
  save --token-name NAME --token-env VAR [--activate]
      token = os.environ[VAR] (never argv); huggingface_hub.utils._auth._save_token(token, NAME);
      with --activate also huggingface_hub._login._set_active_token(NAME, add_to_git_credential=False).
      -> {"saved": NAME, "activated": bool, "token_path", "stored_tokens_path", "hf_home", "version"}
  switch --token-name NAME
      huggingface_hub._login.auth_switch(NAME) (what `hf auth switch --token-name NAME` runs).
      -> {"active": NAME, "token_path", "stored_tokens_path", "hf_home", "version"}
  write-raw --path P --content-env VAR [--mode OCTAL]
      writes the bytes of os.environb[VAR] to P as-is (creating parent folders); a fixture helper.
      -> {"path": P, "bytes": n}
  get-token
      -> {"token": huggingface_hub.get_token() or null, "token_path", "stored_tokens_path", "hf_home",
          "version", "token_from_env", "token_from_file"}
  stored-tokens
      -> the dict returned by huggingface_hub.utils._auth.get_stored_tokens() ({name: hf_token value});
         a stored_tokens file that configparser rejects gives {} (huggingface_hub logs the error on stderr).
  stored-tokens-batch   (stdin: a JSON list of file contents, as text)
      for each content: writes it (UTF-8) to a temp stored_tokens file, points
      constants.HF_STORED_TOKENS_PATH at it and calls get_stored_tokens().
      -> {"results": [{"tokens": [[name, value], ...] in file order, "error": bool}], "version"}
         "error" is true when huggingface_hub logged "Error parsing stored tokens file" (it then returns {}).
  clean-batch           (stdin: a JSON list of strings)
      -> {"results": [huggingface_hub.utils._auth._clean_token(s) or null, ...], "version"}

The paths come from the process environment (HOME, HF_HOME, HF_TOKEN_PATH, XDG_CACHE_HOME), which
huggingface_hub.constants reads once at import time: use one process per call.

No network: HF_HUB_OFFLINE=1 is forced before huggingface_hub is imported, so any HTTP request
(OAuth refresh, OIDC exchange, whoami) raises OfflineModeIsEnabled instead of reaching the Hub.
HF_TOKEN / HUGGING_FACE_HUB_TOKEN / HF_OIDC_RESOURCE are left as the caller set them: get_token()
consults them (see NOTES-huggingface-hub.md).
"""

import argparse
import json
import os
import sys
import traceback

# Must happen before `import huggingface_hub`: constants are read at import time.
os.environ["HF_HUB_OFFLINE"] = "1"


def _emit(obj, code=0):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()
    sys.exit(code)


def _paths():
    import huggingface_hub
    from huggingface_hub import constants

    return {
        "token_path": constants.HF_TOKEN_PATH,
        "stored_tokens_path": constants.HF_STORED_TOKENS_PATH,
        "hf_home": constants.HF_HOME,
        "version": huggingface_hub.__version__,
    }


def _env_value(var):
    if var not in os.environ:
        raise ValueError(f"environment variable {var} is not set")
    return os.environ[var]


def cmd_save(args):
    from huggingface_hub.utils._auth import _save_token

    token = _env_value(args.token_env)
    _save_token(token, args.token_name)
    if args.activate:
        from huggingface_hub._login import _set_active_token

        _set_active_token(args.token_name, add_to_git_credential=False)
    return {"saved": args.token_name, "activated": bool(args.activate), **_paths()}


def cmd_switch(args):
    from huggingface_hub._login import auth_switch

    auth_switch(args.token_name, add_to_git_credential=False)
    return {"active": args.token_name, **_paths()}


def cmd_write_raw(args):
    _env_value(args.content_env)
    data = os.environb[os.fsencode(args.content_env)]
    parent = os.path.dirname(os.path.abspath(args.path))
    os.makedirs(parent, exist_ok=True)
    with open(args.path, "wb") as f:
        f.write(data)
    if args.mode is not None:
        os.chmod(args.path, int(args.mode, 8))
    return {"path": args.path, "bytes": len(data)}


def cmd_get_token(args):
    import huggingface_hub
    from huggingface_hub.utils._auth import _get_token_from_environment, _get_token_from_file

    token = huggingface_hub.get_token()
    out = {"token": token, **_paths()}
    out["token_from_env"] = _get_token_from_environment()
    try:
        out["token_from_file"] = _get_token_from_file()
    except Exception as e:  # e.g. IsADirectoryError, UnicodeDecodeError: get_token() would have raised already
        out["token_from_file"] = None
        out["token_from_file_error"] = type(e).__name__
    return out


def cmd_stored_tokens(args):
    from huggingface_hub.utils._auth import get_stored_tokens

    return get_stored_tokens()


def _stdin_json_list():
    data = json.loads(sys.stdin.read())
    if not isinstance(data, list) or not all(isinstance(item, str) for item in data):
        raise ValueError("stdin must be a JSON list of strings")
    return data


def cmd_stored_tokens_batch(args):
    import logging
    import tempfile

    import huggingface_hub
    from huggingface_hub import constants
    from huggingface_hub.utils import _auth

    class _Errors(logging.Handler):
        def __init__(self):
            super().__init__(level=logging.ERROR)
            self.count = 0

        def emit(self, record):
            if "Error parsing stored tokens file" in record.getMessage():
                self.count += 1

    handler = _Errors()
    auth_logger = logging.getLogger(_auth.__name__)
    auth_logger.addHandler(handler)
    auth_logger.propagate = False  # keep stderr quiet: errors are reported in the JSON
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "stored_tokens")
        original = constants.HF_STORED_TOKENS_PATH
        constants.HF_STORED_TOKENS_PATH = path
        try:
            for content in _stdin_json_list():
                with open(path, "wb") as f:
                    f.write(content.encode("utf-8"))
                before = handler.count
                tokens = _auth.get_stored_tokens()
                results.append({"tokens": [[k, v] for k, v in tokens.items()], "error": handler.count > before})
        finally:
            constants.HF_STORED_TOKENS_PATH = original
    return {"results": results, "version": huggingface_hub.__version__}


def cmd_clean_batch(args):
    import huggingface_hub
    from huggingface_hub.utils._auth import _clean_token

    return {"results": [_clean_token(s) for s in _stdin_json_list()], "version": huggingface_hub.__version__}


def main(argv=None):
    p = argparse.ArgumentParser(prog="hf_interop.py", description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)

    s = sub.add_parser("save", help="_save_token (+ _set_active_token with --activate)")
    s.add_argument("--token-name", required=True)
    s.add_argument("--token-env", required=True, help="name of the env var holding the token")
    s.add_argument("--activate", action="store_true")
    s.set_defaults(fn=cmd_save)

    s = sub.add_parser("switch", help="auth_switch (hf auth switch --token-name NAME)")
    s.add_argument("--token-name", required=True)
    s.set_defaults(fn=cmd_switch)

    s = sub.add_parser("write-raw", help="write raw bytes from an env var to a file")
    s.add_argument("--path", required=True)
    s.add_argument("--content-env", required=True, help="name of the env var holding the content")
    s.add_argument("--mode", default=None, help="octal file mode to chmod afterwards, e.g. 600")
    s.set_defaults(fn=cmd_write_raw)

    s = sub.add_parser("get-token", help="huggingface_hub.get_token() and the resolved paths")
    s.set_defaults(fn=cmd_get_token)

    s = sub.add_parser("stored-tokens", help="huggingface_hub.utils._auth.get_stored_tokens()")
    s.set_defaults(fn=cmd_stored_tokens)

    s = sub.add_parser("stored-tokens-batch", help="get_stored_tokens() on each file content of a JSON list on stdin")
    s.set_defaults(fn=cmd_stored_tokens_batch)

    s = sub.add_parser("clean-batch", help="_clean_token() on each string of a JSON list on stdin")
    s.set_defaults(fn=cmd_clean_batch)

    args = p.parse_args(argv)
    try:
        result = args.fn(args)
    except Exception as e:  # report, don't crash with a traceback on stdout
        traceback.print_exc(file=sys.stderr)
        _emit({"error": type(e).__name__, "message": str(e)}, 1)
    _emit(result)


if __name__ == "__main__":
    main()
