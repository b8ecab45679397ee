import { inspect } from "node:util";
import { createHfSecrets } from "@hf-secrets/client";
import { Secret, SecretProviderError } from "@hf-secrets/core";

// A Secret prints as a mask everywhere; reveal() is the one way to the value.
const secret = new Secret("sk-example-value-0123");
console.log(`${secret}`, JSON.stringify({ secret }), inspect(secret)); // ****0123 {"secret":"****0123"} Secret(****0123)

// Errors say what happened and how to fix it, never the value: safe to log as they are.
const secrets = createHfSecrets({ environment: "production" });
try {
  await secrets.getHfClient();
} catch (error) {
  if (SecretProviderError.isInstance(error)) console.error(error.code, error.message);
} finally {
  await secrets.dispose();
}
