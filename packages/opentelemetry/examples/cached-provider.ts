import { cached } from "@hf-secrets/core";
import { fromEnv } from "@hf-secrets/env";
import { instrument } from "@hf-secrets/opentelemetry";

// Start your OpenTelemetry SDK first (for example NodeSDK from @opentelemetry/sdk-node): instrument() records
// through the global tracer and meter providers of @opentelemetry/api.
const provider = cached(fromEnv(), { ttlMs: 60_000 });
const stop = instrument(provider.events);

const { location } = await provider.getSecret("HF_TOKEN");
console.log(`HF_TOKEN comes from ${location}`);

// On shutdown:
stop();
await provider.dispose();
