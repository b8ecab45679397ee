import { cached, type SecretProvider, type SecretProviderError } from "@hf-secrets/core";
import { createFakeClock, type FakeClock, makeTestToken } from "@hf-secrets/testing";
import { afterEach, describe, expect, it } from "vitest";
import { fromKubernetesSecret, type KubernetesApiOptions } from "../src/index.js";
import { apiException, FakeCluster } from "./fake-cluster.js";

const NS = "team-a";
const SECRET = "hf-token";
const PATH = `/api/v1/namespaces/${NS}/secrets`;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Setup {
  cluster: FakeCluster;
  clock: FakeClock;
  provider: SecretProvider;
  errors: SecretProviderError[];
  changes: () => number;
  stop: () => void;
}

/** A provider with `watch: true` over a fake API server, read once, then watched. */
async function watched(options: Partial<KubernetesApiOptions> = {}, readFirst = true): Promise<Setup> {
  const cluster = new FakeCluster();
  cluster.put(NS, SECRET, { HF_TOKEN: makeTestToken() });
  const clock = createFakeClock();
  const errors: SecretProviderError[] = [];
  const provider = fromKubernetesSecret({
    name: SECRET,
    namespace: NS,
    watch: true,
    coreV1Api: cluster.coreV1Api,
    watchApi: cluster.watchApi,
    clock,
    random: () => 0.5,
    watchBackoff: { baseDelayMs: 1_000, maxDelayMs: 8_000 },
    watchTimeoutSeconds: 300,
    onWatchError: (error) => errors.push(error),
    ...options,
  } as KubernetesApiOptions);
  cleanups.push(async () => provider.dispose?.());
  if (readFirst) await provider.getSecret("HF_TOKEN");
  let count = 0;
  const stop = provider.watch!("HF_TOKEN", () => count++);
  await clock.flush();
  return { cluster, clock, provider, errors, changes: () => count, stop };
}

