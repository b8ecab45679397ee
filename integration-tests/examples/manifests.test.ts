import { execFile } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// examples/kubernetes and the manifests the docs show (docs/snippets/kubernetes) validated by a real kube-apiserver (integration-tests/emulators/kubernetes.sh): every
// object goes through `kubectl apply --dry-run=server` (schema, strict field validation, admission), and the
// Role is applied for real to check with `kubectl auth can-i` that it grants exactly what API mode needs.
// `kubectl apply --dry-run=client` cannot do this: kubectl needs a server for discovery even then.

const run = promisify(execFile);
const root = resolve(import.meta.dirname, "..", "..");
const example = join(root, "examples", "kubernetes");
const snippets = join(root, "docs", "snippets", "kubernetes");

function required(name: string): string {
  const value = process.env[name];
  if (!value)
    throw new Error(
      `${name} is not set: run through integration-tests/run.sh with HF_SECRETS_EMULATORS=kubernetes`,
    );
  return value;
}
const kubeconfig = required("KUBE_ADMIN_KUBECONFIG");

async function kubectl(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run("kubectl", ["--kubeconfig", kubeconfig, ...args], {
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code?: number; stdout?: string; stderr?: string };
    return {
      code: typeof failure.code === "number" ? failure.code : 1,
      stdout: failure.stdout ?? "",
      stderr: failure.stderr ?? "",
    };
  }
}

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), "hf-secrets-manifests-"));
  // Namespaced objects can only be dry-run into a namespace that exists (the NamespaceLifecycle admission).
  const created = await kubectl("apply", "-f", join(example, "namespace.yaml"));
  expect(created.stderr).toBe("");
  expect(created.code).toBe(0);
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe("examples/kubernetes against kube-apiserver", () => {
  it("every object passes `kubectl apply -k --dry-run=server` with strict field validation", async () => {
    const result = await kubectl(
      "apply",
      "-k",
      example,
      "--dry-run=server",
      "--validate=strict",
      "-o",
      "name",
    );
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const names = result.stdout.trim().split("\n").sort();
    // kustomize names the generated ConfigMap after a hash of its content.
    expect(names.filter((name) => /^configmap\/hf-secrets-config-[a-z0-9]{10}$/.test(name))).toHaveLength(1);
    expect(names.filter((name) => !name.startsWith("configmap/"))).toEqual([
      "deployment.apps/inference",
      "namespace/ml",
      "role.rbac.authorization.k8s.io/hf-secrets-read-hf-token",
      "rolebinding.rbac.authorization.k8s.io/hf-secrets-read-hf-token",
      "serviceaccount/inference",
    ]);
    // The Secret is applied on its own (never by `apply -k`, which would overwrite the real token).
    const secret = await kubectl(
      "apply",
      "-n",
      "ml",
      "-f",
      join(example, "secret.yaml"),
      "--dry-run=server",
      "--validate=strict",
      "-o",
      "name",
    );
    expect(secret.stderr).toBe("");
    expect(secret.stdout.trim()).toBe("secret/hf-token");
  });

  it("the manifests the docs show pass `kubectl apply --dry-run=server` too", async () => {
    const files = (await readdir(snippets)).filter((name) => /\.ya?ml$/.test(name));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const result = await kubectl(
        "apply",
        "-n",
        "ml",
        "-f",
        join(snippets, file),
        "--dry-run=server",
        "--validate=strict",
      );
      expect(result.stderr, file).toBe("");
      expect(result.code, file).toBe(0);
    }
  });

  it("the same check rejects a manifest with a misspelled field (it can fail)", async () => {
    const deployment = await readFile(join(example, "deployment.yaml"), "utf8");
    const broken = join(scratch, "deployment.yaml");
    await writeFile(broken, deployment.replace("readOnly: true", "readOnyl: true"));
    const result = await kubectl("apply", "-n", "ml", "-f", broken, "--dry-run=server", "--validate=strict");
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/readOnyl/);
  });

  it("the Role grants the service account get and watch on the hf-token Secret, and nothing else", async () => {
    for (const file of ["serviceaccount.yaml", "rbac.yaml"]) {
      const applied = await kubectl("apply", "-n", "ml", "-f", join(example, file));
      expect(applied.code, applied.stderr).toBe(0);
    }
    const can = async (...args: string[]) =>
      (
        await kubectl("auth", "can-i", ...args, "-n", "ml", "--as", "system:serviceaccount:ml:inference")
      ).stdout.trim();
    expect(await can("get", "secrets/hf-token")).toBe("yes");
    expect(await can("watch", "secrets/hf-token")).toBe("yes");
    expect(await can("get", "secrets/another-secret")).toBe("no");
    expect(await can("list", "secrets")).toBe("no");
    expect(await can("update", "secrets/hf-token")).toBe("no");
  });
});
