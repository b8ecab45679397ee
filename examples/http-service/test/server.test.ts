import { join } from "node:path";
import { expectNoSecret, type FakeHfServer, makeTestToken, startFakeHfServer } from "@hf-secrets/testing";
import type { FastifyInstance } from "fastify";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { buildServer } from "../src/server.js";

// The service against a local stand-in for Hugging Face (startFakeHfServer): the real getHfClient(), the real
// hf-secrets.config.json of this example, the real Fastify server on 127.0.0.1, requests over HTTP.
const config = join(import.meta.dirname, "..", "hf-secrets.config.json");
let hf: FakeHfServer;
let app: FastifyInstance | undefined;

beforeAll(async () => {
  hf = await startFakeHfServer();
});
afterAll(async () => {
  await hf.close();
});
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function start(environment: string, env: Record<string, string | undefined>): Promise<string> {
  app = await buildServer({ config, environment, env, endpointUrl: hf.url, cwd: import.meta.dirname });
  return app.listen({ port: 0, host: "127.0.0.1" });
}

async function chat(base: string, prompt: string): Promise<{ status: number; body: string }> {
  const response = await fetch(`${base}/chat`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ prompt, model: "test/model" }),
  });
  return { status: response.status, body: await response.text() };
}

describe("http-service example", () => {
  it("development: answers /chat with the token from the environment, which never reaches a response", async () => {
    const token = makeTestToken();
    hf.acceptToken(token);
    const base = await start("development", { HF_TOKEN: token });
    const before = hf.requests.length;

    const answer = await chat(base, "Hello!");
    expect(answer).toEqual({ status: 200, body: JSON.stringify({ reply: "ok" }) });
    expect(hf.requests.slice(before).map((r) => r.authorization)).toEqual([`Bearer ${token}`]);

    const source = await (await fetch(`${base}/token-source`)).text();
    expect(JSON.parse(source)).toMatchObject({ provider: "env", location: "env:HF_TOKEN" });
    expectNoSecret(`${answer.body}\n${source}`, token, "the service's responses");
  });

  it("staging: a rotated token is used after Hugging Face rejects the old one, without a restart", async () => {
    const oldToken = makeTestToken();
    const newToken = makeTestToken();
    hf.acceptToken(oldToken);
    const env: Record<string, string | undefined> = { HF_TOKEN: oldToken };
    const base = await start("staging", env);
    expect((await chat(base, "first")).status).toBe(200);

    // The token is rotated where the service reads it, and the old one revoked at Hugging Face.
    env.HF_TOKEN = newToken;
    hf.acceptToken(newToken);
    hf.revokeToken(oldToken);
    const before = hf.requests.length;
    const answer = await chat(base, "second");
    expect(answer.status).toBe(200);
    expect(hf.requests.slice(before).map((r) => [r.status, r.authorization])).toEqual([
      [401, `Bearer ${oldToken}`],
      [200, `Bearer ${newToken}`],
    ]);
  });

  it("staging: the policy refuses a .env file, and start-up fails with the reason", async () => {
    await expect(
      buildServer({
        config: { environments: { staging: { chain: ["dotenv"], policy: { deny: ["dotenv"] } } } },
        environment: "staging",
        env: {},
      }),
    ).rejects.toMatchObject({ code: "POLICY_VIOLATION" });
  });

  it("rejects a request without a prompt before calling Hugging Face", async () => {
    const token = makeTestToken();
    hf.acceptToken(token);
    const base = await start("development", { HF_TOKEN: token });
    const before = hf.requests.length;
    const response = await fetch(`${base}/chat`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({}),
    });
    expect(response.status).toBe(400);
    expect(hf.requests.length).toBe(before);
  });
});
