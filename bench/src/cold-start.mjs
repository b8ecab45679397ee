// Section 4a — cold start: a fresh node process per sample (like hyperfine), samples of every subject interleaved,
// medians reported. First tokens come from stubs on 127.0.0.1 that speak the real protocol to the real SDK: a
// Secrets Manager endpoint (awsJson1_1) and a kube-apiserver (TLS, GET secret); Kubernetes volume mode reads a
// kubelet-like folder; Azure reads a Key Vault stub through the real bearer-challenge flow.
import { execFileSync, spawn } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { createServer } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { startKeyVaultStub } from "./lib/keyvault-stub.mjs";
import { progress, target, writeResult } from "./lib/result.mjs";
import { formatMs, formatRatio, median } from "./lib/stats.mjs";
import { makeBenchToken } from "./lib/test-token.mjs";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, "..", "..");
const SAMPLES = Number(process.env.HF_BENCH_COLD_SAMPLES ?? 11);
const PROBE = join(HERE, "cold-start", "probe.mjs");
const token = makeBenchToken();

const built = (pkg) => existsSync(join(ROOT, "packages", pkg, "dist", "index.js"));

function startStub() {
  let calls = 0;
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => {
      body += chunk;
    });
    req.on("end", () => {
      calls++;
      let secretId = "bench/hf";
      try {
        secretId = JSON.parse(body).SecretId ?? secretId;
      } catch {
        // Not JSON: answer anyway.
      }
      res.writeHead(200, { "content-type": "application/x-amz-json-1.1" });
      res.end(
        JSON.stringify({
          ARN: `arn:aws:secretsmanager:us-east-1:000000000000:secret:${secretId}-AbCdEf`,
          Name: secretId,
          SecretString: token,
          VersionId: "00000000-0000-4000-8000-000000000001",
          VersionStages: ["AWSCURRENT"],
          CreatedDate: 1_767_225_600,
        }),
      );
    });
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () =>
      resolve({ server, url: `http://127.0.0.1:${server.address().port}`, calls: () => calls }),
    );
  });
}

/** A kubelet-like Secret volume: `..<timestamp>/HF_TOKEN`, `..data -> ..<timestamp>`, `HF_TOKEN -> ..data/HF_TOKEN`. */
function makeSecretVolume() {
  const mountPath = mkdtempSync(join(tmpdir(), "hf-secrets-bench-volume-"));
  const stamp = "..2026_01_01_00_00_00.000000001";
  mkdirSync(join(mountPath, stamp));
  writeFileSync(join(mountPath, stamp, "HF_TOKEN"), token, { mode: 0o600 });
  symlinkSync(stamp, join(mountPath, "..data"));
  symlinkSync(join("..data", "HF_TOKEN"), join(mountPath, "HF_TOKEN"));
  return { mountPath, cleanup: () => rmSync(mountPath, { recursive: true, force: true }) };
}

/**
 * A stub kube-apiserver on 127.0.0.1 over TLS (a throwaway self-signed certificate made with openssl, trusted
 * through the kubeconfig's certificate-authority-data), answering GET .../secrets/<name> with one Secret.
 */
