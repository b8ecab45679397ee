import { fromAwsSecretsManager } from "@hf-secrets/aws";
import { createHfSecrets } from "@hf-secrets/client";
import { resolveEnvironment, SecretProviderError, validateConfig } from "@hf-secrets/core";
import { fromEnv } from "@hf-secrets/env";
import { errorText, makeTestToken } from "@hf-secrets/testing";
import { describe, expect, it } from "vitest";
import { record } from "../faults/results.js";
import { Collector } from "../leaks/collector.js";

// A token pasted where a name belongs — a chain entry, a policy value, an environment name, an option key, a
// variable name, a secret id. Such a configuration is wrong and must fail, but its error must not repeat the
// token: error messages end up in logs, CI output and bug reports. Each case counts the token (all its forms)
// in everything the error shows.

async function errorOf(run: () => unknown): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  return undefined;
}

const CASES: Array<{ id: string; what: string; run: (token: string) => unknown }> = [
  {
    id: "chain-entry",
    what: 'config: the token as a chain entry (`"chain": ["hf_…"]`)',
    run: (token) =>
      resolveEnvironment({
        environment: "production",
        config: { environments: { production: { chain: [token] } } },
        env: {},
      }),
  },
  {
    id: "policy-token-role",
    what: "config: the token in `policy.tokenRole`",
    run: (token) =>
      validateConfig({ environments: { production: { chain: ["env"], policy: { tokenRole: [token] } } } }),
  },
  {
    id: "environment-name",
    what: "config: the token as an environment name (another environment selected)",
    run: (token) =>
      resolveEnvironment({
        environment: "production",
        config: { environments: { [token]: { chain: ["env"] } } },
        env: {},
      }),
  },
  {
    id: "option-key",
    what: "config: the token as an option key of a chain entry",
    run: (token) =>
      resolveEnvironment({
        environment: "production",
        config: { environments: { production: { chain: [{ provider: "env", [token]: true }] } } },
        env: {},
      }),
  },
  {
    id: "env-variable-name",
    what: 'env provider: the token as the variable name (`variable: "hf_…"`)',
    run: (token) => fromEnv({ env: {}, variable: token }).getSecret("HF_TOKEN"),
  },
  {
    id: "aws-secret-id",
    what: "aws provider: the token as the secretId (the server says: not found)",
    run: (token) =>
      fromAwsSecretsManager({
        secretId: token,
        region: "us-east-1",
        client: {
          send: async () => {
            throw Object.assign(new Error("Secrets Manager can't find the specified secret."), {
              name: "ResourceNotFoundException",
              $metadata: { httpStatusCode: 400 },
            });
          },
        },
      }).getSecret("HF_TOKEN"),
  },
  {
    id: "client-secret-name",
    what: "getHfClient: the token as the secretName (the logical name)",
    run: (token) => createHfSecrets({ provider: fromEnv({ env: {} }), secretName: token }).getHfClient(),
  },
];

describe("a token pasted in the wrong place: the error does not repeat it", () => {
  for (const testCase of CASES) {
    it(testCase.id, async () => {
      const token = makeTestToken();
      const error = await errorOf(() => testCase.run(token));
      const collector = new Collector();
      collector.error(testCase.id, error);
      const occurrences = collector.count(token).errors?.occurrences ?? 0;
      const failed = SecretProviderError.isInstance(error);
      record("echo-check", testCase.id, {
        what: testCase.what,
        outcome: failed ? `${error.code}` : `no error (${String(error)})`,
        occurrences,
        ok: failed && occurrences === 0,
        // The message with the token masked, to show where it was repeated.
        message: failed ? error.message.replaceAll(token, "<TOKEN>").slice(0, 300) : undefined,
      });
      expect(failed, "the configuration is refused").toBe(true);
      expect(
        occurrences,
        `the error repeats the token: ${errorText(error).replaceAll(token, "<TOKEN>").slice(0, 200)}`,
      ).toBe(0);
    });
  }
});
