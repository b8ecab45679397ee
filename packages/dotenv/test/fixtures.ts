import { chmod, mkdtemp, realpath, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { set } from "@dotenvx/dotenvx";

/** A fresh folder under the system temp folder (outside any git work tree), and its removal. */
export async function makeTempDir(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await realpath(await mkdtemp(join(tmpdir(), "hf-secrets-dotenv-")));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Writes an env file with mode 0600 (the mode a secret file should have). */
export async function writeEnv(path: string, content: string | Uint8Array, mode = 0o600): Promise<void> {
  await writeFile(path, content, { mode });
  await chmod(path, mode);
}

/**
 * Encrypts `value` into `file` with the real dotenvx (`dotenvx set`), which also writes the private key to
 * `keysFile`. Returns nothing: read the files to see what it wrote.
 */
export async function dotenvxSet(file: string, key: string, value: string, keysFile: string): Promise<void> {
  // Local keys only (no Armor service, no OS keychain); `quiet` is read at run time but not in SetOptions' type.
  const options = {
    path: file,
    envKeysFile: keysFile,
    noArmor: true,
    noNative: true,
    noBitwarden: true,
    quiet: true,
  };
  await set(key, value, options);
  await chmod(file, 0o600);
  await chmod(keysFile, 0o600);
}
