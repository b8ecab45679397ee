import { fromKubernetesSecret } from "@hf-secrets/kubernetes";
import { describeSecretProviderContract } from "@hf-secrets/testing";
import {
  cluster,
  createSecret,
  grant,
  kubeConfigFrom,
  NAMESPACE,
  replaceSecret,
  uniqueName,
} from "./cluster.js";

// The provider conformance suite against a real kube-apiserver, in API mode with a watch. Each subject gets
// its own Secret (seeded by the admin identity); the provider reads as "reader", whose Role allows get and
// watch on that one Secret only. Logical names are keys of that Secret.

describeSecretProviderContract(
  "kubernetes API mode (real kube-apiserver, reader identity)",
  async () => {
    const secretName = uniqueName("contract");
    const values: Record<string, string> = {};
    await createSecret(secretName, {});
    await grant(secretName, ["get", "watch"], { kind: "User", name: "reader" });
    const provider = fromKubernetesSecret({
      name: secretName,
      namespace: NAMESPACE,
      kubeConfig: kubeConfigFrom(cluster.readerKubeconfig),
      watch: true,
    });
    const write = async (name: string, value: string) => {
      values[name] = value;
      await replaceSecret(secretName, values);
    };
    return { provider, seed: write, update: write, cleanup: async () => provider.dispose?.() };
  },
  { update: true, watch: true, watchTimeoutMs: 3_000 },
);
