// A FAKE Azure Key Vault for unit tests: a small node:http server on 127.0.0.1 that speaks enough of the Key
// Vault secrets REST API for the real @azure/keyvault-secrets SDK to run against it end to end. It is NOT the
// integration test (that runs against Lowkey Vault, a server nobody here wrote: integration-tests/azure).
//
// What it reproduces, from Key Vault's REST reference and the shapes recorded in
// integration-tests/emulators/NOTES-lowkey-vault.md:
// - the challenge flow: a request without a bearer token gets 401 + `WWW-Authenticate: Bearer
//   authorization="https://login.microsoftonline.com/<tenant>", resource="https://vault.azure.net"`;
// - secret bundles `{ value, id: "<vault>/secrets/<name>/<version>", attributes: { enabled, nbf, exp, created,
//   updated, recoveryLevel, recoverableDays } }` (times in epoch seconds); GET /secrets/{name}/ (latest, with the
//   SDK's trailing slash) and /secrets/{name}/{version};
// - errors as Azure sends them: 404 SecretNotFound, 403 Forbidden + innererror SecretDisabled, 403
//   ForbiddenByRbac / AccessDenied / ForbiddenByFirewall, 401 Unauthorized, 400 BadParameter, and scripted
//   429 (with Retry-After) and 5xx replies;
// - soft delete: a deleted secret answers 404 on /secrets and 200 on /deletedsecrets/{name}.
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** Attributes of one stored version (times in epoch ms). */
export interface FakeSecretAttributes {
  readonly enabled?: boolean;
  readonly notBefore?: number;
  readonly expiresOn?: number;
}

interface StoredVersion {
  readonly version: string;
  readonly value: string;
  enabled: boolean;
  notBefore: number | undefined;
  expiresOn: number | undefined;
  readonly created: number;
  updated: number;
}

interface StoredSecret {
  readonly name: string;
  readonly versions: StoredVersion[];
  deletedOn?: number;
}

/** How the fake refuses every secret read (the identity's permissions). */
export type DenyMode = "rbac" | "access-policy" | "firewall" | "unauthorized";

/** A scripted reply for the next authorised request. */
export interface FakeVaultReply {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: unknown;
}

/** One request the fake received. */
export interface FakeVaultRequest {
  readonly method: string;
  readonly path: string;
  readonly authorized: boolean;
  readonly status: number;
}

/** A getToken call of the fake credential. */
export interface FakeTokenCall {
  readonly scopes: readonly string[];
  readonly tenantId: string | undefined;
}

/** A TokenCredential that hands out one fixed bearer token and records what it was asked for. */
export class FakeTokenCredential {
  readonly calls: FakeTokenCall[] = [];
  readonly #token: string;

  constructor(token: string) {
    this.#token = token;
  }

