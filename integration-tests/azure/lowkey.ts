// Helpers for the suites against Lowkey Vault (a real Key Vault test double nobody here wrote), started by
// integration-tests/run.sh through emulators/lowkey-vault.sh, whose env file this process inherits:
// AZURE_KEYVAULT_URL, NODE_EXTRA_CA_CERTS (Lowkey's self-signed certificate; TLS checks stay on),
// IDENTITY_ENDPOINT + IDENTITY_HEADER (ManagedIdentityCredential gets its token from Lowkey) and LOWKEY_CERT_P12.
import { readFileSync } from "node:fs";
import { createServer as createHttpsServer, request as httpsRequest } from "node:https";
import type { AddressInfo } from "node:net";
import { ManagedIdentityCredential } from "@azure/identity";
import { SecretClient } from "@azure/keyvault-secrets";

/** What the env file of lowkey-vault.sh provides. */
export interface LowkeyEnv {
  readonly vaultUrl: string;
  readonly certP12: string;
  readonly tokenPort: string;
}

/**
 * Reads the env file's variables. Missing ones FAIL the suite (never skip it): a run without Lowkey must not
 * count as a pass. run.sh leaves this directory out of the run when Lowkey cannot be installed.
 */
export function lowkeyEnv(): LowkeyEnv {
  const vaultUrl = process.env.AZURE_KEYVAULT_URL;
  const missing = [
    "AZURE_KEYVAULT_URL",
    "NODE_EXTRA_CA_CERTS",
    "IDENTITY_ENDPOINT",
    "IDENTITY_HEADER",
    "LOWKEY_CERT_P12",
  ].filter((name) => !process.env[name]);
  if (missing.length > 0 || !vaultUrl) {
    throw new Error(
      `Lowkey Vault is not running (${missing.join(", ")} unset): run these suites through integration-tests/run.sh, e.g. HF_SECRETS_EMULATORS=lowkey-vault bash integration-tests/run.sh integration-tests/azure`,
    );
  }
  return {
    vaultUrl,
    certP12: process.env.LOWKEY_CERT_P12!,
    tokenPort: process.env.LOWKEY_TOKEN_PORT ?? "8080",
  };
}

/**
 * Lowkey's challenge names its own URL as the resource (not `*.vault.azure.net`), so the SDK's check of that
 * resource is off; TLS verification is not touched.
 */
export const lowkeyClientOptions = { disableChallengeResourceVerification: true } as const;

/** A SecretClient used to arrange the vault (set, update, delete, purge): not the code under test. */
export function adminClient(vaultUrl: string): SecretClient {
  return new SecretClient(vaultUrl, new ManagedIdentityCredential(), lowkeyClientOptions);
}

let sequence = 0;
/** A logical name nobody used in this Lowkey instance (soft-deleted names stay taken until purged). */
export function uniqueLogicalName(base = "HF_TOKEN"): string {
  sequence++;
  return `${base}_IT_${Date.now().toString(36).toUpperCase()}_${sequence}`;
}

/**
 * Deletes and purges secrets, best effort and bounded (5 s a name): a name already gone is fine, and the delete
 * poller of a secret whose latest version is disabled would otherwise poll forever. Lowkey keeps its state in
 * memory and run.sh starts it afresh, so a leftover only matters within one run (names are unique anyway).
 */
export async function deleteAndPurge(admin: SecretClient, names: Iterable<string>): Promise<void> {
  for (const name of names) {
    const abortSignal = AbortSignal.timeout(5_000);
    try {
      const poller = await admin.beginDeleteSecret(name, { abortSignal });
      await poller.pollUntilDone({ abortSignal });
    } catch {
      // Already deleted, never created, or not confirmed in time: the purge below decides.
    }
    try {
      await admin.purgeDeletedSecret(name, { abortSignal: AbortSignal.timeout(5_000) });
    } catch {
      // Not soft-deleted: nothing to purge.
    }
  }
}

/** One request that went through the counting proxy. */
export interface ProxiedRequest {
  readonly method: string;
  readonly path: string;
  readonly authorized: boolean;
  readonly status: number;
}

/** An HTTPS proxy in front of Lowkey that counts the requests reaching the server. */
export interface CountingProxy {
  /** e.g. `https://127.0.0.1:40123`: use it as vaultUrl. */
  readonly url: string;
  readonly requests: readonly ProxiedRequest[];
  /** Requests for one secret (GET /secrets/<name>/...). */
  readsOf(secretName: string): ProxiedRequest[];
  close(): Promise<void>;
}

/**
 * Starts an HTTPS proxy on 127.0.0.1 serving Lowkey's own certificate (so NODE_EXTRA_CA_CERTS verifies it; TLS
 * stays on end to end) and forwarding every request to Lowkey with the Host Lowkey expects.
 */
export async function startCountingProxy(env: LowkeyEnv): Promise<CountingProxy> {
  const target = new URL(env.vaultUrl);
  const password = await (
    await fetch(`http://127.0.0.1:${env.tokenPort}/metadata/default-cert/password`)
  ).text();
  const requests: ProxiedRequest[] = [];
  const server = createHttpsServer(
    { pfx: readFileSync(env.certP12), passphrase: password.trim() },
    (req, res) => {
      const path = (req.url ?? "/").split("?")[0]!;
      const upstream = httpsRequest(
        {
          host: target.hostname,
          port: target.port,
          method: req.method,
          path: req.url,
          // Lowkey picks the vault by Host (host and port).
          headers: { ...req.headers, host: target.host },
        },
        (answer) => {
          requests.push({
            method: req.method ?? "GET",
            path,
            authorized: typeof req.headers.authorization === "string" && req.headers.authorization !== "",
            status: answer.statusCode ?? 0,
          });
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on("error", (error) => {
        res.writeHead(502);
        res.end(String(error.message));
      });
      req.pipe(upstream);
    },
  );
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests,
    readsOf: (secretName) =>
      requests.filter((r) => r.method === "GET" && r.path.startsWith(`/secrets/${secretName}/`)),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
