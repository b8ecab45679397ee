// Probes the Secrets Manager semantics of the running emulator (LocalStack or moto) with the AWS JS SDK and
// prints the exact response and error shapes; exit 1 when a check fails. NOTES-localstack.md records its output.
//   bash integration-tests/emulators/localstack.sh start && source "${HF_SECRETS_RUN_DIR:-/tmp/hf-secrets-run}/localstack/env"
//   node integration-tests/emulators/localstack/probe.mjs      # with OUT=file.json it also writes the results

import nodeAssert from "node:assert/strict";
import {
  BatchGetSecretValueCommand,
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretsCommand,
  ListSecretVersionIdsCommand,
  PutSecretValueCommand,
  RestoreSecretCommand,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from "@aws-sdk/client-secrets-manager";

const failures = [];
const soft =
  (fn) =>
  (...args) => {
    try {
      fn(...args);
    } catch (e) {
      failures.push(e.message.split("\n").slice(0, 4).join(" "));
      console.log(`!!! CHECK FAILED: ${failures.at(-1)}`);
    }
  };
const assert = {
  equal: soft(nodeAssert.equal),
  deepEqual: soft(nodeAssert.deepEqual),
  ok: soft(nodeAssert.ok),
};

import { writeFileSync } from "node:fs";

const {
  AWS_ENDPOINT_URL_SECRETS_MANAGER: endpointFromEnv,
  LOCALSTACK_FLAVOR: flavor,
  OUT: outFile,
} = process.env;
const endpoint = endpointFromEnv ?? "http://127.0.0.1:4566";
const client = new SecretsManagerClient({
  endpoint,
  region: "us-east-1",
  credentials: { accessKeyId: "test", secretAccessKey: "test" },
});
const out = { endpoint, flavor, cases: {} };
const rec = (k, v) => {
  out.cases[k] = v;
  console.log(`--- ${k}\n${JSON.stringify(v, replacer, 2)}`);
};
function replacer(_k, v) {
  if (v instanceof Uint8Array) return { Uint8Array: Buffer.from(v).toString("base64") };
  return v;
}
const strip = (r) => {
  const { $metadata, ...rest } = r;
  return { ...rest, $metadata: { httpStatusCode: $metadata.httpStatusCode } };
};
function errShape(e) {
  return {
    name: e.name,
    message: e.message,
    Message: e.Message,
    $fault: e.$fault,
    httpStatusCode: e.$metadata?.httpStatusCode,
    requestId: e.$metadata?.requestId ? "(present)" : e.$metadata?.requestId,
    ownKeys: Object.keys(e),
    constructor: e.constructor?.name,
  };
}
async function expectError(label, cmd, c = client) {
  try {
    const r = await c.send(cmd);
    rec(label, { UNEXPECTED_SUCCESS: strip(r) });
  } catch (e) {
    rec(label, errShape(e));
    return e;
  }
}
const t0 = performance.now();
const id = Date.now().toString(36);
const n = (s) => `hf-check/${s}-${id}`;

// 1. plain SecretString
const c1 = await client.send(new CreateSecretCommand({ Name: n("plain"), SecretString: "hf_plain_v1" }));
rec("CreateSecret plain", strip(c1));
// 2. JSON SecretString
const json = JSON.stringify({ HF_TOKEN: "hf_json", OTHER: "x" });
const c2 = await client.send(new CreateSecretCommand({ Name: n("json"), SecretString: json }));
rec("CreateSecret json", strip(c2));
const g2 = await client.send(new GetSecretValueCommand({ SecretId: n("json") }));
assert.equal(g2.SecretString, json);
// 3. SecretBinary
const bin = new Uint8Array([0, 1, 2, 250, 255, 104, 102]);
const c3 = await client.send(new CreateSecretCommand({ Name: n("binary"), SecretBinary: bin }));
rec("CreateSecret binary", strip(c3));
const g3 = await client.send(new GetSecretValueCommand({ SecretId: n("binary") }));
rec("GetSecretValue binary", strip(g3));
assert.deepEqual(Buffer.from(g3.SecretBinary), Buffer.from(bin));
assert.equal(g3.SecretString, undefined);

// 4. GetSecretValue: VersionId, VersionStages
const g1 = await client.send(new GetSecretValueCommand({ SecretId: n("plain") }));
rec("GetSecretValue plain", strip(g1));
assert.equal(g1.SecretString, "hf_plain_v1");
assert.equal(g1.VersionId, c1.VersionId);
assert.deepEqual(g1.VersionStages, ["AWSCURRENT"]);
const g1arn = await client.send(new GetSecretValueCommand({ SecretId: c1.ARN }));
assert.equal(g1arn.SecretString, "hf_plain_v1");
const v1 = c1.VersionId;

// 5. PutSecretValue with AWSPENDING
const p = await client.send(
  new PutSecretValueCommand({
    SecretId: n("plain"),
    SecretString: "hf_plain_v2",
    VersionStages: ["AWSPENDING"],
  }),
);
rec("PutSecretValue AWSPENDING", strip(p));
const v2 = p.VersionId;
const gCurAfterPut = await client.send(new GetSecretValueCommand({ SecretId: n("plain") }));
assert.equal(gCurAfterPut.SecretString, "hf_plain_v1", "AWSCURRENT unchanged after AWSPENDING put");
const gPending = await client.send(
  new GetSecretValueCommand({ SecretId: n("plain"), VersionStage: "AWSPENDING" }),
);
rec("GetSecretValue AWSPENDING", strip(gPending));
assert.equal(gPending.SecretString, "hf_plain_v2");
rec(
  "ListSecretVersionIds after put",
  strip(await client.send(new ListSecretVersionIdsCommand({ SecretId: n("plain") }))),
);

// 6. UpdateSecretVersionStage without RemoveFromVersionId while AWSCURRENT is elsewhere
await expectError(
  "UpdateSecretVersionStage AWSCURRENT without RemoveFromVersionId",
  new UpdateSecretVersionStageCommand({
    SecretId: n("plain"),
    VersionStage: "AWSCURRENT",
    MoveToVersionId: v2,
  }),
);
// 7. move AWSCURRENT to v2
const u = await client.send(
  new UpdateSecretVersionStageCommand({
    SecretId: n("plain"),
    VersionStage: "AWSCURRENT",
    MoveToVersionId: v2,
    RemoveFromVersionId: v1,
  }),
);
rec("UpdateSecretVersionStage AWSCURRENT -> v2", strip(u));
const lv = await client.send(new ListSecretVersionIdsCommand({ SecretId: n("plain") }));
rec("ListSecretVersionIds after rotation", strip(lv));
const stagesOf = (vid) => lv.Versions.find((v) => v.VersionId === vid)?.VersionStages;
assert.deepEqual([...(stagesOf(v2) ?? [])].sort(), ["AWSCURRENT", "AWSPENDING"], "v2 stages after the move");
assert.equal(lv.ARN, c1.ARN, "ListSecretVersionIds ARN");
assert.ok(stagesOf(v1)?.includes("AWSPREVIOUS"), "v1 has AWSPREVIOUS");
assert.ok(stagesOf(v2)?.includes("AWSCURRENT"), "v2 has AWSCURRENT");
const gCur = await client.send(new GetSecretValueCommand({ SecretId: n("plain") }));
rec("GetSecretValue current after rotation", strip(gCur));
assert.equal(gCur.SecretString, "hf_plain_v2");
const gPrev = await client.send(
  new GetSecretValueCommand({ SecretId: n("plain"), VersionStage: "AWSPREVIOUS" }),
);
rec("GetSecretValue AWSPREVIOUS", strip(gPrev));
assert.equal(gPrev.SecretString, "hf_plain_v1");
const gPend2 = await client.send(
  new GetSecretValueCommand({ SecretId: n("plain"), VersionStage: "AWSPENDING" }),
);
rec("GetSecretValue AWSPENDING after rotation", strip(gPend2));
const gById = await client.send(new GetSecretValueCommand({ SecretId: n("plain"), VersionId: v1 }));
rec("GetSecretValue by VersionId v1", strip(gById));
assert.equal(gById.SecretString, "hf_plain_v1");
await expectError(
  "GetSecretValue VersionId v1 + VersionStage AWSCURRENT (mismatch)",
  new GetSecretValueCommand({ SecretId: n("plain"), VersionId: v1, VersionStage: "AWSCURRENT" }),
);
await expectError(
  "GetSecretValue unknown VersionStage",
  new GetSecretValueCommand({ SecretId: n("plain"), VersionStage: "NOPE" }),
);
await expectError(
  "GetSecretValue unknown VersionId (uuid)",
  new GetSecretValueCommand({ SecretId: n("plain"), VersionId: "00000000-0000-4000-8000-000000000000" }),
);
await expectError(
  "GetSecretValue malformed VersionId",
  new GetSecretValueCommand({ SecretId: n("plain"), VersionId: "x" }),
);
rec("DescribeSecret plain", strip(await client.send(new DescribeSecretCommand({ SecretId: n("plain") }))));

// 8. duplicates, missing
await expectError(
  "CreateSecret duplicate",
  new CreateSecretCommand({ Name: n("plain"), SecretString: "dup" }),
);
await expectError("GetSecretValue missing", new GetSecretValueCommand({ SecretId: n("missing") }));
await expectError("DescribeSecret missing", new DescribeSecretCommand({ SecretId: n("missing") }));
await expectError(
  "GetSecretValue missing ARN",
  new GetSecretValueCommand({ SecretId: "arn:aws:secretsmanager:us-east-1:000000000000:secret:nope-AbCdEf" }),
);
await expectError(
  "PutSecretValue missing",
  new PutSecretValueCommand({ SecretId: n("missing"), SecretString: "x" }),
);

// 9. scheduled for deletion
const d = await client.send(new DeleteSecretCommand({ SecretId: n("json"), RecoveryWindowInDays: 7 }));
rec("DeleteSecret RecoveryWindowInDays 7", strip(d));
await expectError(
  "GetSecretValue scheduled for deletion",
  new GetSecretValueCommand({ SecretId: n("json") }),
);
rec(
  "DescribeSecret scheduled for deletion",
  strip(await client.send(new DescribeSecretCommand({ SecretId: n("json") }))),
);
await expectError(
  "PutSecretValue scheduled for deletion",
  new PutSecretValueCommand({ SecretId: n("json"), SecretString: "x" }),
);
await expectError(
  "CreateSecret same name as scheduled for deletion",
  new CreateSecretCommand({ Name: n("json"), SecretString: "x" }),
);
await expectError(
  "DeleteSecret again (scheduled)",
  new DeleteSecretCommand({ SecretId: n("json"), RecoveryWindowInDays: 7 }),
);
const ls1 = await client.send(new ListSecretsCommand({ Filters: [{ Key: "name", Values: [n("json")] }] }));
rec(
  "ListSecrets (default) contains scheduled?",
  ls1.SecretList.map((s) => s.Name),
);
const ls2 = await client.send(
  new ListSecretsCommand({ IncludePlannedDeletion: true, Filters: [{ Key: "name", Values: [n("json")] }] }),
);
rec(
  "ListSecrets IncludePlannedDeletion",
  ls2.SecretList.map((s) => ({ Name: s.Name, DeletedDate: s.DeletedDate })),
);
rec("RestoreSecret", strip(await client.send(new RestoreSecretCommand({ SecretId: n("json") }))));
rec(
  "GetSecretValue after RestoreSecret",
  strip(await client.send(new GetSecretValueCommand({ SecretId: n("json") }))),
);
await expectError(
  "DeleteSecret RecoveryWindowInDays 3 (invalid)",
  new DeleteSecretCommand({ SecretId: n("json"), RecoveryWindowInDays: 3 }),
);
const fd = await client.send(
  new DeleteSecretCommand({ SecretId: n("json"), ForceDeleteWithoutRecovery: true }),
);
rec("DeleteSecret ForceDeleteWithoutRecovery", strip(fd));
await expectError("GetSecretValue after force delete", new GetSecretValueCommand({ SecretId: n("json") }));

// 10. BatchGetSecretValue with a missing one
rec(
  "BatchGetSecretValue",
  strip(
    await client
      .send(new BatchGetSecretValueCommand({ SecretIdList: [n("plain"), n("missing")] }))
      .catch((e) => ({ $metadata: {}, ERROR: errShape(e) })),
  ),
);

// 11. credentials
const bad = new SecretsManagerClient({
  endpoint,
  region: "us-east-1",
  credentials: { accessKeyId: "AKIAWRONGWRONGWRONG1", secretAccessKey: "definitely-wrong" },
});
try {
  const r = await bad.send(new GetSecretValueCommand({ SecretId: n("plain") }));
  rec("bad credentials", { accepted: true, SecretString: r.SecretString });
} catch (e) {
  rec("bad credentials", errShape(e));
}
const otherRegion = new SecretsManagerClient({
  endpoint,
  region: "eu-west-1",
  credentials: { accessKeyId: "test", secretAccessKey: "test" },
});
await expectError(
  "GetSecretValue from another region",
  new GetSecretValueCommand({ SecretId: n("plain") }),
  otherRegion,
);
const otherAccount = new SecretsManagerClient({
  endpoint,
  region: "us-east-1",
  credentials: { accessKeyId: "111111111111", secretAccessKey: "test" },
});
await expectError(
  "GetSecretValue from another account (access key id = 12 digits)",
  new GetSecretValueCommand({ SecretId: n("plain") }),
  otherAccount,
);

// 12. raw wire shape of an error and unsigned request
const raw = await fetch(endpoint, {
  method: "POST",
  headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": "secretsmanager.GetSecretValue" },
  body: JSON.stringify({ SecretId: n("missing") }),
});
rec("raw unsigned GetSecretValue missing", {
  status: raw.status,
  headers: Object.fromEntries(raw.headers),
  body: await raw.text(),
});

out.elapsedMs = Math.round(performance.now() - t0);
out.failures = failures;
console.log(
  failures.length ? `${failures.length} checks FAILED` : `all checks passed in ${out.elapsedMs} ms`,
);
process.exitCode = failures.length ? 1 : 0;
if (outFile) writeFileSync(outFile, JSON.stringify(out, replacer, 2));
