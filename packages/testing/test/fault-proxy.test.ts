import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FaultProxy, startFaultProxy } from "../src/fault-proxy.js";

let backend: Server;
let proxy: FaultProxy;
const body = "x".repeat(4096);

beforeAll(async () => {
  backend = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/plain", "content-length": String(body.length) });
    res.end(body);
  });
  await new Promise<void>((resolve) => backend.listen(0, "127.0.0.1", resolve));
  proxy = await startFaultProxy({
    target: { host: "127.0.0.1", port: (backend.address() as AddressInfo).port },
  });
});
afterAll(async () => {
  await proxy.close();
  await new Promise<void>((resolve) => backend.close(() => resolve()));
});

function get(timeoutMs = 2_000): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: proxy.host, port: proxy.port, path: "/", agent: false, timeout: timeoutMs },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString(),
            headers: res.headers,
          }),
        );
        res.on("error", reject);
        res.on("aborted", () => reject(new Error("aborted")));
      },
    );
    req.on("timeout", () => req.destroy(new Error("client timeout")));
    req.on("error", reject);
    req.end();
  });
}

describe("fault proxy", () => {
  it("forwards when there is no fault", async () => {
    await proxy.clear();
    expect(await get()).toMatchObject({ status: 200, body });
  });

  it("answers plain HTTP with an injected status and Retry-After", async () => {
    await proxy.setFault({ kind: "http", status: 503, headers: { "retry-after": "3" } });
    const res = await get();
    expect(res.status).toBe(503);
    expect(res.headers["retry-after"]).toBe("3");
    expect(proxy.injectedResponses).toBeGreaterThan(0);
  });

  it("refuses connections, and accepts again after clear()", async () => {
    await proxy.setFault({ kind: "refuse" });
    await expect(get()).rejects.toMatchObject({ code: "ECONNREFUSED" });
    await proxy.clear();
    expect((await get()).status).toBe(200);
  });

  it("resets mid-response", async () => {
    await proxy.setFault({ kind: "reset", afterBytes: 100 });
    await expect(get()).rejects.toThrow(/ECONNRESET|aborted|socket hang up/);
  });

  it("truncates the body", async () => {
    await proxy.setFault({ kind: "truncate", afterBytes: 200 });
    const outcome = await get().then(
      (r) => r.body.length,
      (e: Error) => e.message,
    );
    expect(outcome).not.toBe(body.length);
  });

  it("stalls until the client gives up", async () => {
    await proxy.setFault({ kind: "stall" });
    await expect(get(300)).rejects.toThrow("client timeout");
  });

  it("delivers a slow body completely", async () => {
    await proxy.setFault({ kind: "slow", bytesPerTick: 2048, tickMs: 5 });
    expect((await get(5_000)).body).toBe(body);
    await proxy.clear();
  });
});