async function startKubeStub() {
  const dir = mkdtempSync(join(tmpdir(), "hf-secrets-bench-kube-"));
  const keyPath = join(dir, "key.pem");
  const certPath = join(dir, "cert.pem");
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:prime256v1",
      "-nodes",
      "-days",
      "1",
      "-subj",
      "/CN=127.0.0.1",
      "-addext",
      "subjectAltName=IP:127.0.0.1,DNS:localhost",
      "-keyout",
      keyPath,
      "-out",
      certPath,
    ],
    { stdio: "ignore", timeout: 20_000 },
  );
  const cert = readFileSync(certPath);
  const server = createHttpsServer({ key: readFileSync(keyPath), cert }, (req, res) => {
    const m = /^\/api\/v1\/namespaces\/([^/]+)\/secrets\/([^/?]+)/.exec(req.url ?? "");
    if (req.method !== "GET" || !m) {
      res.writeHead(404, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          kind: "Status",
          apiVersion: "v1",
          status: "Failure",
          reason: "NotFound",
          code: 404,
        }),
      );
      return;
    }
    res.writeHead(200, { "content-type": "application/json" });
    res.end(
      JSON.stringify({
        kind: "Secret",
        apiVersion: "v1",
        metadata: { name: m[2], namespace: m[1], resourceVersion: "1" },
        type: "Opaque",
        data: { HF_TOKEN: Buffer.from(token).toString("base64") },
      }),
    );
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const kubeconfigPath = join(dir, "kubeconfig");
  writeFileSync(
    kubeconfigPath,
    [
      "apiVersion: v1",
      "kind: Config",
      "clusters:",
      "- name: stub",
      "  cluster:",
      `    server: https://127.0.0.1:${server.address().port}`,
      `    certificate-authority-data: ${cert.toString("base64")}`,
      "contexts:",
      "- name: stub",
      "  context: { cluster: stub, user: stub, namespace: default }",
      "current-context: stub",
      "users:",
      "- name: stub",
      "  user: { token: bench }",
      "",
    ].join("\n"),
  );
  return {
    kubeconfigPath,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections?.();
        rmSync(dir, { recursive: true, force: true });
      }),
  };
}

function sample(subject, env) {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [PROBE, subject], {
      cwd: HERE,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => {
      out += d;
    });
    child.stderr.on("data", (d) => {
      err += d;
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    child.on("close", (code) => {
      clearTimeout(timer);
      const wallMs = performance.now() - t0;
      try {
        const parsed = JSON.parse(out.trim().split("\n").pop());
        resolve({ ...parsed, wallMs, code });
      } catch {
        resolve({
          error: (err.split("\n").find((l) => /Error/.test(l)) ?? err.slice(0, 200)).trim(),
          code,
          wallMs,
        });
      }
    });
  });
}

