import { cached } from "@hf-secrets/core";
import { fromKubernetesSecret } from "@hf-secrets/kubernetes";

// Reads the Secret "hf-token" from the API: in a pod with its service account (the pod's namespace), on a
// laptop with the current kubeconfig context. One watch on that Secret pushes every change to the cache; the
// TTL (5 min) stays as the safety net. Needs RBAC get + watch on that one Secret (see "Permissions").
const secrets = cached(
  fromKubernetesSecret({
    name: "hf-token",
    watch: true,
    onWatchError: (error) => console.warn(`watch retrying: ${error.code}`),
  }),
);
secrets.events.on("rotated", (event) => console.log(`new token from ${event.location} (v${event.version})`));

const token = await secrets.getSecret("HF_TOKEN");
console.log(token.location, token.version); // kubernetes:ml/hf-token#HF_TOKEN 48213: never the value
await secrets.dispose();
