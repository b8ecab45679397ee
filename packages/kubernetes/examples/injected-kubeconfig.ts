import { cached } from "@hf-secrets/core";
import { fromKubernetesSecret } from "@hf-secrets/kubernetes";
import { KubeConfig } from "@kubernetes/client-node";

// A ready-made KubeConfig: here another context of ~/.kube/config, reading two keys of one Secret.
const kubeConfig = new KubeConfig();
kubeConfig.loadFromDefault();
kubeConfig.setCurrentContext("staging");

const secrets = cached(
  fromKubernetesSecret({
    name: "ml-app",
    namespace: "inference",
    kubeConfig,
    key: "hf-token", // HF_TOKEN is stored under the key "hf-token"
    keys: { DATABASE_URL: "database-url" },
  }),
);
const hf = await secrets.getSecret("HF_TOKEN");
const db = await secrets.getSecret("DATABASE_URL");
console.log(hf.value.masked, db.location); // hf_****abcd kubernetes:inference/ml-app#database-url
await secrets.dispose();
