import { SecretNotFoundError } from "@hf-secrets/core";
import { describeSecretProviderContract, makeTestToken } from "@hf-secrets/testing";
import { describe, expect, it } from "vitest";
import { fromEnv } from "../src/index.js";

describeSecretProviderContract(
  "env",
  async () => {
    const env: Record<string, string> = {};
    return {
      provider: fromEnv({ env }),
      seed: async (name, value) => {
        env[name] = value;
      },
      update: async (name, value) => {
        env[name] = value;
      },
    };
  },
  { update: true },
);

describe("fromEnv: HF_TOKEN like huggingface_hub", () => {
  it("reads HF_TOKEN, then HUGGING_FACE_HUB_TOKEN, and says which", async () => {
    const token = makeTestToken();
    const legacy = makeTestToken();
    expect(
      (await fromEnv({ env: { HF_TOKEN: token, HUGGING_FACE_HUB_TOKEN: legacy } }).getSecret("HF_TOKEN"))
        .location,
    ).toBe("env:HF_TOKEN");
    const fallback = await fromEnv({ env: { HUGGING_FACE_HUB_TOKEN: legacy } }).getSecret("HF_TOKEN");
    expect(fallback.value.reveal()).toBe(legacy);
    expect(fallback.location).toBe("env:HUGGING_FACE_HUB_TOKEN");
  });

  it("cleans CR, LF and surrounding whitespace", async () => {
    const token = makeTestToken();
    const value = await fromEnv({ env: { HF_TOKEN: ` ${token}\r\n` } }).getSecret("HF_TOKEN");
    expect(value.value.reveal()).toBe(token);
  });

  it("falls through an empty HF_TOKEN to the legacy variable, but not a whitespace-only one (Python's `or`)", async () => {
    const legacy = makeTestToken();
    expect(
      (
        await fromEnv({ env: { HF_TOKEN: "", HUGGING_FACE_HUB_TOKEN: legacy } }).getSecret("HF_TOKEN")
      ).value.reveal(),
    ).toBe(legacy);
    const error = await fromEnv({ env: { HF_TOKEN: " \n", HUGGING_FACE_HUB_TOKEN: legacy } })
      .getSecret("HF_TOKEN")
      .catch((e: unknown) => e);
    expect(SecretNotFoundError.isInstance(error)).toBe(true);
  });

  it("explains an empty HF_TOKEN: absent (the chain moves on), with what to do", async () => {
    const blank = await fromEnv({ env: { HF_TOKEN: "  \r\n" } })
      .getSecret("HF_TOKEN")
      .catch((e: unknown) => e as Error);
    expect((blank as Error).message).toBe(
      '[hf-secrets] [env] HF_TOKEN is set but holds only whitespace or line breaks, which means "no token" (as in huggingface_hub). Fix: Set HF_TOKEN to the token, or unset it so the next source is used.',
    );
    const empty = await fromEnv({ env: { HF_TOKEN: "" } })
      .getSecret("HF_TOKEN")
      .catch((e: unknown) => e as Error);
    expect((empty as Error).message).toBe(
      '[hf-secrets] [env] HF_TOKEN is set but empty, which means "not set". Fix: Set HF_TOKEN in the environment of the process (e.g. `docker run -e HF_TOKEN` or a Kubernetes secretKeyRef).',
    );
    const unset = await fromEnv({ env: {} })
      .getSecret("HF_TOKEN")
      .catch((e: unknown) => e as Error);
    expect((unset as Error).message).toContain("HF_TOKEN and HUGGING_FACE_HUB_TOKEN are not set.");
  });

  it("reads process.env live and never writes it", async () => {
    const token = makeTestToken();
    const before = { ...process.env };
    process.env.HF_SECRETS_TEST_VAR = token;
    try {
      const provider = fromEnv({ variables: { APP_SECRET: "HF_SECRETS_TEST_VAR" } });
      expect((await provider.getSecret("APP_SECRET")).value.reveal()).toBe(token);
      expect(Object.keys(process.env).sort()).toEqual([...Object.keys(before), "HF_SECRETS_TEST_VAR"].sort());
    } finally {
      delete process.env.HF_SECRETS_TEST_VAR;
    }
  });

  it("uses a custom variable for the HF token", async () => {
    const token = makeTestToken();
    const value = await fromEnv({
      env: { MY_HF: token, HF_TOKEN: makeTestToken() },
      variable: "MY_HF",
    }).getSecret("HF_TOKEN");
    expect(value.value.reveal()).toBe(token);
    expect(value.location).toBe("env:MY_HF");
  });
});
