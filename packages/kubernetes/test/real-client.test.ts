import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { SecretNotFoundError, type SecretProvider, SecretProviderError } from "@hf-secrets/core";
import { errorText, makeTestToken } from "@hf-secrets/testing";
import type * as K8s from "@kubernetes/client-node";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createApiProvider } from "../src/api-provider.js";

// The real @kubernetes/client-node (KubeConfig, CoreV1Api, Watch) against a small local HTTP server that
// answers like the API server: what the client throws and how it streams watches is what the provider sees.
// Runs with the installed client (the dev pin), and also with another copy when HF_SECRETS_K8S_CLIENT_ALT
// names its package folder (e.g. 2.x on Node 22+: `npm install --prefix /tmp/c2 @kubernetes/client-node@2`,
// then HF_SECRETS_K8S_CLIENT_ALT=/tmp/c2/node_modules/@kubernetes/client-node).

interface ClientUnderTest {
  readonly label: string;
  readonly module: typeof K8s;
}

const clients: ClientUnderTest[] = [];
{
  const requireFrom = join(
    dirname(fileURLToPath(import.meta.url)),
    "../../../node_modules/@kubernetes/client-node",
  );
  const installed = JSON.parse(readFileSync(join(requireFrom, "package.json"), "utf8")) as {
    version: string;
  };
  clients.push({
    label: `installed ${installed.version}`,
    module: (await import("@kubernetes/client-node")) as typeof K8s,
  });
  const alt = process.env.HF_SECRETS_K8S_CLIENT_ALT;
  if (alt) {
    const pkg = JSON.parse(readFileSync(join(alt, "package.json"), "utf8")) as {
      version: string;
      main?: string;
    };
    const module = (await import(pathToFileURL(join(alt, pkg.main ?? "dist/index.js")).href)) as typeof K8s;
    clients.push({ label: `HF_SECRETS_K8S_CLIENT_ALT ${pkg.version}`, module });
  }
}

type Handler = (request: IncomingMessage, response: ServerResponse, url: URL) => void;

function json(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  response.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(body));
}

const secretBody = (rv: string, values: Record<string, string>) => ({
  apiVersion: "v1",
  kind: "Secret",
  metadata: { name: "hf-token", namespace: "ml", resourceVersion: rv },
  type: "Opaque",
  data: Object.fromEntries(Object.entries(values).map(([k, v]) => [k, Buffer.from(v).toString("base64")])),
});

async function failure(promise: Promise<unknown>): Promise<SecretProviderError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!SecretProviderError.isInstance(error))
    throw new Error(`expected a SecretProviderError, got ${String(error)}`);
  return error;
}

