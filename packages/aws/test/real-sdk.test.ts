import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { cached, type SecretProviderError } from "@hf-secrets/core";
import { createFakeClock, errorText, expectNoSecret, makeTestToken } from "@hf-secrets/testing";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { fromAwsSecretsManager } from "../src/index.js";
import { unexpected } from "./unexpected.js";

// The real SDK (signing, JSON protocol, error deserialisation, abort) against a scripted HTTP server on
// 127.0.0.1: checks what a mocked `send` cannot — the client this provider creates and the SDK's error shapes.

interface Scripted {
  readonly url: string;
  readonly targets: string[];
  readonly closedEarly: number;
  close(): Promise<void>;
}

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

// The SDK prints a one-time NodeVersionSupportWarning on Node 20 (documented in the README); not ours to test.
beforeAll(() => {
  vi.stubEnv("AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED", "true");
});

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map(
      (server) =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    ),
  );
});

async function scripted(handler: Handler): Promise<Scripted> {
  const targets: string[] = [];
  let closedEarly = 0;
  const server = createServer((req, res) => {
    targets.push(String(req.headers["x-amz-target"]));
    res.on("close", () => {
      if (!res.writableEnded) closedEarly++;
    });
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => handler(req, res, Buffer.concat(chunks).toString("utf8")));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    targets,
    get closedEarly() {
      return closedEarly;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { "content-type": "application/x-amz-json-1.1", ...headers });
  res.end(JSON.stringify(body));
}

const credentials = { accessKeyId: "test", secretAccessKey: "test" };

function provider(
  url: string,
  extra: Parameters<typeof fromAwsSecretsManager>[0] extends infer O ? Partial<O> : never = {},
) {
  return fromAwsSecretsManager({
    secretId: "prod/hf",
    region: "us-east-1",
    endpoint: url,
    clientConfig: { credentials },
    ...extra,
  });
}

describe("fromAwsSecretsManager with the real SDK client it creates", () => {
  it("reads a SecretString and a SecretBinary over the JSON protocol", async () => {
    const token = makeTestToken();
    const bytes = Buffer.from([1, 2, 3, 254]);
    const server = await scripted((_req, res, body) => {
      const { SecretId } = JSON.parse(body) as { SecretId: string };
      json(res, 200, {
        ARN: `arn:aws:secretsmanager:us-east-1:000000000000:secret:${SecretId}-AbCdEf`,
        Name: SecretId,
        VersionId: "11111111-2222-3333-4444-555555555555",
        VersionStages: ["AWSCURRENT"],
        CreatedDate: 1_767_225_600,
        ...(SecretId === "bin" ? { SecretBinary: bytes.toString("base64") } : { SecretString: token }),
      });
    });
    const plain = await provider(server.url).getSecret("HF_TOKEN");
    expect(plain.value.reveal()).toBe(token);
    expect(plain.version).toBe("11111111-2222-3333-4444-555555555555");
    expect(plain.location).toBe("aws:prod/hf@AWSCURRENT (us-east-1)");
    const binary = await provider(server.url, { secretId: "bin" }).getSecret("BLOB");
    expect(binary.value.reveal()).toBe(bytes.toString("base64"));
    expect(server.targets).toEqual(["secretsmanager.GetSecretValue", "secretsmanager.GetSecretValue"]);
  });

  it("sends one request per read (maxAttempts 1: the cache does the retries), even for a 500", async () => {
    const server = await scripted((_req, res) =>
      json(res, 500, { __type: "InternalServiceError", message: "boom" }),
    );
    const error = await provider(server.url)
      .getSecret("HF_TOKEN")
      .then(unexpected, (e: unknown) => e as SecretProviderError);
    expect(error.code).toBe("TRANSIENT");
    expect(error.message).toContain("InternalServiceError, HTTP 500");
    expect(server.targets).toHaveLength(1);
  });

  it("maps the SDK's deserialised errors: not found, access denied, throttling with Retry-After", async () => {
    const token = makeTestToken();
    const replies: Array<() => [number, unknown, Record<string, string>]> = [
      () => [
        400,
        { __type: "ResourceNotFoundException", message: "Secrets Manager can't find the specified secret." },
        {},
      ],
      () => [
        400,
        {
          __type: "AccessDeniedException",
          Message: "User: arn:aws:iam::000000000000:user/app is not authorized",
        },
        { "x-echo": token },
      ],
      () => [400, { __type: "ThrottlingException", message: "Rate exceeded" }, { "retry-after": "7" }],
    ];
    let index = 0;
    const server = await scripted((_req, res) => {
      const [status, body, headers] = replies[index++]!();
      json(res, status, body, headers);
    });
    const errors: SecretProviderError[] = [];
    for (let i = 0; i < replies.length; i++) {
      errors.push(
        await provider(server.url)
          .getSecret("HF_TOKEN")
          .then(unexpected, (e: unknown) => e as SecretProviderError),
      );
    }
    expect(errors.map((e) => e.code)).toEqual(["NOT_FOUND", "ACCESS_DENIED", "THROTTLED"]);
    expect(errors[0]?.tryNext).toBe(true);
    expect(errors[2]?.retryAfterMs).toBe(7_000);
    for (const error of errors) expectNoSecret(errorText(error), token, "the error");
    // The AWS message is kept (truncated) in `cause`; the response object, its headers and body are not.
    const denied = errors[1]!;
    expect((denied.cause as Error).message).toContain("is not authorized");
    expect(Object.keys(denied.cause as object)).not.toContain("$response");
    expect(errorText(denied)).not.toContain("x-echo");
  });

  it("maps a refused connection to TRANSIENT naming the endpoint", async () => {
    const server = await scripted(() => {});
    const url = server.url;
    servers.splice(servers.length - 1, 1);
    await server.close();
    const error = await provider(url)
      .getSecret("HF_TOKEN")
      .then(unexpected, (e: unknown) => e as SecretProviderError);
    expect(error.code).toBe("TRANSIENT");
    expect(error.message).toContain(`The connection to ${url} failed`);
    expect(error.message).toContain("ECONNREFUSED");
  });

  it("lets the cache's timeout abort the SDK request (the socket is closed, the error is TIMEOUT)", async () => {
    let arrived: () => void = () => {};
    const received = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    const server = await scripted(() => arrived());
    const clock = createFakeClock();
    const cache = cached(provider(server.url), {
      clock,
      timeoutMs: 1_000,
      retry: { attempts: 1 },
      watch: false,
    });
    const read = cache.getSecret("HF_TOKEN").then(unexpected, (e: unknown) => e as SecretProviderError);
    await received;
    await clock.advance(1_000);
    const error = await read;
    expect(error.code).toBe("TIMEOUT");
    await vi.waitFor(() => expect(server.closedEarly).toBe(1));
    await cache.dispose();
  });

  it("closes the sockets of the client it created on dispose, and refuses reads afterwards", async () => {
    const server = await scripted((_req, res) =>
      json(res, 200, {
        Name: "prod/hf",
        VersionId: "v1",
        SecretString: makeTestToken(),
        VersionStages: ["AWSCURRENT"],
      }),
    );
    const sockets = new Set<Socket>();
    servers.at(-1)!.on("connection", (socket: Socket) => {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
    });
    const aws = provider(server.url);
    await aws.getSecret("HF_TOKEN");
    expect(sockets.size).toBe(1);
    await aws.dispose?.();
    await vi.waitFor(() => expect(sockets.size).toBe(0));
    const error = await aws.getSecret("HF_TOKEN").then(unexpected, (e: unknown) => e as SecretProviderError);
    expect(error.code).toBe("DISPOSED");
  });

  it("writes nothing to the console", async () => {
    const spies = (["log", "info", "warn", "error", "debug"] as const).map((method) =>
      vi.spyOn(console, method).mockImplementation(() => {}),
    );
    try {
      const server = await scripted((_req, res) =>
        json(res, 503, { __type: "ServiceUnavailable", message: "later" }),
      );
      await Promise.all(
        Array.from({ length: 20 }, () =>
          provider(server.url)
            .getSecret("HF_TOKEN")
            .catch(() => undefined),
        ),
      );
      for (const spy of spies) expect(spy).not.toHaveBeenCalled();
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
  });
});