async function main() {
  const stub = await startStub();
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_NO_WARNINGS: "1",
    HF_BENCH_COLD_TOKEN: token,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: stub.url,
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "bench",
    AWS_SECRET_ACCESS_KEY: "bench",
    // Keep the SDK from looking for config/credential files of the machine.
    AWS_CONFIG_FILE: "/nonexistent",
    AWS_SHARED_CREDENTIALS_FILE: "/nonexistent",
  };

  const awsPackage = built("aws") ? "aws-package" : "aws-minimal";
  const subjects = [
    { id: "baseline", label: "node, empty script (baseline)" },
    { id: "core-env", label: "@hf-secrets/core + env: import + first token" },
    { id: "client-env", label: "@hf-secrets/client + env: import + getHfToken()" },
    {
      id: awsPackage,
      label:
        awsPackage === "aws-package"
          ? "@hf-secrets/aws (+ SDK, lazily): import + first token"
          : "core + minimal provider + SDK: import + first token (@hf-secrets/aws not built)",
      cloud: "aws",
    },
    { id: "aws-sdk-import", label: "@aws-sdk/client-secrets-manager alone: import", cloud: "aws" },
    {
      id: "aws-sdk-first",
      label: "@aws-sdk/client-secrets-manager alone: import + first GetSecretValue",
      cloud: "aws",
    },
  ];
  const notes = [];
  const cleanups = [];
  if (built("kubernetes")) {
    subjects.push({
      id: "import:@hf-secrets/kubernetes",
      label: "@hf-secrets/kubernetes: import (SDK not loaded yet)",
    });
    const volume = makeSecretVolume();
    cleanups.push(volume.cleanup);
    env.HF_BENCH_K8S_MOUNT = volume.mountPath;
    subjects.push({
      id: "k8s-volume",
      label: "@hf-secrets/kubernetes volume mode (no SDK): import + first token",
    });
    try {
      const kube = await startKubeStub();
      cleanups.push(kube.close);
      env.HF_BENCH_KUBECONFIG = kube.kubeconfigPath;
      subjects.push(
        { id: "k8s-api", label: "@hf-secrets/kubernetes API mode (+ SDK, lazily): import + first token" },
        { id: "import:@kubernetes/client-node", label: "@kubernetes/client-node alone: import" },
        { id: "k8s-sdk-first", label: "@kubernetes/client-node alone: import + first readNamespacedSecret" },
      );
    } catch (error) {
      notes.push(
        `@hf-secrets/kubernetes API mode: not measured (the TLS stub did not start: ${error?.message ?? error}).`,
      );
    }
  } else {
    notes.push(
      "@hf-secrets/kubernetes: not built when this ran (no packages/kubernetes/dist): not measured.",
    );
  }
  if (built("azure")) {
    const sdk = ["@azure/keyvault-secrets", "@azure/identity"];
    subjects.push(
      { id: "import:@hf-secrets/azure", label: "@hf-secrets/azure: import (SDK not loaded yet)" },
      {
        id: `import:@hf-secrets/azure,${sdk.join(",")}`,
        label: "@hf-secrets/azure + its SDK: import (what first use loads)",
      },
      { id: `import:${sdk.join(",")}`, label: `${sdk.join(" + ")} alone: import` },
    );
    const vault = await startKeyVaultStub(token);
    cleanups.push(vault.close);
    env.HF_BENCH_KEYVAULT_URL = vault.url;
    subjects.push(
      { id: "azure-package", label: "@hf-secrets/azure (+ SDK, lazily): import + first token" },
      { id: "azure-sdk-first", label: "@azure/keyvault-secrets alone: import + first getSecret" },
    );
    notes.push(
      "@hf-secrets/azure: the first token comes from a local Key Vault stub (plain HTTP, the real bearer-challenge flow, a fixed TokenCredential — no identity endpoint), read by the real @azure/keyvault-secrets.",
    );
  } else {
    notes.push("@hf-secrets/azure: not built when this ran (no packages/azure/dist): not measured.");
  }

  const samples = Object.fromEntries(subjects.map((s) => [s.id, []]));
  const failures = {};
  // One warm-up round (file-system cache), then interleaved rounds.
  for (const s of subjects) await sample(s.id, env);
  for (let round = 0; round < SAMPLES; round++) {
    let baselineWall = Number.NaN;
    for (const s of subjects) {
      const r = await sample(s.id, env);
      if (s.id === "baseline") baselineWall = r.wallMs;
      // Paired with the baseline of the same round, so drift in the machine's load cancels out.
      r.overBaselineMs = r.wallMs - baselineWall;
      if (r.error || r.code !== 0 || r.ok === false) failures[s.id] = r.error ?? `exit ${r.code}`;
      else samples[s.id].push(r);
    }
    if ((round + 1) % 5 === 0) progress("cold-start", `${round + 1}/${SAMPLES} rounds`);
  }
  stub.server.close();
  for (const cleanup of cleanups) await cleanup();

  const med = {};
  for (const s of subjects) {
    const list = samples[s.id];
    med[s.id] = {
      n: list.length,
      wall: median(list.map((x) => x.wallMs)),
      over: median(list.map((x) => x.overBaselineMs)),
      origin: median(list.map((x) => x.sinceOriginMs)),
      imp: median(list.map((x) => x.importMs)),
      first: median(list.map((x) => x.firstTokenMs)),
    };
  }
  const rows = subjects.map((s) => {
    const m = med[s.id];
    if (failures[s.id] && m.n === 0) return [s.label, "failed", failures[s.id], "", "", "", "—", "—"];
    return [
      s.label,
      formatMs(m.wall),
      signedMs(m.over),
      formatMs(m.imp),
      formatMs(m.first),
      formatMs(m.origin),
      "—",
      "—",
    ];
  });

  const awsVsSdk = med[awsPackage].first / med["aws-sdk-first"].first;
  const targets = [
    target(
      "cold.core-env",
      "@hf-secrets/core + env: import + first token (median, in-process)",
      "none set (figure only)",
      `${formatMs(med["core-env"].first)} (whole process ${formatMs(med["core-env"].wall)}, ${signedMs(med["core-env"].over)} over an empty node)`,
      "info",
    ),
    target(
      "cold.aws",
      `${awsPackage === "aws-package" ? "@hf-secrets/aws" : "core + minimal AWS provider"} first token vs the SDK alone doing the same GetSecretValue`,
      "none set (figure only)",
      `${formatMs(med[awsPackage].first)} vs ${formatMs(med["aws-sdk-first"].first)} (${formatRatio(awsVsSdk)}); SDK import alone ${formatMs(med["aws-sdk-import"].imp)}`,
      "info",
    ),
  ];
  if (med["k8s-api"]?.n > 0 && med["k8s-sdk-first"]?.n > 0) {
    targets.push(
      target(
        "cold.kubernetes",
        "@hf-secrets/kubernetes first token (API mode; volume mode) vs the SDK alone reading the same Secret",
        "none set (figure only)",
        `${formatMs(med["k8s-api"].first)} (volume mode ${formatMs(med["k8s-volume"].first)}) vs ${formatMs(med["k8s-sdk-first"].first)} (${formatRatio(med["k8s-api"].first / med["k8s-sdk-first"].first)}); SDK import alone ${formatMs(med["import:@kubernetes/client-node"].imp)}`,
        "info",
      ),
    );
  }

  if (med["azure-package"]?.n > 0 && med["azure-sdk-first"]?.n > 0) {
    targets.push(
      target(
        "cold.azure",
        "@hf-secrets/azure first token vs the SDK alone reading the same secret",
        "none set (figure only)",
        `${formatMs(med["azure-package"].first)} vs ${formatMs(med["azure-sdk-first"].first)} (${formatRatio(med["azure-package"].first / med["azure-sdk-first"].first)}); SDK import alone ${formatMs(med["import:@azure/keyvault-secrets,@azure/identity"].imp)}`,
        "info",
      ),
    );
  }

  writeResult({
    id: "cold-start",
    title: "4a. Cold start: import and first token, a fresh process per sample",
    method: [
      `${SAMPLES} samples per subject after one warm-up round, subjects interleaved round by round; medians.`,
      "Whole process = spawn to exit, measured by the parent (hyperfine-like); over empty node = median of the per-round differences with the baseline run just before it. Import / first token = inside the process, from the probe's first line. Since process start = performance.now() at the first token (includes Node's own start-up).",
      "The first token for AWS comes from a stub Secrets Manager on 127.0.0.1 (the SDK's real request/response path, credentials from env); for Kubernetes API mode from a stub kube-apiserver on 127.0.0.1 over TLS (throwaway certificate trusted through the kubeconfig), read by @kubernetes/client-node; volume mode reads a kubelet-like folder (..data link); core + env reads an env object passed to fromEnv().",
      `AWS first token, ours minus the SDK alone: ${signedMs(med[awsPackage].first - med["aws-sdk-first"].first)} (median difference; within noise when it is a few ms).`,
      ...notes,
    ],
    tables: [
      {
        title: "Cold start (medians)",
        columns: [
          "Subject",
          "Whole process",
          "Over empty node",
          "Import",
          "Import + first token",
          "Since process start",
          "Target",
          "Met",
        ],
        rows,
      },
    ],
    targets,
    notes: Object.entries(failures).map(([id, e]) => `${id} failed at least once: ${e}`),
    raw: { med, failures },
  });
}

function signedMs(ms) {
  return `${ms < 0 ? "−" : "+"}${formatMs(Math.abs(ms))}`;
}

main().catch((error) => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
