// A local Key Vault stand-in for cold-start samples only: plain HTTP on 127.0.0.1 (the client opts in with
// `allowInsecureConnection`), the real bearer-challenge flow (401 + WWW-Authenticate, then the retried request
// with a token), and the secret JSON shape of the data plane. Not an emulator: it answers one secret.
import { createServer } from "node:http";

/** Starts the stub; `token` is the secret value it serves as `hf-token`. */
export async function startKeyVaultStub(token) {
  const server = createServer((req, res) => {
    if (!req.headers.authorization) {
      res.writeHead(401, {
        "www-authenticate":
          'Bearer authorization="https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000", resource="https://vault.azure.net"',
        "content-length": "0",
      });
      res.end();
      return;
    }
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    if (req.method !== "GET" || !/^\/secrets\/hf-token\/?$/.test(url.pathname)) {
      res.writeHead(404, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { code: "SecretNotFound", message: "not found" } }));
      return;
    }
    const vault = `http://${req.headers.host}`;
    res.writeHead(200, { "content-type": "application/json" });
    res.end(
      JSON.stringify({
        value: token,
        id: `${vault}/secrets/hf-token/0123456789abcdef0123456789abcdef`,
        attributes: {
          enabled: true,
          created: 1_767_225_600,
          updated: 1_767_225_600,
          recoveryLevel: "Recoverable",
        },
      }),
    );
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A TokenCredential that hands out a fixed, fake access token (no identity endpoint is involved). */
export const staticCredential = {
  async getToken() {
    return { token: "bench-access-token", expiresOnTimestamp: Date.now() + 3_600_000 };
  },
};
