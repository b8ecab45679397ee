import { getHfClient } from "@hf-secrets/client";
import { cached, chain } from "@hf-secrets/core";
import { fromEnv } from "@hf-secrets/env";
import { fromJsonFile } from "../custom-provider.test.js"; // in your app: the package you published

// As the only source of the client's token:
const client = await getHfClient({ provider: fromJsonFile({ path: "/vault/secrets/app.json" }) });
await client.textClassification({
  model: "distilbert-base-uncased-finetuned-sst-2-english",
  inputs: "Great!",
});

// Or after the environment, behind one cache, for any secret:
const secrets = cached(chain(fromEnv(), fromJsonFile({ path: "/vault/secrets/app.json" })));
const database = await secrets.getSecret("DATABASE_URL");
console.log(database.location); // json-file:/vault/secrets/app.json#DATABASE_URL
await secrets.dispose();
