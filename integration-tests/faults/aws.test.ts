import { makeTestToken } from "@hf-secrets/testing";
import { afterAll, beforeAll, describe, it } from "vitest";
import { localstack } from "../aws/localstack.js";
import { awsBackend, responseBytes } from "./backends.js";
import {
  ALL_FAULT_IDS,
  faultCases,
  MATRIX_CACHE,
  runBackoffSpread,
  runColdCell,
  runOutage,
  runRetryAfter,
  runTornValues,
  runWarmCell,
  watchProcess,
} from "./harness.js";
import { record } from "./results.js";

// AWS Secrets Manager (LocalStack, plain HTTP) behind a fault proxy: every fault with a cold and a warm cache,
// Retry-After, backoff spread, a 30-second outage at 200 requests/s, and values changing during faults.

const backend = awsBackend;
const watch = watchProcess();
let bytes = 0;

beforeAll(async () => {
  bytes = await responseBytes(backend, await backend.create(makeTestToken()));
  const health = (await fetch(`${localstack.endpoint}/_localstack/health`).then((r) => r.json())) as {
    version?: string;
  };
  record("meta", "aws", {
    provider: "aws",
    server: `${backend.server}, version ${health.version ?? "unknown"}`,
    responseBytes: bytes,
    cache: MATRIX_CACHE,
  });
});
afterAll(async () => {
  watch.stop();
  await backend.cleanup();
});

const caseOf = (id: string) => {
  const found = faultCases(backend, bytes).find((c) => c.id === id);
  if (!found) throw new Error(`no fault case ${id}`);
  return found;
};

describe("aws (LocalStack) under faults: cold cache", () => {
  for (const id of ALL_FAULT_IDS) {
    it(`${id}: a clear error within the bound, nothing unhandled`, () =>
      runColdCell(backend, caseOf(id), watch));
  }
});

describe("aws (LocalStack) under faults: warm cache", () => {
  for (const id of ALL_FAULT_IDS) {
    it(`${id}: the cached value is served stale, and the first refresh after the fault ends it`, () =>
      runWarmCell(backend, caseOf(id), watch));
  }
});

describe("aws (LocalStack): retries", () => {
  it("a 429's Retry-After is honoured by in-call retries", () => runRetryAfter(backend, 429, watch));
  it("a 503's Retry-After is honoured by in-call retries", () => runRetryAfter(backend, 503, watch));
  it("backoff spreads the retries of many caches", () => runBackoffSpread(backend, watch));
});

describe("aws (LocalStack): sustained outage and changing values", () => {
  it(
    "200 requests/s see no failure during a 30-second outage (connection refused)",
    () => runOutage(backend, { kind: "refuse" }, "connection refused", watch),
    120_000,
  );
  it(
    "a value changed during faults is never served torn or mixed",
    () => runTornValues(backend, bytes, watch),
    60_000,
  );
});
