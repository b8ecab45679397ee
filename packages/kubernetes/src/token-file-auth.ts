import { readFile } from "node:fs/promises";
import { SecretProviderError } from "@hf-secrets/core";
import { KUBERNETES_PROVIDER_NAME } from "./provider-name.js";

/** The `authProvider.name` that routes a kubeconfig user to {@link TokenFileAuthenticator}. */
export const TOKEN_FILE_AUTH_PROVIDER = "hf-secrets-token-file";

interface AuthUser {
  readonly authProvider?: { readonly name?: unknown; readonly config?: { readonly path?: unknown } };
}

interface AuthOptions {
  headers?: Record<string, unknown> | undefined;
}

/**
 * A `@kubernetes/client-node` authenticator that reads the service-account token file at every request.
 * Bound service-account tokens expire (1 h by default) and kubelet rewrites the file before that; the
 * client's own `tokenFile` provider keeps a read token for 60 s, so a request right after a rotation can
 * still carry a token the server no longer accepts. One ~1 KB read per request costs nothing next to the
 * TLS round trip (and `cached()` makes requests rare).
 */
export class TokenFileAuthenticator {
  /** True for the user this package's in-cluster configuration creates. */
  isAuthProvider(user: AuthUser): boolean {
    return (
      user.authProvider?.name === TOKEN_FILE_AUTH_PROVIDER &&
      typeof user.authProvider.config?.path === "string"
    );
  }

  /** Sets `Authorization: Bearer <token read now>`. */
  async applyAuthentication(user: AuthUser, options: AuthOptions): Promise<void> {
    const path = user.authProvider?.config?.path as string;
    let token: string;
    try {
      token = (await readFile(path, "utf8")).trim();
    } catch (error) {
      throw new SecretProviderError({
        code: "INVALID_CONFIGURATION",
        provider: KUBERNETES_PROVIDER_NAME,
        location: path,
        message: `The service-account token file ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? "error"}).`,
        fix: "Mount the service-account token (automountServiceAccountToken: true, or a projected serviceAccountToken volume at that path).",
        cause: error,
      });
    }
    if (token.length === 0) {
      throw new SecretProviderError({
        code: "INVALID_CONFIGURATION",
        provider: KUBERNETES_PROVIDER_NAME,
        location: path,
        message: `The service-account token file ${path} is empty.`,
        fix: "Check the pod's projected serviceAccountToken volume; kubelet writes the token there.",
      });
    }
    options.headers ??= {};
    options.headers.Authorization = `Bearer ${token}`;
  }
}
