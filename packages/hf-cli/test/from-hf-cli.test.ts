import { chmod, mkdir, readFile, rename, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { cached, SecretNotFoundError, SecretProviderError } from "@hf-secrets/core";
import {
  describeSecretProviderContract,
  errorText,
  expectNoSecret,
  makeTestToken,
} from "@hf-secrets/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fromHfCli } from "../src/index.js";
import { makeTempDir, storedTokensText, writeSecret } from "./fixtures.js";

describeSecretProviderContract(
  "hf-cli (named tokens in stored_tokens)",
  async () => {
    const { dir, remove } = await makeTempDir();
    const stored = new Map<string, string>();
    const tokens: Record<string, string> = {};
    const save = async (name: string, value: string) => {
      stored.set(name, value);
      tokens[name] = name;
      await writeSecret(join(dir, "stored_tokens"), storedTokensText(stored));
    };
    const provider = fromHfCli({ env: {}, hfHome: dir, tokens });
    return {
      provider,
      seed: save,
      update: save,
      cleanup: async () => {
        await provider.dispose?.();
        await remove();
      },
    };
  },
  { update: true, watch: true },
);

const failure = async (promise: Promise<unknown>): Promise<SecretProviderError> => {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!SecretProviderError.isInstance(error))
    throw new Error(`expected a SecretProviderError, got ${String(error)}`);
  return error;
};

