import { cached } from "@hf-secrets/core";
import { fromHfCli } from "@hf-secrets/hf-cli";

// The token `hf auth login` saved: HF_TOKEN_PATH, else $HF_HOME/token, else ~/.cache/huggingface/token.
// cached() re-reads it when its folder changes, so `hf auth switch` takes effect without a restart.
const secrets = cached(fromHfCli(), {
  onEvent: (event) => {
    if (event.type === "warning") console.warn(event.warning.message); // e.g. "... Run `chmod 600 <file>`."
  },
});
const token = await secrets.getSecret("HF_TOKEN");
console.log(token.location, token.value.masked); // "/home/me/.cache/huggingface/token hf_****abcd"

// A named token from stored_tokens (`hf auth list` shows the names); other names mapped to stored tokens.
const ci = fromHfCli({ tokenName: "ci-read", tokens: { HF_TOKEN_WRITE: "ci-write" }, strict: true });
console.log((await ci.getSecret("HF_TOKEN_WRITE")).location); // "/home/me/.cache/huggingface/stored_tokens[ci-write]"
await secrets.dispose();
