import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const core = fileURLToPath(new URL("../dist/index.js", import.meta.url));

// A real process with the real clock: background timers must never keep it alive, and dispose() must leave
// no timer at all.
function runScript(source: string): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      ["--input-type=module", "-e", source],
      { timeout: 20_000 },
      (error, stdout) => {
        if (error?.killed) reject(new Error("the process did not exit by itself"));
        else resolve({ code: child.exitCode, stdout });
      },
    );
  });
}

// Counts live timers by wrapping the global timer functions before core creates any.
const setup = `
  const live = new Set();
  const realSet = globalThis.setTimeout, realClear = globalThis.clearTimeout;
  globalThis.setTimeout = (fn, ms, ...args) => { const t = realSet(() => { live.delete(t); fn(...args); }, ms); live.add(t); return t; };
  globalThis.clearTimeout = (t) => { live.delete(t); realClear(t); };
  const { cached, createSecretValue } = await import(${JSON.stringify(core)});
  const provider = { name: "p", getSecret: async (name) => createSecretValue({ value: "value-" + name, provider: "p", location: "p:" + name }) };
  const cache = cached(provider, { ttlMs: 3_600_000 });
  await cache.getSecret("A");
  await cache.getSecret("B");
  const timers = () => live.size;
`;

describe("process lifetime", () => {
  it("exits by itself while values are cached (background timers are unref'd)", async () => {
    const result = await runScript(`${setup} console.log("cached", timers());`);
    expect(result.code).toBe(0);
    // Refresh and expiry timers exist but do not hold the process.
    expect(Number(result.stdout.trim().split(" ")[1])).toBeGreaterThan(0);
  });

  it("leaves no timer after dispose()", async () => {
    const result = await runScript(`${setup} await cache.dispose(); console.log("after", timers());`);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe("after 0");
  });
});
