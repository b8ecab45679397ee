import { createHfSecrets } from "@hf-secrets/client";
import { createMemoryProvider, expectNoSecret, makeTestToken, startFakeHfServer } from "@hf-secrets/testing";
import { afterEach, describe, expect, it } from "vitest";
import { ATTRIBUTES as A, instrument, METRICS as M } from "../src/index.js";
import { createOtelHarness, telemetryText } from "./otel-harness.js";

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe("instrument(HfSecrets.events)", () => {
  it("counts the rejection and the rotation when Hugging Face refuses a rotated-out token", async () => {
    const server = await startFakeHfServer();
    const otel = createOtelHarness();
    cleanups.push(
      () => server.close(),
      () => otel.shutdown(),
    );
    const oldToken = makeTestToken();
    const newToken = makeTestToken();
    server.acceptToken(oldToken);
    const backend = createMemoryProvider({ secrets: { HF_TOKEN: oldToken } });
    const secrets = createHfSecrets({ provider: backend });
    cleanups.push(() => secrets.dispose());
    cleanups.push(
      instrument(secrets.events, { tracerProvider: otel.tracerProvider, meterProvider: otel.meterProvider }),
    );
    const client = await secrets.getHfClient({ endpointUrl: server.url });
    const chat = { model: "test/model", messages: [{ role: "user" as const, content: "hi" }] };
    await client.chatCompletion(chat);

    backend.set("HF_TOKEN", newToken);
    server.acceptToken(newToken);
    server.revokeToken(oldToken);
    await client.chatCompletion(chat);

    expect(await otel.total(M.rejections, { [A.rejectionStatus]: 401, [A.rejectionAction]: "refresh" })).toBe(
      1,
    );
    expect(await otel.total(M.rejections)).toBe(1);
    expect(await otel.total(M.refreshes, { [A.refreshReason]: "forced" })).toBe(1);
    expect(await otel.total(M.rotations, { [A.rotationReason]: "refresh" })).toBe(1);
    expect(await otel.total(M.fetches)).toBe(2);
    expect(otel.spans()).toHaveLength(2);
    const text = telemetryText(otel.spans(), await otel.points());
    expectNoSecret(text, oldToken, "spans and metrics");
    expectNoSecret(text, newToken, "spans and metrics");
  });
});
