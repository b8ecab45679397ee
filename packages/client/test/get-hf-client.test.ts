import { inspect } from "node:util";
import { cached, chain, createSecretValue, type SecretEvent, type SecretProvider } from "@hf-secrets/core";
import { fromEnv } from "@hf-secrets/env";
import {
  createMemoryProvider,
  errorText,
  expectNoSecret,
  type FakeHfServer,
  makeTestToken,
  startFakeHfServer,
} from "@hf-secrets/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  createHfSecrets,
  disposeHfSecrets,
  getHfClient,
  getHfToken,
  MANAGED_TOKEN_PLACEHOLDER,
} from "../src/index.js";

let server: FakeHfServer;
beforeAll(async () => {
  server = await startFakeHfServer();
});
afterAll(async () => {
  await server.close();
});
afterEach(async () => {
  await disposeHfSecrets();
});

const chat = { model: "test/model", messages: [{ role: "user" as const, content: "hi" }] };

function requestsSince(start: number) {
  return server.requests.slice(start).filter((r) => r.path !== "/api/whoami-v2");
}

describe("getHfClient: the current token on every request", () => {
  it("injects the provider's token and keeps it out of the client object", async () => {
    const token = makeTestToken();
    server.acceptToken(token);
    const client = await getHfClient({
      provider: createMemoryProvider({ secrets: { HF_TOKEN: token } }),
      endpointUrl: server.url,
    });
    const start = server.requests.length;
    const answer = await client.chatCompletion(chat);
    expect(answer.choices[0]?.message.content).toBe("ok");
    expect(requestsSince(start).map((r) => r.authorization)).toEqual([`Bearer ${token}`]);
    const shown = [
      inspect(client, { showHidden: true, depth: Number.POSITIVE_INFINITY }),
      JSON.stringify(client),
      JSON.stringify({ ...client }),
    ].join("\n");
    expectNoSecret(shown, token, "the client object");
    expect(shown).toContain(MANAGED_TOKEN_PLACEHOLDER);
  });

  it("after a rotation, the same client succeeds with exactly one retry", async () => {
    const oldToken = makeTestToken();
    const newToken = makeTestToken();
    server.acceptToken(oldToken);
    const backend = createMemoryProvider({ secrets: { HF_TOKEN: oldToken } });
    const events: SecretEvent[] = [];
    const secrets = createHfSecrets({ provider: backend, onEvent: (e) => events.push(e) });
    const client = await secrets.getHfClient({ endpointUrl: server.url });
    await client.chatCompletion(chat);
    // The token is rotated at the backend and the old one revoked at Hugging Face.
    backend.set("HF_TOKEN", newToken);
    server.acceptToken(newToken);
    server.revokeToken(oldToken);
    const start = server.requests.length;
    const answer = await client.chatCompletion(chat);
    expect(answer.choices[0]?.message.content).toBe("ok");
    expect(requestsSince(start).map((r) => [r.status, r.authorization])).toEqual([
      [401, `Bearer ${oldToken}`],
      [200, `Bearer ${newToken}`],
    ]);
    expect(backend.callsFor("HF_TOKEN")).toBe(2);
    expect(events.filter((e) => e.type === "rejected").map((e) => (e as { action: string }).action)).toEqual([
      "refresh",
    ]);
    expect(events.some((e) => e.type === "rotated")).toBe(true);
    await secrets.dispose();
  });

  it("gives up with an error naming the provider and location when the refreshed token is still rejected", async () => {
    const token = makeTestToken();
    const secrets = createHfSecrets({
      provider: createMemoryProvider({ name: "aws", secrets: { HF_TOKEN: token } }),
    });
    const client = await secrets.getHfClient({ endpointUrl: server.url });
    const start = server.requests.length;
    const error = await client.chatCompletion(chat).then(unexpected, (e: unknown) => e as Error);
    expect((error as { code?: string }).code).toBe("TOKEN_REJECTED");
    expect(error.message).toBe(
      "[hf-secrets] [aws] Hugging Face rejected the token from aws:HF_TOKEN (HTTP 401), also after refreshing it: it is invalid, expired or revoked. Fix: Store a valid token in aws:HF_TOKEN (create one at https://huggingface.co/settings/tokens); the client picks it up without a restart.",
    );
    // The refresh returned the same token, so it was not sent again.
    expect(requestsSince(start)).toHaveLength(1);
    expectNoSecret(errorText(error), token, "the rejection error");
    await secrets.dispose();
  });

  it("tries a pending version once when the refreshed token is still rejected, and keeps using it", async () => {
    const current = makeTestToken();
    const pending = makeTestToken();
    server.acceptToken(pending);
    const backend = createMemoryProvider({ name: "aws", secrets: { HF_TOKEN: current } });
    const provider: SecretProvider = {
      ...backend,
      getSecret: backend.getSecret,
      getPendingSecret: async () =>
        createSecretValue({
          value: pending,
          provider: "aws",
          location: "aws:prod/hf@AWSPENDING",
          version: "v2",
        }),
    };
    const events: SecretEvent[] = [];
    const secrets = createHfSecrets({ provider, onEvent: (e) => events.push(e) });
    const client = await secrets.getHfClient({ endpointUrl: server.url });
    await client.chatCompletion(chat);
    const start = server.requests.length;
    await client.chatCompletion(chat);
    expect(requestsSince(start).map((r) => r.authorization)).toEqual([`Bearer ${pending}`]);
    expect(events.some((e) => e.type === "rotated" && e.reason === "pending")).toBe(true);
    expect(events.filter((e) => e.type === "rejected").map((e) => (e as { action: string }).action)).toEqual([
      "refresh",
      "pending",
    ]);
    await secrets.dispose();
  });

  it("reports the rejection, not the pending read's error, when reading the pending version fails", async () => {
    const backend = createMemoryProvider({ name: "aws", secrets: { HF_TOKEN: makeTestToken() } });
    const provider: SecretProvider = {
      ...backend,
      getSecret: backend.getSecret,
      getPendingSecret: async () => {
        throw new Error("AccessDeniedException: not allowed to read AWSPENDING");
      },
    };
    const secrets = createHfSecrets({ provider });
    const client = await secrets.getHfClient({ endpointUrl: server.url });
    await expect(client.chatCompletion(chat)).rejects.toMatchObject({
      code: "TOKEN_REJECTED",
      provider: "aws",
    });
    await secrets.dispose();
  });

  it("never adds the token to a request that does not carry the placeholder", async () => {
    const token = makeTestToken();
    const secrets = createHfSecrets({ provider: createMemoryProvider({ secrets: { HF_TOKEN: token } }) });
    const start = server.requests.length;
    await secrets.fetch(`${server.url}/api/whoami-v2`);
    await secrets.fetch(`${server.url}/other`, {
      method: "POST",
      headers: { authorization: "Bearer something-else" },
      body: "{}",
    });
    expect(server.requests.slice(start).map((r) => r.authorization)).toEqual([
      undefined,
      "Bearer something-else",
    ]);
    await secrets.dispose();
  });
});

