import { HF_TOKEN, SecretProviderError } from "@hf-secrets/core";
import type { KubernetesCommonOptions } from "./options.js";
import { KUBERNETES_PROVIDER_NAME } from "./provider-name.js";

/** Which key holds a logical name, and whether the options chose it (a bad chosen key is a config error). */
export interface ResolvedKey {
  readonly key: string;
  readonly configured: boolean;
}

/** `HF_TOKEN` → `options.key`; a name in `options.keys` → its key; anything else → the key of the same name. */
export function resolveKey(name: string, options: KubernetesCommonOptions): ResolvedKey {
  if (name === HF_TOKEN && options.key !== undefined) return { key: options.key, configured: true };
  const mapped = options.keys && Object.hasOwn(options.keys, name) ? options.keys[name] : undefined;
  return mapped === undefined ? { key: name, configured: false } : { key: mapped, configured: true };
}

const MAX_KEY_LENGTH = 253;
// The API's rule for Secret data keys (IsConfigMapKey): letters, digits, '-', '_', '.'.
const API_KEY = /^[-._a-zA-Z0-9]+$/;

/** Why `key` cannot be a Secret data key, or `undefined` when it can. */
export function apiKeyProblem(key: string): string | undefined {
  if (key.length === 0) return "is empty";
  if (key.length > MAX_KEY_LENGTH) return `is longer than ${MAX_KEY_LENGTH} characters`;
  if (key === "." || key === "..") return `cannot be "${key}"`;
  if (!API_KEY.test(key)) return "may contain only letters, digits, '-', '_' and '.'";
  return undefined;
}

/**
 * Why `key` cannot be a file of a Secret volume, or `undefined` when it can. A key may be a relative path (a
 * volume's `items[].path`), but never absolute, never with a `..` element, never starting with `..` (kubelet's
 * own entries).
 */
export function volumeKeyProblem(key: string): string | undefined {
  if (key.length === 0) return "is empty";
  if (key.length > 4096) return "is too long";
  if (key.includes("\0")) return "contains a NUL character";
  if (key.startsWith("/")) return "is an absolute path (it must be relative to mountPath)";
  if (key.startsWith("..")) return "starts with '..' (kubelet's own entries do)";
  const parts = key.split("/");
  if (parts.some((part) => part === "" || part === "." || part === "..")) {
    return "has an empty, '.' or '..' path element";
  }
  return undefined;
}

/** Checks the keys the options choose, so a typo fails at construction, not at the first read. */
export function checkConfiguredKeys(
  options: KubernetesCommonOptions,
  problemOf: (key: string) => string | undefined,
): void {
  const chosen: [string, unknown][] = [];
  if (options.key !== undefined) chosen.push(["key", options.key]);
  for (const [name, key] of Object.entries(options.keys ?? {})) chosen.push([`keys.${name}`, key]);
  for (const [option, key] of chosen) {
    const problem = typeof key === "string" ? problemOf(key) : "is not a string";
    if (problem !== undefined) {
      throw new SecretProviderError({
        code: "INVALID_CONFIGURATION",
        provider: KUBERNETES_PROVIDER_NAME,
        message: `The option "${option}" (${JSON.stringify(String(key)).slice(0, 80)}) ${problem}.`,
        fix: `Set "${option}" to the key of the Secret's data (e.g. "HF_TOKEN").`,
      });
    }
  }
}
