import { chmod, mkdir, mkdtemp, realpath, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import {
  cached,
  loadConfig,
  type SecretProvider,
  SecretProviderError,
  type SecretWarning,
} from "@hf-secrets/core";
import { fromDotenv } from "@hf-secrets/dotenv";
import { fromHfCli } from "@hf-secrets/hf-cli";
import { fromKubernetesSecret } from "@hf-secrets/kubernetes";
import { makeTestToken } from "@hf-secrets/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KubeletVolume } from "../../packages/kubernetes/test/kubelet-volume.js";
import { record } from "../faults/results.js";

// Paths that lead outside the folder a provider is meant to read — `..`, symlinks — and secret files with
// loose permissions. The rule (issue 9): such a path is refused, or followed only when configured. Each case
// records what the provider did against what the rule (and its README) says; a case that breaks the rule is a
// finding and fails.

interface Outcome {
  readonly read?: string;
  readonly code?: string;
  readonly warnings: readonly string[];
}

async function attempt(provider: SecretProvider, name = "HF_TOKEN"): Promise<Outcome> {
  const warnings: string[] = [];
  const cache = cached(provider, { watch: false });
  cache.events.on("warning", (event) => warnings.push((event.warning as SecretWarning).code));
  try {
    const value = await cache.getSecret(name);
    return { read: value.value.reveal(), warnings };
  } catch (error) {
    return { code: SecretProviderError.isInstance(error) ? error.code : String(error), warnings };
  } finally {
    await cache.dispose();
  }
}

type Expectation = "refused" | "read" | "read with warning LOOSE_PERMISSIONS";

function judge(
  provider: string,
  id: string,
  what: string,
  configured: string,
  expected: Expectation,
  outcome: Outcome,
  secret: string,
  refusedCode = "INVALID_CONFIGURATION",
): void {
  const observed =
    outcome.read !== undefined
      ? `read the file${outcome.read === secret ? "" : " (another value)"}${outcome.warnings.length > 0 ? `, warnings: ${outcome.warnings.join(", ")}` : ""}`
      : `refused (${outcome.code})`;
  const ok =
    expected === "refused"
      ? outcome.read === undefined && outcome.code === refusedCode
      : expected === "read"
        ? outcome.read === secret
        : outcome.read === secret && outcome.warnings.includes("LOOSE_PERMISSIONS");
  record("path-check", `${provider}-${id}`, { provider, what, configured, expected, observed, ok });
  expect(observed, `${provider}: ${what}`).toBe(ok ? observed : `expected: ${expected}`);
}

let root = "";
let outside = "";
const token = makeTestToken();

beforeAll(async () => {
  root = await realpath(await mkdtemp(join(tmpdir(), "hf-secrets-paths-")));
  outside = join(root, "outside");
  await mkdir(outside, { recursive: true });
  await writeFile(join(outside, "secret.txt"), `${token}\n`, { mode: 0o600 });
  await writeFile(join(outside, "other.env"), `HF_TOKEN=${token}\n`, { mode: 0o600 });
  await writeFile(join(outside, "stored_tokens"), `[ci]\nhf_token = ${token}\n`, { mode: 0o600 });
  await writeFile(join(outside, "HF_TOKEN"), token, { mode: 0o600 });
});
afterAll(() => rm(root, { recursive: true, force: true }));

async function folder(name: string): Promise<string> {
  const dir = join(root, name);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  return dir;
}

describe("hf-cli: symlinks, .. and permissions", () => {
  it("a token file that is a symlink out of HF_HOME is refused unless followSymlinks", async () => {
    const home = await folder("hf-home-link");
    await symlink(join(outside, "secret.txt"), join(home, "token"));
    judge(
      "hf-cli",
      "token-symlink",
      "token file is a symlink to a file outside HF_HOME",
      "default",
      "refused",
      await attempt(fromHfCli({ env: { HF_HOME: home } })),
      token,
    );
    judge(
      "hf-cli",
      "token-symlink-allowed",
      "the same, with followSymlinks: true",
      "followSymlinks: true",
      "read",
      await attempt(fromHfCli({ env: { HF_HOME: home }, followSymlinks: true })),
      token,
    );
  });

  it("a stored_tokens file that is a symlink is refused unless followSymlinks", async () => {
    const home = await folder("hf-home-stored-link");
    await symlink(join(outside, "stored_tokens"), join(home, "stored_tokens"));
    judge(
      "hf-cli",
      "stored-tokens-symlink",
      "stored_tokens is a symlink to a file outside HF_HOME",
      "default",
      "refused",
      await attempt(fromHfCli({ env: { HF_HOME: home }, tokenName: "ci" })),
      token,
    );
  });

  it("a token path with .. is read only because it is configured", async () => {
    const cwd = await folder("hf-cwd");
    const tokenPath = relative(cwd, join(outside, "secret.txt"));
    expect(tokenPath.startsWith("..")).toBe(true);
    judge(
      "hf-cli",
      "token-path-dotdot",
      `tokenPath "${tokenPath}" (relative, with ..)`,
      "tokenPath",
      "read",
      await attempt(fromHfCli({ env: {}, tokenPath, cwd })),
      token,
    );
  });

  it("a token file readable by others: a warning, or refused in strict mode", async () => {
    const home = await folder("hf-home-loose");
    await writeFile(join(home, "token"), token, { mode: 0o644 });
    await chmod(join(home, "token"), 0o644);
    judge(
      "hf-cli",
      "loose-permissions",
      "token file mode 0644",
      "default",
      "read with warning LOOSE_PERMISSIONS",
      await attempt(fromHfCli({ env: { HF_HOME: home } })),
      token,
    );
    judge(
      "hf-cli",
      "loose-permissions-strict",
      "token file mode 0644",
      "strict: true (production's default)",
      "refused",
      await attempt(fromHfCli({ env: { HF_HOME: home }, strict: true })),
      token,
    );
  });
});

describe("dotenv: symlinks, .. and permissions", () => {
  it("a .env symlink to a file in the same folder is followed (README: symlinked env files are followed)", async () => {
    const dir = await folder("dotenv-inside");
    await writeFile(join(dir, "real.env"), `HF_TOKEN=${token}\n`, { mode: 0o600 });
    await symlink("real.env", join(dir, ".env"));
    judge(
      "dotenv",
      "symlink-inside",
      ".env is a symlink to a file in the same folder",
      "default",
      "read",
      await attempt(fromDotenv({ path: dir, files: [".env"], env: {}, gitCheck: false })),
      token,
    );
  });

  it("a .env symlink to a file outside the folder is refused unless configured", async () => {
    const dir = await folder("dotenv-outside");
    await symlink(join(outside, "other.env"), join(dir, ".env"));
    judge(
      "dotenv",
      "symlink-outside",
      ".env is a symlink to a file outside `path`",
      "default",
      "refused",
      await attempt(fromDotenv({ path: dir, files: [".env"], env: {}, gitCheck: false })),
      token,
    );
  });

  it("an env file named with .. is read only because it is configured", async () => {
    const dir = await folder("dotenv-dotdot");
    judge(
      "dotenv",
      "files-dotdot",
      'files: ["../outside/other.env"]',
      "files",
      "read",
      await attempt(fromDotenv({ path: dir, files: ["../outside/other.env"], env: {}, gitCheck: false })),
      token,
    );
  });

  it("a .env readable by others: a warning, or refused in strict mode", async () => {
    const dir = await folder("dotenv-loose");
    await writeFile(join(dir, ".env"), `HF_TOKEN=${token}\n`, { mode: 0o644 });
    await chmod(join(dir, ".env"), 0o644);
    judge(
      "dotenv",
      "loose-permissions",
      ".env mode 0644",
      "default",
      "read with warning LOOSE_PERMISSIONS",
      await attempt(fromDotenv({ path: dir, files: [".env"], env: {}, gitCheck: false })),
      token,
    );
    judge(
      "dotenv",
      "loose-permissions-strict",
      ".env mode 0644",
      "strict: true (production's default)",
      "refused",
      await attempt(fromDotenv({ path: dir, files: [".env"], env: {}, gitCheck: false, strict: true })),
      token,
    );
  });
});

describe("kubernetes volume: .. and symlinks", () => {
  it("a key with .. is refused when the provider is created", () => {
    let code: string | undefined;
    try {
      fromKubernetesSecret({ mountPath: root, keys: { HF_TOKEN: "../outside/HF_TOKEN" } });
    } catch (error) {
      code = SecretProviderError.isInstance(error) ? error.code : String(error);
    }
    judge(
      "kubernetes",
      "key-dotdot",
      'keys: { HF_TOKEN: "../outside/HF_TOKEN" }',
      "keys",
      "refused",
      { code, warnings: [] },
      token,
    );
  });

  it("kubelet's own layout (KEY -> ..data/KEY -> ..<timestamp>/KEY) is read", async () => {
    const volume = await KubeletVolume.create({ HF_TOKEN: token });
    try {
      judge(
        "kubernetes",
        "kubelet-layout",
        "kubelet's ..data layout",
        "mountPath",
        "read",
        await attempt(fromKubernetesSecret({ mountPath: volume.dir, watch: false })),
        token,
      );
    } finally {
      await volume.remove();
    }
  });

  it("a ..data link to an absolute folder outside the mount is refused", async () => {
    const absolute = await folder("mount-abs");
    await symlink(outside, join(absolute, "..data"));
    judge(
      "kubernetes",
      "data-link-absolute",
      "..data is a symlink to an absolute folder outside the mount",
      "default",
      "refused",
      await attempt(fromKubernetesSecret({ mountPath: absolute, watch: false })),
      token,
    );
  });

  it("a ..data link to ../outside is refused", async () => {
    const dotdot = await folder("mount-rel");
    await symlink("../outside", join(dotdot, "..data"));
    judge(
      "kubernetes",
      "data-link-dotdot",
      '..data is a symlink to "../outside"',
      "default",
      "refused",
      await attempt(fromKubernetesSecret({ mountPath: dotdot, watch: false })),
      token,
    );
  });

  it("a key file in the data folder that is a symlink out of the mount is refused", async () => {
    const mount = await folder("mount-keylink");
    await mkdir(join(mount, "..2026_01_01_00_00_00.1"));
    await symlink(join(outside, "HF_TOKEN"), join(mount, "..2026_01_01_00_00_00.1", "HF_TOKEN"));
    await symlink("..2026_01_01_00_00_00.1", join(mount, "..data"));
    await symlink("..data/HF_TOKEN", join(mount, "HF_TOKEN"));
    judge(
      "kubernetes",
      "key-file-symlink",
      "the key's file in the data folder is a symlink to a file outside the mount",
      "default",
      "refused",
      await attempt(fromKubernetesSecret({ mountPath: mount, watch: false })),
      token,
    );
  });
});

describe("config files: explicit paths and symlinks", () => {
  it("HF_SECRETS_CONFIG with .. is loaded because it is configured", async () => {
    const cwd = await folder("config-cwd");
    const elsewhere = await folder("config-elsewhere");
    await writeFile(
      join(elsewhere, "hf-secrets.config.json"),
      JSON.stringify({ environments: { development: { chain: ["env"] } } }),
    );
    const loaded = await loadConfig({
      cwd,
      env: { HF_SECRETS_CONFIG: "../config-elsewhere/hf-secrets.config.json" },
    });
    const ok = loaded?.file === join(elsewhere, "hf-secrets.config.json");
    record("path-check", "config-explicit-dotdot", {
      provider: "config",
      what: 'HF_SECRETS_CONFIG="../config-elsewhere/hf-secrets.config.json"',
      configured: "HF_SECRETS_CONFIG",
      expected: "read",
      observed: loaded ? `loaded ${loaded.file}` : "not loaded",
      ok,
    });
    expect(ok).toBe(true);
  });

  it("a discovered hf-secrets.config.json that is a symlink is followed (a config is trusted like code)", async () => {
    const cwd = await folder("config-link");
    const elsewhere = await folder("config-target");
    await writeFile(
      join(elsewhere, "real.json"),
      JSON.stringify({ environments: { development: { chain: ["env"] } } }),
    );
    await symlink(join(elsewhere, "real.json"), join(cwd, "hf-secrets.config.json"));
    const loaded = await loadConfig({ cwd, env: {} });
    const ok = loaded !== undefined;
    record("path-check", "config-discovered-symlink", {
      provider: "config",
      what: "hf-secrets.config.json in the working folder is a symlink to a file elsewhere",
      configured:
        "the folder's owner put the link there (a .mjs config runs code: config files are trusted like code)",
      expected: "read",
      observed: loaded ? `loaded through the link (${loaded.file})` : "not loaded",
      ok,
    });
    expect(ok).toBe(true);
  });
});
