import { execFileSync } from "node:child_process";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { cached, SecretNotFoundError, SecretProviderError } from "@hf-secrets/core";
import {
  describeSecretProviderContract,
  errorText,
  expectNoSecret,
  makeTestToken,
} from "@hf-secrets/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fromDotenv } from "../src/index.js";
import { dotenvxSet, makeTempDir, writeEnv } from "./fixtures.js";

describeSecretProviderContract(
  "dotenv",
  async () => {
    const { dir, remove } = await makeTempDir();
    const values = new Map<string, string>();
    const write = async (name: string, value: string) => {
      values.set(name, value);
      await writeEnv(join(dir, ".env"), [...values].map(([k, v]) => `${k}=${v}\n`).join(""));
    };
    const provider = fromDotenv({ path: dir, environment: "development", env: {}, gitCheck: false });
    return {
      provider,
      seed: write,
      update: write,
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

let dir = "";
let remove: () => Promise<void> = async () => undefined;
beforeEach(async () => ({ dir, remove } = await makeTempDir()));
afterEach(() => remove());

const provider = (options: Parameters<typeof fromDotenv>[0] = {}) =>
  fromDotenv({ path: dir, environment: "development", env: {}, gitCheck: false, ...options });

describe("fromDotenv: files and precedence (dotenv-flow)", () => {
  it("reads .env, then .env.local, .env.<environment>, .env.<environment>.local; later files win", async () => {
    const tokens = Array.from({ length: 4 }, () => makeTestToken());
    const files = [".env", ".env.local", ".env.development", ".env.development.local"];
    for (const [index, file] of files.entries()) {
      await writeEnv(join(dir, file), `HF_TOKEN=${tokens[index]}\nFROM_${index}=${file}\n`);
    }
    const value = await provider().getSecret("HF_TOKEN");
    expect(value.value.reveal()).toBe(tokens[3]);
    expect(value.location).toBe(`${join(dir, ".env.development.local")}#HF_TOKEN`);
    expect((await provider().getSecret("FROM_0")).value.reveal()).toBe(".env");
    expect((await provider({ environment: "production" }).getSecret("HF_TOKEN")).value.reveal()).toBe(
      tokens[1],
    );
  });

  it("does not read .env.local in the test environment", async () => {
    await writeEnv(join(dir, ".env"), "A=base\n");
    await writeEnv(join(dir, ".env.local"), "A=local\n");
    await writeEnv(join(dir, ".env.test"), "B=test\n");
    expect((await provider({ environment: "test" }).getSecret("A")).value.reveal()).toBe("base");
    expect((await provider({ environment: "test" }).getSecret("B")).value.reveal()).toBe("test");
    expect((await provider({ environment: "staging" }).getSecret("A")).value.reveal()).toBe("local");
  });

  it("takes the environment from HF_SECRETS_ENV / NODE_ENV by default", async () => {
    await writeEnv(join(dir, ".env.staging"), "A=staging\n");
    await writeEnv(join(dir, ".env"), "A=base\n");
    const fromEnv = fromDotenv({ path: dir, env: { NODE_ENV: "staging" }, gitCheck: false });
    expect((await fromEnv.getSecret("A")).value.reveal()).toBe("staging");
    const overridden = fromDotenv({
      path: dir,
      env: { NODE_ENV: "x", HF_SECRETS_ENV: "staging" },
      gitCheck: false,
    });
    expect((await overridden.getSecret("A")).value.reveal()).toBe("staging");
  });

  it("refuses an environment name that would escape the folder", async () => {
    const error = await failure(fromDotenv({ path: dir, env: { NODE_ENV: "../../etc/x" } }).getSecret("A"));
    expect(error.code).toBe("INVALID_CONFIGURATION");
  });

  it("reads an explicit file list, relative to path or absolute", async () => {
    await mkdir(join(dir, "config"));
    await writeEnv(join(dir, "config", "app.env"), "A=one\nB=one\n");
    await writeEnv(join(dir, "other.env"), "B=two\n");
    const explicit = provider({ files: ["config/app.env", join(dir, "other.env"), "missing.env"] });
    expect((await explicit.getSecret("A")).value.reveal()).toBe("one");
    expect((await explicit.getSecret("B")).location).toBe(`${join(dir, "other.env")}#B`);
  });

  it("explains where it looked when there is no file or no key", async () => {
    const none = await failure(provider().getSecret("HF_TOKEN"));
    expect(SecretNotFoundError.isInstance(none)).toBe(true);
    expect(none.message).toContain(
      `No env file found (looked for ${join(dir, ".env")}, ${join(dir, ".env.local")}`,
    );
    await writeEnv(join(dir, ".env"), "OTHER=1\n");
    const missing = await failure(provider().getSecret("HF_TOKEN"));
    expect(missing.message).toContain(
      `HF_TOKEN and HUGGING_FACE_HUB_TOKEN are not set in ${join(dir, ".env")}`,
    );
    expect(missing.tryNext).toBe(true);
  });

  it("never writes process.env", async () => {
    await writeEnv(join(dir, ".env"), "HF_SECRETS_DOTENV_PROBE=1\nPATH=/nowhere\n");
    const before = JSON.stringify(process.env);
    expect(
      (await fromDotenv({ path: dir, gitCheck: false }).getSecret("HF_SECRETS_DOTENV_PROBE")).value.reveal(),
    ).toBe("1");
    expect((await fromDotenv({ path: dir, gitCheck: false }).getSecret("PATH")).value.reveal()).toBe(
      "/nowhere",
    );
    expect(JSON.stringify(process.env)).toBe(before);
  });
});

describe("fromDotenv: the HF token", () => {
  it("reads HF_TOKEN, then HUGGING_FACE_HUB_TOKEN, cleaned like _clean_token", async () => {
    const token = makeTestToken();
    await writeEnv(join(dir, ".env"), `HUGGING_FACE_HUB_TOKEN="  ${token}\\r\\n"\n`);
    const legacy = await provider().getSecret("HF_TOKEN");
    expect(legacy.value.reveal()).toBe(token);
    expect(legacy.location).toBe(`${join(dir, ".env")}#HUGGING_FACE_HUB_TOKEN`);
    await writeEnv(join(dir, ".env"), `HF_TOKEN=\nHUGGING_FACE_HUB_TOKEN=${token}\n`);
    expect((await provider().getSecret("HF_TOKEN")).value.reveal()).toBe(token);
    await writeEnv(join(dir, ".env"), `HF_TOKEN="   "\nHUGGING_FACE_HUB_TOKEN=${token}\n`);
    const blank = await failure(provider().getSecret("HF_TOKEN"));
    expect(blank.code).toBe("NOT_FOUND");
    expect(blank.message).toContain(`HF_TOKEN in ${join(dir, ".env")}:1 holds only whitespace`);
  });

  it("reports an empty value as not set", async () => {
    await writeEnv(join(dir, ".env"), "HF_TOKEN=\n");
    const error = await failure(provider().getSecret("HF_TOKEN"));
    expect(error.message).toContain(`HF_TOKEN in ${join(dir, ".env")} is set but empty`);
  });

  it("uses a custom key, and maps other names", async () => {
    const token = makeTestToken();
    await writeEnv(join(dir, ".env"), `MY_HF=${token}\nDB_PASS=pw\n`);
    expect((await provider({ variable: "MY_HF" }).getSecret("HF_TOKEN")).value.reveal()).toBe(token);
    expect(
      (
        await provider({ variables: { DATABASE_PASSWORD: "DB_PASS" } }).getSecret("DATABASE_PASSWORD")
      ).value.reveal(),
    ).toBe("pw");
  });
});

describe("fromDotenv: bad input, as dotenv parses it or reported with file and line", () => {
  it("parses a BOM and CRLF line endings like dotenv", async () => {
    const token = makeTestToken();
    await writeEnv(join(dir, ".env"), `\ufeffHF_TOKEN=${token}\r\nB="x"\r\n`);
    expect((await provider().getSecret("HF_TOKEN")).value.reveal()).toBe(token);
    expect((await provider().getSecret("B")).value.reveal()).toBe("x");
  });

  it("lets the last duplicate win and warns with the lines", async () => {
    const first = makeTestToken();
    const second = makeTestToken();
    await writeEnv(join(dir, ".env"), `HF_TOKEN=${first}\nA=1\nexport HF_TOKEN=${second}\n`);
    const value = await provider().getSecret("HF_TOKEN");
    expect(value.value.reveal()).toBe(second);
    expect(value.warnings).toEqual([
      {
        code: "DUPLICATE_KEY",
        location: `${join(dir, ".env")}#HF_TOKEN`,
        message: `HF_TOKEN is set 2 times in ${join(dir, ".env")} (lines 1, 3); dotenv uses the last one. Remove the others.`,
      },
    ]);
    expectNoSecret(JSON.stringify(value.warnings), first, "warnings");
  });

  it("skips invalid lines as dotenv does, and names the line when the wanted key is on one", async () => {
    const token = makeTestToken();
    await writeEnv(join(dir, ".env"), `this is not an assignment\nA=1\nHF_TOKEN ${token}\n`);
    expect((await provider().getSecret("A")).value.reveal()).toBe("1");
    const error = await failure(provider().getSecret("HF_TOKEN"));
    expect(error.code).toBe("NOT_FOUND");
    expect(error.message).toContain(
      `${join(dir, ".env")}:3 starts with one of them but is not an assignment dotenv reads`,
    );
    expect(error.fix).toBe("Write the line as HF_TOKEN=<value>.");
    expectNoSecret(errorText(error), token, "the error");
  });

  it("refuses an HF token with an unterminated quote (file:line), and warns for other values", async () => {
    const token = makeTestToken();
    await writeEnv(join(dir, ".env"), `A=1\nHF_TOKEN="${token}\nB='open\n`);
    const error = await failure(provider().getSecret("HF_TOKEN"));
    expect([error.code, error.tryNext]).toEqual(["MALFORMED_SECRET", false]);
    expect(error.message).toContain(`HF_TOKEN in ${join(dir, ".env")}:2 contains a double quote (")`);
    expectNoSecret(errorText(error), token, "the error");
    const other = await provider().getSecret("B");
    expect(other.value.reveal()).toBe("'open");
    expect(other.warnings?.map((w) => [w.code, w.message.includes(`${join(dir, ".env")}:3`)])).toEqual([
      ["UNTERMINATED_QUOTE", true],
    ]);
  });

  it("reads multi-line quoted values like dotenv", async () => {
    await writeEnv(join(dir, ".env"), `KEY="line one\nline two"\nNEXT=2\n`);
    expect((await provider().getSecret("KEY")).value.reveal()).toBe("line one\nline two");
    expect((await provider().getSecret("NEXT")).value.reveal()).toBe("2");
  });

  it("cannot be polluted by __proto__ or constructor keys", async () => {
    await writeEnv(join(dir, ".env"), "__proto__=polluted\nconstructor=c\nprototype=p\n");
    expect((await failure(provider().getSecret("__proto__"))).code).toBe("NOT_FOUND");
    expect((await provider().getSecret("constructor")).value.reveal()).toBe("c");
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf({})).toBe(Object.prototype);
    const mapped = provider({
      variables: JSON.parse('{"__proto__": "prototype"}') as Record<string, string>,
    });
    expect((await mapped.getSecret("__proto__")).value.reveal()).toBe("p");
  });

  it("refuses a folder named .env and an oversized file", async () => {
    await mkdir(join(dir, ".env"));
    expect((await failure(provider().getSecret("A"))).code).toBe("INVALID_CONFIGURATION");
    await writeEnv(join(dir, "big.env"), `A=${"x".repeat(5 * 1024 * 1024)}`);
    expect((await failure(provider({ files: ["big.env"] }).getSecret("A"))).code).toBe(
      "INVALID_CONFIGURATION",
    );
  });
});

describe("fromDotenv: dotenvx-encrypted values", () => {
  it("decrypts with the key from .env.keys beside the file (written by the real dotenvx)", async () => {
    const token = makeTestToken();
    const file = join(dir, ".env.production");
    await dotenvxSet(file, "HF_TOKEN", token, join(dir, ".env.keys"));
    const text = await readFile(file, "utf8");
    expect(text).toContain('HF_TOKEN="encrypted:');
    expectNoSecret(text, token, "the encrypted file");
    const value = await provider({ environment: "production" }).getSecret("HF_TOKEN");
    expect(value.value.reveal()).toBe(token);
    expect(value.location).toBe(`${file}#HF_TOKEN`);
  });

  it("decrypts with DOTENV_PRIVATE_KEY_<ENV> from env, and a value with $ and $( ) stays as written", async () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${VAR} that must not be expanded
    const secret = "p$HOME${USER}$(touch pwned)`id`";
    const file = join(dir, ".env.staging");
    await mkdir(join(dir, "keys"));
    await dotenvxSet(file, "APP_SECRET", secret, join(dir, "keys", ".env.keys"));
    const keys = await readFile(join(dir, "keys", ".env.keys"), "utf8");
    const privateKey = /DOTENV_PRIVATE_KEY_STAGING="?([0-9a-f]{64})/.exec(keys)?.[1];
    expect(privateKey).toBeDefined();
    const value = await provider({
      environment: "staging",
      env: { DOTENV_PRIVATE_KEY_STAGING: privateKey! },
    }).getSecret("APP_SECRET");
    expect(value.value.reveal()).toBe(secret);
    expect(execFileSync("ls", ["-a", dir], { encoding: "utf8" })).not.toContain("pwned");
  });

  it("says which key is missing, never showing the ciphertext", async () => {
    const file = join(dir, ".env.production");
    await dotenvxSet(file, "HF_TOKEN", makeTestToken(), join(dir, "elsewhere.keys"));
    const text = await readFile(file, "utf8");
    const ciphertext = /encrypted:[A-Za-z0-9+/=]+/.exec(text)![0];
    const line = text.split("\n").findIndex((l) => l.startsWith("HF_TOKEN=")) + 1;
    const error = await failure(provider({ environment: "production" }).getSecret("HF_TOKEN"));
    expect([error.code, error.tryNext]).toEqual(["INVALID_CONFIGURATION", false]);
    expect(error.message).toContain(
      `HF_TOKEN in ${file}:${line} is encrypted with dotenvx, but no private key was found: looked for DOTENV_PRIVATE_KEY_PRODUCTION and DOTENV_PRIVATE_KEY in the environment and in ${join(dir, ".env.keys")}.`,
    );
    expect(errorText(error)).not.toContain(ciphertext.slice(10, 40));
  });

  it("says the key is wrong, never showing the key or the ciphertext", async () => {
    const file = join(dir, ".env");
    await dotenvxSet(file, "HF_TOKEN", makeTestToken(), join(dir, "a.keys"));
    await dotenvxSet(join(dir, "other.env"), "X", "y", join(dir, "b.keys"));
    const wrongKey = /DOTENV_PRIVATE_KEY[A-Z_]*="?([0-9a-f]{64})/.exec(
      await readFile(join(dir, "b.keys"), "utf8"),
    )?.[1];
    expect(wrongKey).toBeDefined();
    const error = await failure(provider({ env: { DOTENV_PRIVATE_KEY: wrongKey! } }).getSecret("HF_TOKEN"));
    expect([error.code, error.tryNext]).toEqual(["ACCESS_DENIED", false]);
    expect(error.message).toContain(
      "could not be decrypted with DOTENV_PRIVATE_KEY (from the environment): that key does not belong to this file.",
    );
    expect(errorText(error)).not.toContain(wrongKey!.slice(0, 12));
    const malformed = await failure(
      provider({ env: { DOTENV_PRIVATE_KEY: "not-a-key" } }).getSecret("HF_TOKEN"),
    );
    expect(malformed.code).toBe("INVALID_CONFIGURATION");
    expect(malformed.message).toContain("is not a dotenvx private key");
    expect(errorText(malformed)).not.toContain("not-a-key");
  });

  it("reports damaged ciphertext as MALFORMED_SECRET", async () => {
    const key = { DOTENV_PRIVATE_KEY: "a".repeat(64) };
    await writeEnv(join(dir, ".env"), 'HF_TOKEN="encrypted:not base64!"\n');
    expect((await failure(provider({ env: key }).getSecret("HF_TOKEN"))).code).toBe("MALFORMED_SECRET");
    await writeEnv(join(dir, ".env"), 'HF_TOKEN="encrypted:AAAA"\n');
    const damaged = await failure(provider({ env: key }).getSecret("HF_TOKEN"));
    expect([damaged.code, damaged.message]).toEqual([
      "MALFORMED_SECRET",
      expect.stringContaining("the encrypted value is damaged"),
    ]);
  });

  it("names the package to install when @dotenvx/primitives cannot be loaded", async () => {
    await writeEnv(join(dir, ".env"), `HF_TOKEN="encrypted:${"A".repeat(200)}"\n`);
    const missing = () =>
      Promise.reject(
        Object.assign(new Error("Cannot find package '@dotenvx/primitives'"), {
          code: "ERR_MODULE_NOT_FOUND",
        }),
      );
    const error = await failure(
      provider({ env: { DOTENV_PRIVATE_KEY: "a".repeat(64) }, dotenvxPrimitives: missing }).getSecret(
        "HF_TOKEN",
      ),
    );
    expect(error.code).toBe("PROVIDER_NOT_INSTALLED");
    expect(error.fix).toBe("Run `npm install @dotenvx/primitives`.");
  });

  it("is silent: nothing written to stdout or stderr while decrypting, even on failure", async () => {
    const file = join(dir, ".env");
    await dotenvxSet(file, "HF_TOKEN", makeTestToken(), join(dir, ".env.keys"));
    const writes: string[] = [];
    const original = { out: process.stdout.write, err: process.stderr.write };
    const capture = (chunk: unknown) => {
      writes.push(String(chunk));
      return true;
    };
    process.stdout.write = capture as typeof process.stdout.write;
    process.stderr.write = capture as typeof process.stderr.write;
    try {
      await provider().getSecret("HF_TOKEN");
      await provider({ env: { DOTENV_PRIVATE_KEY: "b".repeat(64) } })
        .getSecret("HF_TOKEN")
        .catch(() => undefined);
    } finally {
      process.stdout.write = original.out;
      process.stderr.write = original.err;
    }
    expect(writes).toEqual([]);
  });
});

