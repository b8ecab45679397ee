import { inspect } from "node:util";
import {
  cached,
  type GetSecretOptions,
  SecretNotFoundError,
  type SecretProvider,
  type SecretProviderError,
  type SecretValue,
} from "@hf-secrets/core";
import { afterEach, describe, expect, it } from "vitest";

/** What a provider's test hands to the conformance suite: the provider and a way to write its backend. */
export interface ContractSubject {
  /** The provider under test, reading the backend that `seed` writes. */
  readonly provider: SecretProvider;
  /** Stores `value` under the logical name `name` in the real backend. */
  seed(name: string, value: string): Promise<void>;
  /** Changes an existing secret (a rotation); required by the `update` capability. */
  update?(name: string, value: string): Promise<void>;
  /** Called after each case (delete test secrets, stop watchers). */
  cleanup?(): Promise<void>;
}

/** Optional behaviours the provider supports; cases for missing capabilities are not registered. */
export interface ContractCapabilities {
  /** The backend can change a value (`subject.update`): forceRefresh and watch cases run. */
  readonly update?: boolean;
  /** The provider implements `watch`: a change is pushed within `watchTimeoutMs`. */
  readonly watch?: boolean;
  /** How long a pushed change may take; default 3 000 ms. */
  readonly watchTimeoutMs?: number;
  /** Expected `provider` field of values; default `subject.provider.name`. */
  readonly providerName?: string;
}

/** Makes a test token at run time (never a committed literal). */
export function makeTestToken(prefix = "hf_", length = 34): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  let out = prefix;
  for (let i = 0; i < length; i++) out += alphabet[Math.floor(Math.random() * alphabet.length)];
  return out;
}

/** Every form of a secret that must never appear in output: plain, base64, base64url and URL-encoded. */
export function secretForms(value: string): string[] {
  const buffer = Buffer.from(value, "utf8");
  return [
    ...new Set([value, buffer.toString("base64"), buffer.toString("base64url"), encodeURIComponent(value)]),
  ];
}

/** Everything an error can show: message, stack, causes, aggregated errors, `util.inspect` and JSON. */
export function errorText(error: unknown, seen = new Set<unknown>()): string {
  if (error === null || error === undefined || seen.has(error)) return "";
  seen.add(error);
  const parts = [inspect(error, { showHidden: true, depth: Number.POSITIVE_INFINITY }), safeJson(error)];
  if (typeof error === "object") {
    const record = error as { message?: unknown; stack?: unknown; cause?: unknown; errors?: unknown };
    parts.push(String(record.message ?? ""), String(record.stack ?? ""), errorText(record.cause, seen));
    if (Array.isArray(record.errors)) for (const inner of record.errors) parts.push(errorText(inner, seen));
  }
  return parts.join("\n");
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? "";
  } catch {
    return "";
  }
}

/** Fails the test when `text` contains `value` in any of its {@link secretForms}. */
export function expectNoSecret(text: string, value: string, where: string): void {
  for (const form of secretForms(value)) {
    if (text.includes(form)) throw new Error(`${where} contains the secret (or an encoding of it)`);
  }
}

let sequence = 0;
function uniqueName(base: string): string {
  sequence++;
  return `${base}_${Date.now().toString(36).toUpperCase()}_${sequence}`;
}

/**
 * Registers the hf-secrets provider conformance cases (Vitest): round trip, provenance, not-found → `tryNext`,
 * no value in any error or printed object, frozen values, abort, forceRefresh, single-flight through `cached()`,
 * watch, and idempotent dispose. A provider needs a few lines to run it:
 *
 * @example
 * describeSecretProviderContract("env", async () => {
 *   const env: Record<string, string> = {};
 *   return { provider: fromEnv({ env }), seed: async (name, value) => void (env[name] = value) };
 * }, { update: true });
 */
