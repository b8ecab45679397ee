import { constants, type Stats } from "node:fs";
import { type FileHandle, lstat, open } from "node:fs/promises";
import { SecretProviderError } from "@hf-secrets/core";

/** A file read by {@link readSecretFile}. */
export interface SecretFile {
  /** The content, decoded as strict UTF-8 (a BOM is kept, as Python keeps it), with universal newlines. */
  readonly text: string;
  /** The file's metadata (of the target when a followed symlink). */
  readonly stats: Stats;
}

/** How {@link readSecretFile} reads and what it names in errors. */
export interface ReadSecretFileOptions {
  /** Provider name for errors. */
  readonly provider: string;
  /** Logical secret name for errors. */
  readonly secretName: string;
  /** What the file is, for messages: "token file", "stored_tokens file". */
  readonly what: string;
  /** Follow a symlink at the path; otherwise it is refused. */
  readonly followSymlinks: boolean;
  /** Larger files are refused (a token file is a few dozen bytes). */
  readonly maxBytes: number;
  /** Abort the read. */
  readonly signal?: AbortSignal | undefined;
}

const FATAL_UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * Reads a secret file the way huggingface_hub's `Path.read_text()` does (strict UTF-8, universal newlines, BOM
 * kept), and safely: the final path component is opened with `O_NOFOLLOW` unless `followSymlinks` (so the check
 * and the read see the same file), a FIFO cannot block the open (`O_NONBLOCK`), the metadata comes from the open
 * descriptor, and an oversized file is refused. Resolves `undefined` when the file does not exist (Python's
 * `FileNotFoundError`, which also covers a dangling followed symlink).
 */
export async function readSecretFile(
  path: string,
  options: ReadSecretFileOptions,
): Promise<SecretFile | undefined> {
  const fail = (
    code: "INVALID_CONFIGURATION" | "ACCESS_DENIED" | "MALFORMED_SECRET" | "TRANSIENT",
    message: string,
    fix: string,
    cause?: unknown,
  ) =>
    new SecretProviderError({
      code,
      provider: options.provider,
      secretName: options.secretName,
      location: path,
      message,
      fix,
      cause,
    });
  const noFollow = constants.O_NOFOLLOW;
  if (!options.followSymlinks && noFollow === undefined) {
    // No O_NOFOLLOW (Windows): check first; the window between check and open is accepted there.
    const link = await lstat(path).catch(() => undefined);
    if (link?.isSymbolicLink()) throw symlinkError(path, options, fail);
  }
  const flags =
    constants.O_RDONLY | (options.followSymlinks ? 0 : (noFollow ?? 0)) | (constants.O_NONBLOCK ?? 0);
  let handle: FileHandle;
  try {
    handle = await open(path, flags);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return undefined;
    if (code === "ELOOP") {
      const link = await lstat(path).catch(() => undefined);
      if (link?.isSymbolicLink() && !options.followSymlinks) throw symlinkError(path, options, fail);
      throw fail(
        "INVALID_CONFIGURATION",
        `The ${options.what} ${path} is a symlink loop.`,
        `Replace ${path} with the file itself.`,
        error,
      );
    }
    if (code === "EACCES" || code === "EPERM") {
      throw fail(
        "ACCESS_DENIED",
        `This process may not read the ${options.what} ${path} (${code}).`,
        "Run the process as the user who logged in, or make the file readable by that user only (chmod 600).",
        error,
      );
    }
    if (code === "ENOTDIR") {
      throw fail(
        "INVALID_CONFIGURATION",
        `A parent of the ${options.what} path ${path} is a file, not a folder.`,
        "Check HF_HOME / HF_TOKEN_PATH (or the path options).",
        error,
      );
    }
    throw fail(
      "TRANSIENT",
      `The ${options.what} ${path} could not be opened (${code ?? "unknown error"}).`,
      "Check the file system and try again.",
      error,
    );
  }
  try {
    const stats = await handle.stat();
    if (stats.isDirectory()) {
      throw fail(
        "INVALID_CONFIGURATION",
        `The ${options.what} path ${path} is a folder (huggingface_hub fails the same way, with IsADirectoryError).`,
        "Point HF_TOKEN_PATH (or the path option) at the file, not at its folder.",
      );
    }
    if (!stats.isFile()) {
      throw fail(
        "INVALID_CONFIGURATION",
        `The ${options.what} ${path} is not a regular file.`,
        "Replace it with a regular file (`hf auth login` writes one).",
      );
    }
    if (stats.size > options.maxBytes) {
      throw fail(
        "MALFORMED_SECRET",
        `The ${options.what} ${path} is ${stats.size} bytes, more than the ${options.maxBytes} bytes such a file can hold.`,
        "Check that the path points at the Hugging Face token file; log in again with `hf auth login`.",
      );
    }
    options.signal?.throwIfAborted();
    const bytes = await handle.readFile({ signal: options.signal });
    if (bytes.length > options.maxBytes) {
      throw fail(
        "MALFORMED_SECRET",
        `The ${options.what} ${path} grew past ${options.maxBytes} bytes while being read.`,
        "Check what writes to this file.",
      );
    }
    let text: string;
    try {
      text = FATAL_UTF8.decode(bytes);
    } catch {
      throw fail(
        "MALFORMED_SECRET",
        `The ${options.what} ${path} is not valid UTF-8 (huggingface_hub fails on it with UnicodeDecodeError).`,
        "Write the file again: `hf auth login` (or `hf auth switch`).",
      );
    }
    return { text: text.replace(/\r\n?/g, "\n"), stats };
  } catch (error) {
    if (SecretProviderError.isInstance(error) || (error as Error).name === "AbortError") throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EISDIR") {
      throw fail(
        "INVALID_CONFIGURATION",
        `The ${options.what} path ${path} is a folder.`,
        "Point the path at the file, not at its folder.",
        error,
      );
    }
    throw fail(
      "TRANSIENT",
      `The ${options.what} ${path} could not be read (${code ?? "unknown error"}).`,
      "Check the file system and try again.",
      error,
    );
  } finally {
    await handle.close().catch(() => undefined);
  }
}

function symlinkError(
  path: string,
  options: ReadSecretFileOptions,
  fail: (code: "INVALID_CONFIGURATION", message: string, fix: string) => SecretProviderError,
): SecretProviderError {
  return fail(
    "INVALID_CONFIGURATION",
    `The ${options.what} ${path} is a symlink, and symlinks are not followed (a link can point a secret read anywhere).`,
    `Replace the link with the file, or pass \`followSymlinks: true\` if the link is intended.`,
  );
}
