import { resolve } from "node:path";
import {
  type Environment,
  isDefined,
  pythonDirname,
  pythonExpandUser,
  pythonExpandVars,
  pythonJoin,
} from "./python-path.js";

/** Inputs of {@link resolveHfPaths}. */
export interface HfPathOptions {
  /** Environment variables (`HF_HOME`, `HF_TOKEN_PATH`, `XDG_CACHE_HOME`, `HOME`, and any `$VAR` used in them). */
  readonly env: Environment;
  /** Replaces `HF_HOME` (still expanded like it). */
  readonly hfHome?: string | undefined;
  /** Replaces `HF_TOKEN_PATH` (still expanded like it). */
  readonly tokenPath?: string | undefined;
  /** Replaces the `stored_tokens` path (default: beside the token file). */
  readonly storedTokensPath?: string | undefined;
  /** The home folder used for `~` when `HOME` is not set (default: the password database entry). */
  readonly homedir?: string | undefined;
  /** Folder that relative results are resolved against; default `process.cwd()` (as Python does). */
  readonly cwd?: string | undefined;
}

/** Where huggingface_hub keeps the login: each path as huggingface_hub computes it, and resolved to an absolute path. */
export interface HfPaths {
  /** `HF_HOME` as huggingface_hub computes it (may be relative). */
  readonly hfHome: string;
  /** The token file, absolute. */
  readonly tokenPath: string;
  /** The `stored_tokens` INI file, absolute. */
  readonly storedTokensPath: string;
}

/**
 * Computes the CLI cache paths exactly like `huggingface_hub.constants` (2.4.0, lines 159-167 and 250-258):
 * `HF_HOME` = `$HF_HOME` if defined (even empty), else `$XDG_CACHE_HOME/huggingface` if defined, else
 * `~/.cache/huggingface`, then `~` and `$VAR` expanded; the token file = `$HF_TOKEN_PATH` if defined, else
 * `HF_HOME/token`, expanded **again** (so a `$VAR` inside `HF_HOME` that yields `~` or `$X` is expanded on the
 * second pass, as in Python); `stored_tokens` sits beside the token file, not in `HF_HOME`.
 */
export function resolveHfPaths(options: HfPathOptions): HfPaths {
  const { env } = options;
  const lookup = { homedir: options.homedir };
  const expand = (path: string) => pythonExpandVars(pythonExpandUser(path, env, lookup), env);
  const defaultCache = pythonJoin(pythonExpandUser("~", env, lookup), ".cache");
  const hfHomeRaw =
    options.hfHome ??
    (isDefined(env, "HF_HOME")
      ? env.HF_HOME!
      : pythonJoin(isDefined(env, "XDG_CACHE_HOME") ? env.XDG_CACHE_HOME! : defaultCache, "huggingface"));
  const hfHome = expand(hfHomeRaw);
  const tokenRaw =
    options.tokenPath ?? (isDefined(env, "HF_TOKEN_PATH") ? env.HF_TOKEN_PATH! : pythonJoin(hfHome, "token"));
  const tokenPath = expand(tokenRaw);
  const storedTokensPath =
    options.storedTokensPath !== undefined
      ? expand(options.storedTokensPath)
      : pythonJoin(pythonDirname(tokenPath), "stored_tokens");
  const cwd = options.cwd ?? process.cwd();
  // Keep a trailing slash: Python opens `/d/` (and fails on a file `/d`), Node's resolve() would drop it.
  const absolute = (path: string) => {
    const resolved = resolve(cwd, path);
    return path.endsWith("/") && !resolved.endsWith("/") ? `${resolved}/` : resolved;
  };
  return { hfHome, tokenPath: absolute(tokenPath), storedTokensPath: absolute(storedTokensPath) };
}