describe("getHfClient({ verify: true })", () => {
  it("refuses a write token under a policy that allows only read and fineGrained", async () => {
    const token = makeTestToken();
    server.acceptToken(token, { role: "write" });
    const error = await getHfClient({
      provider: createMemoryProvider({ name: "aws", secrets: { HF_TOKEN: token } }),
      environment: "production",
      policy: { tokenRole: ["read", "fineGrained"] },
      hubUrl: server.url,
      verify: true,
    }).then(unexpected, (e: unknown) => e as Error);
    expect((error as { code?: string }).code).toBe("POLICY_VIOLATION");
    expect(error.message).toContain(
      'The token from aws:HF_TOKEN has the role "write", but the "production" policy allows only "read", "fineGrained".',
    );
    expectNoSecret(errorText(error), token, "the policy error");
  });

  it("accepts a fine-grained token and makes one whoami call for 50 concurrent clients", async () => {
    const token = makeTestToken();
    server.acceptToken(token, { role: "fineGrained", global: ["inference.serverless.write"] });
    const provider = createMemoryProvider({ secrets: { HF_TOKEN: token } });
    const before = server.whoamiCalls;
    const clients = await Promise.all(
      Array.from({ length: 50 }, () =>
        getHfClient({
          provider,
          policy: { tokenRole: ["read", "fineGrained"] },
          hubUrl: server.url,
          verify: true,
        }),
      ),
    );
    expect(clients).toHaveLength(50);
    expect(server.whoamiCalls - before).toBe(1);
  });

  it("waits for Retry-After when whoami answers 429", async () => {
    const token = makeTestToken();
    server.acceptToken(token, { role: "read" });
    server.enqueue({ status: 429, headers: { "retry-after": "1" }, pathPrefix: "/api/whoami-v2" });
    const before = server.whoamiCalls;
    const started = Date.now();
    const secrets = createHfSecrets({
      provider: createMemoryProvider({ secrets: { HF_TOKEN: token } }),
      hubUrl: server.url,
    });
    const info = await secrets.whoami();
    expect(info.role).toBe("read");
    expect(server.whoamiCalls - before).toBe(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    await secrets.dispose();
  });

  it("reports a token the Hub rejects", async () => {
    const token = makeTestToken();
    const error = await getHfClient({
      provider: createMemoryProvider({ secrets: { HF_TOKEN: token } }),
      hubUrl: server.url,
      verify: true,
    }).then(unexpected, (e: unknown) => e as Error);
    expect(error.message).toBe(
      "[hf-secrets] [memory] Hugging Face does not accept the token from memory:HF_TOKEN (whoami-v2 answered 401). Fix: Store a valid token in memory:HF_TOKEN; create one at https://huggingface.co/settings/tokens.",
    );
  });
});

describe("getHfToken and the default chain", () => {
  it("returns the raw token from the environment's chain", async () => {
    const token = makeTestToken();
    const config = { environments: { development: { chain: ["env"] } } };
    expect(await getHfToken({ env: { HF_TOKEN: token }, config })).toBe(token);
  });

  it("explains an empty HF_TOKEN with every attempt when nothing else has a token", async () => {
    const error = await getHfClient({
      provider: chain(fromEnv({ env: { HF_TOKEN: "  " } })),
    }).then(unexpected, (e: unknown) => e as Error);
    expect(error.message).toContain('No provider had "HF_TOKEN"');
    expect(error.message).toContain(
      'HF_TOKEN is set but holds only whitespace or line breaks, which means "no token"',
    );
  });
});

describe("leak canary: env → cached → chain → getHfClient", () => {
  it("never shows the canary in objects, events or any error of the failure paths", async () => {
    const canary = makeTestToken();
    const env = { HF_TOKEN: canary };
    const captured: unknown[] = [];
    const provider = cached(chain(createMemoryProvider({ name: "empty" }), fromEnv({ env })), {
      onEvent: (e) => captured.push(e),
    });
    const secrets = createHfSecrets({
      provider,
      hubUrl: server.url,
      policy: { tokenRole: ["read"] },
      verify: false,
      onEvent: (e) => captured.push(e),
    });
    const client = await secrets.getHfClient({ endpointUrl: server.url });
    captured.push(client, secrets, provider, await provider.getSecret("HF_TOKEN"));
    // Failure paths: rejected token, whoami rejection, policy violation (after whoami), not found.
    await client.chatCompletion(chat).catch((e: unknown) => captured.push(e));
    await secrets.whoami().catch((e: unknown) => captured.push(e));
    server.acceptToken(canary, { role: "write" });
    await secrets.getHfClient({ verify: true }).catch((e: unknown) => captured.push(e));
    await provider.getSecret("MISSING").catch((e: unknown) => captured.push(e));
    const errors = captured.filter((c) => c instanceof Error);
    expect(errors.length).toBe(4);
    const text = captured
      .map((c) =>
        c instanceof Error
          ? errorText(c)
          : `${inspect(c, { showHidden: true, depth: Number.POSITIVE_INFINITY })}\n${safeJson(c)}`,
      )
      .join("\n");
    expectNoSecret(text, canary, "captured objects, events and errors");
    server.revokeToken(canary);
    await secrets.dispose();
  });
});

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? "";
  } catch {
    return "";
  }
}

function unexpected(): never {
  throw new Error("expected a rejection");
}
