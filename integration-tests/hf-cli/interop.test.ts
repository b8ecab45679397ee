import { mkdir, mkdtemp, realpath, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cached, cleanHfToken, SecretNotFoundError, type SecretProviderError } from "@hf-secrets/core";
import { fromHfCli, parseStoredTokens, resolveHfPaths, StoredTokensSyntaxError } from "@hf-secrets/hf-cli";
import { makeTestToken } from "@hf-secrets/testing";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cleanEnv, python, runInterop } from "./python.js";

let root = "";
let version = "";
let caseNumber = 0;

beforeAll(async () => {
  root = await realpath(await mkdtemp(join(tmpdir(), "hf-secrets-interop-")));
  const info = await runInterop(["get-token"], cleanEnv({ HOME: root }));
  version = String(info.version);
  console.log(`[hf-cli interop] huggingface_hub ${version} (${python})`);
});
afterAll(() => rm(root, { recursive: true, force: true }));

/** A fresh HOME for one case. */
async function freshHome(): Promise<string> {
  const home = join(root, `case-${++caseNumber}`);
  await mkdir(home, { recursive: true });
  return home;
}

/** Python's `_save_token` (+ `_set_active_token`), the token passed in an env var. */
async function save(env: Record<string, string>, name: string, token: string, activate = true) {
  const result = await runInterop(
    [
      "save",
      "--token-name",
      name,
      "--token-env",
      "HF_SECRETS_INTEROP_TOKEN",
      ...(activate ? ["--activate"] : []),
    ],
    {
      ...env,
      HF_SECRETS_INTEROP_TOKEN: token,
    },
  );
  expect(result.error).toBeUndefined();
  return result;
}

/** What Python's `get_token()` says, with HF_TOKEN unset. */
async function pythonToken(env: Record<string, string>) {
  const result = await runInterop(["get-token"], env);
  expect(result.error).toBeUndefined();
  return result as { token: string | null; token_path: string; stored_tokens_path: string; hf_home: string };
}

/** What fromHfCli() says: the token, or null for "not found". */
async function nodeToken(env: Record<string, string>, options: Parameters<typeof fromHfCli>[0] = {}) {
  try {
    const value = await fromHfCli({ env, ...options }).getSecret("HF_TOKEN");
    return { token: value.value.reveal() as string | null, location: value.location };
  } catch (error) {
    if (SecretNotFoundError.isInstance(error))
      return { token: null, location: (error as SecretProviderError).location };
    throw error;
  }
}

async function expectAgreement(env: Record<string, string>, expected: string | null) {
  const py = await pythonToken(env);
  const node = await nodeToken(env);
  expect(py.token).toBe(expected);
  expect(node.token).toBe(py.token);
  expect(node.location).toBe(py.token_path);
  return py;
}