describe("API mode: one watch on the Secret", () => {
  it("watches that one Secret from the resourceVersion just read, without another GET", async () => {
    const { cluster } = await watched();
    expect(cluster.gets).toHaveLength(1);
    expect(cluster.openWatches).toHaveLength(1);
    const [watch] = cluster.openWatches;
    expect(watch!.path).toBe(PATH);
    expect(watch!.query).toEqual({
      fieldSelector: `metadata.name=${SECRET}`,
      allowWatchBookmarks: true,
      timeoutSeconds: 300,
      resourceVersion: "101",
    });
  });

  it("calls onChange on MODIFIED, DELETED and ADDED, not on BOOKMARK", async () => {
    const { cluster, changes } = await watched();
    cluster.put(NS, SECRET, { HF_TOKEN: makeTestToken() });
    expect(changes()).toBe(1);
    cluster.bookmark();
    expect(changes()).toBe(1);
    cluster.delete(NS, SECRET);
    expect(changes()).toBe(2);
    cluster.put(NS, SECRET, { HF_TOKEN: makeTestToken() });
    expect(changes()).toBe(3);
    cluster.put(NS, "another-secret", { HF_TOKEN: makeTestToken() });
    expect(changes()).toBe(3);
  });

  it("shares one watch between every watched name, and closes it when the last one stops", async () => {
    const { cluster, provider, stop, changes } = await watched();
    let other = 0;
    const stopOther = provider.watch!("OTHER", () => other++);
    expect(cluster.openWatches).toHaveLength(1);
    cluster.put(NS, SECRET, { HF_TOKEN: makeTestToken(), OTHER: "x" });
    expect([changes(), other]).toEqual([1, 1]);
    stop();
    expect(cluster.openWatches).toHaveLength(1);
    stopOther();
    expect(cluster.openWatches).toHaveLength(0);
  });

  it("GETs first when nothing was read yet, then watches from that resourceVersion", async () => {
    const { cluster } = await watched({}, false);
    expect(cluster.gets).toHaveLength(1);
    expect(cluster.openWatches[0]!.query.resourceVersion).toBe("101");
  });

  it("resumes at once from the last resourceVersion when the server ends the watch normally", async () => {
    const { cluster, clock, changes } = await watched();
    const bookmarkRv = (() => {
      cluster.put(NS, SECRET, { HF_TOKEN: makeTestToken() });
      return cluster.bookmark();
    })();
    await clock.advance(10_000);
    cluster.openWatches[0]!.end();
    await clock.flush();
    expect(cluster.openWatches).toHaveLength(1);
    expect(cluster.openWatches[0]!.query.resourceVersion).toBe(bookmarkRv);
    expect(changes()).toBe(1);
    expect(cluster.gets).toHaveLength(1);
  });

  it("relists on 410 Gone (an ERROR event), and calls onChange when the Secret changed meanwhile", async () => {
    const { cluster, clock, changes } = await watched();
    const watch = cluster.openWatches[0]!;
    watch.end(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }));
    // While disconnected: the Secret changes and history is compacted.
    const rv = cluster.put(NS, SECRET, { HF_TOKEN: makeTestToken() });
    cluster.compact();
    await clock.advance(1_000);
    // The resumed watch got 410 Gone; the provider GETs again (reporting the change once) and watches from "now":
    // the Secret's own resourceVersion can be older than the server's window (after an API server restart).
    expect(cluster.gets).toHaveLength(2);
    expect(changes()).toBe(1);
    expect(cluster.openWatches).toHaveLength(1);
    expect(cluster.openWatches[0]!.query.resourceVersion).toBeUndefined();
    expect(rv).toBeDefined();
  });

  it("relists on a 410 status too, without onChange when nothing changed", async () => {
    const { cluster, clock, changes } = await watched();
    cluster.openWatches[0]!.end(Object.assign(new Error("Gone"), { statusCode: 410 }));
    await clock.flush();
    expect(cluster.gets).toHaveLength(2);
    expect(changes()).toBe(0);
    expect(cluster.openWatches).toHaveLength(1);
  });

  it("retries failures with full-jitter exponential backoff, reports them, and replays what it missed", async () => {
    const { cluster, clock, changes, errors } = await watched();
    const refused = () =>
      Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:6443"), { code: "ECONNREFUSED" });
    cluster.watchFailures.push(refused(), refused(), refused());
    cluster.openWatches[0]!.end(refused());
    cluster.put(NS, SECRET, { HF_TOKEN: makeTestToken() });
    // random() = 0.5: delays are half of min(cap, base·2^n): 500, 1000, 2000, 4000 ms.
    const attemptsAt: number[] = [];
    for (const delay of [500, 1_000, 2_000, 4_000]) {
      const before = cluster.watches.length;
      await clock.advance(delay - 1);
      expect(cluster.watches.length).toBe(before);
      await clock.advance(1);
      expect(cluster.watches.length).toBe(before + 1);
      attemptsAt.push(delay);
    }
    expect(attemptsAt).toHaveLength(4);
    expect(errors.map((e) => e.code)).toEqual(["TRANSIENT", "TRANSIENT", "TRANSIENT", "TRANSIENT"]);
    expect(errors[0]!.message).toContain(`(ECONNREFUSED)`);
    // The fourth attempt succeeded from the old resourceVersion: the missed MODIFIED was replayed.
    expect(changes()).toBe(1);
    expect(cluster.openWatches).toHaveLength(1);
  });

  it("caps the backoff, and a 403 on the watch names the missing verb", async () => {
    const { cluster, clock, errors } = await watched();
    for (let i = 0; i < 6; i++) cluster.watchFailures.push(apiException(403, "forbidden"));
    cluster.openWatches[0]!.end(Object.assign(new Error("Forbidden"), { statusCode: 403 }));
    const before = cluster.watches.length;
    await clock.advance(500 + 1_000 + 2_000 + 4_000 + 4_000 + 4_000);
    expect(cluster.watches.length - before).toBe(6);
    expect(errors[0]!.code).toBe("ACCESS_DENIED");
    expect(errors[0]!.detail).toContain(`may not "watch" the Secret "${SECRET}" in namespace "${NS}"`);
    expect(errors[0]!.fix).toContain('verbs: ["get", "watch"]');
  });

  it("restarts a watch that ends immediately with backoff, not in a tight loop", async () => {
    const { cluster, clock } = await watched();
    cluster.openWatches[0]!.end();
    await clock.flush();
    expect(cluster.openWatches).toHaveLength(0);
    await clock.advance(500);
    expect(cluster.openWatches).toHaveLength(1);
  });

  it("drops a connection that stays silent past timeoutSeconds + 30 s and resumes", async () => {
    const { cluster, clock } = await watched({ watchTimeoutSeconds: 60 });
    const first = cluster.openWatches[0]!;
    await clock.advance(89_999);
    expect(first.closed).toBe(false);
    await clock.advance(1);
    expect(first.closed).toBe(true);
    expect(cluster.openWatches).toHaveLength(1);
  });

  it("an ERROR event other than 410 backs off and resumes", async () => {
    const { cluster, clock, errors } = await watched();
    cluster.openWatches[0]!.callback("ERROR", { kind: "Status", code: 500, message: "internal error" });
    expect(cluster.openWatches).toHaveLength(0);
    await clock.advance(500);
    expect(cluster.openWatches).toHaveLength(1);
    expect(errors.map((e) => e.code)).toEqual(["TRANSIENT"]);
  });

  it("dispose stops the loop and leaves no timer behind", async () => {
    const { cluster, clock, provider } = await watched();
    cluster.openWatches[0]!.end(Object.assign(new Error("reset"), { code: "ECONNRESET" }));
    expect(clock.pendingTimers()).toBeGreaterThan(0);
    await provider.dispose?.();
    expect(clock.pendingTimers()).toBe(0);
    await clock.advance(60_000);
    expect(cluster.openWatches).toHaveLength(0);
  });

  it("has no watch() unless watch: true", () => {
    expect(
      fromKubernetesSecret({ name: SECRET, coreV1Api: new FakeCluster().coreV1Api }).watch,
    ).toBeUndefined();
  });

  it("through cached(): a change pushed by the watch refreshes the value without waiting for the TTL", async () => {
    const cluster = new FakeCluster();
    const first = makeTestToken();
    const second = makeTestToken();
    cluster.put(NS, SECRET, { HF_TOKEN: first });
    const provider = fromKubernetesSecret({
      name: SECRET,
      namespace: NS,
      watch: true,
      coreV1Api: cluster.coreV1Api,
      watchApi: cluster.watchApi,
    });
    const cache = cached(provider, { ttlMs: 3_600_000 });
    cleanups.push(() => cache.dispose());
    expect((await cache.getSecret("HF_TOKEN")).value.reveal()).toBe(first);
    const rotated = new Promise<void>((resolve) => cache.events.on("rotated", () => resolve()));
    await new Promise<void>((resolve) => setImmediate(resolve));
    cluster.put(NS, SECRET, { HF_TOKEN: second });
    await rotated;
    expect((await cache.getSecret("HF_TOKEN")).value.reveal()).toBe(second);
    expect(cluster.gets).toHaveLength(2);
  });
});
