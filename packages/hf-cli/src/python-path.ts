import { readFileSync } from "node:fs";
import { userInfo } from "node:os";

/** Environment variables as a process sees them. */
export type Environment = Readonly<Record<string, string | undefined>>;

/** True when `name` is defined in `env`, even as `""` (Python's `os.getenv(name, default)` uses the default only when absent). */
export function isDefined(env: Environment, name: string): boolean {
  return Object.hasOwn(env, name) && env[name] !== undefined;
}

/**
 * Python's `posixpath.join(a, b)`: `b` replaces `a` when absolute; otherwise one `/` separates them, and none is
 * added after an empty `a` or one that already ends with `/`. No normalisation (`/h/` + `token` = `/h/token`).
 */
export function pythonJoin(base: string, part: string): string {
  if (part.startsWith("/")) return part;
  if (base === "" || base.endsWith("/")) return base + part;
  return `${base}/${part}`;
}

/**
 * Python's `posixpath.dirname`: everything up to the last `/`, trailing slashes removed unless it is all slashes.
 * Differs from Node's `path.dirname` (`/d/` → `/d` here, `/` in Node; `token` → `""` here, `.` in Node).
 */
export function pythonDirname(path: string): string {
  const head = path.slice(0, path.lastIndexOf("/") + 1);
  if (head !== "" && !/^\/+$/.test(head)) return head.replace(/\/+$/, "");
  return head;
}

/** Where `~` points when `HOME` is not set: the password database entry of the current user. */
export interface HomeLookup {
  /** The current user's home folder; default `os.userInfo().homedir`. */
  readonly homedir?: string | undefined;
}

/**
 * Python's `posixpath.expanduser`: only a leading `~` or `~user` is expanded. `~` is `$HOME` when `HOME` is
 * defined (even empty), else the password database entry; `~user` is that user's entry, and an unknown user
 * leaves the path unchanged. The home's trailing `/` is dropped, and an empty result becomes `/`.
 */
export function pythonExpandUser(path: string, env: Environment, lookup: HomeLookup = {}): string {
  if (!path.startsWith("~")) return path;
  let end = path.indexOf("/", 1);
  if (end < 0) end = path.length;
  let home: string | undefined;
  if (end === 1) {
    home = isDefined(env, "HOME") ? env.HOME : (lookup.homedir ?? currentUserHome());
  } else {
    home = userHome(path.slice(1, end), lookup);
  }
  if (home === undefined) return path;
  return home.replace(/\/+$/, "") + path.slice(end) || "/";
}

// Python's posixpath._varprog with re.ASCII: `$NAME` or `${anything but }}`.
const VARIABLE = /\$([A-Za-z0-9_]+|\{[^}]*\})/g;

/**
 * Python's `posixpath.expandvars`: `$NAME` and `${NAME}` are replaced by defined variables (even empty ones);
 * undefined ones are left as written; substituted text is not scanned again. `%VAR%` is not expanded.
 */
export function pythonExpandVars(path: string, env: Environment): string {
  if (!path.includes("$")) return path;
  let out = "";
  let last = 0;
  VARIABLE.lastIndex = 0;
  for (let match = VARIABLE.exec(path); match !== null; match = VARIABLE.exec(path)) {
    const raw = match[1]!;
    const name = raw.startsWith("{") ? raw.slice(1, -1) : raw;
    if (!isDefined(env, name)) continue;
    out += path.slice(last, match.index) + env[name];
    last = match.index + match[0].length;
  }
  return out + path.slice(last);
}

function currentUserHome(): string | undefined {
  try {
    return userInfo().homedir || undefined;
  } catch {
    return undefined;
  }
}

function userHome(name: string, lookup: HomeLookup): string | undefined {
  try {
    if (userInfo().username === name) return lookup.homedir ?? currentUserHome();
  } catch {
    // No password entry for the current uid (e.g. a container's arbitrary uid): look in /etc/passwd.
  }
  // Python asks the password database (pwd.getpwnam); /etc/passwd is what that database holds on most machines.
  try {
    for (const line of readFileSync("/etc/passwd", "utf8").split("\n")) {
      const fields = line.split(":");
      if (fields.length >= 7 && fields[0] === name) return fields[5];
    }
  } catch {
    // No /etc/passwd (Windows): the path stays as written, as Python does for an unknown user.
  }
  return undefined;
}