  async getToken(
    scopes: string | string[],
    options?: { tenantId?: string },
  ): Promise<{ token: string; expiresOnTimestamp: number }> {
    this.calls.push({ scopes: Array.isArray(scopes) ? [...scopes] : [scopes], tenantId: options?.tenantId });
    return { token: this.#token, expiresOnTimestamp: Date.now() + 3_600_000 };
  }
}

/** The running fake vault. */
export interface FakeKeyVault {
  /** e.g. `http://127.0.0.1:40123` (plain HTTP: use `allowInsecureConnection` in the client). */
  readonly url: string;
  /** The Microsoft Entra tenant the challenge names. */
  readonly tenantId: string;
  /** A credential holding the one token this vault accepts. */
  readonly credential: FakeTokenCredential;
  /** Stores a new version (the latest from now on) and returns its version id. */
  setSecret(name: string, value: string, attributes?: FakeSecretAttributes): string;
  /** Changes the attributes of one version. */
  updateVersion(name: string, version: string, attributes: FakeSecretAttributes): void;
  /** Soft-deletes a secret (all versions). */
  deleteSecret(name: string): void;
  /** Forgets a soft-deleted secret. */
  purgeSecret(name: string): void;
  /** Refuses every secret read (`undefined` to stop). */
  deny(mode: DenyMode | undefined): void;
  /** Refuses reads of deleted secrets with 403 (a "Key Vault Secrets User" cannot read them). */
  denyDeletedReads(deny: boolean): void;
  /** Queues replies for the next authorised requests. */
  enqueue(...replies: FakeVaultReply[]): void;
  /** Every request so far. */
  readonly requests: readonly FakeVaultRequest[];
  /** Authorised GETs of one secret (latest or any version): the reads that reached the vault. */
  readsOf(name: string): number;
  close(): Promise<void>;
}

const NAME = /^[0-9a-zA-Z-]{1,127}$/;
const seconds = (ms: number) => Math.floor(ms / 1000);

/** Starts the fake Key Vault on 127.0.0.1 (a random port). `now` stamps created/updated/deleted dates. */
export async function startFakeKeyVault(options: { now?: () => number } = {}): Promise<FakeKeyVault> {
  const now = options.now ?? Date.now;
  const token = `fake-access-token-${randomBytes(8).toString("hex")}`;
  const tenantId = "72f988bf-0000-4000-8000-000000000000";
  const credential = new FakeTokenCredential(token);
  const secrets = new Map<string, StoredSecret>();
  const replies: FakeVaultReply[] = [];
  const requests: FakeVaultRequest[] = [];
  let denyMode: DenyMode | undefined;
  let denyDeleted = false;
  let base = "";

  const key = (name: string) => name.toLowerCase(); // Key Vault names are case-insensitive.

  const send = (
    res: ServerResponse,
    status: number,
    body?: unknown,
    headers: Record<string, string> = {},
  ) => {
    const text = body === undefined ? "" : JSON.stringify(body);
    res.writeHead(status, {
      "content-type": "application/json; charset=utf-8",
      "x-ms-keyvault-service-version": "1.9.0.0",
      "x-ms-request-id": randomBytes(16).toString("hex"),
      ...headers,
    });
    res.end(text);
  };
  const error = (code: string, message: string, inner?: string) => ({
    error: { code, message, ...(inner ? { innererror: { code: inner } } : {}) },
  });
  const challenge = {
    "www-authenticate": `Bearer authorization="https://login.microsoftonline.com/${tenantId}", resource="https://vault.azure.net"`,
  };

  const bundle = (secret: StoredSecret, v: StoredVersion) => ({
    value: v.value,
    id: `${base}/secrets/${secret.name}/${v.version}`,
    attributes: {
      enabled: v.enabled,
      ...(v.notBefore !== undefined ? { nbf: seconds(v.notBefore) } : {}),
      ...(v.expiresOn !== undefined ? { exp: seconds(v.expiresOn) } : {}),
      created: seconds(v.created),
      updated: seconds(v.updated),
      recoveryLevel: "Recoverable+Purgeable",
      recoverableDays: 90,
    },
    tags: {},
  });

  const defaultBody = (status: number) =>
    status === 429
      ? error(
          "Throttled",
          "Request was not processed because too many requests were received. Reason: VaultRequestTypeLimitReached",
        )
      : status === 503
        ? error("ServiceUnavailable", "The service is unavailable.")
        : error("InternalServerError", "An unexpected error occurred.");

  const notFound = (name: string) =>
    error(
      "SecretNotFound",
      `A secret with (name/id) ${name} was not found in this key vault. If you recently deleted this secret you may be able to recover it using the correct recovery command. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182`,
    );

  const denied = (mode: DenyMode): [number, unknown, Record<string, string>] => {
    const caller =
      "appid=00000000-0000-0000-0000-000000000001;oid=00000000-0000-0000-0000-000000000002;iss=https://sts.windows.net/tenant/";
    switch (mode) {
      case "rbac":
        return [
          403,
          error(
            "Forbidden",
            `Caller is not authorized to perform action on resource.\r\nIf role assignments, deny assignments or role definitions were changed recently, please observe propagation time.\r\nCaller: ${caller}\r\nAction: 'Microsoft.KeyVault/vaults/secrets/getSecret/action'\r\nAssignment: (not found)\r\nDecisionReason: 'DeniedWithNoValidRBAC'\r\nVault: fake;location=westeurope\r\n`,
            "ForbiddenByRbac",
          ),
          {},
        ];
      case "access-policy":
        return [
          403,
          error(
            "Forbidden",
            `The user, group or application '${caller}' does not have secrets get permission on key vault 'fake;location=westeurope'. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125287`,
            "AccessDenied",
          ),
          {},
        ];
      case "firewall":
        return [
          403,
          error(
            "Forbidden",
            "Client address is not authorized and caller is not a trusted service.\r\nClient address: 203.0.113.7\r\nCaller: " +
              caller +
              "\r\nVault: fake;location=westeurope",
            "ForbiddenByFirewall",
          ),
          {},
        ];
      case "unauthorized":
        return [
          401,
          error(
            "Unauthorized",
            "AKV10032: Invalid issuer. Expected one of https://sts.windows.net/x/, found https://sts.windows.net/y/.",
          ),
          challenge,
        ];
    }
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://fake");
    const method = req.method ?? "GET";
    const authorization = req.headers.authorization;
    const authorized = authorization === `Bearer ${token}`;
    const reply = (status: number, body?: unknown, headers?: Record<string, string>) => {
      requests.push({ method, path: url.pathname, authorized, status });
      send(res, status, body, headers);
    };
    if (!url.searchParams.get("api-version")) {
      return reply(
        400,
        error(
          "BadParameter",
          "The api-version query parameter (?api-version=) is required for all requests.",
        ),
      );
    }
    if (!authorized) {
      // No token: the challenge. A wrong token: Azure's 401 with the same challenge (the SDK then asks again once).
      return reply(
        401,
        authorization
          ? error("Unauthorized", "AKV10032: Invalid issuer.")
          : error("Unauthorized", "AKV10000: Request is missing a Bearer or PoP token."),
        challenge,
      );
    }
    const scripted = replies.shift();
    if (scripted)
      return reply(scripted.status, scripted.body ?? defaultBody(scripted.status), { ...scripted.headers });

    const parts = url.pathname.split("/").filter((p) => p !== "");
    if (method === "GET" && parts[0] === "secrets" && parts.length >= 2 && parts.length <= 3) {
      const name = decodeURIComponent(parts[1]!);
      const version = parts[2] ? decodeURIComponent(parts[2]) : undefined;
      if (!NAME.test(name))
        return reply(400, error("BadParameter", `The request URI contains an invalid name: ${name}`));
      if (denyMode) {
        const [status, body, headers] = denied(denyMode);
        return reply(status, body, headers);
      }
      const secret = secrets.get(key(name));
      if (!secret || secret.deletedOn !== undefined) return reply(404, notFound(name));
      const v = version ? secret.versions.find((x) => x.version === version) : secret.versions.at(-1);
      if (!v) return reply(404, notFound(`${name}/${version}`));
      if (!v.enabled) {
        return reply(
          403,
          error("Forbidden", "Operation get is not allowed on a disabled secret.", "SecretDisabled"),
        );
      }
      return reply(200, bundle(secret, v));
    }
    if (method === "GET" && parts[0] === "deletedsecrets" && parts.length === 2) {
      const name = decodeURIComponent(parts[1]!);
      if (denyDeleted || denyMode) {
        return reply(
          403,
          error("Forbidden", "Caller is not authorized to perform action on resource.", "ForbiddenByRbac"),
        );
      }
      const secret = secrets.get(key(name));
      if (!secret || secret.deletedOn === undefined)
        return reply(404, error("SecretNotFound", `Deleted Secret not found: ${name}`));
      const latest = secret.versions.at(-1)!;
      return reply(200, {
        ...bundle(secret, latest),
        recoveryId: `${base}/deletedsecrets/${secret.name}`,
        deletedDate: seconds(secret.deletedOn),
        scheduledPurgeDate: seconds(secret.deletedOn + 90 * 86_400_000),
      });
    }
    return reply(405, error("MethodNotAllowed", `${method} ${url.pathname} is not supported by this fake`));
  };

  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => handle(req, res));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const find = (name: string) => {
    const secret = secrets.get(key(name));
    if (!secret) throw new Error(`fake vault: no secret ${name}`);
    return secret;
  };

