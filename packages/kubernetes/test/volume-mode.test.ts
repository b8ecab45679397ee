import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cached, SecretNotFoundError, type SecretProvider, SecretProviderError } from "@hf-secrets/core";
import {
  createFakeClock,
  describeSecretProviderContract,
  errorText,
  expectNoSecret,
  makeTestToken,
} from "@hf-secrets/testing";
import { afterEach, describe, expect, it } from "vitest";
import { fromKubernetesSecret } from "../src/index.js";
import { type KubeletStep, KubeletVolume, type Payload } from "./kubelet-volume.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function volume(payload: Payload): Promise<KubeletVolume> {
  const created = await KubeletVolume.create(payload);
  cleanups.push(() => created.remove());
  return created;
}

function track<T extends SecretProvider>(provider: T): T {
  cleanups.push(async () => provider.dispose?.());
  return provider;
}

async function failure(promise: Promise<unknown>): Promise<SecretProviderError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!SecretProviderError.isInstance(error))
    throw new Error(`expected a SecretProviderError, got ${String(error)}`);
  return error;
}

/** Resolves when `count()` reaches `target`, polling on the event loop (no timer, no sleep). */
async function until(condition: () => boolean, what: string, maxTurns = 200_000): Promise<void> {
  for (let turn = 0; turn < maxTurns; turn++) {
    if (condition()) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  throw new Error(`gave up waiting for ${what}`);
}

describeSecretProviderContract(
  "kubernetes (volume mode, kubelet's layout)",
  async () => {
    const payload: Record<string, string> = {};
    const mounted = await KubeletVolume.create({});
    const provider = fromKubernetesSecret({ mountPath: mounted.dir });
    return {
      provider,
      seed: async (name, value) => {
        payload[name] = value;
        await mounted.write({ ...payload });
      },
      update: async (name, value) => {
        payload[name] = value;
        await mounted.write({ ...payload });
      },
      cleanup: async () => {
        await provider.dispose?.();
        await mounted.remove();
      },
    };
  },
  { update: true, watch: true, watchTimeoutMs: 3_000 },
);

describe("volume mode: reading through kubelet's ..data link", () => {
  it("reads the value, with the data folder as version and the file as location", async () => {
    const token = makeTestToken();
    const mounted = await volume({ HF_TOKEN: token, OTHER: "x" });
    const provider = track(fromKubernetesSecret({ mountPath: mounted.dir }));
    const result = await provider.getSecret("HF_TOKEN");
    expect(result.value.reveal()).toBe(token);
    expect(result.provider).toBe("kubernetes");
    expect(result.location).toBe(`kubernetes-volume:${join(mounted.dir, "HF_TOKEN")}`);
    expect(`..${result.version}`).toBe(await mounted.current());
  });

  it("sees every step of kubelet's update consistently: old value before the rename, new value after", async () => {
    const first = makeTestToken();
    const second = makeTestToken();
    const mounted = await volume({ HF_TOKEN: first });
    const provider = track(fromKubernetesSecret({ mountPath: mounted.dir, watch: false }));
    const oldVersion = (await provider.getSecret("HF_TOKEN")).version;
    const seen: [KubeletStep, string, string | undefined][] = [];
    await mounted.write({ HF_TOKEN: second }, async (step) => {
      const value = await provider.getSecret("HF_TOKEN");
      seen.push([step, value.value.reveal(), value.version]);
    });
    expect(
      seen.map(([step, value]) => [step, value === first ? "old" : value === second ? "new" : "?"]),
    ).toEqual([
      ["data-written", "old"],
      ["data-renamed", "new"],
      ["links-created", "new"],
      ["links-removed", "new"],
      ["old-removed", "new"],
    ]);
    expect(seen[0]![2]).toBe(oldVersion);
    const newVersion = (await mounted.current())!.slice(2);
    expect(seen.slice(1).every(([, , version]) => version === newVersion)).toBe(true);
    expect(newVersion).not.toBe(oldVersion);
  });

  it("finds a key that appears as soon as ..data is renamed, before kubelet links it at the top level", async () => {
    const token = makeTestToken();
    const mounted = await volume({ OTHER: "x" });
    const provider = track(fromKubernetesSecret({ mountPath: mounted.dir, watch: false }));
    const before = await failure(provider.getSecret("HF_TOKEN"));
    expect(SecretNotFoundError.isInstance(before)).toBe(true);
    let checked = false;
    await mounted.write({ OTHER: "x", HF_TOKEN: token }, async (step) => {
      if (step !== "data-renamed") return;
      // The top-level link does not exist yet: a plain read of <mount>/HF_TOKEN fails here.
      await expect(readFile(join(mounted.dir, "HF_TOKEN"))).rejects.toMatchObject({ code: "ENOENT" });
      expect((await provider.getSecret("HF_TOKEN")).value.reveal()).toBe(token);
      checked = true;
    });
    expect(checked).toBe(true);
    expect((await provider.getSecret("HF_TOKEN")).value.reveal()).toBe(token);
  });

  it("reports a key that disappears as not found, listing the keys left (never kubelet's own entries)", async () => {
    const mounted = await volume({ HF_TOKEN: makeTestToken(), B_KEY: "b", A_KEY: "a" });
    const provider = track(fromKubernetesSecret({ mountPath: mounted.dir, watch: false }));
    await provider.getSecret("HF_TOKEN");
    const messages: string[] = [];
    await mounted.write({ A_KEY: "a", B_KEY: "b" }, async (step) => {
      if (step === "data-written") return;
      const error = await failure(provider.getSecret("HF_TOKEN"));
      expect(SecretNotFoundError.isInstance(error)).toBe(true);
      expect(error.tryNext).toBe(true);
      messages.push(error.message);
    });
    expect(messages).toHaveLength(4);
    for (const message of messages) {
      expect(message).toContain(
        `The Secret mounted at ${mounted.dir} has no key "HF_TOKEN". Keys present: A_KEY, B_KEY.`,
      );
      expect(message).not.toMatch(/\.\.data|\.\.\d{4}_/);
    }
  });

  it("never fails while kubelet updates the volume over and over (reads race the swap and the old folder's removal)", async () => {
    const values = Array.from({ length: 60 }, () => makeTestToken());
    const mounted = await volume({ HF_TOKEN: values[0]! });
    const provider = track(fromKubernetesSecret({ mountPath: mounted.dir, watch: false }));
    let writing = true;
    const writer = (async () => {
      for (const value of values.slice(1)) await mounted.write({ HF_TOKEN: value });
      writing = false;
    })();
    const seen = new Set<string>();
    let reads = 0;
    while (writing) {
      const results = await Promise.all(Array.from({ length: 8 }, () => provider.getSecret("HF_TOKEN")));
      for (const result of results) seen.add(result.value.reveal());
      reads += results.length;
    }
    await writer;
    expect(reads).toBeGreaterThan(0);
    for (const value of seen) expect(values).toContain(value);
    expect((await provider.getSecret("HF_TOKEN")).value.reveal()).toBe(values.at(-1));
  });

  it("reads a key with a path (a volume's items[].path)", async () => {
    const token = makeTestToken();
    const mounted = await volume({ "hf/token": token });
    const provider = track(fromKubernetesSecret({ mountPath: mounted.dir, key: "hf/token", watch: false }));
    expect((await provider.getSecret("HF_TOKEN")).value.reveal()).toBe(token);
  });

  it("reads a plain folder too (no ..data: a hand-made mount or a local test)", async () => {
    const root = await mkdtemp(join(tmpdir(), "hf-secrets-k8s-plain-"));
    cleanups.push(() => rm(root, { recursive: true, force: true }));
    const token = makeTestToken();
    await writeFile(join(root, "HF_TOKEN"), `${token}\n`);
    const provider = track(fromKubernetesSecret({ mountPath: root, watch: false }));
    const result = await provider.getSecret("HF_TOKEN");
    expect(result.value.reveal()).toBe(token);
    expect(result.version).toBeUndefined();
  });
});

describe("volume mode: values", () => {
  it("cleans the HF token like huggingface_hub (a trailing newline is common) and keeps other values verbatim", async () => {
    const token = makeTestToken();
    const mounted = await volume({ HF_TOKEN: ` ${token}\r\n`, CERT: "line1\nline2\n", SPACES: "  padded  " });
    const provider = track(fromKubernetesSecret({ mountPath: mounted.dir, watch: false }));
    expect((await provider.getSecret("HF_TOKEN")).value.reveal()).toBe(token);
    expect((await provider.getSecret("CERT")).value.reveal()).toBe("line1\nline2\n");
    expect((await provider.getSecret("SPACES")).value.reveal()).toBe("  padded  ");
  });

  it("treats an HF token file with only whitespace as absent", async () => {
    const mounted = await volume({ HF_TOKEN: " \n" });
    const provider = track(fromKubernetesSecret({ mountPath: mounted.dir, watch: false }));
    const error = await failure(provider.getSecret("HF_TOKEN"));
    expect(SecretNotFoundError.isInstance(error)).toBe(true);
    expect(error.message).toContain("holds only whitespace or line breaks");
  });

  it("rejects bytes that are not UTF-8 with MALFORMED_SECRET naming the key, never the bytes", async () => {
    const secretPart = makeTestToken();
    const bytes = Buffer.concat([Buffer.from(secretPart), Buffer.from([0xff, 0xfe, 0x80])]);
    const mounted = await volume({
      HF_TOKEN: bytes,
      OVERLONG: Buffer.from([0xc0, 0xaf]),
      SURROGATE: Buffer.from([0xed, 0xa0, 0x80]),
    });
    const provider = track(fromKubernetesSecret({ mountPath: mounted.dir, watch: false }));
    const error = await failure(provider.getSecret("HF_TOKEN"));
    expect(error.code).toBe("MALFORMED_SECRET");
    expect(error.tryNext).toBe(false);
    expect(error.message).toContain(
      `The key "HF_TOKEN" of the Secret mounted at ${mounted.dir} is not valid UTF-8 text (${bytes.length} bytes).`,
    );
    expectNoSecret(errorText(error), secretPart, "the MALFORMED_SECRET error");
    expect((await failure(provider.getSecret("OVERLONG"))).code).toBe("MALFORMED_SECRET");
    expect((await failure(provider.getSecret("SURROGATE"))).code).toBe("MALFORMED_SECRET");
  });

  it("maps keys: `key` for HF_TOKEN, `keys` for other names", async () => {
    const token = makeTestToken();
    const mounted = await volume({ token, "db-password": "pw", HF_TOKEN: "not this one" });
    const provider = track(
      fromKubernetesSecret({
        mountPath: mounted.dir,
        key: "token",
        keys: { DB_PASSWORD: "db-password" },
        watch: false,
      }),
    );
    expect((await provider.getSecret("HF_TOKEN")).value.reveal()).toBe(token);
    expect((await provider.getSecret("DB_PASSWORD")).value.reveal()).toBe("pw");
    expect(provider.describe?.("HF_TOKEN")).toBe(`kubernetes-volume:${join(mounted.dir, "token")}`);
  });
});

describe("volume mode: failures", () => {
  it("stops the chain with INVALID_CONFIGURATION when nothing is mounted (a pod-spec error)", async () => {
    const missing = join(tmpdir(), `hf-secrets-no-mount-${process.pid}-${Date.now()}`);
    const error = await failure(fromKubernetesSecret({ mountPath: missing }).getSecret("HF_TOKEN"));
    expect(error.code).toBe("INVALID_CONFIGURATION");
    expect(error.tryNext).toBe(false);
    expect(error.message).toContain(`Nothing is mounted at ${missing}: the folder does not exist.`);
    expect(error.fix).toContain(`mountPath: ${missing}`);
    expect(error.fix).toContain("optional: true");
  });

  it("lets the chain move on when the mount is optional", async () => {
    const missing = join(tmpdir(), `hf-secrets-no-mount-${process.pid}-${Date.now()}`);
    const error = await failure(
      fromKubernetesSecret({ mountPath: missing, optional: true }).getSecret("HF_TOKEN"),
    );
    expect(SecretNotFoundError.isInstance(error)).toBe(true);
    expect(error.tryNext).toBe(true);
  });

  it("says when the mount is empty (an optional Secret that does not exist)", async () => {
    const root = await mkdtemp(join(tmpdir(), "hf-secrets-k8s-empty-"));
    cleanups.push(() => rm(root, { recursive: true, force: true }));
    const error = await failure(fromKubernetesSecret({ mountPath: root }).getSecret("HF_TOKEN"));
    expect(SecretNotFoundError.isInstance(error)).toBe(true);
    expect(error.message).toContain("The mount is empty");
  });

  it("says when mountPath is a file (a subPath mount) or the key is a folder", async () => {
    const mounted = await volume({ HF_TOKEN: makeTestToken(), "nested/file": "x" });
    const onFile = await failure(
      fromKubernetesSecret({ mountPath: join(mounted.dir, "HF_TOKEN") }).getSecret("HF_TOKEN"),
    );
    expect(onFile.code).toBe("INVALID_CONFIGURATION");
    expect(onFile.message).toContain("is a file, not the folder of a Secret volume");
    expect(onFile.fix).toContain("subPath");
    const onFolder = await failure(
      fromKubernetesSecret({ mountPath: mounted.dir, key: "nested" }).getSecret("HF_TOKEN"),
    );
    expect(onFolder.code).toBe("INVALID_CONFIGURATION");
    expect(onFolder.message).toContain("is a folder, not a key");
  });

  it("refuses keys that escape the mount or name kubelet's entries, at construction", () => {
    for (const key of ["../etc/passwd", "/etc/passwd", "..data", "a//b", "a/../b", ""]) {
      let thrown: unknown;
      try {
        fromKubernetesSecret({ mountPath: "/var/run/secrets/hf", key });
      } catch (error) {
        thrown = error;
      }
      expect((thrown as SecretProviderError).code, key).toBe("INVALID_CONFIGURATION");
    }
    expect(() => fromKubernetesSecret({ mountPath: "" })).toThrow(/needs "mountPath"/);
  });

  it("answers not found for a logical name that cannot be a file name", async () => {
    const mounted = await volume({ HF_TOKEN: makeTestToken() });
    const error = await failure(fromKubernetesSecret({ mountPath: mounted.dir }).getSecret("../HF_TOKEN"));
    expect(SecretNotFoundError.isInstance(error)).toBe(true);
    expect(error.message).toContain("cannot be a key of a Secret volume");
  });

  it("rejects an aborted call with ABORTED", async () => {
    const mounted = await volume({ HF_TOKEN: makeTestToken() });
    const controller = new AbortController();
    controller.abort();
    const error = await failure(
      fromKubernetesSecret({ mountPath: mounted.dir }).getSecret("HF_TOKEN", { signal: controller.signal }),
    );
    expect(error.code).toBe("ABORTED");
  });
});

describe("volume mode: watching the mount folder", () => {
  it("notifies once per kubelet update (debounced), for every update: it watches the folder, not the file", async () => {
    const clock = createFakeClock();
    const mounted = await volume({ HF_TOKEN: makeTestToken() });
    const provider = track(fromKubernetesSecret({ mountPath: mounted.dir, clock, watchDebounceMs: 100 }));
    let changes = 0;
    const stop = provider.watch!("HF_TOKEN", () => changes++);
    for (let round = 1; round <= 3; round++) {
      await mounted.write({ HF_TOKEN: makeTestToken() });
      await until(() => clock.pendingTimers() > 0, "the debounce timer");
      await clock.advance(99);
      expect(changes).toBe(round - 1);
      await clock.advance(1);
      expect(changes).toBe(round);
    }
    stop();
    expect(clock.pendingTimers()).toBe(0);
  });

  it("ignores kubelet's other entries and other keys' files, and tells each key's watcher about its own file", async () => {
    const clock = createFakeClock();
    const root = await mkdtemp(join(tmpdir(), "hf-secrets-k8s-plainwatch-"));
    cleanups.push(() => rm(root, { recursive: true, force: true }));
    await writeFile(join(root, "HF_TOKEN"), makeTestToken());
    await writeFile(join(root, "OTHER"), "x");
    const provider = track(fromKubernetesSecret({ mountPath: root, clock, watchDebounceMs: 10 }));
    const changes: string[] = [];
    provider.watch!("HF_TOKEN", () => changes.push("HF_TOKEN"));
    provider.watch!("OTHER", () => changes.push("OTHER"));
    await mkdir(join(root, "..2026_01_01_00_00_00.123"));
    await writeFile(join(root, "OTHER"), "y");
    await until(() => clock.pendingTimers() > 0, "the debounce timer");
    await clock.advance(10);
    expect(changes).toEqual(["OTHER"]);
  });

  it("pushes an update into cached() without waiting for the TTL", async () => {
    const first = makeTestToken();
    const second = makeTestToken();
    const mounted = await volume({ HF_TOKEN: first });
    const cache = track(
      cached(fromKubernetesSecret({ mountPath: mounted.dir, watchDebounceMs: 20 }), { ttlMs: 3_600_000 }),
    );
    expect((await cache.getSecret("HF_TOKEN")).value.reveal()).toBe(first);
    const rotated = new Promise<void>((resolve) => cache.events.on("rotated", () => resolve()));
    await mounted.write({ HF_TOKEN: second });
    await rotated;
    expect((await cache.getSecret("HF_TOKEN")).value.reveal()).toBe(second);
  });

  it("starts watching a mount that appears later, and notifies then", async () => {
    const clock = createFakeClock();
    const root = await mkdtemp(join(tmpdir(), "hf-secrets-k8s-late-"));
    cleanups.push(() => rm(root, { recursive: true, force: true }));
    const mountPath = join(root, "mount");
    const provider = track(
      fromKubernetesSecret({ mountPath, clock, watchDebounceMs: 10, watchRetryMs: 1_000, optional: true }),
    );
    let changes = 0;
    provider.watch!("HF_TOKEN", () => changes++);
    await clock.advance(1_000);
    expect(changes).toBe(0);
    const token = makeTestToken();
    await KubeletVolume.create({ HF_TOKEN: token }, mountPath);
    await clock.advance(1_000);
    await clock.advance(10);
    expect(changes).toBe(1);
    expect((await provider.getSecret("HF_TOKEN")).value.reveal()).toBe(token);
  });

  it("stops notifying after dispose, and dispose clears its timers", async () => {
    const clock = createFakeClock();
    const mounted = await volume({ HF_TOKEN: makeTestToken() });
    const provider = fromKubernetesSecret({ mountPath: mounted.dir, clock, watchDebounceMs: 10 });
    let changes = 0;
    provider.watch!("HF_TOKEN", () => changes++);
    await provider.dispose?.();
    await mounted.write({ HF_TOKEN: makeTestToken() });
    await clock.advance(1_000);
    expect(changes).toBe(0);
    expect(clock.pendingTimers()).toBe(0);
    expect(provider.watch!("HF_TOKEN", () => changes++)).toBeTypeOf("function");
  });

  it("has no watch() with watch: false", () => {
    expect(fromKubernetesSecret({ mountPath: "/var/run/secrets/hf", watch: false }).watch).toBeUndefined();
  });
});