describe("fromHfCli: the active token file", () => {
  let dir = "";
  let remove: () => Promise<void> = async () => undefined;
  beforeEach(async () => ({ dir, remove } = await makeTempDir()));
  afterEach(() => remove());

  it("reads HOME/.cache/huggingface/token by default, with the path as location", async () => {
    const token = makeTestToken();
    await mkdir(join(dir, ".cache", "huggingface"), { recursive: true });
    await writeSecret(join(dir, ".cache", "huggingface", "token"), token);
    const value = await fromHfCli({ env: { HOME: dir } }).getSecret("HF_TOKEN");
    expect(value.value.reveal()).toBe(token);
    expect(value.provider).toBe("hf-cli");
    expect(value.location).toBe(join(dir, ".cache", "huggingface", "token"));
    expect(value.warnings).toBeUndefined();
  });

  it("cleans the file like _clean_token: CR/LF anywhere, Python whitespace around, BOM kept", async () => {
    const token = makeTestToken();
    const path = join(dir, "token");
    const provider = fromHfCli({ env: {}, tokenPath: path });
    await writeSecret(path, ` \t${token.slice(0, 10)}\r\n${token.slice(10)}\r\n\u3000\u001c`);
    expect((await provider.getSecret("HF_TOKEN")).value.reveal()).toBe(token);
    await writeSecret(path, `${token}\r`);
    expect((await provider.getSecret("HF_TOKEN")).value.reveal()).toBe(token);
    await writeSecret(path, `\ufeff${token}`);
    expect((await provider.getSecret("HF_TOKEN")).value.reveal()).toBe(`\ufeff${token}`);
  });

  it("reads the file at every call and the environment at every call", async () => {
    const first = makeTestToken();
    const second = makeTestToken();
    await writeSecret(join(dir, "a"), first);
    await writeSecret(join(dir, "b"), second);
    const env: Record<string, string> = { HF_TOKEN_PATH: join(dir, "a") };
    const provider = fromHfCli({ env });
    expect((await provider.getSecret("HF_TOKEN")).value.reveal()).toBe(first);
    env.HF_TOKEN_PATH = join(dir, "b");
    expect((await provider.getSecret("HF_TOKEN")).value.reveal()).toBe(second);
    await writeSecret(join(dir, "b"), first);
    expect((await provider.getSecret("HF_TOKEN")).value.reveal()).toBe(first);
  });

  it("says how to log in when there is no token file (not found, the chain moves on)", async () => {
    const error = await failure(fromHfCli({ env: { HF_HOME: dir } }).getSecret("HF_TOKEN"));
    expect(SecretNotFoundError.isInstance(error)).toBe(true);
    expect(error.tryNext).toBe(true);
    expect(error.message).toBe(
      `[hf-secrets] [hf-cli] No Hugging Face CLI login: ${join(dir, "token")} does not exist. Fix: Run \`hf auth login\` (or set HF_TOKEN for this process).`,
    );
  });

  it("reads an empty or whitespace-only file as no token", async () => {
    const path = join(dir, "token");
    for (const content of ["", "\n", "  \r\n \t "]) {
      await writeSecret(path, content);
      const error = await failure(fromHfCli({ env: {}, tokenPath: path }).getSecret("HF_TOKEN"));
      expect(error.code).toBe("NOT_FOUND");
      expect(error.message).toContain("is empty");
    }
  });

  it("serves only HF_TOKEN from the active file, and says so for other names", async () => {
    await writeSecret(join(dir, "token"), makeTestToken());
    const error = await failure(fromHfCli({ env: { HF_HOME: dir } }).getSecret("OPENAI_API_KEY"));
    expect(error.code).toBe("NOT_FOUND");
    expect(error.message).toContain('holds only the Hugging Face token (HF_TOKEN), not "OPENAI_API_KEY"');
  });

  it("refuses a folder, invalid UTF-8 and an oversized file with clear errors that stop a chain", async () => {
    await mkdir(join(dir, "token"));
    const folder = await failure(fromHfCli({ env: { HF_HOME: dir } }).getSecret("HF_TOKEN"));
    expect([folder.code, folder.tryNext]).toEqual(["INVALID_CONFIGURATION", false]);
    expect(folder.message).toContain("is a folder");
    const emptyPath = await failure(
      fromHfCli({ env: { HF_TOKEN_PATH: "" }, cwd: dir }).getSecret("HF_TOKEN"),
    );
    expect(emptyPath.code).toBe("INVALID_CONFIGURATION");

    await writeSecret(join(dir, "latin1"), Uint8Array.from([0x68, 0x66, 0x5f, 0xe9]));
    const latin1 = await failure(
      fromHfCli({ env: {}, tokenPath: join(dir, "latin1") }).getSecret("HF_TOKEN"),
    );
    expect(latin1.code).toBe("MALFORMED_SECRET");
    expect(latin1.message).toContain("not valid UTF-8");

    await writeSecret(join(dir, "big"), "x".repeat(70 * 1024));
    expect(
      (await failure(fromHfCli({ env: {}, tokenPath: join(dir, "big") }).getSecret("HF_TOKEN"))).code,
    ).toBe("MALFORMED_SECRET");
    const notADir = await failure(
      fromHfCli({ env: {}, tokenPath: join(dir, "big", "token") }).getSecret("HF_TOKEN"),
    );
    expect(notADir.code).toBe("INVALID_CONFIGURATION");
  });

  it("refuses a symlinked token file unless followSymlinks, and treats a dangling followed link as no login", async () => {
    const token = makeTestToken();
    await writeSecret(join(dir, "real"), token);
    await symlink(join(dir, "real"), join(dir, "token"));
    const refused = await failure(fromHfCli({ env: { HF_HOME: dir } }).getSecret("HF_TOKEN"));
    expect(refused.code).toBe("INVALID_CONFIGURATION");
    expect(refused.message).toContain("is a symlink");
    expect(refused.fix).toContain("followSymlinks: true");
    const followed = await fromHfCli({ env: { HF_HOME: dir }, followSymlinks: true }).getSecret("HF_TOKEN");
    expect(followed.value.reveal()).toBe(token);
    await symlink(join(dir, "missing"), join(dir, "dangling"));
    const dangling = await failure(
      fromHfCli({ env: {}, tokenPath: join(dir, "dangling"), followSymlinks: true }).getSecret("HF_TOKEN"),
    );
    expect(dangling.code).toBe("NOT_FOUND");
  });

  it("warns about a file readable by others, with the chmod that fixes it", async () => {
    const path = join(dir, "token");
    await writeSecret(path, makeTestToken(), 0o644);
    const value = await fromHfCli({ env: {}, tokenPath: path }).getSecret("HF_TOKEN");
    expect(value.warnings).toEqual([
      {
        code: "LOOSE_PERMISSIONS",
        location: path,
        message: `${path} can be read by its group and every user (mode 0644). Run \`chmod 600 ${path}\`.`,
      },
    ]);
  });

  it("refuses such a file in strict mode, with INVALID_CONFIGURATION and the fix", async () => {
    const path = join(dir, "token");
    await writeSecret(path, makeTestToken(), 0o640);
    const error = await failure(fromHfCli({ env: {}, tokenPath: path, strict: true }).getSecret("HF_TOKEN"));
    expect([error.code, error.tryNext]).toEqual(["INVALID_CONFIGURATION", false]);
    expect(error.message).toContain("strict mode (LOOSE_PERMISSIONS)");
    expect(error.fix).toBe(`Run \`chmod 600 ${path}\`.`);
    await chmod(path, 0o600);
    expect(
      (await fromHfCli({ env: {}, tokenPath: path, strict: true }).getSecret("HF_TOKEN")).warnings,
    ).toBeUndefined();
  });

  it("rejects an aborted call", async () => {
    await writeSecret(join(dir, "token"), makeTestToken());
    const controller = new AbortController();
    controller.abort();
    await expect(
      fromHfCli({ env: { HF_HOME: dir } }).getSecret("HF_TOKEN", { signal: controller.signal }),
    ).rejects.toThrow();
  });
});

