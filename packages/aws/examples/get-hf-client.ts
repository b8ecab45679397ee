import { fromAwsSecretsManager } from "@hf-secrets/aws";
import { getHfClient } from "@hf-secrets/client";

// The secret "prod/ml-app" holds {"HF_TOKEN": "hf_..."}; region and credentials come from the environment
// (AWS_REGION, an IAM role). The client sends the current token on every request and follows rotations.
const client = await getHfClient({
  provider: fromAwsSecretsManager({ secretId: "prod/ml-app", key: "HF_TOKEN" }),
});

const reply = await client.chatCompletion({
  model: "meta-llama/Llama-3.1-8B-Instruct",
  messages: [{ role: "user", content: "Hello!" }],
});
console.log(reply.choices[0]?.message.content);
