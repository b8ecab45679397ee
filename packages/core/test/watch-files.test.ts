import { EventEmitter } from "node:events";
import type { FSWatcher } from "node:fs";
import { mkdir, mkdtemp, realpath, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createFakeClock } from "@hf-secrets/testing";
import { describe, expect, it } from "vitest";
import { watchFiles } from "../src/watch-files.js";

async function makeTempDir(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await realpath(await mkdtemp(join(tmpdir(), "hf-secrets-watch-")));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

function fakeWatch() {
  const watchers = new Map<
    string,
    { emitter: EventEmitter; listener: (event: string, file: string | null) => void; closed: boolean }
  >();
  const watch = (folder: string, listener: (event: string, file: string | null) => void): FSWatcher => {
    const emitter = new EventEmitter();
    const entry = { emitter, listener, closed: false };
    watchers.set(folder, entry);
    const close = () => {
      entry.closed = true;
    };
    return Object.assign(emitter, { close }) as unknown as FSWatcher;
  };
  return { watch, watchers };
}

describe("watchFiles", () => {
  it("watches each folder once, filters by file name, and debounces bursts", async () => {
    const clock = createFakeClock();
    const { watch, watchers } = fakeWatch();
    let changes = 0;
    const stop = watchFiles({
      files: ["/a/token", "/a/stored_tokens", "/b/x"],
      onChange: () => changes++,
      clock,
      watch,
      debounceMs: 30,
    });
    expect([...watchers.keys()]).toEqual(["/a", "/b"]);
    const a = watchers.get("/a")!;
    a.listener("change", "unrelated");
    await clock.advance(100);
    expect(changes).toBe(0);
    a.listener("change", "token");
    await clock.advance(10);
    a.listener("rename", "token");
    a.listener("change", "stored_tokens");
    await clock.advance(29);
    expect(changes).toBe(0);
    await clock.advance(1);
    expect(changes).toBe(1);
    a.listener("change", null);
    await clock.advance(30);
    expect(changes).toBe(2);
    stop();
    expect([...watchers.values()].every((w) => w.closed)).toBe(true);
    a.listener("change", "token");
    await clock.advance(100);
    expect(changes).toBe(2);
    expect(clock.pendingTimers()).toBe(0);
  });

  it("cancels a pending notification when stopped", async () => {
    const clock = createFakeClock();
    const { watch, watchers } = fakeWatch();
    let changes = 0;
    const stop = watchFiles({ files: ["/a/token"], onChange: () => changes++, clock, watch });
    watchers.get("/a")!.listener("change", "token");
    stop();
    stop();
    await clock.advance(1_000);
    expect(changes).toBe(0);
  });

  it("polls the file when its folder does not exist yet, and sees it appear", async () => {
    const { dir, remove } = await makeTempDir();
    try {
      const folder = join(dir, "later", "huggingface");
      const seen = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error("creation not seen within 5 s")), 5_000);
        const stop = watchFiles({
          files: [join(folder, "token")],
          pollMs: 50,
          onChange: () => {
            clearTimeout(timer);
            stop();
            resolve();
          },
        });
      });
      await mkdir(folder, { recursive: true });
      await writeFile(join(folder, "token"), "x");
      await seen;
    } finally {
      await remove();
    }
  });
});
