// Secrets Manager clients for the benchmarks: a real SDK client whose `send` is stubbed (no network; counts every
// call, like aws-sdk-client-mock does), and a counting middleware for real clients.
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";

const STUB_CONFIG = {
  region: "us-east-1",
  credentials: { accessKeyId: "bench", secretAccessKey: "bench" },
  endpoint: "http://127.0.0.1:9",
};

/**
 * A real `SecretsManagerClient` (so Powertools accepts it as an SDK v3 client) whose `send` answers
 * GetSecretValue from memory after `latencyMs` (0: next microtask), counting each call.
 */
export function mockSecretsManagerClient(getValue, { latencyMs = 0 } = {}) {
  const client = new SecretsManagerClient(STUB_CONFIG);
  const stats = { calls: 0 };
  client.send = (command) => {
    stats.calls++;
    const input = command.input ?? {};
    const answer = () => ({
      $metadata: { httpStatusCode: 200 },
      ARN: `arn:aws:secretsmanager:us-east-1:000000000000:secret:${input.SecretId}-AbCdEf`,
      Name: input.SecretId,
      SecretString: getValue(),
      VersionId: "00000000-0000-4000-8000-000000000001",
      VersionStages: ["AWSCURRENT"],
    });
    if (latencyMs <= 0) return Promise.resolve().then(answer);
    return new Promise((resolve) => setTimeout(() => resolve(answer()), latencyMs));
  };
  return { client, stats };
}

/**
 * Adds a middleware that counts every HTTP attempt the client makes (inside the retry middleware) and calls
 * `onCall()` in the caller's async context (used to attribute backend calls to the caller that waited on them).
 */
export function countCalls(client, onCall = () => {}) {
  const stats = { calls: 0 };
  client.middlewareStack.add(
    (next) => async (args) => {
      stats.calls++;
      onCall();
      return next(args);
    },
    { step: "finalizeRequest", priority: "low", name: "hfSecretsBenchCounter" },
  );
  return stats;
}
