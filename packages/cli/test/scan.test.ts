import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { expectNoSecret, makeTestToken } from "@hf-secrets/testing";
import Ajv from "ajv";
import { describe, expect, it } from "vitest";
import { runCli, type ScanResult, scanForTokens } from "../src/index.js";
import { fakeIo } from "./support/fake-io.js";
import { git, tempDir, tempRepo, writeFiles } from "./support/temp-dir.js";

async function scan(cwd: string, ...args: string[]) {
  const fake = fakeIo({ cwd });
  const code = await runCli(["scan", ...args], fake.io);
  return { code, stdout: fake.stdout(), stderr: fake.stderr() };
}

async function scanJson(cwd: string, ...args: string[]) {
  const { code, stdout } = await scan(cwd, "--format", "json", ...args);
  return { code, result: JSON.parse(stdout) as ScanResult, stdout };
}

const where = (result: ScanResult) =>
  result.findings.map((f) => `${f.path}:${f.line}:${f.column} ${f.ruleId}`);

describe("hf-secrets scan: files", () => {
  it("exits 0 and says so when nothing is found", async () => {
    const dir = tempDir({ "a.ts": "export const placeholder = 'hf_secrets_managed_placeholder';\n" });
    const { code, stdout } = await scan(dir);
    expect(code).toBe(0);
    expect(stdout).toContain("no Hugging Face token found");
    expect(stdout).toContain("scanned 1 file");
  });

  it("reports file, line, column and the masked token, never the token; exits 1", async () => {
    const token = makeTestToken();
    const dir = tempDir({ "src/config.py": `import os\n\nTOKEN = "${token}"\n` });
    const { code, stdout, stderr } = await scan(dir);
    expect(code).toBe(1);
    expect(stdout).toContain(`src/config.py:3:10  hf-user-access-token  hf_****${token.slice(-4)}`);
    expect(stdout).toContain("Revoke it at https://huggingface.co/settings/tokens");
    expectNoSecret(stdout + stderr, token, "scan output");
  });

  it("finds every token form: classic, OAuth, JWT, legacy organization", async () => {
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
    const jwt = `hf_jwt_${b64({ alg: "EdDSA", typ: "JWT" })}.${b64({ sub: "repo" })}.${makeTestToken("", 40)}`;
    const dir = tempDir({
      "a.json": JSON.stringify({ a: makeTestToken(), b: makeTestToken("hf_oauth_", 36) }, null, 1),
      "b.sh": `export T=${jwt}\ncurl -H "Authorization: Bearer ${makeTestToken("api_org_", 34)}"\n`,
    });
    const { code, result } = await scanJson(dir);
    expect(code).toBe(1);
    expect(where(result)).toEqual([
      "a.json:2:8 hf-user-access-token",
      "a.json:3:8 hf-oauth-token",
      "b.sh:1:10 hf-jwt-token",
      "b.sh:2:32 hf-legacy-org-token",
    ]);
    expect(result.findings.map((f) => f.masked.slice(0, f.masked.indexOf("****")))).toEqual([
      "hf_",
      "hf_oauth_",
      "hf_jwt_",
      "api_org_",
    ]);
    expectNoSecret(JSON.stringify(result), jwt, "JSON output");
  });

  it("skips node_modules, .git, dist, binary files and files over 5 MiB", async () => {
    const token = makeTestToken();
    const dir = tempDir({
      "node_modules/pkg/index.js": token,
      ".git/config": token,
      "packages/x/dist/index.js": token,
      "image.bin": Buffer.concat([Buffer.from([0x89, 0x50, 0x00, 0x01]), Buffer.from(token)]),
      "big.txt": `${"x".repeat(5 * 1024 * 1024)}\n${token}\n`,
      "ok.txt": "nothing here\n",
    });
    const { code, result } = await scanJson(dir);
    expect(code).toBe(0);
    expect(result.filesScanned).toBe(1);
    expect(result.filesSkipped).toBe(2);
  });

  it("honours .hf-secrets-scan-ignore and inline hf-secrets-scan:ignore markers", async () => {
    const dir = tempDir({
      ".hf-secrets-scan-ignore": "# test fixtures hold fake tokens\nfixtures/\n*.snap\n",
      "fixtures/a.txt": makeTestToken(),
      "deep/x.snap": makeTestToken(),
      "src/a.ts": `const a = "${makeTestToken()}"; // hf-secrets-scan:ignore\nconst b = "${makeTestToken()}";\n`,
    });
    const { result } = await scanJson(dir);
    expect(where(result)).toEqual(["src/a.ts:2:12 hf-user-access-token"]);
  });

  it("takes an explicit --ignore-file, and a missing one is a usage error", async () => {
    const dir = tempDir({ "x.txt": makeTestToken(), "rules.txt": "x.txt\n" });
    expect((await scan(dir, "--ignore-file", "rules.txt")).code).toBe(0);
    const missing = await scan(dir, "--ignore-file", "nope.txt");
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("nope.txt");
  });

  it("scans only the given paths, files or folders", async () => {
    const dir = tempDir({ "a/x.txt": makeTestToken(), "b/y.txt": makeTestToken(), "c.txt": makeTestToken() });
    const { result } = await scanJson(dir, "b", "c.txt");
    expect(result.findings.map((f) => f.path)).toEqual(["b/y.txt", "c.txt"]);
  });

  it("reports a literal HF_TOKEN in a Dockerfile ENV or ARG, but not a variable reference", async () => {
    const token = makeTestToken();
    const dir = tempDir({
      Dockerfile: [
        "FROM python:3.12",
        "ARG HF_TOKEN",
        "ENV HF_TOKEN=$HF_TOKEN",
        "ENV HUGGING_FACE_HUB_TOKEN=my-team-token-123",
        `ENV OTHER=1 \\\n    HF_TOKEN="${token}"`,
        "ENV HF_TOKEN=hf_secrets_managed_placeholder",
      ].join("\n"),
      "deploy/api.Dockerfile": "FROM x\nARG HF_TOKEN=changeme\n",
    });
    const { result } = await scanJson(dir);
    expect(where(result)).toEqual([
      "Dockerfile:4:28 hf-token-literal-in-dockerfile",
      "Dockerfile:6:15 hf-user-access-token",
      "deploy/api.Dockerfile:2:14 hf-token-literal-in-dockerfile",
    ]);
    expect(result.findings.map((f) => f.masked)).toEqual(["****-123", `hf_****${token.slice(-4)}`, "****"]);
  });
});

