import type { InferenceClient } from "@huggingface/inference";
import { type HfClientOptions, HfSecrets, type HfSecretsOptions } from "./hf-secrets.js";

/** Options of {@link getHfClient}: where the token comes from, plus the client's own options. */
export type GetHfClientOptions = HfSecretsOptions & HfClientOptions;

const byKey = new Map<string, HfSecrets>();
const objectIds = new WeakMap<object, number>();
let nextObjectId = 1;

function idOf(value: object): number {
  let id = objectIds.get(value);
  if (id === undefined) {
    id = nextObjectId++;
    objectIds.set(value, id);
  }
  return id;
}

// Plain data (policy, config, cache numbers) counts by value, so inline literals share an instance; functions and
// class instances (providers, fetch, clocks, listeners, process.env) count by identity.
function keyOf(value: unknown): string {
  return JSON.stringify(value ?? null, (_key, field: unknown) => {
    if (typeof field === "function") return `#fn${idOf(field)}`;
    if (field !== null && typeof field === "object" && !Array.isArray(field)) {
      const proto = Object.getPrototypeOf(field);
      if (proto !== Object.prototype && proto !== null) return `#obj${idOf(field)}`;
      if (field === process.env) return "#process.env";
    }
    return field;
  });
}

let noOptions: { readonly cwd: string; readonly instance: HfSecrets } | undefined;

// Calls with the same sources share one instance: one cache, one whoami per token.
function shared(options: HfSecretsOptions): HfSecrets {
  // The common call, `getHfToken()` with no options, skips building the key.
  let empty = true;
  for (const _ in options) {
    empty = false;
    break;
  }
  if (empty) {
    const cwd = process.cwd();
    if (noOptions?.cwd === cwd && byKey.size > 0) return noOptions.instance;
  }
  const { provider, env, ...data } = options;
  const key = `${keyOf(data)}|${provider ? idOf(provider) : 0}|${env ? keyOf(idOf(env)) : 0}|${options.cwd ?? process.cwd()}`;
  let instance = byKey.get(key);
  if (!instance) {
    instance = new HfSecrets(options);
    byKey.set(key, instance);
  }
  if (empty) noOptions = { cwd: options.cwd ?? process.cwd(), instance };
  return instance;
}

/**
 * Returns an authenticated `InferenceClient` from `@huggingface/inference`: the token comes from the selected
 * environment's chain (env → `.env` → CLI login by default; see the config guide), is cached with refresh-ahead,
 * and is injected into every request, so rotations need no restart. Calls with the same options share one
 * cache. With `verify: true` the token is checked with `whoami-v2` (once per token) and the role policy applied
 * before the client is returned.
 *
 * @example
 * import { getHfClient } from "@hf-secrets/client";
 * const client = await getHfClient();
 * const out = await client.chatCompletion({ model: "meta-llama/Llama-3.1-8B-Instruct", messages: [{ role: "user", content: "Hello" }] });
 */
export function getHfClient(options: GetHfClientOptions = {}): Promise<InferenceClient> {
  const { endpointUrl, inference, ...sources } = options;
  return shared(sources).getHfClient({ verify: options.verify, endpointUrl, inference });
}

/**
 * Returns the raw token string, for another library that needs it (prefer {@link getHfClient}: a string can
 * end up in a log). Shares the same cache as `getHfClient()`.
 */
export function getHfToken(options: HfSecretsOptions & { forceRefresh?: boolean } = {}): Promise<string> {
  const { forceRefresh, ...sources } = options;
  return shared(sources).getHfToken({ verify: options.verify, forceRefresh });
}

/** The shared instance `getHfClient(options)` uses, for its events, provenance or `whoami()`. */
export function getHfSecrets(options: HfSecretsOptions = {}): HfSecrets {
  return shared(options);
}

/** Disposes every shared instance (tests, graceful shutdown). Later calls create fresh ones. */
export async function disposeHfSecrets(): Promise<void> {
  const instances = [...byKey.values()];
  byKey.clear();
  noOptions = undefined;
  await Promise.all(instances.map((instance) => instance.dispose()));
}
