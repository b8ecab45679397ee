import { readFile } from "node:fs/promises";
import * as k8s from "@kubernetes/client-node";

// Access to the real kube-apiserver started by integration-tests/emulators/kubernetes.sh (see
// NOTES-kubernetes.md): an admin identity (system:masters) that seeds, and a "reader" identity that has no
// permission until a test grants one with a Role and RoleBinding.

function required(name: string): string {
  const value = process.env[name];
  if (!value)
    throw new Error(
      `${name} is not set: run through integration-tests/run.sh with HF_SECRETS_EMULATORS=kubernetes`,
    );
  return value;
}

export const cluster = {
  url: required("KUBE_APISERVER_URL"),
  caFile: required("KUBE_CA_FILE"),
  adminKubeconfig: required("KUBE_ADMIN_KUBECONFIG"),
  readerKubeconfig: required("KUBE_READER_KUBECONFIG"),
  auditLog: required("KUBE_AUDIT_LOG"),
  runDir: required("KUBE_RUN_DIR"),
};

/** Namespaces cannot be deleted without a controller manager: one namespace per run, unique Secret names. */
export const NAMESPACE = "hf-secrets-it";

export function kubeConfigFrom(file: string): k8s.KubeConfig {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(file);
  return kc;
}

export const adminConfig = kubeConfigFrom(cluster.adminKubeconfig);
export const admin = adminConfig.makeApiClient(k8s.CoreV1Api);
const rbac = adminConfig.makeApiClient(k8s.RbacAuthorizationV1Api);