describe(`fromHfCli() and huggingface_hub's get_token() agree`, () => {
  it("with the default paths (HOME only)", async () => {
    const home = await freshHome();
    const env = cleanEnv({ HOME: home });
    const token = makeTestToken();
    await save(env, "default", token);
    const py = await expectAgreement(env, token);
    expect(py.token_path).toBe(join(home, ".cache", "huggingface", "token"));
  });

  it("with HF_HOME", async () => {
    const home = await freshHome();
    const env = cleanEnv({
      HOME: home,
      HF_HOME: join(home, "hf-home"),
      XDG_CACHE_HOME: join(home, "ignored"),
    });
    const token = makeTestToken();
    await save(env, "hf-home", token);
    expect((await expectAgreement(env, token)).token_path).toBe(join(home, "hf-home", "token"));
  });

  it("with HF_TOKEN_PATH (stored_tokens beside it)", async () => {
    const home = await freshHome();
    const env = cleanEnv({
      HOME: home,
      HF_HOME: join(home, "hf-home"),
      HF_TOKEN_PATH: join(home, "custom", "tok"),
    });
    const token = makeTestToken();
    const saved = await save(env, "custom", token);
    expect(saved.stored_tokens_path).toBe(join(home, "custom", "stored_tokens"));
    await expectAgreement(env, token);
    expect((await nodeToken(env, { tokenName: "custom" })).token).toBe(token);
  });

  it("with XDG_CACHE_HOME", async () => {
    const home = await freshHome();
    const env = cleanEnv({ HOME: home, XDG_CACHE_HOME: join(home, "xdg") });
    const token = makeTestToken();
    await save(env, "xdg", token);
    expect((await expectAgreement(env, token)).token_path).toBe(join(home, "xdg", "huggingface", "token"));
  });

  it("on the paths of every quirk of ~ and $VAR expansion", async () => {
    const home = await freshHome();
    const cases: Record<string, string>[] = [
      { HF_HOME: "$FOO/hh", FOO: "~/z" },
      { HF_HOME: "~/hh/" },
      { HF_HOME: "$UNDEFINED_VAR/hh" },
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${VAR} for Python's expandvars
      { HF_HOME: "${HOME}/braces" },
      { HF_HOME: "" },
      { XDG_CACHE_HOME: "" },
      { XDG_CACHE_HOME: "~/xc" },
      { XDG_CACHE_HOME: "$HOME/q" },
      { HF_TOKEN_PATH: "tok" },
      { HF_TOKEN_PATH: "~/t/$EMPTY_VAR/tok", EMPTY_VAR: "" },
      { HF_TOKEN_PATH: "/d/" },
      { HF_HOME: "/a/~/b" },
      { HF_HOME: "~nouserxyz/hh" },
    ];
    for (const extra of cases) {
      const env = cleanEnv({ HOME: home, ...extra });
      const py = await runInterop(["get-token"], env, { cwd: home });
      const paths = resolveHfPaths({ env, cwd: home });
      expect({ extra, token: paths.tokenPath, stored: paths.storedTokensPath }).toEqual({
        extra,
        token: absolute(home, String(py.token_path)),
        stored: absolute(home, String(py.stored_tokens_path)),
      });
    }
  });

  it("for named tokens in a stored_tokens with several tokens (written by _save_token)", async () => {
    const home = await freshHome();
    const env = cleanEnv({ HOME: home });
    const tokens = {
      "ci-read": makeTestToken(),
      "ci-write": makeTestToken(),
      zeta: makeTestToken(),
      Alpha: makeTestToken(),
    };
    for (const [name, token] of Object.entries(tokens)) await save(env, name, token, name === "ci-write");
    const stored = (await runInterop(["stored-tokens"], env)) as Record<string, string>;
    expect(Object.keys(stored).sort()).toEqual(Object.keys(tokens).sort());
    for (const [name, token] of Object.entries(tokens)) {
      const node = await nodeToken(env, { tokenName: name });
      expect(node.token).toBe(cleanHfToken(stored[name]));
      expect(node.token).toBe(token);
      expect(node.location).toBe(`${join(home, ".cache", "huggingface", "stored_tokens")}[${name}]`);
    }
    await expectAgreement(env, tokens["ci-write"]);
    const missing = await nodeToken(env, { tokenName: "nope" });
    expect(missing.token).toBeNull();
  });

  it("when a token is switched while the Node process runs (cached provider + watch)", async () => {
    const home = await freshHome();
    const env = cleanEnv({ HOME: home });
    const first = makeTestToken();
    const second = makeTestToken();
    await save(env, "first", first);
    await save(env, "second", second, false);
    const cache = cached(fromHfCli({ env }), { ttlMs: Number.POSITIVE_INFINITY });
    try {
      expect((await cache.getSecret("HF_TOKEN")).value.reveal()).toBe(first);
      const rotated = new Promise<number>((resolve, reject) => {
        const started = Date.now();
        const timer = setTimeout(() => reject(new Error("the switch was not seen within 10 s")), 10_000);
        cache.events.on("rotated", () => {
          clearTimeout(timer);
          resolve(Date.now() - started);
        });
      });
      const switched = await runInterop(["switch", "--token-name", "second"], env);
      expect(switched.error).toBeUndefined();
      const afterMs = await rotated;
      console.log(
        `[hf-cli interop] switch seen by the cached provider ${afterMs} ms after starting \`auth_switch\``,
      );
      expect(cache.peek("HF_TOKEN")?.value.reveal()).toBe(second);
      expect((await pythonToken(env)).token).toBe(second);
    } finally {
      await cache.dispose();
    }
  });

  it("with whitespace, CR/LF and other Python whitespace in the file", async () => {
    const home = await freshHome();
    const env = cleanEnv({ HOME: home, HF_HOME: home });
    const token = makeTestToken();
    const contents = [
      `${token}\n`,
      `${token}\r\n`,
      ` \t${token} \r\n\r\n`,
      `${token.slice(0, 9)}\r\n${token.slice(9)}`,
      `\r${token}\r`,
      `\u00a0\u3000${token}\u2028\u001f\u0085`,
      `${token}\u000b\u000c`,
      `hf_a b\tc`,
    ];
    for (const content of contents) {
      await runInterop(
        [
          "write-raw",
          "--path",
          join(home, "token"),
          "--content-env",
          "HF_SECRETS_INTEROP_CONTENT",
          "--mode",
          "600",
        ],
        {
          ...env,
          HF_SECRETS_INTEROP_CONTENT: content,
        },
      );
      const py = await pythonToken(env);
      expect(py.token).not.toBeNull();
      expect((await nodeToken(env)).token).toBe(py.token);
    }
  });

  it("with an empty or blank file (no token on either side)", async () => {
    const home = await freshHome();
    const env = cleanEnv({ HOME: home, HF_HOME: home });
    for (const content of ["", "\n", "  \r\n \t "]) {
      await runInterop(
        [
          "write-raw",
          "--path",
          join(home, "token"),
          "--content-env",
          "HF_SECRETS_INTEROP_CONTENT",
          "--mode",
          "600",
        ],
        {
          ...env,
          HF_SECRETS_INTEROP_CONTENT: content,
        },
      );
      await expectAgreement(env, null);
    }
  });

  it("with no login at all", async () => {
    const home = await freshHome();
    await expectAgreement(cleanEnv({ HOME: home }), null);
  });
});

