import { fromAwsSecretsManager } from "@hf-secrets/aws";
import { cached } from "@hf-secrets/core";

// One provider for several logical names: HF_TOKEN from "prod/hf", the others from "prod/app/<name>".
// cached() makes it one GetSecretValue per name per refresh, shared by every caller.
const secrets = cached(
  fromAwsSecretsManager({
    region: "eu-west-1",
    secretId: (name) => (name === "HF_TOKEN" ? "prod/hf" : `prod/app/${name.toLowerCase()}`),
  }),
);

const hf = await secrets.getSecret("HF_TOKEN");
console.log(hf.location, hf.version); // aws:prod/hf@AWSCURRENT (eu-west-1) 3f0c...: never the value
const db = await secrets.getSecret("DATABASE_URL"); // reads "prod/app/database_url"
console.log(db.value.masked);
await secrets.dispose();