let sequence = 0;
/** A Secret name no other test uses (the run's etcd is fresh, names only need to be unique within it). */
export function uniqueName(prefix: string): string {
  sequence++;
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${sequence}`;
}

let namespaceReady: Promise<void> | undefined;
export function ensureNamespace(): Promise<void> {
  namespaceReady ??= admin.createNamespace({ body: { metadata: { name: NAMESPACE } } }).then(
    () => undefined,
    (error: { code?: number }) => {
      if (error.code !== 409) throw error;
    },
  );
  return namespaceReady;
}

const encode = (values: Readonly<Record<string, string>>) =>
  Object.fromEntries(
    Object.entries(values).map(([key, value]) => [key, Buffer.from(value, "utf8").toString("base64")]),
  );

/** Creates a Secret from plain values (through `data`, or `stringData` as kubectl's --from-literal does). */
export async function createSecret(
  name: string,
  values: Readonly<Record<string, string>>,
  through: "data" | "stringData" = "data",
): Promise<k8s.V1Secret> {
  await ensureNamespace();
  const body: k8s.V1Secret = { metadata: { name, namespace: NAMESPACE }, type: "Opaque" };
  if (through === "data") body.data = encode(values);
  else body.stringData = { ...values };
  return admin.createNamespacedSecret({ namespace: NAMESPACE, body });
}

/** Replaces a Secret's values (a rotation). */
export async function replaceSecret(
  name: string,
  values: Readonly<Record<string, string>>,
): Promise<k8s.V1Secret> {
  return admin.replaceNamespacedSecret({
    name,
    namespace: NAMESPACE,
    body: { metadata: { name, namespace: NAMESPACE }, type: "Opaque", data: encode(values) },
  });
}

/** The value the server holds now, read as admin. */
export async function serverValue(name: string, key: string): Promise<string | undefined> {
  const secret = await admin.readNamespacedSecret({ name, namespace: NAMESPACE });
  const encoded = secret.data?.[key];
  return encoded === undefined ? undefined : Buffer.from(encoded, "base64").toString("utf8");
}

/** A subject of a RoleBinding: the static "reader" user, or a ServiceAccount of the namespace. */
export type Subject = { kind: "User"; name: string } | { kind: "ServiceAccount"; name: string };

/**
 * Grants `verbs` on exactly one Secret (`resourceNames`) to `subject` with a Role and a RoleBinding, and waits
 * until the API server's RBAC cache shows it (checked with a SubjectAccessReview, so no Secret is read).
 */
export async function grant(secretName: string, verbs: string[], subject: Subject): Promise<void> {
  await ensureNamespace();
  const roleName = uniqueName("read");
  await rbac.createNamespacedRole({
    namespace: NAMESPACE,
    body: {
      metadata: { name: roleName, namespace: NAMESPACE },
      rules: [{ apiGroups: [""], resources: ["secrets"], resourceNames: [secretName], verbs }],
    },
  });
  await rbac.createNamespacedRoleBinding({
    namespace: NAMESPACE,
    body: {
      metadata: { name: roleName, namespace: NAMESPACE },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: roleName },
      subjects: [
        subject.kind === "User"
          ? { kind: "User", apiGroup: "rbac.authorization.k8s.io", name: subject.name }
          : { kind: "ServiceAccount", name: subject.name, namespace: NAMESPACE },
      ],
    },
  });
  const user = subject.kind === "User" ? subject.name : `system:serviceaccount:${NAMESPACE}:${subject.name}`;
  const groups =
    subject.kind === "User"
      ? ["system:authenticated"]
      : ["system:serviceaccounts", `system:serviceaccounts:${NAMESPACE}`, "system:authenticated"];
  const authz = adminConfig.makeApiClient(k8s.AuthorizationV1Api);
  for (let attempt = 0; attempt < 100; attempt++) {
    const review = await authz.createSubjectAccessReview({
      body: {
        spec: {
          user,
          groups,
          resourceAttributes: { namespace: NAMESPACE, verb: verbs[0], resource: "secrets", name: secretName },
        },
      },
    });
    if (review.status?.allowed) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`RBAC grant for ${user} on ${secretName} did not take effect`);
}

/** Creates a ServiceAccount (no controller manager runs, so nothing else is created for it). */
export async function createServiceAccount(name: string): Promise<k8s.V1ServiceAccount> {
  await ensureNamespace();
  return admin.createNamespacedServiceAccount({
    namespace: NAMESPACE,
    body: { metadata: { name, namespace: NAMESPACE } },
  });
}

/**
 * A bound service-account token from the TokenRequest API (what `kubectl create token` calls), optionally
 * bound to a Secret: deleting that Secret invalidates the token at once, like a pod's token when the pod goes.
 */
export async function requestToken(serviceAccount: string, boundSecret?: k8s.V1Secret): Promise<string> {
  const response = await admin.createNamespacedServiceAccountToken({
    name: serviceAccount,
    namespace: NAMESPACE,
    body: {
      spec: {
        audiences: [],
        expirationSeconds: 3600,
        ...(boundSecret
          ? {
              boundObjectRef: {
                apiVersion: "v1",
                kind: "Secret",
                name: boundSecret.metadata?.name,
                uid: boundSecret.metadata?.uid,
              },
            }
          : {}),
      },
    },
  });
  const token = response.status?.token;
  if (!token) throw new Error("TokenRequest returned no token");
  return token;
}

interface AuditEvent {
  readonly stage?: string;
  readonly verb?: string;
  readonly user?: { readonly username?: string };
  readonly objectRef?: { readonly name?: string; readonly namespace?: string; readonly resource?: string };
  readonly responseStatus?: { readonly code?: number };
}

/** The audit log's events (Metadata level: no values) about one Secret. */
export async function auditEvents(secretName: string): Promise<AuditEvent[]> {
  const text = await readFile(cluster.auditLog, "utf8");
  return text
    .split("\n")
    .filter((line) => line.includes(secretName))
    .map((line) => JSON.parse(line) as AuditEvent)
    .filter((event) => event.objectRef?.name === secretName && event.objectRef.resource === "secrets");
}

/** GET requests for one Secret that completed, as the API server's audit log records them. */
export async function auditedGets(secretName: string, username?: string): Promise<number> {
  const events = await auditEvents(secretName);
  return events.filter(
    (e) =>
      e.verb === "get" &&
      e.stage === "ResponseComplete" &&
      (username === undefined || e.user?.username === username),
  ).length;
}

/** The server's port (for KUBERNETES_SERVICE_PORT). */
export const apiserverPort = new URL(cluster.url).port || "443";
