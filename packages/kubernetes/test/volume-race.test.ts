import * as fs from "node:fs/promises";
import { makeTestToken } from "@hf-secrets/testing";
import { afterEach, describe, expect, it, vi } from "vitest";
import { fromKubernetesSecret } from "../src/index.js";
import { KubeletVolume } from "./kubelet-volume.js";

// Lets a test run kubelet's whole update between the provider's readlink of ..data and its read of the key.
vi.mock("node:fs/promises", async (importOriginal) => {
  const actual = await importOriginal<typeof import("node:fs/promises")>();
  return { ...actual, readFile: vi.fn(actual.readFile) };
});

const actualReadFile = (await vi.importActual<typeof import("node:fs/promises")>("node:fs/promises"))
  .readFile;
const volumes: KubeletVolume[] = [];
afterEach(async () => {
  vi.mocked(fs.readFile).mockReset();
  vi.mocked(fs.readFile).mockImplementation(actualReadFile as typeof fs.readFile);
  for (const volume of volumes.splice(0)) await volume.remove();
});

describe("volume mode: a read that races kubelet's swap", () => {
  it("re-reads ..data when the folder it named was removed before the read, and returns the new value", async () => {
    const first = makeTestToken();
    const second = makeTestToken();
    const mounted = await KubeletVolume.create({ HF_TOKEN: first });
    volumes.push(mounted);
    const provider = fromKubernetesSecret({ mountPath: mounted.dir, watch: false });
    let raced = 0;
    vi.mocked(fs.readFile).mockImplementationOnce((async (...args: Parameters<typeof fs.readFile>) => {
      raced++;
      // kubelet runs its whole update here: the folder the provider is about to read no longer exists.
      await mounted.write({ HF_TOKEN: second });
      return actualReadFile(...args);
    }) as typeof fs.readFile);
    const result = await provider.getSecret("HF_TOKEN");
    expect(raced).toBe(1);
    expect(result.value.reveal()).toBe(second);
    expect(`..${result.version}`).toBe(await mounted.current());
  });

  it("still reports a key removed by that update as not found", async () => {
    const mounted = await KubeletVolume.create({ HF_TOKEN: makeTestToken(), OTHER: "x" });
    volumes.push(mounted);
    const provider = fromKubernetesSecret({ mountPath: mounted.dir, watch: false });
    vi.mocked(fs.readFile).mockImplementationOnce((async (...args: Parameters<typeof fs.readFile>) => {
      await mounted.write({ OTHER: "x" });
      return actualReadFile(...args);
    }) as typeof fs.readFile);
    await expect(provider.getSecret("HF_TOKEN")).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
