#!/usr/bin/env node
// Packed-tarball smoke test: what a user gets from npm, not what the workspace links. Packs @hf-secrets/core,
// /env and /client, installs them with @huggingface/inference into a throwaway project outside the repository,
// and runs getHfClient() from an ESM and a CJS script against the local fake Hugging Face server. The token
// reaches the child only through HF_TOKEN, built here at run time.
//
//   node scripts/smoke/run.mjs        (after `npm run build`; needs the npm registry for @huggingface/inference)
import { join } from "node:path";
import { expectNoSecret, makeTestToken, startFakeHfServer } from "@hf-secrets/testing";
import { cleanEnv, cleanup, devPin, npmInstall, pack, seconds, tempDir, tempProject, write } from "./lib.mjs";

const PACKAGES = ["core", "env", "client"];
const started = performance.now();
const results = [];
let server;

const ESM_SCRIPT = `import { getHfClient } from "@hf-secrets/client";

const client = await getHfClient({ endpointUrl: process.env.SMOKE_ENDPOINT });
const answer = await client.chatCompletion({
  model: "smoke/model",
  messages: [{ role: "user", content: "hello from ESM" }],
});
if (answer.choices[0]?.message.content !== "ok") throw new Error("unexpected answer");
console.log("ok");
`;

const CJS_SCRIPT = `const { getHfClient } = require("@hf-secrets/client");

(async () => {
  const client = await getHfClient({ endpointUrl: process.env.SMOKE_ENDPOINT });
  const answer = await client.chatCompletion({
    model: "smoke/model",
    messages: [{ role: "user", content: "hello from CJS" }],
  });
  if (answer.choices[0]?.message.content !== "ok") throw new Error("unexpected answer");
  console.log("ok");
})().catch((error) => {
  console.error(error && error.message);
  process.exitCode = 1;
});
`;

try {
  let step = performance.now();
  const tarballs = pack(PACKAGES, tempDir("tarballs"));
  const inference = `@huggingface/inference@${devPin("client", "@huggingface/inference")}`;
  console.log(`packed ${PACKAGES.map((d) => tarballs[d].name).join(", ")} (${seconds(step)} s)`);

  step = performance.now();
  const project = tempProject("smoke");
  npmInstall(project, [...PACKAGES.map((d) => tarballs[d].file), inference]);
  console.log(`installed them + ${inference} into ${project} (${seconds(step)} s)`);
  // Two set-ups a user has: no config (the default chain env → dotenv → hf-cli, with only @hf-secrets/env
  // installed), and a config whose development chain is ["env"].
  write(join(project, "default-chain", "smoke.mjs"), ESM_SCRIPT);
  write(join(project, "default-chain", "smoke.cjs"), CJS_SCRIPT);
  write(join(project, "env-config", "smoke.mjs"), ESM_SCRIPT);
  write(join(project, "env-config", "smoke.cjs"), CJS_SCRIPT);
  write(
    join(project, "env-config", "hf-secrets.config.json"),
    `${JSON.stringify({ environments: { development: { chain: ["env"] } } }, null, 2)}\n`,
  );

  server = await startFakeHfServer();
  const token = makeTestToken();
  server.acceptToken(token);
  const env = cleanEnv({ HF_TOKEN: token, HF_HOME: tempDir("hf-home"), SMOKE_ENDPOINT: server.url });

  for (const [label, dir, file] of [
    ["ESM, default chain", "default-chain", "smoke.mjs"],
    ["CJS, default chain", "default-chain", "smoke.cjs"],
    ["ESM, config [env]", "env-config", "smoke.mjs"],
    ["CJS, config [env]", "env-config", "smoke.cjs"],
  ]) {
    step = performance.now();
    const before = server.requests.length;
    // The child runs asynchronously: the fake server lives in this process and must keep answering.
    const out = await runChild(process.execPath, [file], { cwd: join(project, dir), env });
    const requests = server.requests.slice(before).filter((r) => r.path !== "/api/whoami-v2");
    const problems = [];
    if (out.status !== 0) problems.push(`exit code ${out.status}: ${firstErrorLine(out.stderr)}`);
    if (out.stdout.trim() !== "ok") problems.push(`printed ${JSON.stringify(out.stdout.trim())}, not "ok"`);
    if (
      requests.length !== 1 ||
      requests[0].status !== 200 ||
      requests[0].authorization !== `Bearer ${token}`
    ) {
      problems.push(`the fake server saw ${requests.length} request(s), not one authenticated 200`);
    }
    try {
      expectNoSecret(`${out.stdout}\n${out.stderr}`, token, "the child's output");
    } catch (error) {
      problems.push(error.message);
    }
    results.push({ label, ok: problems.length === 0, problems, time: seconds(step) });
  }
} catch (error) {
  results.push({ label: "setup", ok: false, problems: [error.message], time: "-" });
} finally {
  await server?.close();
  cleanup();
}

console.log("\npacked-tarball smoke test (@hf-secrets/core + env + client, getHfClient → fake HF server)");
for (const r of results) {
  console.log(`  ${r.ok ? "PASS" : "FAIL"}  ${r.label.padEnd(20)} ${r.time} s`);
  for (const problem of r.problems) console.log(`        - ${problem}`);
}
const failed = results.filter((r) => !r.ok).length;
console.log(`smoke: ${results.length - failed} passed, ${failed} failed (${seconds(started)} s)`);
process.exitCode = failed > 0 ? 1 : 0;

function firstErrorLine(stderr) {
  const lines = stderr.split("\n").map((l) => l.trim());
  return (
    lines.find((l) => l.includes("[hf-secrets]")) ??
    lines.find((l) => /^\w*Error\b/.test(l)) ??
    lines.find(Boolean) ??
    "(no output)"
  );
}

function runChild(command, args, options) {
  return import("node:child_process").then(
    ({ spawn }) =>
      new Promise((resolve) => {
        const child = spawn(command, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (chunk) => (stdout += chunk));
        child.stderr.on("data", (chunk) => (stderr += chunk));
        const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
        child.on("close", (status) => {
          clearTimeout(timer);
          resolve({ status, stdout, stderr });
        });
      }),
  );
}
