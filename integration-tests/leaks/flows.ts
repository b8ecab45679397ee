import { chmod, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { format } from "node:util";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { fromAwsSecretsManager } from "@hf-secrets/aws";
import { createHfSecrets } from "@hf-secrets/client";
import {
  type CachedSecretProvider,
  cached,
  chain,
  type SecretProvider,
  type SecretValue,
} from "@hf-secrets/core";
import { fromEnv } from "@hf-secrets/env";
import { fromKubernetesSecret } from "@hf-secrets/kubernetes";
import { type FakeHfServer, startFakeHfServer, startFaultProxy } from "@hf-secrets/testing";
import { KubeletVolume } from "../../packages/kubernetes/test/kubelet-volume.js";
import {
  createSecret as createAwsSecret,
  localstack,
  uniqueName as uniqueAwsName,
} from "../aws/localstack.js";
import { readerConfigVia } from "../faults/backends.js";
import {
  createSecret as createK8sSecret,
  grant,
  NAMESPACE,
  uniqueName as uniqueK8sName,
} from "../kubernetes/cluster.js";
import type { Collector } from "./collector.js";

// The leak-canary scenarios: one canary token sent through every provider and through getHfClient(), on
// success and failure paths, with every public object, event and error handed to the collector. Shared by the
// in-process suite and the child process whose real stdout/stderr are captured.

/** What the optional packages (colleagues' work in progress) export, when they are built. */
interface OptionalModules {
  readonly dotenv?: typeof import("@hf-secrets/dotenv");
  readonly hfCli?: typeof import("@hf-secrets/hf-cli");
  readonly azure?: typeof import("@hf-secrets/azure");
}

async function optional<T>(load: () => Promise<T>): Promise<T | undefined> {
  try {
    return await load();
  } catch {
    return undefined;
  }
}

export async function loadOptionalModules(): Promise<OptionalModules> {
  return {
    dotenv: await optional(() => import("@hf-secrets/dotenv")),
    hfCli: await optional(() => import("@hf-secrets/hf-cli")),
    azure: await optional(() => import("@hf-secrets/azure")),
  };
}

/** A console-like logger that keeps what it is given, for the SDKs' own log modes. */
function capturingLogger(collector: Collector, channel: string) {
  const log =
    (level: string) =>
    (...args: unknown[]) =>
      collector.text(channel, level, format(...args));
  return {
    trace: log("trace"),
    debug: log("debug"),
    info: log("info"),
    warn: log("warn"),
    error: log("error"),
  };
}

export interface FlowContext {
  readonly canary: string;
  readonly collector: Collector;
  readonly modules: OptionalModules;
  /** Providers/flows not run, and why (a package not built, an emulator missing). */
  readonly skipped: Array<{ provider: string; reason: string }>;
  /**
   * Where the SDKs' own log modes write: into the collector, or to the real console/stderr (the child process,
   * whose stdout and stderr the parent captures).
   */
  readonly sdkLogs: "collector" | "console";
}

/** Runs a flow that must succeed with the canary; records the objects it touched. */
async function success(
  context: FlowContext,
  provider: string,
  what: string,
  run: () => Promise<SecretValue | string | undefined>,
): Promise<void> {
  try {
    const value = await run();
    const text = typeof value === "string" ? value : value?.value.reveal();
    if (typeof value === "object" && value !== undefined)
      context.collector.object(`${provider}: ${what}: value`, value);
    context.collector.flow({ provider, path: "success", what, ok: text === context.canary });
  } catch (error) {
    context.collector.error(`${provider}: ${what} (unexpected)`, error);
    context.collector.flow({
      provider,
      path: "success",
      what,
      ok: false,
      note: String((error as Error)?.message).slice(0, 160),
    });
  }
}

/** Runs a flow that must fail; records the error. */
async function failure(
  context: FlowContext,
  provider: string,
  what: string,
  run: () => Promise<unknown>,
): Promise<void> {
  try {
    const value = await run();
    if (typeof value === "object" && value !== null)
      context.collector.object(`${provider}: ${what}: value`, value);
    context.collector.flow({ provider, path: "failure", what, ok: false, note: "did not fail" });
  } catch (error) {
    context.collector.error(`${provider}: ${what}`, error);
    context.collector.flow({
      provider,
      path: "failure",
      what,
      ok: true,
      note: (error as { code?: string }).code,
    });
  }
}

/** `cached()` around a provider, with every event collected; the provider and the cache are public objects. */
function watched(context: FlowContext, label: string, provider: SecretProvider): CachedSecretProvider {
  const cache = cached(provider, { ttlMs: 60_000, watch: false, retry: { attempts: 1 }, timeoutMs: 5_000 });
  cache.events.on("*", (event) => context.collector.event(label, event));
  context.collector.object(`${label}: provider`, provider);
  context.collector.object(`${label}: cache`, cache);
  return cache;
}

async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `hf-secrets-leaks-${prefix}-`));
  await chmod(dir, 0o700);
  return dir;
}

