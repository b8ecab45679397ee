import { chmod, mkdtemp, realpath, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A fresh folder under the system temp folder (real path: macOS /tmp is a symlink), and its removal. */
export async function makeTempDir(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await realpath(await mkdtemp(join(tmpdir(), "hf-secrets-hf-cli-")));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Writes a stored_tokens file the way huggingface_hub's `_save_token` does: sections sorted, `key = value`, blank line after each. */
export function storedTokensText(tokens: ReadonlyMap<string, string>): string {
  return [...tokens.keys()]
    .sort()
    .map((name) => `[${name}]\nhf_token = ${tokens.get(name)!.replace(/\n/g, "\n\t")}\n\n`)
    .join("");
}

/** Writes a secret file in place (O_TRUNC, like huggingface_hub's `_write_secret`) with mode 0600. */
export async function writeSecret(path: string, content: string | Uint8Array, mode = 0o600): Promise<void> {
  await writeFile(path, content, { mode });
  await chmod(path, mode);
}
