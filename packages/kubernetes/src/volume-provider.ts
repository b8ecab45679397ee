import { constants } from "node:fs";
import { readdir, readFile, readlink, stat } from "node:fs/promises";
import { basename, join, resolve } from "node:path";
import {
  cleanHfToken,
  createSecretValue,
  type GetSecretOptions,
  HF_TOKEN,
  SecretNotFoundError,
  type SecretProvider,
  SecretProviderError,
  type SecretValue,
  systemClock,
} from "@hf-secrets/core";
import { abortedError, throwIfAborted } from "./abort.js";
import { decodeUtf8Strict } from "./decode.js";
import { DATA_LINK, MountWatcher } from "./mount-watcher.js";
import type { KubernetesVolumeOptions } from "./options.js";
import { KUBERNETES_PROVIDER_NAME } from "./provider-name.js";
import { checkConfiguredKeys, resolveKey, volumeKeyProblem } from "./secret-keys.js";

const PROVIDER = KUBERNETES_PROVIDER_NAME;
const MAX_LISTED_KEYS = 30;
// A read can race kubelet's swap (..data renamed, old folder deleted between our readlink and our read).
const MAX_SWAP_RETRIES = 3;

interface MountedFile {
  readonly bytes: Buffer;
  /** The data folder `..data` pointed at (kubelet's `..<timestamp>.<random>`), without the leading dots. */
  readonly version: string | undefined;
}

/**
 * Volume mode of `fromKubernetesSecret`: reads `<mountPath>/<key>` of a Secret volume on every call, through
 * kubelet's `..data` link (`readlink` it, then read the key in the folder it names, so the value and its
 * version come from one snapshot), and watches the folder for kubelet's atomic updates.
 */
