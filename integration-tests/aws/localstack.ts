import { createServer, request as httpRequest, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";

// Helpers for the suites that run against LocalStack's Secrets Manager (started by integration-tests/run.sh,
// which sources the emulator's env file: AWS_ENDPOINT_URL_SECRETS_MANAGER, AWS_REGION and test credentials).

// The SDK prints a one-time NodeVersionSupportWarning on Node 20 when a client is created (see
// packages/aws/README.md); it is not what these suites test.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

function required(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(
      `${name} is not set: run these suites through \`HF_SECRETS_EMULATORS=localstack bash integration-tests/run.sh integration-tests/aws\`.`,
    );
  }
  return value;
}

function optional(name: string): string | undefined {
  return process.env[name] || undefined;
}

/** Where LocalStack listens and how to reach it, from the emulator's env file. */
export const localstack = {
  endpoint: required("AWS_ENDPOINT_URL_SECRETS_MANAGER"),
  region: required("AWS_REGION"),
  credentials: {
    accessKeyId: required("AWS_ACCESS_KEY_ID"),
    secretAccessKey: required("AWS_SECRET_ACCESS_KEY"),
  },
  flavor: optional("LOCALSTACK_FLAVOR") ?? "localstack",
};

/** A client for seeding and inspecting secrets (not the one under test). */
export const admin = new SecretsManagerClient({
  endpoint: localstack.endpoint,
  region: localstack.region,
  credentials: localstack.credentials,
});

let sequence = 0;
const created = new Set<string>();

/** A secret name no other test (or earlier run) uses. */
export function uniqueName(prefix = "it"): string {
  sequence++;
  return `hf-secrets/${prefix}/${Date.now().toString(36)}-${process.pid}-${sequence}`;
}

/** Creates a secret with a string or binary value; returns its first version id. */
export async function createSecret(name: string, value: string | Uint8Array): Promise<string> {
  const out = await admin.send(
    new CreateSecretCommand({
      Name: name,
      ...(typeof value === "string" ? { SecretString: value } : { SecretBinary: value }),
    }),
  );
  created.add(name);
  return out.VersionId!;
}

/** Writes a new version (AWSCURRENT by default, or the given stages); returns its version id. */
export async function putValue(name: string, value: string, stages?: string[]): Promise<string> {
  const out = await admin.send(
    new PutSecretValueCommand({
      SecretId: name,
      SecretString: value,
      ...(stages ? { VersionStages: stages } : {}),
    }),
  );
  return out.VersionId!;
}

/** Deletes every secret this process created (force, no recovery window). */
export async function deleteCreatedSecrets(): Promise<void> {
  const names = [...created];
  created.clear();
  await Promise.all(
    names.map((name) =>
      admin
        .send(new DeleteSecretCommand({ SecretId: name, ForceDeleteWithoutRecovery: true }))
        .catch(() => undefined),
    ),
  );
}

/** A counting HTTP proxy in front of LocalStack: counts what the server received, per `X-Amz-Target`. */
export interface CountingProxy {
  readonly url: string;
  /** Requests forwarded for one operation, e.g. `GetSecretValue`. */
  count(operation: string): number;
  /** The `SecretId` and `VersionStage` of each forwarded GetSecretValue, in order. */
  readonly getSecretValueInputs: ReadonlyArray<{
    SecretId?: string;
    VersionStage?: string;
    VersionId?: string;
  }>;
  close(): Promise<void>;
}

/** Starts a proxy on 127.0.0.1 (random port) that forwards every request to LocalStack and counts it. */
export async function startCountingProxy(target = localstack.endpoint): Promise<CountingProxy> {
  const upstream = new URL(target);
  const counts = new Map<string, number>();
  const inputs: Array<{ SecretId?: string; VersionStage?: string; VersionId?: string }> = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const operation = String(req.headers["x-amz-target"] ?? "").replace(/^secretsmanager\./, "");
      counts.set(operation, (counts.get(operation) ?? 0) + 1);
      if (operation === "GetSecretValue") {
        const { SecretId, VersionStage, VersionId } = JSON.parse(body.toString("utf8")) as Record<
          string,
          string
        >;
        inputs.push({ SecretId, VersionStage, VersionId });
      }
      const headers: IncomingHttpHeaders = { ...req.headers, host: upstream.host };
      const forward = httpRequest(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      forward.on("error", () => {
        res.writeHead(502);
        res.end();
      });
      forward.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    count: (operation) => counts.get(operation) ?? 0,
    get getSecretValueInputs() {
      return inputs;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