describe("fromHfCli: named tokens (stored_tokens)", () => {
  let dir = "";
  let remove: () => Promise<void> = async () => undefined;
  beforeEach(async () => ({ dir, remove } = await makeTempDir()));
  afterEach(() => remove());

  it("serves HF_TOKEN from tokenName, located as file[name]", async () => {
    const read = makeTestToken();
    const write = makeTestToken();
    await writeSecret(
      join(dir, "stored_tokens"),
      storedTokensText(
        new Map([
          ["ci-read", ` ${read}\n`],
          ["ci-write", write],
        ]),
      ),
    );
    await writeSecret(join(dir, "token"), write);
    const value = await fromHfCli({ env: { HF_HOME: dir }, tokenName: "ci-read" }).getSecret("HF_TOKEN");
    expect(value.value.reveal()).toBe(read);
    expect(value.location).toBe(`${join(dir, "stored_tokens")}[ci-read]`);
  });

  it("finds stored_tokens beside HF_TOKEN_PATH", async () => {
    const token = makeTestToken();
    await mkdir(join(dir, "elsewhere"));
    await writeSecret(join(dir, "elsewhere", "stored_tokens"), storedTokensText(new Map([["a", token]])));
    const value = await fromHfCli({
      env: { HF_HOME: dir, HF_TOKEN_PATH: join(dir, "elsewhere", "tok") },
      tokenName: "a",
    }).getSecret("HF_TOKEN");
    expect(value.value.reveal()).toBe(token);
  });

  it("lists the stored names when the name is missing, never a token-like name", async () => {
    const token = makeTestToken();
    await writeSecret(
      join(dir, "stored_tokens"),
      storedTokensText(
        new Map([
          ["alpha", token],
          [token, token],
        ]),
      ),
    );
    const error = await failure(
      fromHfCli({ env: { HF_HOME: dir }, tokenName: "beta" }).getSecret("HF_TOKEN"),
    );
    expect(error.code).toBe("NOT_FOUND");
    expect(error.message).toContain('has no token named "beta" (it has "alpha")');
    expectNoSecret(errorText(error), token, "the not-found error");
    const noFile = await failure(
      fromHfCli({ env: { HF_HOME: join(dir, "none") }, tokenName: "beta" }).getSecret("HF_TOKEN"),
    );
    expect(noFile.code).toBe("NOT_FOUND");
  });

  it("reads an empty named token as not found", async () => {
    await writeSecret(join(dir, "stored_tokens"), "[a]\nhf_token =\n   \n");
    expect(
      (await failure(fromHfCli({ env: { HF_HOME: dir }, tokenName: "a" }).getSecret("HF_TOKEN"))).message,
    ).toContain("is empty");
  });

  it("reports a malformed stored_tokens as INVALID_CONFIGURATION naming the file and the line, never its content", async () => {
    const token = makeTestToken();
    const path = join(dir, "stored_tokens");
    await writeSecret(path, `[a]\nhf_token = ${token}\n${token}\n`);
    const error = await failure(fromHfCli({ env: { HF_HOME: dir }, tokenName: "a" }).getSecret("HF_TOKEN"));
    expect([error.code, error.tryNext, error.location]).toEqual([
      "INVALID_CONFIGURATION",
      false,
      `${path}:3`,
    ]);
    expect(error.message).toContain(
      `${path} is not a valid stored_tokens file: line 3: this line has no \`=\` or \`:\``,
    );
    expect(error.fix).toBe(
      `Fix line 3 of ${path}, or delete the file and log in again with \`hf auth login\`.`,
    );
    expectNoSecret(errorText(error), token, "the parse error");
  });

  it("applies hygiene checks to stored_tokens too", async () => {
    await writeSecret(join(dir, "stored_tokens"), storedTokensText(new Map([["a", makeTestToken()]])), 0o604);
    const value = await fromHfCli({ env: { HF_HOME: dir }, tokenName: "a" }).getSecret("HF_TOKEN");
    expect(value.warnings?.map((w) => w.code)).toEqual(["LOOSE_PERMISSIONS"]);
    const strict = await failure(
      fromHfCli({ env: { HF_HOME: dir }, tokenName: "a", strict: true }).getSecret("HF_TOKEN"),
    );
    expect(strict.code).toBe("INVALID_CONFIGURATION");
  });

  it("cannot be polluted by __proto__ sections or mapped names", async () => {
    const token = makeTestToken();
    await writeSecret(
      join(dir, "stored_tokens"),
      `[__proto__]\nhf_token = ${token}\n[constructor]\nhf_token = x\n`,
    );
    const tokens = JSON.parse('{"__proto__": "__proto__"}') as Record<string, string>;
    const provider = fromHfCli({ env: { HF_HOME: dir }, tokens });
    expect((await provider.getSecret("__proto__")).value.reveal()).toBe(token);
    expect((await failure(provider.getSecret("constructor"))).code).toBe("NOT_FOUND");
    expect(({} as Record<string, unknown>).hf_token).toBeUndefined();
  });
});

