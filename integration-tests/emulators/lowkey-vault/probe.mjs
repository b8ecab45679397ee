// Probe of Lowkey Vault with the real Azure SDK (@azure/keyvault-secrets 4.11.1, @azure/identity 4.13.1): one JSON
// line per case. Used to record NOTES-lowkey-vault.md; not part of the test suite. Copy it into a scratch folder where
// both packages are installed, `source "$HF_SECRETS_RUN_DIR/lowkey-vault/env"`, then `node probe.mjs [auth|secrets|dac|mi]`.

import https from "node:https";
import { DefaultAzureCredential, ManagedIdentityCredential } from "@azure/identity";
import { SecretClient } from "@azure/keyvault-secrets";

const vaultUrl = process.env.AZURE_KEYVAULT_URL;
if (!vaultUrl) throw new Error("AZURE_KEYVAULT_URL is not set (source the env file)");
const only = process.argv[2]; // optional: run one section
const run = `${Date.now().toString(36)}`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function shape(err) {
  return {
    name: err?.name,
    code: err?.code,
    statusCode: err?.statusCode,
    message: typeof err?.message === "string" ? err.message.slice(0, 400) : err?.message,
    details: err?.details,
    body: err?.response?.bodyAsText?.slice(0, 400),
    wwwAuthenticate: err?.response?.headers?.get?.("www-authenticate"),
  };
}
function props(s) {
  if (!s) return s;
  const p = s.properties ?? s;
  return {
    value: s.value,
    name: p.name,
    version: p.version,
    enabled: p.enabled,
    notBefore: p.notBefore?.toISOString?.(),
    expiresOn: p.expiresOn?.toISOString?.(),
    recoveryLevel: p.recoveryLevel,
    id: p.id,
    deletedOn: s.deletedOn?.toISOString?.(),
    recoveryId: s.recoveryId,
    scheduledPurgeDate: s.scheduledPurgeDate?.toISOString?.(),
  };
}
async function attempt(label, fn) {
  const t0 = Date.now();
  try {
    const r = await fn();
    console.log(JSON.stringify({ case: label, ok: true, ms: Date.now() - t0, result: r }));
    return r;
  } catch (err) {
    console.log(JSON.stringify({ case: label, ok: false, ms: Date.now() - t0, error: shape(err) }));
    return undefined;
  }
}

function rawRequest(path, headers = {}) {
  const u = new URL(path, vaultUrl);
  return new Promise((resolve, reject) => {
    const req = https.request(u, { method: "GET", headers, timeout: 5000 }, (res) => {
      let body = "";
      res.on("data", (d) => (body += d));
      res.on("end", () =>
        resolve({
          status: res.statusCode,
          wwwAuthenticate: res.headers["www-authenticate"],
          body: body.slice(0, 400),
        }),
      );
    });
    req.on("error", reject);
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.end();
  });
}

const mi = new ManagedIdentityCredential();
const client = new SecretClient(vaultUrl, mi, { disableChallengeResourceVerification: true });

if (!only || only === "auth") {
  await attempt("MI getToken (scope = vault URL)", async () => {
    const t = await mi.getToken(`${vaultUrl}/.default`);
    return { tokenPrefix: t.token.slice(0, 16), expiresOnTimestamp: t.expiresOnTimestamp };
  });
  await attempt("raw GET without Authorization", () =>
    rawRequest(`/secrets/anything?api-version=2025-07-01`),
  );
  await attempt("raw GET with 'Bearer garbage'", () =>
    rawRequest(`/secrets/missing-${run}?api-version=2025-07-01`, { Authorization: "Bearer garbage" }),
  );
  await attempt("raw GET with 'Basic xyz'", () =>
    rawRequest(`/secrets/missing-${run}?api-version=2025-07-01`, { Authorization: "Basic xyz" }),
  );
  await attempt("raw GET unsupported api-version 9.9", () =>
    rawRequest(`/secrets/missing-${run}?api-version=9.9`, { Authorization: "Bearer garbage" }),
  );
}

