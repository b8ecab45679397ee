import { getHfClient, getHfSecrets } from "@hf-secrets/client";

// Fewer backend calls: a 15-minute TTL (≈ 4.7 reads per hour per name instead of ≈ 14). A rotated token is
// still used at once after the first 401, through the client's forced refresh.
const options = { cache: { ttlMs: 15 * 60_000 } };
const client = await getHfClient(options);

// Count what the cache does: backend reads (fetch), hits, background refreshes.
const counts = { fetch: 0, hit: 0, refresh: 0 };
getHfSecrets(options).events.on("fetch", () => counts.fetch++);
getHfSecrets(options).events.on("hit", () => counts.hit++);
getHfSecrets(options).events.on("refresh", () => counts.refresh++);

for (let i = 0; i < 10; i++) {
  await client.featureExtraction({
    model: "sentence-transformers/all-MiniLM-L6-v2",
    inputs: `sentence ${i}`,
  });
}
console.log(counts); // { fetch: 0, hit: 10, refresh: 0 }: the token was read once, at getHfClient()