describe("hf-secrets scan: .env files", () => {
  it("skips .env files git ignores, and reports those it does not ignore as such", async () => {
    const token = makeTestToken();
    const dir = tempRepo({
      ".gitignore": ".env\n",
      ".env": `HF_TOKEN=${token}\n`,
      "app/.env.local": `HF_TOKEN=${makeTestToken()}\n`,
      "app/.env.production": "HF_TOKEN=some-team-token\nOTHER=1\n",
      ".env.example": "HF_TOKEN=your-token-here\n",
    });
    const { result, stdout } = await scanJson(dir);
    expect(where(result)).toEqual([
      "app/.env.local:1:10 hf-user-access-token",
      "app/.env.production:1:10 hf-token-in-unignored-env-file",
    ]);
    expect(result.findings.every((f) => f.note === "this .env file is not git-ignored")).toBe(true);
    expect(result.filesSkipped).toBe(1);
    expectNoSecret(stdout, token, "JSON output");
  });

  it("says when a .env file is committed", async () => {
    const dir = tempRepo({ ".env": `HF_TOKEN=${makeTestToken()}\n` });
    git(dir, "add", ".env");
    const { result } = await scanJson(dir);
    expect(result.findings.map((f) => f.note)).toEqual(["this .env file is committed to git"]);
  });
});

describe("hf-secrets scan: git", () => {
  it("--git-history finds a token that was committed and later removed, with commit, file and line", async () => {
    const token = makeTestToken();
    const dir = tempRepo({ "app.py": "import os\n" });
    git(dir, "add", ".");
    git(dir, "commit", "-qm", "first");
    writeFiles(dir, { "app.py": `import os\n\nTOKEN = '${token}'\n` });
    git(dir, "commit", "-qam", "oops");
    const leak = git(dir, "rev-parse", "HEAD").trim();
    writeFiles(dir, { "app.py": "import os\nTOKEN = os.environ['HF_TOKEN']\n" });
    git(dir, "commit", "-qam", "fix");

    expect((await scan(dir)).code).toBe(0);
    const { code, result, stdout } = await scanJson(dir, "--git-history");
    expect(code).toBe(1);
    expect(result.commitsScanned).toBe(3);
    expect(result.findings).toEqual([
      {
        ruleId: "hf-user-access-token",
        path: "app.py",
        line: 3,
        column: 10,
        endColumn: 10 + token.length,
        masked: `hf_****${token.slice(-4)}`,
        source: "history",
        commit: leak,
      },
    ]);
    expectNoSecret(stdout, token, "JSON output");
    const text = await scan(dir, "--git-history");
    expect(text.stdout).toContain(`${leak.slice(0, 12)} app.py:3:10  hf-user-access-token`);
  });

  it("--git-history reads other branches too, and paths relative to a subfolder", async () => {
    const dir = tempRepo({ "sub/a.txt": "x\n" });
    git(dir, "add", ".");
    git(dir, "commit", "-qm", "base");
    git(dir, "checkout", "-qb", "feature");
    writeFiles(dir, { "sub/a.txt": `x\n${makeTestToken()}\n` });
    git(dir, "commit", "-qam", "on a branch");
    git(dir, "checkout", "-q", "main");
    const { result } = await scanJson(`${dir}/sub`, "--git-history");
    expect(where(result)).toEqual(["a.txt:2:1 hf-user-access-token"]);
  });

  it("--staged scans what is about to be committed, not the rest of the tree", async () => {
    const dir = tempRepo({ "old.txt": makeTestToken() });
    const clean = await scanJson(dir, "--staged");
    expect(clean.code).toBe(0);
    writeFiles(dir, { "new.txt": `one\n${makeTestToken()}\n` });
    git(dir, "add", "new.txt");
    const { code, result } = await scanJson(dir, "--staged");
    expect(code).toBe(1);
    expect(result.findings.map((f) => `${f.source} ${f.path}:${f.line}`)).toEqual(["staged new.txt:2"]);
  });

  it("--git-history outside a repository is a usage error (exit 2)", async () => {
    const dir = tempDir({ "a.txt": "x" });
    const { code, stderr } = await scan(dir, "--git-history");
    expect(code).toBe(2);
    expect(stderr).toContain("needs a git repository");
  });
});