if (!only || only === "secrets") {
  const name = `hf-token-${run}`;
  const v1 = await attempt("setSecret v1", async () => props(await client.setSecret(name, "value-1")));
  const v2 = await attempt("setSecret v2", async () => props(await client.setSecret(name, "value-2")));
  await attempt("setSecret v3", async () => props(await client.setSecret(name, "value-3")));
  await attempt("getSecret latest", async () => props(await client.getSecret(name)));
  await attempt("getSecret by version v1", async () =>
    props(await client.getSecret(name, { version: v1?.version })),
  );
  await attempt("getSecret by version v2", async () =>
    props(await client.getSecret(name, { version: v2?.version })),
  );
  await attempt("getSecret unknown version", async () =>
    props(await client.getSecret(name, { version: "0123456789abcdef0123456789abcdef" })),
  );
  await attempt("listPropertiesOfSecretVersions", async () => {
    const out = [];
    for await (const p of client.listPropertiesOfSecretVersions(name))
      out.push({ version: p.version, enabled: p.enabled });
    return out;
  });

  // expiresOn in the near future, then read it before and after it passes.
  const exp = `exp-${run}`;
  await attempt("setSecret expiresOn=now+3s", async () =>
    props(await client.setSecret(exp, "expiring", { expiresOn: new Date(Date.now() + 3000) })),
  );
  await attempt("getSecret before expiry", async () => props(await client.getSecret(exp)));
  await sleep(4500);
  await attempt("getSecret after expiry", async () => props(await client.getSecret(exp)));
  await attempt("setSecret expiresOn in the past (now-1h)", async () =>
    props(
      await client.setSecret(`past-${run}`, "already-expired", {
        expiresOn: new Date(Date.now() - 3600_000),
      }),
    ),
  );
  await attempt("getSecret expired-at-creation", async () => props(await client.getSecret(`past-${run}`)));

  const nbf = `nbf-${run}`;
  await attempt("setSecret notBefore=now+1h", async () =>
    props(await client.setSecret(nbf, "not-yet", { notBefore: new Date(Date.now() + 3600_000) })),
  );
  await attempt("getSecret not-yet-valid", async () => props(await client.getSecret(nbf)));

  // disabled
  const dis = `dis-${run}`;
  const d1 = await attempt("setSecret (to disable)", async () =>
    props(await client.setSecret(dis, "disabled-value")),
  );
  await attempt("updateSecretProperties enabled:false", async () =>
    props(await client.updateSecretProperties(dis, d1?.version ?? "", { enabled: false })),
  );
  await attempt("getSecret disabled (latest)", async () => props(await client.getSecret(dis)));
  await attempt("getSecret disabled (by version)", async () =>
    props(await client.getSecret(dis, { version: d1?.version })),
  );
  await attempt("setSecret enabled:false at creation", async () =>
    props(await client.setSecret(`dis0-${run}`, "x", { enabled: false })),
  );
  await attempt("getSecret created-disabled", async () => props(await client.getSecret(`dis0-${run}`)));
  // a newer enabled version after a disabled one
  await attempt("setSecret new version after disabled", async () =>
    props(await client.setSecret(dis, "enabled-again")),
  );
  await attempt("getSecret latest after re-enable by new version", async () =>
    props(await client.getSecret(dis)),
  );

  // delete
  const del = `del-${run}`;
  await attempt("setSecret (to delete)", async () => props(await client.setSecret(del, "to-delete")));
  await attempt("beginDeleteSecret + pollUntilDone", async () => {
    const poller = await client.beginDeleteSecret(del, { intervalInMs: 200 });
    return props(await poller.pollUntilDone());
  });
  await attempt("getSecret deleted", async () => props(await client.getSecret(del)));
  await attempt("getDeletedSecret", async () => props(await client.getDeletedSecret(del)));
  await attempt("setSecret on soft-deleted name", async () => props(await client.setSecret(del, "again")));
  await attempt("purgeDeletedSecret", async () => client.purgeDeletedSecret(del));
  await attempt("getDeletedSecret after purge", async () => props(await client.getDeletedSecret(del)));
  await attempt("setSecret after purge", async () => props(await client.setSecret(del, "after-purge")));

  // recover
  const rec = `rec-${run}`;
  await attempt("setSecret (to recover)", async () => props(await client.setSecret(rec, "to-recover")));
  await attempt("beginDeleteSecret (to recover)", async () =>
    props(await (await client.beginDeleteSecret(rec, { intervalInMs: 200 })).pollUntilDone()),
  );
  await attempt("beginRecoverDeletedSecret + pollUntilDone", async () =>
    props(await (await client.beginRecoverDeletedSecret(rec, { intervalInMs: 200 })).pollUntilDone()),
  );
  await attempt("getSecret after recover", async () => props(await client.getSecret(rec)));

  // missing and invalid names
  await attempt("getSecret missing", async () => props(await client.getSecret(`missing-${run}`)));
  await attempt("getDeletedSecret missing", async () =>
    props(await client.getDeletedSecret(`missing-${run}`)),
  );
  await attempt("getSecret name with underscore", async () =>
    props(await client.getSecret(`HF_TOKEN_${run}`)),
  );
  await attempt("setSecret name with underscore", async () =>
    props(await client.setSecret(`HF_TOKEN_${run}`, "x")),
  );
  await attempt("getSecret name with dot", async () => props(await client.getSecret(`hf.token.${run}`)));
  await attempt("getSecret name 128 chars", async () => props(await client.getSecret("a".repeat(128))));
  await attempt("getSecret name 200 chars", async () => props(await client.getSecret("a".repeat(200))));
  await attempt("setSecret case-insensitivity (UPPER then get lower)", async () => {
    await client.setSecret(`CASE-${run}`, "upper");
    return props(await client.getSecret(`case-${run}`));
  });
  await attempt("listPropertiesOfSecrets count", async () => {
    let n = 0;
    for await (const _ of client.listPropertiesOfSecrets()) n++;
    return { count: n };
  });
}

if (only === "dac") {
  const dac = new DefaultAzureCredential();
  const c2 = new SecretClient(vaultUrl, dac, { disableChallengeResourceVerification: true });
  await attempt("DefaultAzureCredential getSecret missing", async () =>
    props(await c2.getSecret(`missing-${run}`)),
  );
  await attempt("DefaultAzureCredential setSecret + getSecret", async () => {
    await c2.setSecret(`dac-${run}`, "dac");
    return props(await c2.getSecret(`dac-${run}`));
  });
}

if (only === "mi") {
  await attempt("MI setSecret + getSecret", async () => {
    await client.setSecret(`mi-${run}`, "mi");
    return props(await client.getSecret(`mi-${run}`));
  });
}
