import { disposeHfSecrets, type GetHfClientOptions, getHfClient, getHfSecrets } from "@hf-secrets/client";
import Fastify, { type FastifyError, type FastifyInstance } from "fastify";

/** Where the service gets its token; `getHfClient()` reads hf-secrets.config.json in the working directory. */
export type ServiceOptions = GetHfClientOptions;

interface ChatBody {
  readonly prompt: string;
  readonly model?: string;
}

const DEFAULT_MODEL = "meta-llama/Llama-3.1-8B-Instruct";

/**
 * Builds the HTTP service. The token never passes through this code: `getHfClient()` returns an
 * `InferenceClient` whose requests carry the current token (refreshed on rotation and after a 401).
 */
export async function buildServer(options: ServiceOptions = {}): Promise<FastifyInstance> {
  // Resolving the client at start-up makes a misconfigured environment fail the deployment, not the first user.
  const client = await getHfClient(options);
  // The same shared instance getHfClient() uses (it keys instances by the token-source options only).
  const { endpointUrl: _endpoint, inference: _inference, ...sources } = options;
  const secrets = getHfSecrets(sources);
  const app = Fastify({ logger: false });

  app.get("/healthz", async () => ({ ok: true }));

  // Where the token comes from (provider, location, version): provenance only, never the value.
  app.get("/token-source", async () => {
    const value = await secrets.getTokenValue();
    return { provider: value.provider, location: value.location, version: value.version ?? null };
  });

  app.post<{ Body: ChatBody }>(
    "/chat",
    {
      schema: {
        body: {
          type: "object",
          required: ["prompt"],
          additionalProperties: false,
          properties: {
            prompt: { type: "string", minLength: 1, maxLength: 4000 },
            model: { type: "string", minLength: 1 },
          },
        },
      },
    },
    async (request) => {
      const reply = await client.chatCompletion({
        model: request.body.model ?? DEFAULT_MODEL,
        messages: [{ role: "user", content: request.body.prompt }],
      });
      return { reply: reply.choices[0]?.message.content ?? "" };
    },
  );

  // hf-secrets errors never hold the token, but the client's errors quote Hugging Face's reply: answer with a
  // generic message and keep the details for your own (redacting) logs.
  app.setErrorHandler<FastifyError>(async (error, _request, reply) => {
    const status = error.statusCode !== undefined && error.statusCode < 500 ? error.statusCode : 502;
    return reply.status(status).send({ error: status === 502 ? "upstream error" : error.message });
  });

  app.addHook("onClose", async () => {
    await disposeHfSecrets();
  });
  return app;
}