describe.each(clients)("API mode with the real client ($label)", ({ module: k8s }) => {
  let server: Server;
  let handler: Handler;
  let requests: { method: string; url: URL; authorization: string | undefined }[];
  let kubeConfig: K8s.KubeConfig;
  const providers: SecretProvider[] = [];

  beforeEach(async () => {
    requests = [];
    handler = (_request, response) => response.writeHead(500).end();
    server = createServer((request, response) => {
      const url = new URL(request.url ?? "/", "http://localhost");
      requests.push({ method: request.method ?? "", url, authorization: request.headers.authorization });
      handler(request, response, url);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    kubeConfig = new k8s.KubeConfig();
    kubeConfig.loadFromOptions({
      clusters: [{ name: "local", server: `http://127.0.0.1:${port}`, skipTLSVerify: true }],
      users: [{ name: "tester", token: "static-test-credential" }],
      contexts: [{ name: "local", cluster: "local", user: "tester", namespace: "ml" }],
      currentContext: "local",
    });
  });

  afterEach(async () => {
    for (const provider of providers.splice(0)) await provider.dispose?.();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  function provider(watch = false): SecretProvider {
    const created = createApiProvider(
      { name: "hf-token", kubeConfig, watch, watchBackoff: { baseDelayMs: 5, maxDelayMs: 20 } },
      async () => k8s,
    );
    providers.push(created);
    return created;
  }

  it("GETs /api/v1/namespaces/<context namespace>/secrets/<name> with the kubeconfig's credentials", async () => {
    const token = makeTestToken();
    handler = (_req, res) => json(res, 200, secretBody("42", { HF_TOKEN: token }));
    const result = await provider().getSecret("HF_TOKEN");
    expect(result.value.reveal()).toBe(token);
    expect(result.version).toBe("42");
    expect(result.location).toBe("kubernetes:ml/hf-token#HF_TOKEN");
    expect(requests.map((r) => `${r.method} ${r.url.pathname}`)).toEqual([
      "GET /api/v1/namespaces/ml/secrets/hf-token",
    ]);
    expect(requests[0]!.authorization).toBe("Bearer static-test-credential");
  });

  it("maps the client's ApiException: 403 (naming the user), 404, 429 with Retry-After, 500", async () => {
    const replies: [number, Record<string, string>, unknown][] = [
      [
        403,
        { "x-test-marker": "header-value-marker" },
        {
          kind: "Status",
          status: "Failure",
          message:
            'secrets "hf-token" is forbidden: User "system:serviceaccount:ml:app" cannot get resource "secrets" in API group "" in the namespace "ml"',
          reason: "Forbidden",
          code: 403,
        },
      ],
      [404, {}, { kind: "Status", message: 'secrets "hf-token" not found', reason: "NotFound", code: 404 }],
      [429, { "retry-after": "2" }, { kind: "Status", message: "too many requests", code: 429 }],
      [500, {}, { kind: "Status", message: "etcdserver: request timed out", code: 500 }],
    ];
    handler = (_req, res) => {
      const [status, headers, body] = replies.shift()!;
      json(res, status, body, headers);
    };
    const p = provider();
    const denied = await failure(p.getSecret("HF_TOKEN"));
    expect(denied.code).toBe("ACCESS_DENIED");
    expect(denied.detail).toContain(
      '"system:serviceaccount:ml:app" may not "get" the Secret "hf-token" in namespace "ml"',
    );
    expect(denied.fix).toContain("- {kind: ServiceAccount, name: app, namespace: ml}");
    expect(errorText(denied)).not.toContain("header-value-marker");
    expect(SecretNotFoundError.isInstance(await failure(p.getSecret("HF_TOKEN")))).toBe(true);
    const throttled = await failure(p.getSecret("HF_TOKEN"));
    expect([throttled.code, throttled.retryAfterMs]).toEqual(["THROTTLED", 2_000]);
    expect((await failure(p.getSecret("HF_TOKEN"))).code).toBe("TRANSIENT");
  });

  it("a refused connection is TRANSIENT", async () => {
    const { port } = server.address() as AddressInfo;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const error = await failure(provider().getSecret("HF_TOKEN"));
    expect(error.code).toBe("TRANSIENT");
    expect(error.message).toContain("ECONNREFUSED");
    server = createServer().listen(port, "127.0.0.1");
  });

  it("aborting the call closes the HTTP request", async () => {
    const closed = new Promise<void>((resolve) => {
      handler = (req) => req.socket.on("close", () => resolve());
    });
    const controller = new AbortController();
    const pending = provider().getSecret("HF_TOKEN", { signal: controller.signal });
    while (requests.length === 0) await new Promise<void>((resolve) => setImmediate(resolve));
    controller.abort();
    expect((await failure(pending)).code).toBe("ABORTED");
    await closed;
  });

  it("watches with the client's Watch: events, resume from the last resourceVersion, relist on 410", async () => {
    const token = makeTestToken();
    let watchNumber = 0;
    let secretRv = "10";
    let ended!: () => void;
    const sawReconnectAfter410 = new Promise<void>((resolve) => {
      ended = resolve;
    });
    handler = (_req, res, url) => {
      if (url.searchParams.get("watch") !== "true") {
        json(res, 200, secretBody(secretRv, { HF_TOKEN: token }));
        return;
      }
      watchNumber++;
      if (watchNumber === 1) {
        res.writeHead(200, { "content-type": "application/json" });
        res.write(`${JSON.stringify({ type: "MODIFIED", object: secretBody("11", { HF_TOKEN: token }) })}\n`);
        res.end(
          `${JSON.stringify({ type: "BOOKMARK", object: { kind: "Secret", metadata: { resourceVersion: "12" } } })}\n`,
        );
      } else if (watchNumber === 2) {
        secretRv = "20";
        json(res, 410, {
          kind: "Status",
          code: 410,
          reason: "Expired",
          message: "too old resource version: 12 (15)",
        });
      } else {
        res.writeHead(200, { "content-type": "application/json" });
        ended();
      }
    };
    const p = provider(true);
    await p.getSecret("HF_TOKEN");
    let changes = 0;
    p.watch!("HF_TOKEN", () => changes++);
    await sawReconnectAfter410;
    const watches = requests.filter((r) => r.url.searchParams.get("watch") === "true");
    expect(watches.map((r) => r.url.pathname)).toEqual(Array(3).fill("/api/v1/namespaces/ml/secrets"));
    expect(watches.map((r) => r.url.searchParams.get("fieldSelector"))).toEqual(
      Array(3).fill("metadata.name=hf-token"),
    );
    // After 410 Gone the watch starts from "now" (no resourceVersion): resuming from the relisted Secret's own
    // version can be 410 again after an API server restart, in a loop.
    expect(watches.map((r) => r.url.searchParams.get("resourceVersion"))).toEqual(["10", "12", null]);
    expect(watches[0]!.url.searchParams.get("allowWatchBookmarks")).toBe("true");
    // GET, watch, watch (410), GET (relist), watch.
    expect(requests.map((r) => (r.url.searchParams.get("watch") ? "watch" : "get"))).toEqual([
      "get",
      "watch",
      "watch",
      "get",
      "watch",
    ]);
    // MODIFIED, then the relist found version 20 instead of 12.
    expect(changes).toBe(2);
  });
});
