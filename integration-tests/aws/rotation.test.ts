import { UpdateSecretVersionStageCommand } from "@aws-sdk/client-secrets-manager";
import { fromAwsSecretsManager } from "@hf-secrets/aws";
import { createHfSecrets, disposeHfSecrets, getHfClient, getHfSecrets } from "@hf-secrets/client";
import type { SecretEvent, SecretProvider } from "@hf-secrets/core";
import { type FakeHfServer, makeTestToken, startFakeHfServer } from "@hf-secrets/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  admin,
  type CountingProxy,
  createSecret,
  deleteCreatedSecrets,
  localstack,
  putValue,
  startCountingProxy,
  uniqueName,
} from "./localstack.js";

// Rotations while an HF client is in use: LocalStack holds the token, the fake Hugging Face server checks it,
// and a counting proxy shows every GetSecretValue LocalStack received.

let hf: FakeHfServer;
let proxy: CountingProxy;
beforeAll(async () => {
  hf = await startFakeHfServer();
  proxy = await startCountingProxy();
});
afterAll(async () => {
  await hf.close();
  await proxy.close();
  await deleteCreatedSecrets();
});
afterEach(async () => {
  await disposeHfSecrets();
});

const chat = { model: "test/model", messages: [{ role: "user" as const, content: "hi" }] };

function awsProvider(secretId: string, key?: string): SecretProvider {
  return fromAwsSecretsManager({
    secretId,
    ...(key ? { key } : {}),
    endpoint: proxy.url,
    region: localstack.region,
    clientConfig: { credentials: localstack.credentials },
  });
}

function inferenceSince(start: number) {
  return hf.requests
    .slice(start)
    .filter((r) => r.path !== "/api/whoami-v2")
    .map((r) => [r.status, r.authorization?.slice("Bearer ".length)] as const);
}

function readsOf(secretId: string) {
  return proxy.getSecretValueInputs
    .filter((input) => input.SecretId === secretId)
    .map((input) => input.VersionStage);
}