export async function envFlows(context: FlowContext): Promise<void> {
  const { canary } = context;
  await success(context, "env", "HF_TOKEN from an injected env", () =>
    watched(context, "env", fromEnv({ env: { HF_TOKEN: canary } })).getSecret("HF_TOKEN"),
  );
  await success(context, "env", "HF_TOKEN from process.env", async () => {
    process.env.HF_TOKEN = canary;
    try {
      return await watched(context, "env(process.env)", fromEnv()).getSecret("HF_TOKEN");
    } finally {
      delete process.env.HF_TOKEN;
    }
  });
  await failure(context, "env", "whitespace-only HF_TOKEN, canary in another variable", () =>
    watched(context, "env", fromEnv({ env: { HF_TOKEN: " \n ", OTHER: canary } })).getSecret("HF_TOKEN"),
  );
  await failure(context, "env", "chain where no provider has the name (aggregate error)", () =>
    watched(
      context,
      "env-chain",
      chain(fromEnv({ env: { OTHER: canary } }), fromEnv({ env: { HF_TOKEN: "", NOTE: canary } })),
    ).getSecret("HF_TOKEN"),
  );
}

export async function dotenvFlows(context: FlowContext): Promise<void> {
  const dotenv = context.modules.dotenv;
  if (!dotenv) {
    context.skipped.push({
      provider: "dotenv",
      reason: "@hf-secrets/dotenv is not built (packages/dotenv/dist)",
    });
    return;
  }
  const { canary } = context;
  const dir = await tempDir("dotenv");
  const write = async (text: string, mode = 0o600) => {
    await writeFile(join(dir, ".env"), text, { mode });
    await chmod(join(dir, ".env"), mode);
  };
  const provider = (extra: Record<string, unknown> = {}) =>
    watched(
      context,
      "dotenv",
      dotenv.fromDotenv({ path: dir, environment: "development", gitCheck: false, ...extra }),
    );
  try {
    await write(`# app\nHF_TOKEN=${canary}\n`);
    await success(context, "dotenv", ".env with HF_TOKEN", () => provider().getSecret("HF_TOKEN"));
    await write(`HF_TOKEN="${canary}\n`);
    await failure(context, "dotenv", "unterminated quote around the token", () =>
      provider().getSecret("HF_TOKEN"),
    );
    await write(`HF_TOKEN=${canary}\n`, 0o644);
    await failure(context, "dotenv", "strict mode, .env readable by others", () =>
      provider({ strict: true }).getSecret("HF_TOKEN"),
    );
    await write(`HF_TOKEN=encrypted:${Buffer.from(canary).toString("base64")}\n`);
    await failure(context, "dotenv", "dotenvx-encrypted value without a private key", () =>
      provider().getSecret("HF_TOKEN"),
    );
    await write(`HF_TOKEN ${canary}\nOTHER=${canary}\n`);
    await failure(context, "dotenv", "malformed HF_TOKEN line (no =)", () =>
      provider().getSecret("HF_TOKEN"),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function hfCliFlows(context: FlowContext): Promise<void> {
  const hfCli = context.modules.hfCli;
  if (!hfCli) {
    context.skipped.push({
      provider: "hf-cli",
      reason: "@hf-secrets/hf-cli is not built (packages/hf-cli/dist)",
    });
    return;
  }
  const { canary } = context;
  const home = await tempDir("hf-cli");
  const provider = (extra: Record<string, unknown> = {}) =>
    watched(context, "hf-cli", hfCli.fromHfCli({ env: { HF_HOME: home }, ...extra }));
  try {
    await writeFile(join(home, "token"), canary, { mode: 0o600 });
    await success(context, "hf-cli", "active token file", () => provider().getSecret("HF_TOKEN"));
    await writeFile(join(home, "stored_tokens"), `[ci]\nhf_token = ${canary}\n`, { mode: 0o600 });
    await success(context, "hf-cli", "stored_tokens, named token", () =>
      provider({ tokenName: "ci" }).getSecret("HF_TOKEN"),
    );
    await writeFile(join(home, "stored_tokens"), `[ci]\n${canary}\n`, { mode: 0o600 });
    await failure(context, "hf-cli", "stored_tokens syntax error on the token's line", () =>
      provider({ tokenName: "ci" }).getSecret("HF_TOKEN"),
    );
    await writeFile(join(home, "stored_tokens"), `[${canary}]\nhf_token = x\n`, { mode: 0o600 });
    await failure(context, "hf-cli", "missing token name; the token pasted as a section name", () =>
      provider({ tokenName: "missing" }).getSecret("HF_TOKEN"),
    );
    await chmod(join(home, "token"), 0o644);
    await failure(context, "hf-cli", "strict mode, token file readable by others", () =>
      provider({ strict: true }).getSecret("HF_TOKEN"),
    );
    await chmod(join(home, "token"), 0o600);
    const linked = await tempDir("hf-cli-link");
    await symlink(join(home, "token"), join(linked, "token"));
    await failure(context, "hf-cli", "token file is a symlink (not followed)", () =>
      watched(context, "hf-cli", hfCli.fromHfCli({ env: { HF_HOME: linked } })).getSecret("HF_TOKEN"),
    );
    await rm(linked, { recursive: true, force: true });
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}

export async function awsFlows(context: FlowContext): Promise<void> {
  const { canary } = context;
  const base = { endpoint: localstack.endpoint, region: localstack.region };
  const make = (secretId: string, extra: Record<string, unknown> = {}) =>
    watched(
      context,
      "aws",
      fromAwsSecretsManager({
        secretId,
        ...base,
        clientConfig: { credentials: localstack.credentials },
        ...extra,
      }),
    );
  const plain = uniqueAwsName("leaks");
  await createAwsSecret(plain, canary);
  await success(context, "aws", "plain SecretString", () => make(plain).getSecret("HF_TOKEN"));
  const json = uniqueAwsName("leaks");
  await createAwsSecret(json, JSON.stringify({ HF_TOKEN: canary, other: canary }));
  await success(context, "aws", "JSON secret, key HF_TOKEN", () =>
    make(json, { key: "HF_TOKEN" }).getSecret("HF_TOKEN"),
  );
  await failure(context, "aws", "JSON secret without the key (keys listed)", () =>
    make(json, { key: "/hf/token" }).getSecret("HF_TOKEN"),
  );
  const tokenAsKey = uniqueAwsName("leaks");
  await createAwsSecret(tokenAsKey, JSON.stringify({ [canary]: "x" }));
  await failure(context, "aws", "the token pasted as a JSON key", () =>
    make(tokenAsKey, { key: "HF_TOKEN" }).getSecret("HF_TOKEN"),
  );
  const broken = uniqueAwsName("leaks");
  await createAwsSecret(broken, `{"HF_TOKEN": "${canary}"`);
  await failure(context, "aws", "invalid JSON holding the token", () =>
    make(broken, { key: "HF_TOKEN" }).getSecret("HF_TOKEN"),
  );
  await failure(context, "aws", "secret not found", () =>
    make(uniqueAwsName("missing")).getSecret("HF_TOKEN"),
  );

  // Through a fault proxy: a response cut inside the secret's bytes, and an injected 503.
  const url = new URL(localstack.endpoint);
  const proxy = await startFaultProxy({
    target: { host: url.hostname, port: Number(url.port) },
    lifetimeMs: 60_000,
  });
  try {
    const viaProxy = () => make(plain, { endpoint: `http://127.0.0.1:${proxy.port}` });
    await proxy.setFault({ kind: "reset", afterBytes: 400 });
    await failure(context, "aws", "response reset inside the secret's bytes", () =>
      viaProxy().getSecret("HF_TOKEN"),
    );
    await proxy.setFault({ kind: "truncate", afterBytes: 400 });
    await failure(context, "aws", "response truncated inside the secret's bytes", () =>
      viaProxy().getSecret("HF_TOKEN"),
    );
    await proxy.setFault({ kind: "http", status: 503, headers: { "retry-after": "1" } });
    await failure(context, "aws", "HTTP 503", () => viaProxy().getSecret("HF_TOKEN"));
  } finally {
    await proxy.close();
  }

  // The SDK's log mode: a client logger at every level (the provider creates its own client with none).
  const logger =
    context.sdkLogs === "console" ? console : capturingLogger(context.collector, "aws-sdk logger");
  await success(context, "aws", "clientConfig.logger (SDK log mode), JSON key", () =>
    make(json, { key: "HF_TOKEN", clientConfig: { credentials: localstack.credentials, logger } }).getSecret(
      "HF_TOKEN",
    ),
  );
  await failure(context, "aws", "clientConfig.logger (SDK log mode), missing key", () =>
    make(json, { key: "/missing", clientConfig: { credentials: localstack.credentials, logger } }).getSecret(
      "HF_TOKEN",
    ),
  );
  const injected = new SecretsManagerClient({ ...base, credentials: localstack.credentials, logger });
  context.collector.object("aws: injected SecretsManagerClient", injected);
  await success(context, "aws", "injected client with a logger (SDK log mode)", () =>
    watched(context, "aws", fromAwsSecretsManager({ secretId: plain, client: injected })).getSecret(
      "HF_TOKEN",
    ),
  );
  await failure(context, "aws", "injected client with a logger, not found", () =>
    watched(
      context,
      "aws",
      fromAwsSecretsManager({ secretId: uniqueAwsName("missing"), client: injected }),
    ).getSecret("HF_TOKEN"),
  );
  injected.destroy();
}

export async function kubernetesFlows(context: FlowContext): Promise<void> {
  const { canary } = context;
  // Volume mode: kubelet's layout (..data link, timestamped folder), as a pod sees a mounted Secret.
  const volume = await KubeletVolume.create({ HF_TOKEN: `${canary}\n`, other: canary });
  const mount = (extra: Record<string, unknown> = {}) =>
    watched(
      context,
      "kubernetes-volume",
      fromKubernetesSecret({ mountPath: volume.dir, watch: false, ...extra }),
    );
  await success(context, "kubernetes (volume)", "mounted Secret, HF_TOKEN", () =>
    mount().getSecret("HF_TOKEN"),
  );
  await failure(context, "kubernetes (volume)", "missing key (keys listed)", () =>
    mount({ key: "absent" }).getSecret("HF_TOKEN"),
  );
  await volume.write({ HF_TOKEN: " \n", other: canary });
  await failure(context, "kubernetes (volume)", "whitespace-only key", () => mount().getSecret("HF_TOKEN"));

  // API mode against the real kube-apiserver, as the RBAC-limited reader.
  const name = uniqueK8sName("leaks");
  await createK8sSecret(name, { HF_TOKEN: canary, other: canary });
  await grant(name, ["get", "watch"], { kind: "User", name: "reader" });
  const port = Number(new URL(process.env.KUBE_APISERVER_URL ?? "https://127.0.0.1:6443").port);
  const api = (secret: string, extra: Record<string, unknown> = {}, via = port) =>
    watched(
      context,
      "kubernetes-api",
      fromKubernetesSecret({
        name: secret,
        namespace: NAMESPACE,
        kubeConfig: readerConfigVia(via),
        ...extra,
      }),
    );
  await success(context, "kubernetes (API)", "Secret through the API, with a watch", async () => {
    const cache = api(name, { watch: true });
    const value = await cache.getSecret("HF_TOKEN");
    await cache.dispose();
    return value;
  });
  await failure(context, "kubernetes (API)", "missing key (keys listed)", () =>
    api(name, { key: "absent" }).getSecret("HF_TOKEN"),
  );
  const forbidden = uniqueK8sName("leaks-denied");
  await createK8sSecret(forbidden, { HF_TOKEN: canary });
  await failure(context, "kubernetes (API)", "403: no RBAC grant", () =>
    api(forbidden).getSecret("HF_TOKEN"),
  );
  const proxy = await startFaultProxy({ target: { host: "127.0.0.1", port }, lifetimeMs: 60_000 });
  try {
    await proxy.setFault({ kind: "reset", afterBytes: 2_300 });
    await failure(context, "kubernetes (API)", "response reset mid-body", () =>
      api(name, {}, proxy.port).getSecret("HF_TOKEN"),
    );
  } finally {
    await proxy.close();
  }
  await volume.remove();
}

export async function azureFlows(context: FlowContext): Promise<void> {
  const azure = context.modules.azure;
  if (!azure) {
    context.skipped.push({
      provider: "azure",
      reason: "@hf-secrets/azure is not built (packages/azure/dist)",
    });
    return;
  }
  const fake = await optional(() => import("../../packages/azure/test/fake-key-vault.js"));
  if (!fake) {
    context.skipped.push({ provider: "azure", reason: "packages/azure/test/fake-key-vault.ts is missing" });
    return;
  }
  const { canary } = context;
  const label = "azure (unit-level FAKE Key Vault + real SDK; no emulator here)";
  // The SDK's log mode: @azure/logger at "verbose", captured.
  const azureLogger = await optional(() => import("@azure/logger"));
  const previousLog = azureLogger?.AzureLogger.log;
  if (azureLogger) {
    azureLogger.setLogLevel("verbose");
    if (context.sdkLogs === "collector") {
      azureLogger.AzureLogger.log = (...args: unknown[]) =>
        context.collector.text("azure-sdk logger (verbose)", "log", format(...args));
    }
  }
  const kv = await fake.startFakeKeyVault();
  try {
    const make = () =>
      watched(
        context,
        "azure",
        azure.fromAzureKeyVault({
          vaultUrl: kv.url,
          credential: kv.credential,
          clientOptions: { allowInsecureConnection: true, disableChallengeResourceVerification: true },
        }),
      );
    kv.setSecret("hf-token", canary);
    await success(context, label, "secret hf-token", () => make().getSecret("HF_TOKEN"));
    const version = kv.setSecret("hf-token", canary);
    kv.updateVersion("hf-token", version, { enabled: false });
    await failure(context, label, "disabled version (403 SecretDisabled)", () =>
      make().getSecret("HF_TOKEN"),
    );
    kv.setSecret("hf-token", canary);
    kv.enqueue({ status: 429, headers: { "retry-after": "1" } });
    await failure(context, label, "HTTP 429", () => make().getSecret("HF_TOKEN"));
    kv.deny("rbac");
    await failure(context, label, "403 ForbiddenByRbac", () => make().getSecret("HF_TOKEN"));
    kv.deny(undefined);
  } finally {
    await kv.close();
    if (azureLogger) {
      azureLogger.setLogLevel();
      if (previousLog) azureLogger.AzureLogger.log = previousLog;
    }
  }
}

export async function clientFlows(context: FlowContext): Promise<void> {
  const { canary } = context;
  const server: FakeHfServer = await startFakeHfServer();
  const chat = { model: "test/model", messages: [{ role: "user" as const, content: "hi" }] };
  try {
    server.acceptToken(canary, { role: "read" });
    const secrets = createHfSecrets({
      provider: fromEnv({ env: { HF_TOKEN: canary } }),
      hubUrl: server.url,
      onEvent: (event) => context.collector.event("client", event),
    });
    context.collector.object("client: HfSecrets", secrets);
    const client = await secrets.getHfClient({ endpointUrl: server.url });
    context.collector.object("client: InferenceClient", client);
    context.collector.object("client: fetch", secrets.fetch);
    await success(context, "getHfClient", "chatCompletion with the token", async () => {
      const answer = await client.chatCompletion(chat);
      context.collector.object("client: answer", answer);
      return server.requests.at(-1)?.authorization === `Bearer ${canary}` ? canary : undefined;
    });
    await success(context, "getHfClient", "verify: true (whoami-v2)", async () => {
      const verified = await secrets.getHfClient({ endpointUrl: server.url, verify: true });
      context.collector.object("client: verified InferenceClient", verified);
      const info = await secrets.whoami();
      context.collector.object("client: whoami", info);
      return (await secrets.getTokenValue()).value.reveal();
    });
    server.enqueue({ status: 429, headers: { "retry-after": "1" } });
    await failure(context, "getHfClient", "HTTP 429 from the router", () => client.chatCompletion(chat));
    // (A 503 is retried by InferenceClient itself, "model loading"; a 500 is not.)
    server.enqueue({ status: 500 });
    await failure(context, "getHfClient", "HTTP 500 from the router", () => client.chatCompletion(chat));
    server.revokeToken(canary);
    await failure(context, "getHfClient", "token rejected (401, refresh, still 401)", () =>
      client.chatCompletion(chat),
    );
    await failure(context, "getHfClient", "verify: true with a rejected token", () =>
      createHfSecrets({
        provider: fromEnv({ env: { HF_TOKEN: canary } }),
        hubUrl: server.url,
        verify: true,
      }).getHfClient({
        endpointUrl: server.url,
      }),
    );
    server.acceptToken(canary, { role: "write" });
    await failure(context, "getHfClient", "policy refuses a write token", () =>
      createHfSecrets({
        provider: fromEnv({ env: { HF_TOKEN: canary } }),
        hubUrl: server.url,
        policy: { tokenRole: ["read"] },
        verify: true,
      }).getHfClient({ endpointUrl: server.url }),
    );
    await secrets.dispose();
  } finally {
    await server.close();
  }
}

/** Every flow, in order. */
export async function runAllFlows(context: FlowContext): Promise<void> {
  await envFlows(context);
  await dotenvFlows(context);
  await hfCliFlows(context);
  await awsFlows(context);
  await kubernetesFlows(context);
  await azureFlows(context);
  await clientFlows(context);
}

/** process.env values holding the canary, except the variables a flow set on purpose (none are left set). */
export function envLeaks(canary: string): string[] {
  return Object.entries(process.env)
    .filter(([, value]) => value?.includes(canary))
    .map(([key]) => key);
}