describe("parseStoredTokens() and huggingface_hub's get_stored_tokens() agree on random files", () => {
  const runs = 3_000;

  it(`on ${runs} generated stored_tokens files (Python's {} ↔ StoredTokensSyntaxError)`, async () => {
    const piece = fc.constantFrom(
      "[",
      "]",
      "[a]",
      "[b]",
      "[DEFAULT]",
      "[default]",
      "[A]",
      "[ c ]",
      "[__proto__]",
      "[x]y]",
      "hf_token",
      "HF_TOKEN",
      "Hf_Token",
      "other",
      "__proto__",
      "=",
      ":",
      " = ",
      ": ",
      " ",
      "  ",
      "\t",
      "\n",
      "\n",
      "\n",
      "\r\n",
      "\r",
      "#",
      ";",
      "%",
      "%(x)s",
      "t1",
      "t2",
      "v",
      "\ufeff",
      "\u00a0",
      "\u3000",
      "\u000b",
      "\u001c",
      "\u0085",
      "é",
      '"',
      "'",
    );
    const file = fc.array(piece, { maxLength: 40 }).map((parts) => parts.join(""));
    const texts = fc.sample(file, { numRuns: runs, seed: 20260101 });
    texts.push(
      "[a]\nhf_token = t1\n  cont\n\n  after\n",
      "[a]\n  [b]\nhf_token=1\n",
      "[DEFAULT]\nhf_token=d\n[a]\n[DEFAULT]\nhf_token=e\n",
    );
    const python = await runInterop(["stored-tokens-batch"], cleanEnv({ HOME: root }), {
      stdin: JSON.stringify(texts),
    });
    const results = python.results as { tokens: [string, string][]; error: boolean }[];
    expect(results).toHaveLength(texts.length);
    let errors = 0;
    for (const [index, text] of texts.entries()) {
      const expected = results[index]!;
      let actual: { tokens: [string, string][]; error: boolean };
      try {
        actual = { tokens: [...parseStoredTokens(text)], error: false };
      } catch (error) {
        if (!(error instanceof StoredTokensSyntaxError)) throw error;
        actual = { tokens: [], error: true };
        errors++;
      }
      expect({ text, ...actual }).toEqual({ text, ...expected });
    }
    console.log(`[hf-cli interop] ${texts.length} stored_tokens files compared, ${errors} rejected by both`);
    expect(errors).toBeGreaterThan(0);
    expect(errors).toBeLessThan(texts.length);
  });

  it("cleanHfToken() matches _clean_token() on generated strings", async () => {
    const chars = fc.constantFrom(
      "a",
      "Z",
      "_",
      "h",
      "f",
      " ",
      "\t",
      "\n",
      "\r",
      "\u000b",
      "\u000c",
      "\u001c",
      "\u001d",
      "\u001e",
      "\u001f",
      "\u0085",
      "\u00a0",
      "\u1680",
      "\u2000",
      "\u200a",
      "\u200b",
      "\u2028",
      "\u2029",
      "\u202f",
      "\u205f",
      "\u3000",
      "\ufeff",
      "\u0000",
      "é",
    );
    const strings = fc.sample(
      fc.array(chars, { maxLength: 24 }).map((c) => c.join("")),
      { numRuns: 5_000, seed: 7 },
    );
    const python = await runInterop(["clean-batch"], cleanEnv({ HOME: root }), {
      stdin: JSON.stringify(strings),
    });
    const results = python.results as (string | null)[];
    for (const [index, input] of strings.entries())
      expect({ input, out: cleanHfToken(input) ?? null }).toEqual({ input, out: results[index] });
  });
});

function absolute(cwd: string, path: string): string {
  const resolved = path.startsWith("/") ? path : join(cwd, path);
  const normalised = join(resolved);
  return path.endsWith("/") && !normalised.endsWith("/")
    ? `${normalised}/`
    : normalised === "."
      ? cwd
      : normalised;
}