describe("fromDotenv: safety checks", () => {
  it("warns about loose permissions, and refuses them in strict mode", async () => {
    const path = join(dir, ".env");
    await writeEnv(path, "A=1\n", 0o644);
    expect((await provider().getSecret("A")).warnings?.map((w) => w.code)).toEqual(["LOOSE_PERMISSIONS"]);
    expect((await provider().getSecret("A")).warnings?.[0]?.message).toContain(`chmod 600 ${path}`);
    const strict = await failure(provider({ strict: true }).getSecret("A"));
    expect([strict.code, strict.tryNext]).toEqual(["INVALID_CONFIGURATION", false]);
  });

  it("warns when git does not ignore the file, not when it does, and not outside a work tree", async () => {
    const git = (...args: string[]) => execFileSync("git", args, { cwd: dir, stdio: "ignore" });
    await writeEnv(join(dir, ".env"), "A=1\n");
    expect((await provider({ gitCheck: true }).getSecret("A")).warnings).toBeUndefined();
    git("init", "-q");
    const warned = await provider({ gitCheck: true }).getSecret("A");
    expect(warned.warnings).toEqual([
      {
        code: "NOT_GIT_IGNORED",
        location: join(dir, ".env"),
        message: `${join(dir, ".env")} holds a secret and is inside a git work tree, but git does not ignore it: it can be committed (or already is). Add it to .gitignore (and \`git rm --cached\` it if it is tracked).`,
      },
    ]);
    const strict = await failure(provider({ gitCheck: true, strict: true }).getSecret("A"));
    expect(strict.message).toContain("strict mode (NOT_GIT_IGNORED)");
    await writeFile(join(dir, ".gitignore"), ".env\n.env.*\n");
    expect((await provider({ gitCheck: true }).getSecret("A")).warnings).toBeUndefined();
  });

  it("checks .env.keys rather than the committed encrypted file", async () => {
    const git = (...args: string[]) => execFileSync("git", args, { cwd: dir, stdio: "ignore" });
    git("init", "-q");
    await dotenvxSet(join(dir, ".env"), "HF_TOKEN", makeTestToken(), join(dir, ".env.keys"));
    const value = await provider({ gitCheck: true }).getSecret("HF_TOKEN");
    expect(value.warnings?.map((w) => [w.code, w.location])).toEqual([
      ["NOT_GIT_IGNORED", join(dir, ".env.keys")],
    ]);
    await writeFile(join(dir, ".gitignore"), ".env.keys\n");
    expect((await provider({ gitCheck: true }).getSecret("HF_TOKEN")).warnings).toBeUndefined();
  });
});

describe("fromDotenv: watching the folder", () => {
  it("lets cached() see an edited .env and a newly created .env.local", async () => {
    const first = makeTestToken();
    const second = makeTestToken();
    const third = makeTestToken();
    await writeEnv(join(dir, ".env"), `HF_TOKEN=${first}\n`);
    const cache = cached(provider(), { ttlMs: Number.POSITIVE_INFINITY });
    const nextRotation = () =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error("no rotation within 5 s")), 5_000);
        const off = cache.events.on("rotated", () => {
          clearTimeout(timer);
          off?.();
          resolve();
        });
      });
    try {
      expect((await cache.getSecret("HF_TOKEN")).value.reveal()).toBe(first);
      let rotated = nextRotation();
      await writeEnv(join(dir, ".env"), `HF_TOKEN=${second}\n`);
      await rotated;
      expect(cache.peek("HF_TOKEN")?.value.reveal()).toBe(second);
      rotated = nextRotation();
      await writeEnv(join(dir, ".env.local"), `HF_TOKEN=${third}\n`);
      await rotated;
      expect(cache.peek("HF_TOKEN")?.value.reveal()).toBe(third);
    } finally {
      await cache.dispose();
    }
  });
});