describe("hf-secrets scan on its own package", () => {
  it("finds nothing in the scanner's source, tests, examples and README (CI scans the repository)", async () => {
    const packageRoot = new URL("..", import.meta.url).pathname;
    const result = await scanForTokens({ cwd: packageRoot, paths: ["src", "test", "examples", "README.md"] });
    expect(result.findings).toEqual([]);
    expect(result.filesScanned).toBeGreaterThan(20);
  });
});

describe("hf-secrets scan: usage errors exit 2", () => {
  it("a missing path", async () => {
    const { code, stderr } = await scan(tempDir(), "does-not-exist");
    expect(code).toBe(2);
    expect(stderr).toContain("does-not-exist: no such file or folder");
  });

  it("an unknown format", async () => {
    const { code, stderr } = await scan(tempDir(), "--format", "xml");
    expect(code).toBe(2);
    expect(stderr).toContain("xml");
  });
});

describe("hf-secrets scan --format sarif", () => {
  const require = createRequire(import.meta.url);
  const schema = JSON.parse(
    readFileSync(require.resolve("@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json"), "utf8"),
  );
  const ajv = new Ajv({ schemaId: "auto", allErrors: true, validateSchema: false });
  ajv.addMetaSchema(
    JSON.parse(readFileSync(require.resolve("ajv/lib/refs/json-schema-draft-04.json"), "utf8")),
  );
  const validate = ajv.compile(schema);

  it("writes a SARIF 2.1.0 log that the official schema accepts, with rules, locations and masks only", async () => {
    const token = makeTestToken();
    const dir = tempDir({
      "src/my file.ts": `\nconst t = "${token}";\n`,
      Dockerfile: "FROM x\nENV HF_TOKEN=abc123\n",
    });
    const { code, stdout } = await scan(dir, "--format", "sarif");
    expect(code).toBe(1);
    expectNoSecret(stdout, token, "SARIF output");
    const log = JSON.parse(stdout);
    const valid = validate(log);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    expect(log.$schema).toBe("https://json.schemastore.org/sarif-2.1.0.json");
    expect(log.version).toBe("2.1.0");
    const run = log.runs[0];
    expect(run.tool.driver.name).toBe("hf-secrets");
    const ruleIds = run.tool.driver.rules.map((r: { id: string }) => r.id);
    expect(ruleIds).toContain("hf-user-access-token");
    expect(run.results).toHaveLength(2);
    for (const result of run.results) {
      expect(ruleIds[result.ruleIndex]).toBe(result.ruleId);
      expect(result.locations[0].physicalLocation.region.startLine).toBeGreaterThan(0);
    }
    const [docker, ts] = run.results;
    expect(docker.ruleId).toBe("hf-token-literal-in-dockerfile");
    expect(docker.locations[0].physicalLocation.artifactLocation.uri).toBe("Dockerfile");
    expect(ts.locations[0].physicalLocation.artifactLocation.uri).toBe("src/my%20file.ts");
    expect(ts.locations[0].physicalLocation.region).toEqual({
      startLine: 2,
      startColumn: 12,
      endColumn: 12 + token.length,
    });
    expect(ts.message.text).toContain(`hf_****${token.slice(-4)}`);
  });

  it("writes a valid log with no results for a clean tree", async () => {
    const { code, stdout } = await scan(tempDir({ "a.txt": "x" }), "--format", "sarif");
    expect(code).toBe(0);
    const log = JSON.parse(stdout);
    expect(validate(log)).toBe(true);
    expect(log.runs[0].results).toEqual([]);
  });

  it("a schema violation is caught (the validator is not a no-op)", () => {
    expect(validate({ version: "2.1.0", runs: [{ tool: {} }] })).toBe(false);
  });
});
