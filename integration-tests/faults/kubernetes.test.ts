import { makeTestToken } from "@hf-secrets/testing";
import * as k8s from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, it } from "vitest";
import { adminConfig } from "../kubernetes/cluster.js";
import { kubernetesBackend, responseBytes } from "./backends.js";
import {
  faultCases,
  MATRIX_CACHE,
  runBackoffSpread,
  runColdCell,
  runOutage,
  runTornValues,
  runWarmCell,
  watchProcess,
} from "./harness.js";
import { record } from "./results.js";

// Kubernetes API mode (a real kube-apiserver over HTTPS) behind a TCP fault proxy: every TCP fault with a cold
// and a warm cache, backoff spread, a 30-second black-hole outage at 200 requests/s, and values changing during
// faults. The proxy cannot answer TLS itself, so the HTTP 429/503 faults do not apply here.

const backend = kubernetesBackend;
const watch = watchProcess();
let bytes = 0;
const TCP_FAULTS = ["refuse", "reset", "stall", "slow", "truncate"];

beforeAll(async () => {
  bytes = await responseBytes(backend, await backend.create(makeTestToken()));
  const version = await adminConfig.makeApiClient(k8s.VersionApi).getCode();
  record("meta", "kubernetes", {
    provider: "kubernetes",
    server: `${backend.server}, ${version.gitVersion}`,
    responseBytes: bytes,
    cache: MATRIX_CACHE,
  });
});
afterAll(() => watch.stop());

const caseOf = (id: string) => {
  const found = faultCases(backend, bytes).find((c) => c.id === id);
  if (!found) throw new Error(`no fault case ${id}`);
  return found;
};

describe("kubernetes API under faults: cold cache", () => {
  for (const id of TCP_FAULTS) {
    it(`${id}: a clear error within the bound, nothing unhandled`, () =>
      runColdCell(backend, caseOf(id), watch));
  }
});

describe("kubernetes API under faults: warm cache", () => {
  for (const id of TCP_FAULTS) {
    it(`${id}: the cached value is served stale, and the first refresh after the fault ends it`, () =>
      runWarmCell(backend, caseOf(id), watch));
  }
});

describe("kubernetes API: retries, sustained outage, changing values", () => {
  it("backoff spreads the retries of many caches", () => runBackoffSpread(backend, watch));
  it(
    "200 requests/s see no failure during a 30-second outage (black hole: connections stall)",
    () =>
      runOutage(
        backend,
        { kind: "stall", maxStallMs: 60_000 },
        "black hole (connections accepted, never answered)",
        watch,
      ),
    120_000,
  );
  it(
    "a value changed during faults is never served torn or mixed",
    () => runTornValues(backend, bytes, watch),
    60_000,
  );
});
