import { constants, type Stats } from "node:fs";
import { type FileHandle, lstat, open, realpath } from "node:fs/promises";
import { dirname, isAbsolute, relative } from "node:path";
import { SecretProviderError } from "@hf-secrets/core";
import { parse } from "dotenv";

/** One env file, read and parsed. */
export interface EnvFile {
  /** Absolute path. */
  readonly path: string;
  /** The text as dotenv reads it (UTF-8). */
  readonly text: string;
  /** dotenv's parse result, in a Map (key → value as dotenv returns it). */
  readonly values: ReadonlyMap<string, string>;
  /** Metadata of the file (of the target, through symlinks). */
  readonly stats: Stats;
}

/** An env file larger than this is refused: it is not a hand-written `.env`. */
export const MAX_ENV_FILE_BYTES = 4 * 1024 * 1024;

/**
 * Parses env-file text with the `dotenv` package's own parser, never a hand-written one. Its character-scanner
 * parser (`fast: true`) is used: dotenv keeps it equal to the classic regex parser (our property test checks
 * that on random input), and the classic one is quadratic on hostile input (200 000 newlines followed by one
 * stray character took over two minutes in dotenv 18.0.10). Returned as a Map: dotenv builds a plain object,
 * and a `__proto__` line never reaches it as a key.
 */
export function parseEnvText(text: string): Map<string, string> {
  const parsed = parse(text, { fast: true });
  const values = new Map<string, string>();
  for (const key of Object.keys(parsed)) values.set(key, parsed[key]!);
  return values;
}

/**
 * Reads and parses one env file. Resolves `undefined` when it does not exist. The metadata comes from the open
 * descriptor (so the hygiene checks see the file that was read); a folder, a FIFO or an oversized file is an
 * `INVALID_CONFIGURATION` error, an unreadable one `ACCESS_DENIED`.
 */
export async function readEnvFile(
  path: string,
  context: {
    provider: string;
    secretName: string;
    signal?: AbortSignal | undefined;
    /** Follow a symlink whose target is outside the link's folder (default: refuse it). */
    followSymlinks?: boolean | undefined;
  },
): Promise<EnvFile | undefined> {
  const fail = (
    code: "INVALID_CONFIGURATION" | "ACCESS_DENIED" | "TRANSIENT",
    message: string,
    fix: string,
    cause?: unknown,
  ) =>
    new SecretProviderError({
      code,
      provider: context.provider,
      secretName: context.secretName,
      location: path,
      message,
      fix,
      cause,
    });
  if (!context.followSymlinks && (await lstat(path).catch(() => undefined))?.isSymbolicLink()) {
    // A link to a file beside it (.env -> .env.development) is followed; one that leaves the link's folder is not,
    // unless configured: a link in a project folder must not point a secret read anywhere.
    const target = await realpath(path).catch(() => undefined);
    const folder = await realpath(dirname(path)).catch(() => dirname(path));
    const where = target === undefined ? undefined : relative(folder, target);
    if (where !== undefined && (where.startsWith("..") || isAbsolute(where))) {
      throw fail(
        "INVALID_CONFIGURATION",
        `${path} is a symlink to ${target}, outside its folder; such links are not followed.`,
        "Replace the link with the file, or pass `followSymlinks: true` if the link is intended.",
      );
    }
  }
  let handle: FileHandle;
  try {
    handle = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return undefined;
    if (code === "EACCES" || code === "EPERM") {
      throw fail(
        "ACCESS_DENIED",
        `This process may not read ${path} (${code}).`,
        "Make the file readable by the user that runs the process (chmod 600, owned by that user).",
        error,
      );
    }
    throw fail(
      "TRANSIENT",
      `${path} could not be opened (${code ?? "unknown error"}).`,
      "Check the file system and try again.",
      error,
    );
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) {
      throw fail(
        "INVALID_CONFIGURATION",
        `${path} is not a regular file${stats.isDirectory() ? " (it is a folder)" : ""}.`,
        "Remove it or replace it with a .env file.",
      );
    }
    if (stats.size > MAX_ENV_FILE_BYTES) {
      throw fail(
        "INVALID_CONFIGURATION",
        `${path} is ${stats.size} bytes; an env file larger than ${MAX_ENV_FILE_BYTES} bytes is refused.`,
        "Check that the path points at a .env file.",
      );
    }
    context.signal?.throwIfAborted();
    const bytes = await handle.readFile({ signal: context.signal });
    if (bytes.length > MAX_ENV_FILE_BYTES) {
      throw fail(
        "INVALID_CONFIGURATION",
        `${path} grew past ${MAX_ENV_FILE_BYTES} bytes while being read.`,
        "Check what writes to this file.",
      );
    }
    const text = bytes.toString("utf8");
    return { path, text, values: parseEnvText(text), stats };
  } catch (error) {
    if (SecretProviderError.isInstance(error) || (error as Error).name === "AbortError") throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw fail(
      "TRANSIENT",
      `${path} could not be read (${code ?? "unknown error"}).`,
      "Check the file system and try again.",
      error,
    );
  } finally {
    await handle.close().catch(() => undefined);
  }
}
