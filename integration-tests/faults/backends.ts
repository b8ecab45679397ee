import { connect, createServer, type Socket } from "node:net";
import { fromAwsSecretsManager } from "@hf-secrets/aws";
import type { SecretProvider, SecretProviderError } from "@hf-secrets/core";
import { fromKubernetesSecret, type WatchLike } from "@hf-secrets/kubernetes";
import * as k8s from "@kubernetes/client-node";
import {
  createSecret as createAwsSecret,
  deleteCreatedSecrets,
  localstack,
  putValue,
  uniqueName as uniqueAwsName,
} from "../aws/localstack.js";
import {
  cluster,
  createSecret as createK8sSecret,
  grant,
  serverValue as k8sServerValue,
  kubeConfigFrom,
  NAMESPACE,
  replaceSecret,
  uniqueName as uniqueK8sName,
} from "../kubernetes/cluster.js";

// The two network backends the fault suites run against, behind one shape: create a secret on the real server
// (directly), read it through a port (the fault proxy's), change it on the server (directly, never through the
// proxy), and ask the server what it holds now.

/** Options for a provider that reads through the fault proxy. */
export interface ReadOptions {
  /** Kubernetes only: keep a watch on the Secret. */
  readonly watch?: boolean;
  readonly onWatchError?: (error: SecretProviderError) => void;
  /** Kubernetes only: a Watch to use instead of `new Watch(kubeConfig)` (to record what the server sent). */
  readonly wrapWatch?: (watch: WatchLike) => WatchLike;
}

/** One secret on a real backend. */
export interface Subject {
  /** The logical name the provider is asked for. */
  readonly logicalName: string;
  /** A provider that reaches the backend through 127.0.0.1:`port`. */
  read(port: number, options?: ReadOptions): SecretProvider;
  /** Changes the value on the server (not through the proxy). */
  update(value: string): Promise<void>;
  /** What the server holds now. */
  serverValue(): Promise<string | undefined>;
}

/** A real backend under test. */
export interface Backend {
  readonly provider: "aws" | "kubernetes";
  /** What the server is, for the report. */
  readonly server: string;
  readonly target: { readonly host: string; readonly port: number };
  /** Plain HTTP: the proxy can answer with 429/503 itself. False for TLS (TCP faults only). */
  readonly httpFaults: boolean;
  create(value: string): Promise<Subject>;
  cleanup(): Promise<void>;
}

const awsUrl = () => new URL(localstack.endpoint);

/** AWS Secrets Manager on LocalStack (plain HTTP), read as a JSON secret through the key `HF_TOKEN`. */
export const awsBackend: Backend = {
  provider: "aws",
  server: `${localstack.flavor === "moto" ? "moto server (LocalStack fallback)" : "LocalStack"} (Secrets Manager, plain HTTP)`,
  get target() {
    const url = awsUrl();
    return { host: url.hostname, port: Number(url.port) };
  },
  httpFaults: true,
  async create(value) {
    const secretId = uniqueAwsName("faults");
    const json = (v: string) => JSON.stringify({ HF_TOKEN: v, note: "fault suite" });
    await createAwsSecret(secretId, json(value));
    let current = value;
    return {
      logicalName: "HF_TOKEN",
      read: (port) =>
        fromAwsSecretsManager({
          secretId,
          key: "HF_TOKEN",
          endpoint: `http://127.0.0.1:${port}`,
          region: localstack.region,
          clientConfig: { credentials: localstack.credentials },
        }),
      async update(next) {
        await putValue(secretId, json(next));
        current = next;
      },
      async serverValue() {
        return current;
      },
    };
  },
  cleanup: deleteCreatedSecrets,
};

/** The reader's kubeconfig with its server moved to 127.0.0.1:`port` (the certificate names 127.0.0.1). */
export function readerConfigVia(port: number): k8s.KubeConfig {
  const base = kubeConfigFrom(cluster.readerKubeconfig);
  const config = new k8s.KubeConfig();
  config.loadFromOptions({
    clusters: base.clusters.map((c) => ({ ...c, server: `https://127.0.0.1:${port}` })),
    users: base.users,
    contexts: base.contexts,
    currentContext: base.currentContext,
  });
  return config;
}

/** A Secret on the real kube-apiserver (HTTPS), read in API mode as the RBAC-limited `reader`. */
export const kubernetesBackend: Backend = {
  provider: "kubernetes",
  server: "kube-apiserver v1.36 + etcd v3.6 (API mode, HTTPS)",
  get target() {
    const url = new URL(cluster.url);
    return { host: url.hostname, port: Number(url.port) };
  },
  httpFaults: false,
  async create(value) {
    const name = uniqueK8sName("faults");
    await createK8sSecret(name, { HF_TOKEN: value });
    await grant(name, ["get", "watch"], { kind: "User", name: "reader" });
    return {
      logicalName: "HF_TOKEN",
      read: (port, options = {}) => {
        const kubeConfig = readerConfigVia(port);
        const watchApi =
          options.watch && options.wrapWatch ? options.wrapWatch(new k8s.Watch(kubeConfig)) : undefined;
        return fromKubernetesSecret({
          name,
          namespace: NAMESPACE,
          kubeConfig,
          watch: options.watch ?? false,
          watchBackoff: { baseDelayMs: 200, maxDelayMs: 1_000 },
          ...(watchApi ? { watchApi } : {}),
          ...(options.onWatchError ? { onWatchError: options.onWatchError } : {}),
        });
      },
      async update(next) {
        await replaceSecret(name, { HF_TOKEN: next });
      },
      serverValue: () => k8sServerValue(name, "HF_TOKEN"),
    };
  },
  async cleanup() {},
};

/**
 * Bytes the server sends for one cold read on a fresh connection (the TLS handshake included), measured
 * through a counting TCP proxy: "reset mid-response" and "truncated body" cut at a fraction of it.
 */
export async function responseBytes(backend: Backend, subject: Subject): Promise<number> {
  const counts: number[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const index = counts.push(0) - 1;
    const upstream = connect(backend.target.port, backend.target.host);
    sockets.add(client).add(upstream);
    client.pipe(upstream);
    upstream.on("data", (chunk: Buffer) => {
      counts[index]! += chunk.length;
      client.write(chunk);
    });
    upstream.on("close", () => client.destroy());
    client.on("close", () => upstream.destroy());
    upstream.on("error", () => client.destroy());
    client.on("error", () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const provider = subject.read((server.address() as { port: number }).port);
    await provider.getSecret(subject.logicalName);
    await provider.dispose?.();
    return counts[0] ?? 0;
  } finally {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
