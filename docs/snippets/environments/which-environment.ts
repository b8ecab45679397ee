import { createHfSecrets } from "@hf-secrets/client";

// HF_SECRETS_ENV, else NODE_ENV, else "development" selects one environment of hf-secrets.config.json.
// Print what this process would use, without reading any secret: the chain, the policy and what was left out.
const secrets = createHfSecrets();
const environment = await secrets.environment();
if (environment) {
  console.log(`environment ${environment.environment.name} (from ${environment.environment.source})`);
  console.log(`config ${environment.configFile ?? "none: the default chain"}`);
  console.log(`chain ${environment.members.map((member) => member.name).join(" → ")}`);
  console.log(`denied ${environment.policy.deny.join(", ") || "nothing"}`);
  for (const left of environment.excluded) console.log(`left out ${left.name}: ${left.reason}`);
}
await secrets.dispose();