export function describeSecretProviderContract(
  label: string,
  factory: () => Promise<ContractSubject>,
  capabilities: ContractCapabilities = {},
): void {
  describe(`SecretProvider contract: ${label}`, () => {
    let current: ContractSubject | undefined;
    const setup = async () => {
      current = await factory();
      return current;
    };
    afterEach(async () => {
      await current?.cleanup?.();
      current = undefined;
    });

    it("returns the stored value as a Secret", async () => {
      const subject = await setup();
      const name = uniqueName("HF_TOKEN");
      const token = makeTestToken();
      await subject.seed(name, token);
      const result = await subject.provider.getSecret(name);
      expect(result.value.reveal()).toBe(token);
      expect(String(result.value)).not.toContain(token);
    });

    it("keeps different names apart", async () => {
      const subject = await setup();
      const first = uniqueName("FIRST");
      const second = uniqueName("SECOND");
      const a = makeTestToken();
      const b = makeTestToken();
      await subject.seed(first, a);
      await subject.seed(second, b);
      expect((await subject.provider.getSecret(first)).value.reveal()).toBe(a);
      expect((await subject.provider.getSecret(second)).value.reveal()).toBe(b);
    });

    it("reports provenance without the value, in a frozen object", async () => {
      const subject = await setup();
      const name = uniqueName("HF_TOKEN");
      const token = makeTestToken();
      await subject.seed(name, token);
      const before = Date.now();
      const result = await subject.provider.getSecret(name);
      expect(result.provider).toBe(capabilities.providerName ?? subject.provider.name);
      expect(typeof result.location).toBe("string");
      expect(result.location.length).toBeGreaterThan(0);
      expectNoSecret(result.location, token, "location");
      expect(Number.isFinite(result.fetchedAt)).toBe(true);
      expect(result.fetchedAt).toBeGreaterThan(before - 60_000);
      expect(Object.isFrozen(result)).toBe(true);
      const printed = `${inspect(result, { showHidden: true, depth: Number.POSITIVE_INFINITY })}\n${JSON.stringify(result)}\n${String(result.value)}`;
      expectNoSecret(printed, token, "util.inspect/JSON.stringify of the SecretValue");
    });

    it("throws a tryNext SecretNotFoundError for a missing name", async () => {
      const subject = await setup();
      const error = await subject.provider.getSecret(uniqueName("MISSING")).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(SecretNotFoundError.isInstance(error)).toBe(true);
      expect((error as SecretProviderError).tryNext).toBe(true);
      expect((error as SecretProviderError).code).toBe("NOT_FOUND");
      expect((error as SecretProviderError).message).toMatch(/^\[hf-secrets\] \[[\w-]+\] /);
    });

    it("never shows a stored value in an error", async () => {
      const subject = await setup();
      const name = uniqueName("HF_TOKEN");
      const token = makeTestToken();
      await subject.seed(name, token);
      await subject.provider.getSecret(name);
      const errors: unknown[] = [];
      await subject.provider.getSecret(uniqueName("MISSING")).catch((e: unknown) => errors.push(e));
      const aborted = new AbortController();
      aborted.abort();
      await subject.provider
        .getSecret(name, { signal: aborted.signal })
        .catch((e: unknown) => errors.push(e));
      expect(errors.length).toBe(2);
      for (const error of errors) expectNoSecret(errorText(error), token, "an error");
    });

    it("rejects when the signal is already aborted", async () => {
      const subject = await setup();
      const name = uniqueName("HF_TOKEN");
      await subject.seed(name, makeTestToken());
      const controller = new AbortController();
      controller.abort();
      await expect(subject.provider.getSecret(name, { signal: controller.signal })).rejects.toBeDefined();
    });

    it("shares one backend call among 100 concurrent cold gets through cached()", async () => {
      const subject = await setup();
      const name = uniqueName("HF_TOKEN");
      const token = makeTestToken();
      await subject.seed(name, token);
      let calls = 0;
      const counting: SecretProvider = {
        name: subject.provider.name,
        getSecret: (n: string, o?: GetSecretOptions) => {
          calls++;
          return subject.provider.getSecret(n, o);
        },
      };
      const cache = cached(counting, { watch: false });
      try {
        const results = await Promise.all(Array.from({ length: 100 }, () => cache.getSecret(name)));
        expect(calls).toBe(1);
        expect(new Set(results.map((r: SecretValue) => r.value.reveal()))).toEqual(new Set([token]));
      } finally {
        cache.invalidate();
      }
    });

    if (capabilities.update) {
      it("returns the new value after an update with forceRefresh, also through cached()", async () => {
        const subject = await setup();
        const name = uniqueName("HF_TOKEN");
        const first = makeTestToken();
        const second = makeTestToken();
        await subject.seed(name, first);
        const wrapped: SecretProvider = {
          name: subject.provider.name,
          getSecret: (n, o) => subject.provider.getSecret(n, o),
        };
        const cache = cached(wrapped, { watch: false, forceRefreshIntervalMs: 0 });
        expect((await cache.getSecret(name)).value.reveal()).toBe(first);
        await subject.update!(name, second);
        expect((await cache.getSecret(name)).value.reveal()).toBe(first);
        expect((await cache.getSecret(name, { forceRefresh: true })).value.reveal()).toBe(second);
        expect((await subject.provider.getSecret(name, { forceRefresh: true })).value.reveal()).toBe(second);
        cache.invalidate();
      });
    }

    if (capabilities.watch) {
      it("pushes a change through watch()", async () => {
        const subject = await setup();
        expect(typeof subject.provider.watch).toBe("function");
        const name = uniqueName("HF_TOKEN");
        await subject.seed(name, makeTestToken());
        await subject.provider.getSecret(name);
        const timeout = capabilities.watchTimeoutMs ?? 3_000;
        let stop: (() => void) | undefined;
        const changed = new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`no change pushed within ${timeout} ms`)), timeout);
          stop = subject.provider.watch!(name, () => {
            clearTimeout(timer);
            resolve();
          });
        });
        try {
          await subject.update!(name, makeTestToken());
          await changed;
        } finally {
          stop?.();
        }
      });
    }

    it("disposes idempotently", async () => {
      const subject = await setup();
      // Both calls must resolve (not throw), whether or not the provider has resources to release.
      await expect(Promise.resolve(subject.provider.dispose?.())).resolves.toBeUndefined();
      await expect(Promise.resolve(subject.provider.dispose?.())).resolves.toBeUndefined();
    });
  });
}
