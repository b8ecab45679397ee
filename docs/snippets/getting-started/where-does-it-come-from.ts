import { getHfClient, getHfSecrets } from "@hf-secrets/client";

// The same call as in any app; then ask the instance behind it where the token came from.
const client = await getHfClient();
const token = await getHfSecrets().getTokenValue();
console.log(`${token.value} from ${token.provider} (${token.location})`); // hf_****abcd from env (env:HF_TOKEN)

const reply = await client.textClassification({
  model: "distilbert-base-uncased-finetuned-sst-2-english",
  inputs: "hf-secrets keeps my token out of the code.",
});
console.log(reply[0]?.label);