  return {
    url: base,
    tenantId,
    credential,
    setSecret(name, value, attributes = {}) {
      if (!NAME.test(name)) throw new Error(`fake vault: invalid name ${name}`);
      let secret = secrets.get(key(name));
      if (secret?.deletedOn !== undefined)
        throw new Error(`fake vault: ${name} is soft-deleted (409 Conflict)`);
      if (!secret) {
        secret = { name, versions: [] };
        secrets.set(key(name), secret);
      }
      const version = randomBytes(16).toString("hex");
      const at = now();
      secret.versions.push({
        version,
        value,
        enabled: attributes.enabled ?? true,
        notBefore: attributes.notBefore,
        expiresOn: attributes.expiresOn,
        created: at,
        updated: at,
      });
      return version;
    },
    updateVersion(name, version, attributes) {
      const v = find(name).versions.find((x) => x.version === version);
      if (!v) throw new Error(`fake vault: no version ${version} of ${name}`);
      if (attributes.enabled !== undefined) v.enabled = attributes.enabled;
      if (attributes.notBefore !== undefined) v.notBefore = attributes.notBefore;
      if (attributes.expiresOn !== undefined) v.expiresOn = attributes.expiresOn;
      v.updated = now();
    },
    deleteSecret(name) {
      find(name).deletedOn = now();
    },
    purgeSecret(name) {
      secrets.delete(key(name));
    },
    deny(mode) {
      denyMode = mode;
    },
    denyDeletedReads(deny) {
      denyDeleted = deny;
    },
    enqueue(...more) {
      replies.push(...more);
    },
    requests,
    readsOf(name) {
      return requests.filter(
        (r) =>
          r.authorized &&
          r.method === "GET" &&
          r.path.toLowerCase().startsWith(`/secrets/${name.toLowerCase()}/`),
      ).length;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
