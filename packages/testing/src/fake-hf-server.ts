import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** How the fake server describes a token in `whoami-v2`. */
export interface FakeTokenInfo {
  /** `read`, `write` or `fineGrained`. */
  readonly role: "read" | "write" | "fineGrained" | "admin";
  /** Fine-grained scopes, reported under `auth.accessToken.fineGrained.scoped`. */
  readonly scoped?: ReadonlyArray<{ entity: { type: string; name: string }; permissions: string[] }>;
  /** Global fine-grained permissions. */
  readonly global?: readonly string[];
  readonly displayName?: string;
}

/** A scripted reply that overrides the normal behaviour for the next matching request. */
export interface FakeReply {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: unknown;
  /** Only for requests whose path starts with this; default any path. */
  readonly pathPrefix?: string;
}

/** A request the fake server received (the `Authorization` header is kept so tests can check which token came). */
export interface FakeRequestRecord {
  readonly method: string;
  readonly path: string;
  readonly authorization: string | undefined;
  readonly status: number;
}

/** A local stand-in for the Hugging Face Hub (`/api/whoami-v2`) and inference router, on 127.0.0.1. */
export interface FakeHfServer {
  /** e.g. `http://127.0.0.1:40123`. */
  readonly url: string;
  /** Accepts `token` from now on (inference and whoami), with its whoami description. */
  acceptToken(token: string, info?: FakeTokenInfo): void;
  /** Rejects `token` (401) from now on. */
  revokeToken(token: string): void;
  /** Queues replies for the next requests (401/403/429/503, ...). */
  enqueue(...replies: FakeReply[]): void;
  /** Every request so far. */
  readonly requests: readonly FakeRequestRecord[];
  /** Requests to `/api/whoami-v2`. */
  readonly whoamiCalls: number;
  /** Stops the server. */
  close(): Promise<void>;
}

/**
 * Starts the fake Hugging Face server on 127.0.0.1 (random port). It answers:
 * - `GET /api/whoami-v2` → the token's description, 401 for an unknown token;
 * - any `POST` (inference, chat completion) → a small OpenAI-style chat completion, 401 for an unknown token;
 * and scripted replies first, when queued.
 */
export async function startFakeHfServer(): Promise<FakeHfServer> {
  const tokens = new Map<string, FakeTokenInfo>();
  const replies: FakeReply[] = [];
  const requests: FakeRequestRecord[] = [];
  let whoamiCalls = 0;

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { "content-type": "application/json", ...headers });
    res.end(JSON.stringify(body));
  };

  const handle = (req: IncomingMessage, res: ServerResponse, body: string) => {
    const path = (req.url ?? "/").split("?")[0]!;
    const authorization = req.headers.authorization;
    const record = (status: number) =>
      requests.push({ method: req.method ?? "GET", path, authorization, status });
    const scripted = replies.findIndex((r) => !r.pathPrefix || path.startsWith(r.pathPrefix));
    if (path === "/api/whoami-v2") whoamiCalls++;
    if (scripted >= 0) {
      const reply = replies.splice(scripted, 1)[0]!;
      record(reply.status);
      return send(res, reply.status, reply.body ?? { error: `scripted ${reply.status}` }, {
        ...reply.headers,
      });
    }
    const token = authorization?.startsWith("Bearer ") ? authorization.slice(7) : undefined;
    const info = token === undefined ? undefined : tokens.get(token);
    if (!info) {
      record(401);
      return send(res, 401, { error: "Invalid credentials in Authorization header" });
    }
    if (path === "/api/whoami-v2") {
      record(200);
      return send(res, 200, {
        type: "user",
        id: "0",
        name: "hf-secrets-tester",
        auth: {
          type: "access_token",
          accessToken: {
            displayName: info.displayName ?? "test-token",
            role: info.role,
            createdAt: "2026-01-01T00:00:00.000Z",
            ...(info.role === "fineGrained"
              ? {
                  fineGrained: {
                    canReadGatedRepos: false,
                    global: info.global ?? [],
                    scoped: info.scoped ?? [],
                  },
                }
              : {}),
          },
        },
      });
    }
    if (req.method === "POST") {
      let model = "fake-model";
      try {
        model = (JSON.parse(body) as { model?: string }).model ?? model;
      } catch {
        // Non-JSON bodies (audio, images) get the same answer.
      }
      record(200);
      return send(res, 200, {
        id: "chatcmpl-fake",
        object: "chat.completion",
        created: 1_767_225_600,
        model,
        choices: [{ index: 0, message: { role: "assistant", content: "ok" }, finish_reason: "stop" }],
        usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
      });
    }
    record(404);
    return send(res, 404, { error: "not found" });
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => handle(req, res, Buffer.concat(chunks).toString("utf8")));
  });
  server.keepAliveTimeout = 1_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    acceptToken: (token, info = { role: "read" }) => void tokens.set(token, info),
    revokeToken: (token) => void tokens.delete(token),
    enqueue: (...items) => void replies.push(...items),
    get requests() {
      return requests;
    },
    get whoamiCalls() {
      return whoamiCalls;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
