import { getHfClient } from "@hf-secrets/client";
import { fromKubernetesSecret } from "@hf-secrets/kubernetes";

// The pod mounts the Secret "hf-token" at /var/run/secrets/hf (see the pod spec below). The provider reads
// /var/run/secrets/hf/HF_TOKEN through kubelet's ..data link and watches the folder, so a `kubectl apply` of
// a new token reaches the client within a second, without a restart. No RBAC, no extra package.
const client = await getHfClient({
  provider: fromKubernetesSecret({ mountPath: "/var/run/secrets/hf" }),
});

const reply = await client.chatCompletion({
  model: "meta-llama/Llama-3.1-8B-Instruct",
  messages: [{ role: "user", content: "Hello!" }],
});
console.log(reply.choices[0]?.message.content);