describe("fromHfCli: watching the folder", () => {
  let dir = "";
  let remove: () => Promise<void> = async () => undefined;
  beforeEach(async () => ({ dir, remove } = await makeTempDir()));
  afterEach(() => remove());

  const nextChange = (provider: ReturnType<typeof fromHfCli>, name = "HF_TOKEN") => {
    let stop: () => void = () => undefined;
    const changed = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("no change seen within 5 s")), 5_000);
      stop = provider.watch!(name, () => {
        clearTimeout(timer);
        resolve();
      });
    });
    return { changed, stop: () => stop() };
  };

  it("sees a replaced file (rename over it)", async () => {
    const path = join(dir, "token");
    await writeSecret(path, makeTestToken());
    const provider = fromHfCli({ env: { HF_HOME: dir } });
    const { changed, stop } = nextChange(provider);
    await writeSecret(join(dir, "token.tmp"), makeTestToken());
    await rename(join(dir, "token.tmp"), path);
    await changed;
    stop();
  });

  it("sees an in-place O_TRUNC rewrite (what huggingface_hub does)", async () => {
    const path = join(dir, "token");
    await writeSecret(path, makeTestToken());
    const provider = fromHfCli({ env: { HF_HOME: dir } });
    const { changed, stop } = nextChange(provider);
    await writeFile(path, makeTestToken());
    await changed;
    stop();
    await provider.dispose?.();
  });

  it("lets cached() pick up `hf auth switch` without a restart", async () => {
    const first = makeTestToken();
    const second = makeTestToken();
    const path = join(dir, "token");
    await writeSecret(path, first);
    const cache = cached(fromHfCli({ env: { HF_HOME: dir } }), { ttlMs: Number.POSITIVE_INFINITY });
    try {
      expect((await cache.getSecret("HF_TOKEN")).value.reveal()).toBe(first);
      const rotated = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error("no rotation within 5 s")), 5_000);
        cache.events.on("rotated", () => {
          clearTimeout(timer);
          resolve();
        });
      });
      await writeFile(path, second);
      await rotated;
      expect(cache.peek("HF_TOKEN")?.value.reveal()).toBe(second);
      expect(await readFile(path, "utf8")).toBe(second);
    } finally {
      await cache.dispose();
    }
  });

  it("watches nothing for names it does not serve", () => {
    const stop = fromHfCli({ env: { HF_HOME: dir } }).watch!("OTHER", () => undefined);
    expect(stop()).toBeUndefined();
  });
});
