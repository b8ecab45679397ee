import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SecretNotFoundError, SecretProviderError } from "@hf-secrets/core";
import { errorText, makeTestToken } from "@hf-secrets/testing";
import * as k8s from "@kubernetes/client-node";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadKubernetesClient } from "../src/client-loader.js";
import { fromKubernetesSecret, hfSecretsProvider } from "../src/index.js";
import { createKubeConfig, resolveNamespace, SERVICE_ACCOUNT_DIR } from "../src/kube-config.js";

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "hf-secrets-kubeconfig-"));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A service-account folder under `root` (as kubelet mounts it), for loadFromCluster(root). */
async function serviceAccount(token: string, namespace = "team-a"): Promise<string> {
  const dir = join(root, SERVICE_ACCOUNT_DIR);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, "token"), token);
  await writeFile(join(dir, "ca.crt"), "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n");
  await writeFile(join(dir, "namespace"), namespace);
  return dir;
}

function kubeconfigYaml(options: {
  context: string;
  namespace?: string;
  token: string;
  server?: string;
}): string {
  return [
    "apiVersion: v1",
    "kind: Config",
    "clusters:",
    `- name: ${options.context}-cluster`,
    "  cluster:",
    `    server: ${options.server ?? "https://127.0.0.1:6443"}`,
    "users:",
    `- name: ${options.context}-user`,
    "  user:",
    `    token: ${options.token}`,
    "contexts:",
    `- name: ${options.context}`,
    "  context:",
    `    cluster: ${options.context}-cluster`,
    `    user: ${options.context}-user`,
    ...(options.namespace ? [`    namespace: ${options.namespace}`] : []),
    `current-context: ${options.context}`,
    "",
  ].join("\n");
}

async function authorization(kubeConfig: k8s.KubeConfig): Promise<string | null> {
  const init = await kubeConfig.applyToFetchOptions({});
  return (init.headers as unknown as { get(name: string): string | null }).get("Authorization");
}

function thrown(make: () => unknown): SecretProviderError {
  try {
    make();
  } catch (error) {
    if (SecretProviderError.isInstance(error)) return error;
    throw error;
  }
  throw new Error("expected an error");
}

describe("in-cluster configuration (loadFromCluster with a path prefix)", () => {
  it("uses the service host and port, the CA under the prefix, and the pod's namespace", async () => {
    await serviceAccount("token-a", "team-a");
    const env = { KUBERNETES_SERVICE_HOST: "127.0.0.1", KUBERNETES_SERVICE_PORT: "6443" };
    const { kubeConfig, inCluster } = createKubeConfig(k8s, { name: "hf", inClusterPathPrefix: root }, env);
    expect(inCluster).toBe(true);
    expect(kubeConfig.getCurrentCluster()).toMatchObject({
      server: "https://127.0.0.1:6443",
      caFile: `${root}${SERVICE_ACCOUNT_DIR}/ca.crt`,
      skipTLSVerify: false,
    });
    expect(await resolveNamespace({ name: "hf", inClusterPathPrefix: root }, { kubeConfig, inCluster })).toBe(
      "team-a",
    );
  });

  it("brackets an IPv6 service host", async () => {
    await serviceAccount("t");
    const env = { KUBERNETES_SERVICE_HOST: "fd00::1", KUBERNETES_SERVICE_PORT: "443" };
    const { kubeConfig } = createKubeConfig(k8s, { name: "hf", inClusterPathPrefix: root }, env);
    expect(kubeConfig.getCurrentCluster()?.server).toBe("https://[fd00::1]:443");
  });

  it("re-reads the token file at every request, so a rotated token is used at once", async () => {
    const dir = await serviceAccount("token-a");
    const env = { KUBERNETES_SERVICE_HOST: "127.0.0.1", KUBERNETES_SERVICE_PORT: "6443" };
    const { kubeConfig } = createKubeConfig(k8s, { name: "hf", inClusterPathPrefix: root }, env);
    expect(await authorization(kubeConfig)).toBe("Bearer token-a");
    await writeFile(join(dir, "token"), "token-b\n");
    expect(await authorization(kubeConfig)).toBe("Bearer token-b");
  });

  it("(why) client-node's own tokenFile provider would keep the old token for up to 60 s", async () => {
    const dir = await serviceAccount("token-a");
    const original = { ...process.env };
    process.env.KUBERNETES_SERVICE_HOST = "127.0.0.1";
    process.env.KUBERNETES_SERVICE_PORT = "6443";
    try {
      const plain = new k8s.KubeConfig();
      plain.loadFromCluster(root);
      expect(await authorization(plain)).toBe("Bearer token-a");
      await writeFile(join(dir, "token"), "token-b");
      expect(await authorization(plain)).toBe("Bearer token-a");
    } finally {
      for (const key of ["KUBERNETES_SERVICE_HOST", "KUBERNETES_SERVICE_PORT"]) {
        if (original[key] === undefined) delete process.env[key];
        else process.env[key] = original[key];
      }
    }
  });

  it("says when the pod has no service-account token mounted", () => {
    const env = { KUBERNETES_SERVICE_HOST: "127.0.0.1", KUBERNETES_SERVICE_PORT: "6443" };
    const error = thrown(() => createKubeConfig(k8s, { name: "hf", inClusterPathPrefix: root }, env));
    expect(error.code).toBe("INVALID_CONFIGURATION");
    expect(error.message).toContain("no service-account token is mounted");
    expect(error.fix).toContain("automountServiceAccountToken");
  });

  it("fails a request clearly when the token file disappears later", async () => {
    const dir = await serviceAccount("token-a");
    const env = { KUBERNETES_SERVICE_HOST: "127.0.0.1", KUBERNETES_SERVICE_PORT: "6443" };
    const { kubeConfig } = createKubeConfig(k8s, { name: "hf", inClusterPathPrefix: root }, env);
    await rm(join(dir, "token"));
    await expect(authorization(kubeConfig)).rejects.toMatchObject({ code: "INVALID_CONFIGURATION" });
  });
});