describe(`rotation while a client is in use (${localstack.flavor})`, () => {
  it("the next request after PutSecretValue uses the new token, with one retry at most", async () => {
    const name = uniqueName("rotation");
    const oldToken = makeTestToken();
    const newToken = makeTestToken();
    await createSecret(name, JSON.stringify({ HF_TOKEN: oldToken }));
    hf.acceptToken(oldToken);
    const provider = awsProvider(name, "HF_TOKEN");
    const client = await getHfClient({ provider, endpointUrl: hf.url, config: false });
    // The instance getHfClient() shares for these options: its events show what happened.
    const events: SecretEvent[] = [];
    getHfSecrets({ provider, config: false }).events.on("*", (e) => events.push(e));

    let start = hf.requests.length;
    await client.chatCompletion(chat);
    expect(inferenceSince(start)).toEqual([[200, oldToken]]);
    expect(readsOf(name)).toEqual(["AWSCURRENT"]);

    // Rotate in Secrets Manager (AWSCURRENT moves, the old version becomes AWSPREVIOUS) and revoke at HF.
    await putValue(name, JSON.stringify({ HF_TOKEN: newToken }));
    hf.acceptToken(newToken);
    hf.revokeToken(oldToken);

    start = hf.requests.length;
    const answer = await client.chatCompletion(chat);
    expect(answer.choices[0]?.message.content).toBe("ok");
    expect(inferenceSince(start)).toEqual([
      [401, oldToken],
      [200, newToken],
    ]);
    // One forced refresh: exactly one more GetSecretValue reached LocalStack.
    expect(readsOf(name)).toEqual(["AWSCURRENT", "AWSCURRENT"]);

    // Later requests use the new token directly, from the cache.
    start = hf.requests.length;
    await client.chatCompletion(chat);
    expect(inferenceSince(start)).toEqual([[200, newToken]]);
    expect(readsOf(name)).toHaveLength(2);
    expect(events.filter((e) => e.type === "rejected").map((e) => (e as { action: string }).action)).toEqual([
      "refresh",
    ]);
    expect(events.find((e) => e.type === "rotated")).toMatchObject({
      reason: "refresh",
      location: `aws:${name}#HF_TOKEN@AWSCURRENT (${localstack.region})`,
    });
  });

  it("tries AWSPENDING once while a rotation is in progress, reports it, and keeps using it", async () => {
    const name = uniqueName("pending");
    const current = makeTestToken();
    const pending = makeTestToken();
    const currentId = await createSecret(name, current);
    hf.acceptToken(current);
    const events: SecretEvent[] = [];
    const secrets = createHfSecrets({
      provider: awsProvider(name),
      config: false,
      cache: { forceRefreshIntervalMs: 0 },
      onEvent: (e) => events.push(e),
    });
    const client = await secrets.getHfClient({ endpointUrl: hf.url });
    await client.chatCompletion(chat);

    // A rotation Lambda's createSecret + setSecret: the new token is AWSPENDING and already active at HF,
    // and the old one was revoked before finishSecret moved AWSCURRENT.
    const pendingId = await putValue(name, pending, ["AWSPENDING"]);
    hf.acceptToken(pending);
    hf.revokeToken(current);

    let start = hf.requests.length;
    await client.chatCompletion(chat);
    expect(inferenceSince(start)).toEqual([
      [401, current],
      [200, pending],
    ]);
    expect(readsOf(name)).toEqual(["AWSCURRENT", "AWSCURRENT", "AWSPENDING"]);
    expect(events.filter((e) => e.type === "rejected").map((e) => (e as { action: string }).action)).toEqual([
      "refresh",
      "pending",
    ]);
    const rotated = events.find((e) => e.type === "rotated");
    expect(rotated).toMatchObject({ reason: "pending", version: pendingId, previousVersion: currentId });
    expect((rotated as { location: string }).location).toBe(`aws:${name}@AWSPENDING (${localstack.region})`);

    // Until AWSCURRENT changes, the pending version stays in use: no 401 and no extra read.
    start = hf.requests.length;
    await client.chatCompletion(chat);
    expect(inferenceSince(start)).toEqual([[200, pending]]);
    expect(readsOf(name)).toHaveLength(3);

    // finishSecret: AWSCURRENT moves to the pending version; after a refresh it is simply the current value.
    await admin.send(
      new UpdateSecretVersionStageCommand({
        SecretId: name,
        VersionStage: "AWSCURRENT",
        MoveToVersionId: pendingId,
        RemoveFromVersionId: currentId,
      }),
    );
    expect(await secrets.getHfToken({ forceRefresh: true })).toBe(pending);
    const token = await secrets.getTokenValue();
    expect(token.value.reveal()).toBe(pending);
    expect(token.version).toBe(pendingId);
    expect(token.location).toBe(`aws:${name}@AWSCURRENT (${localstack.region})`);
    start = hf.requests.length;
    await client.chatCompletion(chat);
    expect(inferenceSince(start)).toEqual([[200, pending]]);
    await secrets.dispose();
  });

  it("gives up after one AWSPENDING attempt when the pending token is rejected too", async () => {
    const name = uniqueName("pending-rejected");
    const current = makeTestToken();
    const pending = makeTestToken();
    await createSecret(name, current);
    await putValue(name, pending, ["AWSPENDING"]);
    const secrets = createHfSecrets({ provider: awsProvider(name), config: false });
    const client = await secrets.getHfClient({ endpointUrl: hf.url });
    const start = hf.requests.length;
    const error = await client
      .chatCompletion(chat)
      .catch((e: unknown) => e as { code?: string; message: string });
    expect(error.code).toBe("TOKEN_REJECTED");
    expect(error.message).toContain(`aws:${name}@AWSCURRENT (${localstack.region})`);
    expect(inferenceSince(start)).toEqual([
      [401, current],
      [401, pending],
    ]);
    expect(readsOf(name)).toEqual(["AWSCURRENT", "AWSCURRENT", "AWSPENDING"]);
    await secrets.dispose();
  });
});