export function createVolumeProvider(options: KubernetesVolumeOptions): SecretProvider {
  if (typeof options.mountPath !== "string" || options.mountPath.length === 0) {
    throw new SecretProviderError({
      code: "INVALID_CONFIGURATION",
      provider: PROVIDER,
      message: 'Volume mode needs "mountPath": the folder where the Secret volume is mounted.',
      fix: 'Pass mountPath (the volumeMounts[].mountPath of the pod spec, e.g. "/var/run/secrets/hf"), or "name" for API mode.',
    });
  }
  checkConfiguredKeys(options, volumeKeyProblem);
  const mountPath = resolve(options.mountPath);
  const clock = options.clock ?? systemClock;
  let watcher: MountWatcher | undefined;
  let disposed = false;

  const fileOf = (key: string) => join(mountPath, key);
  const describe = (name: string) => `kubernetes-volume:${fileOf(resolveKey(name, options).key)}`;

  const notFound = (name: string, key: string, message: string, fix: string) =>
    new SecretNotFoundError({
      provider: PROVIDER,
      secretName: name,
      location: `kubernetes-volume:${fileOf(key)}`,
      message,
      fix,
    });

  async function diagnoseMissing(name: string, key: string): Promise<SecretProviderError> {
    const folder = await stat(mountPath).catch((error: NodeJS.ErrnoException) => error);
    if (folder instanceof Error) {
      if (folder.code === "ENOENT" || folder.code === "ENOTDIR") return missingMount(name, key);
      return fsError(name, key, folder);
    }
    if (!folder.isDirectory()) {
      return new SecretProviderError({
        code: "INVALID_CONFIGURATION",
        provider: PROVIDER,
        secretName: name,
        location: `kubernetes-volume:${mountPath}`,
        message: `mountPath ${mountPath} is a file, not the folder of a Secret volume.`,
        fix: `Set mountPath to the volume's mountPath (its folder; the key "${key}" is a file inside it). A subPath mount never updates: mount the whole volume instead.`,
      });
    }
    const keys = await listKeys(mountPath);
    const present =
      keys.length === 0
        ? "The mount is empty (an optional Secret that does not exist, or one without data)."
        : `Keys present: ${keys.slice(0, MAX_LISTED_KEYS).join(", ")}${keys.length > MAX_LISTED_KEYS ? `, ... (${keys.length} in all)` : ""}.`;
    return notFound(
      name,
      key,
      `The Secret mounted at ${mountPath} has no key "${key}". ${present}`,
      `Add the key "${key}" to the Secret (kubectl create secret generic ... --from-literal=${key}=...), or set ${name === HF_TOKEN ? '"key"' : `"keys.${name}"`} to one of the keys present.`,
    );
  }

  function missingMount(name: string, key: string): SecretProviderError {
    const message = `Nothing is mounted at ${mountPath}: the folder does not exist.`;
    if (options.optional) {
      return notFound(
        name,
        key,
        message,
        "Mount the Secret volume there, or leave it absent where this source is not used (optional: true).",
      );
    }
    return new SecretProviderError({
      code: "INVALID_CONFIGURATION",
      provider: PROVIDER,
      secretName: name,
      location: `kubernetes-volume:${fileOf(key)}`,
      message: `${message} In a pod this is a pod-spec error, so the chain stops here.`,
      fix: `Add a secret volume and a volumeMount with mountPath: ${mountPath} to the container, or correct mountPath. Where the mount is legitimately absent (a laptop running the same chain), set optional: true so the chain moves on.`,
    });
  }

  function fsError(name: string, key: string, error: NodeJS.ErrnoException): SecretProviderError {
    const location = `kubernetes-volume:${fileOf(key)}`;
    if (error.code === "EACCES" || error.code === "EPERM") {
      return new SecretProviderError({
        code: "ACCESS_DENIED",
        provider: PROVIDER,
        secretName: name,
        location,
        message: `This process may not read ${fileOf(key)} (${error.code}).`,
        fix: "Give the container's user read access: the volume's defaultMode (e.g. 0440) with a matching securityContext.fsGroup, or run as the files' owner.",
        cause: error,
      });
    }
    if (error.code === "EISDIR") {
      return new SecretProviderError({
        code: "INVALID_CONFIGURATION",
        provider: PROVIDER,
        secretName: name,
        location,
        message: `${fileOf(key)} is a folder, not a key of the Secret.`,
        fix: "Point the key at a file inside the mount (a volume's items[].path may contain folders).",
      });
    }
    return new SecretProviderError({
      code: "TRANSIENT",
      provider: PROVIDER,
      secretName: name,
      location,
      message: `Reading ${fileOf(key)} failed (${error.code ?? error.name}).`,
      fix: "Check the node's volume (kubelet logs); the read is retried.",
      cause: error,
    });
  }

  function outsideMount(name: string, key: string, problem: string): SecretProviderError {
    return new SecretProviderError({
      code: "INVALID_CONFIGURATION",
      provider: PROVIDER,
      secretName: name,
      location: `kubernetes-volume:${fileOf(key)}`,
      message: `Refusing to read "${key}" at ${mountPath}: ${problem}; kubelet never lays a Secret volume out this way.`,
      fix: `Check what wrote to ${mountPath}: mount the Secret volume there (kubelet manages its links), or point mountPath at the volume.`,
    });
  }

  async function readMounted(
    name: string,
    key: string,
    signal: AbortSignal | undefined,
  ): Promise<MountedFile> {
    for (let attempt = 0; ; attempt++) {
      const target = await readlink(join(mountPath, DATA_LINK)).catch(() => undefined);
      // kubelet's ..data names a folder beside it ("..2026_01_28_10_11_12.123456789"), whose files are regular
      // files: a link that leaves the mount, or a key file that is itself a link, is not kubelet's doing.
      if (target !== undefined && (target.includes("/") || !target.startsWith(".."))) {
        throw outsideMount(name, key, `..data points to ${JSON.stringify(target)}, outside the mount`);
      }
      const folder = target === undefined ? mountPath : resolve(mountPath, target);
      try {
        // O_NOFOLLOW inside kubelet's data folder: ELOOP when the key's file is a symlink.
        const flag = target === undefined ? "r" : constants.O_RDONLY | constants.O_NOFOLLOW;
        const bytes = await readFile(join(folder, key), { flag, ...(signal ? { signal } : {}) });
        return { bytes, version: target === undefined ? undefined : basename(target).replace(/^\.+/, "") };
      } catch (thrown) {
        if (signal?.aborted) throw abortedError(signal, name);
        const error = thrown as NodeJS.ErrnoException;
        if (error.code === "ELOOP")
          throw outsideMount(name, key, `the file of "${key}" in ${target} is a symlink`);
        if (error.code !== "ENOENT" && error.code !== "ENOTDIR") throw fsError(name, key, error);
        if (target !== undefined && attempt < MAX_SWAP_RETRIES) {
          const now = await readlink(join(mountPath, DATA_LINK)).catch(() => undefined);
          if (now !== target) continue;
        }
        throw await diagnoseMissing(name, key);
      }
    }
  }

  return {
    name: PROVIDER,
    describe,
    async getSecret(name: string, getOptions?: GetSecretOptions): Promise<SecretValue> {
      throwIfAborted(getOptions?.signal, name);
      // Configured keys were checked at construction; a logical name used as a key is checked here.
      const { key } = resolveKey(name, options);
      const problem = volumeKeyProblem(key);
      if (problem !== undefined) {
        throw notFound(
          name,
          key,
          `"${name}" cannot be a key of a Secret volume: it ${problem}.`,
          `Map it to a key with "keys": { "${name}": "..." }.`,
        );
      }
      const file = await readMounted(name, key, getOptions?.signal);
      const location = `kubernetes-volume:${fileOf(key)}`;
      const text = decodeUtf8Strict(file.bytes);
      if (text === undefined) {
        throw new SecretProviderError({
          code: "MALFORMED_SECRET",
          provider: PROVIDER,
          secretName: name,
          location,
          message: `The key "${key}" of the Secret mounted at ${mountPath} is not valid UTF-8 text (${file.bytes.length} bytes).`,
          fix: `Store "${key}" as UTF-8 text (kubectl create secret generic ... --from-literal=${key}=...).`,
        });
      }
      // A token file made with `--from-file` or an editor often ends with a newline: clean like huggingface_hub.
      const value = name === HF_TOKEN ? cleanHfToken(text) : text;
      if (value === undefined) {
        throw notFound(
          name,
          key,
          `The key "${key}" of the Secret mounted at ${mountPath} holds only whitespace or line breaks, which means "no token".`,
          `Put the token in "${key}", or remove the key so the next source is used.`,
        );
      }
      return createSecretValue({ value, provider: PROVIDER, location, version: file.version });
    },
    ...(options.watch === false
      ? {}
      : {
          watch(name: string, onChange: () => void): () => void {
            if (disposed) return () => {};
            watcher ??= new MountWatcher({
              mountPath,
              clock,
              debounceMs: options.watchDebounceMs ?? 100,
              retryMs: options.watchRetryMs ?? 5_000,
            });
            const { key } = resolveKey(name, options);
            return watcher.subscribe(key.split("/")[0] ?? key, onChange);
          },
        }),
    async dispose(): Promise<void> {
      disposed = true;
      watcher?.close();
    },
  };
}

/**
 * The Secret's keys in a mount: the entries of the current data folder (during kubelet's update the top-level
 * links may still name a removed key), else of the folder itself; never kubelet's own `..` entries.
 */
async function listKeys(mountPath: string): Promise<string[]> {
  const entries = await readdir(join(mountPath, DATA_LINK))
    .catch(() => readdir(mountPath))
    .catch(() => [] as string[]);
  return entries.filter((entry) => !entry.startsWith("..")).sort();
}
