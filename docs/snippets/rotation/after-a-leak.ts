import { getHfSecrets } from "@hf-secrets/client";

// After a leak: revoke the token on huggingface.co, store the new one where the app reads it, then make every
// process read it now instead of at its next refresh (e.g. from an admin endpoint or a SIGHUP handler).
// Without this call, the first request with the revoked token gets a 401 and the client re-reads by itself.
process.on("SIGHUP", () => {
  void getHfSecrets()
    .getHfToken({ forceRefresh: true })
    .then(
      () => getHfSecrets().getTokenValue(),
      (error: unknown) => {
        console.error("re-reading HF_TOKEN failed:", error);
        return undefined;
      },
    )
    .then((value) => {
      if (value) console.log(`HF_TOKEN is now version ${value.version ?? "?"} from ${value.location}`);
    });
});