describe("kubeconfig files", () => {
  it("loads kubeconfigPath, and takes the namespace from its context", async () => {
    const file = join(root, "config");
    await writeFile(file, kubeconfigYaml({ context: "dev", namespace: "ml", token: "abc" }));
    const { kubeConfig, inCluster } = createKubeConfig(k8s, { name: "hf", kubeconfigPath: file }, {});
    expect(inCluster).toBe(false);
    expect(await resolveNamespace({ name: "hf", inClusterPathPrefix: root }, { kubeConfig, inCluster })).toBe(
      "ml",
    );
    expect(await authorization(kubeConfig)).toBe("Bearer abc");
  });

  it("namespace order: the option, else the context's, else the pod's namespace file, else default", async () => {
    const file = join(root, "config");
    await writeFile(file, kubeconfigYaml({ context: "dev", token: "abc" }));
    const { kubeConfig } = createKubeConfig(k8s, { name: "hf", kubeconfigPath: file }, {});
    const options = { name: "hf", inClusterPathPrefix: root };
    expect(
      await resolveNamespace({ ...options, namespace: "explicit" }, { kubeConfig, inCluster: false }),
    ).toBe("explicit");
    expect(await resolveNamespace(options, { kubeConfig, inCluster: false })).toBe("default");
    await serviceAccount("t", "from-file");
    expect(await resolveNamespace(options, { kubeConfig, inCluster: false })).toBe("from-file");
    expect(await resolveNamespace(options, { kubeConfig: undefined, inCluster: false })).toBe("from-file");
  });

  it("follows $KUBECONFIG (the first file's current context wins, as in kubectl), else ~/.kube/config", async () => {
    const a = join(root, "a");
    const b = join(root, "b");
    await writeFile(a, kubeconfigYaml({ context: "first", namespace: "one", token: "ta" }));
    await writeFile(b, kubeconfigYaml({ context: "second", namespace: "two", token: "tb" }));
    const merged = createKubeConfig(k8s, { name: "hf" }, { KUBECONFIG: `${a}:${b}` }).kubeConfig;
    expect(merged.getCurrentContext()).toBe("first");
    expect(merged.getContexts().map((c) => c.name)).toEqual(["first", "second"]);
    await mkdir(join(root, "home", ".kube"), { recursive: true });
    await writeFile(join(root, "home", ".kube", "config"), kubeconfigYaml({ context: "home", token: "th" }));
    expect(
      createKubeConfig(k8s, { name: "hf" }, { HOME: join(root, "home") }).kubeConfig.getCurrentContext(),
    ).toBe("home");
  });

  it("selects another context, and lists the contexts when it does not exist", async () => {
    const file = join(root, "config");
    await writeFile(file, kubeconfigYaml({ context: "dev", token: "abc" }));
    expect(
      createKubeConfig(
        k8s,
        { name: "hf", kubeconfigPath: file, context: "dev" },
        {},
      ).kubeConfig.getCurrentContext(),
    ).toBe("dev");
    const error = thrown(() =>
      createKubeConfig(k8s, { name: "hf", kubeconfigPath: file, context: "prod" }, {}),
    );
    expect(error.message).toContain('The kubeconfig context "prod" does not exist');
    expect(error.message).toContain('"dev"');
  });

  it("reports a missing or broken kubeconfig without quoting it (it holds credentials)", async () => {
    const missing = thrown(() =>
      createKubeConfig(k8s, { name: "hf", kubeconfigPath: join(root, "nope") }, {}),
    );
    expect(missing.code).toBe("INVALID_CONFIGURATION");
    expect(missing.message).toContain("does not exist");
    const token = makeTestToken();
    const broken = join(root, "broken");
    await writeFile(broken, `users:\n- name: x\n  user: {token: ${token}\n  bad: [\n`);
    const error = thrown(() => createKubeConfig(k8s, { name: "hf", kubeconfigPath: broken }, {}));
    expect(error.code).toBe("INVALID_CONFIGURATION");
    expect(error.message).toMatch(/is not valid YAML \(line \d+\)|is not a valid kubeconfig/);
    expect(errorText(error)).not.toContain(token);
  });

  it("no configuration at all: INVALID_CONFIGURATION, or not found (chain moves on) with optional", async () => {
    const env = { HOME: join(root, "empty-home") };
    const error = thrown(() => createKubeConfig(k8s, { name: "hf" }, env));
    expect(error.code).toBe("INVALID_CONFIGURATION");
    expect(error.message).toContain("No Kubernetes configuration");
    const optional = thrown(() => createKubeConfig(k8s, { name: "hf", optional: true }, env));
    expect(SecretNotFoundError.isInstance(optional)).toBe(true);
    // Through the public factory (which imports the real client at the first call):
    const provider = fromKubernetesSecret({ name: "hf", optional: true, env });
    await expect(provider.getSecret("HF_TOKEN")).rejects.toMatchObject({ code: "NOT_FOUND", tryNext: true });
  });
});

