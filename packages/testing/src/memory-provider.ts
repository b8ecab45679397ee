import {
  type Clock,
  createSecretValue,
  type GetSecretOptions,
  SecretNotFoundError,
  type SecretProvider,
  type SecretValue,
  systemClock,
} from "@hf-secrets/core";

/** Options of {@link createMemoryProvider}. */
export interface MemoryProviderOptions {
  /** Provider name; default `"memory"`. */
  readonly name?: string;
  /** Initial secrets: logical name → value. */
  readonly secrets?: Readonly<Record<string, string>>;
  /** Simulated backend latency, on `clock`. Default 0 (answers on the next microtask). */
  readonly latencyMs?: number;
  /** Clock for the latency; default the system clock. */
  readonly clock?: Clock;
  /** Backend expiry to report for every value, as ms after the read. */
  readonly expiresInMs?: number;
}

/** An in-memory provider that counts every backend call: the reference backend of unit tests and benchmarks. */
export interface MemoryProvider extends SecretProvider {
  /** Backend calls so far (all names). */
  readonly calls: number;
  /** Backend calls for one name. */
  callsFor(name: string): number;
  /** Sets or rotates a value; the version increments. */
  set(name: string, value: string): void;
  /** Removes a value: the next read is not found. */
  delete(name: string): void;
  /** Fires `watch` listeners for `name` (a simulated backend push). */
  notify(name: string): void;
  /** True once `dispose()` was called. */
  readonly disposed: boolean;
}

/**
 * Creates a {@link MemoryProvider}. Versions are `"1"`, `"2"`, ... per name; `location` is `memory:<name>`.
 *
 * @example
 * const backend = createMemoryProvider({ secrets: { HF_TOKEN: "hf_" + "A".repeat(34) } });
 * const provider = cached(backend);
 */
export function createMemoryProvider(options: MemoryProviderOptions = {}): MemoryProvider {
  const name = options.name ?? "memory";
  const clock = options.clock ?? systemClock;
  const values = new Map<string, { value: string; version: number }>();
  const callsByName = new Map<string, number>();
  const watchers = new Map<string, Set<() => void>>();
  let calls = 0;
  let disposed = false;
  for (const [key, value] of Object.entries(options.secrets ?? {})) values.set(key, { value, version: 1 });

  const read = (secretName: string): SecretValue => {
    const entry = values.get(secretName);
    if (!entry) {
      throw new SecretNotFoundError({
        provider: name,
        secretName,
        location: `${name}:${secretName}`,
        message: `"${secretName}" is not set in this memory provider.`,
        fix: `Call set("${secretName}", ...) first.`,
      });
    }
    const fetchedAt = clock.now();
    return createSecretValue({
      value: entry.value,
      provider: name,
      location: `${name}:${secretName}`,
      version: String(entry.version),
      fetchedAt,
      expiresAt: options.expiresInMs === undefined ? undefined : fetchedAt + options.expiresInMs,
    });
  };

  return {
    name,
    get calls() {
      return calls;
    },
    get disposed() {
      return disposed;
    },
    callsFor: (secretName) => callsByName.get(secretName) ?? 0,
    async getSecret(secretName: string, getOptions?: GetSecretOptions): Promise<SecretValue> {
      calls++;
      callsByName.set(secretName, (callsByName.get(secretName) ?? 0) + 1);
      getOptions?.signal?.throwIfAborted();
      if (options.latencyMs) {
        await new Promise<void>((resolve) => clock.setTimer(resolve, options.latencyMs!, { ref: true }));
      }
      return read(secretName);
    },
    describe: (secretName) => `${name}:${secretName}`,
    watch(secretName, onChange) {
      let set = watchers.get(secretName);
      if (!set) {
        set = new Set();
        watchers.set(secretName, set);
      }
      set.add(onChange);
      return () => set.delete(onChange);
    },
    set(secretName, value) {
      const previous = values.get(secretName);
      values.set(secretName, { value, version: (previous?.version ?? 0) + 1 });
    },
    delete(secretName) {
      values.delete(secretName);
    },
    notify(secretName) {
      for (const listener of watchers.get(secretName) ?? []) listener();
    },
    async dispose() {
      disposed = true;
      watchers.clear();
    },
  };
}
