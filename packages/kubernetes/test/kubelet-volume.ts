import { lstat, mkdir, mkdtemp, readdir, readlink, rename, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";

/** Where kubelet's update is, for tests that look at a volume between two steps. */
export type KubeletStep = "data-written" | "data-renamed" | "links-created" | "links-removed" | "old-removed";

/** The values of a Secret volume: key (a relative path) → content. */
export type Payload = Readonly<Record<string, string | Uint8Array>>;

/**
 * A Secret volume laid out exactly as kubelet's AtomicWriter (pkg/volume/util/atomic_writer.go) does:
 *
 * ```
 * <dir>/..2026_01_28_10_11_12.123456789/HF_TOKEN   real files, one folder per version
 * <dir>/..data -> ..2026_01_28_10_11_12.123456789  relative symlink to the current version
 * <dir>/HF_TOKEN -> ..data/HF_TOKEN                one link per top-level entry
 * ```
 *
 * `write()` replays its update: (1) write the payload into a new timestamped folder, (2) symlink `..data_tmp`
 * to it, (3) rename `..data_tmp` over `..data` (atomic), (4) create the links of new top-level entries,
 * (5) remove the links of entries that are gone, (6) remove the old folder. `onStep` runs after each step.
 */
export class KubeletVolume {
  readonly dir: string;
  #root: string | undefined;

  private constructor(dir: string, root: string | undefined) {
    this.dir = dir;
    this.#root = root;
  }

  /** Creates a volume in a new temp folder (or at `dir`) with a first payload. */
  static async create(payload: Payload, dir?: string): Promise<KubeletVolume> {
    let root: string | undefined;
    if (dir === undefined) {
      root = await mkdtemp(join(tmpdir(), "hf-secrets-k8s-"));
      dir = join(root, "mount");
    }
    await mkdir(dir, { recursive: true });
    const volume = new KubeletVolume(dir, root);
    await volume.write(payload);
    return volume;
  }

  /** The current data folder's name (`..<timestamp>.<random>`), or undefined before the first write. */
  async current(): Promise<string | undefined> {
    return readlink(join(this.dir, "..data")).catch(() => undefined);
  }

  /** Replays kubelet's update to `payload`, calling `onStep` after each step. */
  async write(payload: Payload, onStep?: (step: KubeletStep) => Promise<void> | void): Promise<void> {
    const oldData = await this.current();
    const oldPaths = oldData ? await topLevelEntries(join(this.dir, oldData)) : new Set<string>();

    // (1) ..<UTC timestamp>.<random>, as Go's time.Format("..2006_01_02_15_04_05.") + os.MkdirTemp.
    const stamp = new Date()
      .toISOString()
      .replace(/[-T:]/g, "_")
      .replace(/\.\d+Z$/, "");
    const tsDir = await mkdtemp(join(this.dir, `..${stamp}.`));
    for (const [key, value] of Object.entries(payload)) {
      await mkdir(dirname(join(tsDir, key)), { recursive: true });
      await writeFile(join(tsDir, key), value, { mode: 0o644 });
    }
    await onStep?.("data-written");

    // (2) + (3) ..data_tmp -> new folder, renamed over ..data.
    const tmpLink = join(this.dir, "..data_tmp");
    await symlink(basename(tsDir), tmpLink);
    await rename(tmpLink, join(this.dir, "..data"));
    await onStep?.("data-renamed");

    // (4) links for top-level entries that do not exist yet.
    const newPaths = new Set(Object.keys(payload).map((key) => key.split("/")[0]!));
    for (const entry of newPaths) {
      const link = join(this.dir, entry);
      const exists = await lstat(link).then(
        () => true,
        () => false,
      );
      if (!exists) await symlink(join("..data", entry), link);
    }
    await onStep?.("links-created");

    // (5) links of entries that are gone.
    for (const entry of oldPaths) {
      if (!newPaths.has(entry)) await rm(join(this.dir, entry), { force: true });
    }
    await onStep?.("links-removed");

    // (6) the old data folder.
    if (oldData) await rm(join(this.dir, oldData), { recursive: true, force: true });
    await onStep?.("old-removed");
  }

  /** Removes the temp folder (when this helper made it). */
  async remove(): Promise<void> {
    await rm(this.#root ?? this.dir, { recursive: true, force: true });
  }
}

async function topLevelEntries(folder: string): Promise<Set<string>> {
  return new Set(await readdir(folder).catch(() => [] as string[]));
}