describe("loading @kubernetes/client-node", () => {
  it("loads the installed client", async () => {
    const client = await loadKubernetesClient();
    expect(typeof client.KubeConfig).toBe("function");
  });

  it("says how to fix a client that does not load (2.x on Node 20)", async () => {
    const error = await loadKubernetesClient(async () => {
      throw new SyntaxError("Unexpected token");
    }).then(
      () => undefined,
      (e: SecretProviderError) => e,
    );
    expect(error?.code).toBe("INVALID_CONFIGURATION");
    expect(error?.fix).toContain("1.4.x on Node 20");
  });
});

describe("hfSecretsProvider (config files)", () => {
  const context = (cwd: string, env: Record<string, string> = {}) => ({
    environment: "production",
    policy: { environment: "production", strict: true } as never,
    cwd,
    env,
    path: "environments.production.chain[0]",
  });

  it("creates volume mode with mountPath resolved against the config's folder", async () => {
    const token = makeTestToken();
    await mkdir(join(root, "secrets"));
    await writeFile(join(root, "secrets", "HF_TOKEN"), token);
    const provider = await hfSecretsProvider.create({ mountPath: "secrets", watch: false }, context(root));
    expect((await provider.getSecret("HF_TOKEN")).value.reveal()).toBe(token);
    expect(provider.describe?.("HF_TOKEN")).toBe(`kubernetes-volume:${join(root, "secrets", "HF_TOKEN")}`);
  });

  it("creates API mode from name, reading the environment of the context", async () => {
    const provider = await hfSecretsProvider.create(
      { name: "hf-token", namespace: "ml", optional: true },
      context(root, { HOME: root }),
    );
    expect(provider.describe?.("HF_TOKEN")).toBe("kubernetes:ml/hf-token#HF_TOKEN");
    await expect(provider.getSecret("HF_TOKEN")).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(provider.watch).toBeUndefined();
  });

  it("declares every option with a type", () => {
    expect(Object.keys(hfSecretsProvider.options).sort()).toEqual(
      [
        "context",
        "keys",
        "key",
        "kubeconfigPath",
        "mode",
        "mountPath",
        "name",
        "namespace",
        "optional",
        "watch",
        "watchDebounceMs",
        "watchTimeoutSeconds",
      ].sort(),
    );
    expect(hfSecretsProvider.packageName).toBe("@hf-secrets/kubernetes");
  });
});
