import { type SecretEvent, SecretProviderError, type SecretValue } from "@hf-secrets/core";
import { PLACEHOLDER_AUTHORIZATION } from "./placeholder.js";

/** Where the authenticated fetch gets tokens from (implemented by `HfSecrets`). */
export interface TokenSource {
  /** Logical secret name, for events. */
  readonly secretName: string;
  /** The current token (a cache hit in the steady state). */
  current(): Promise<SecretValue>;
  /** A forced, single-flight, rate-limited refresh. */
  refresh(): Promise<SecretValue>;
  /** A value that may be about to become current (AWS `AWSPENDING`), if the provider knows one. */
  pending?(): Promise<SecretValue | undefined>;
  /** Called when a pending value was accepted by Hugging Face: use it until the provider's value changes. */
  adoptPending?(current: SecretValue, pending: SecretValue): void;
  /** Checks a token before its first use (whoami + policy), when verification is on. */
  verify?(value: SecretValue): Promise<void>;
  /** Reports what happened. */
  emit(event: SecretEvent): void;
}

/**
 * A `fetch` that puts the current token into every request carrying the managed placeholder
 * (`Authorization: Bearer hf_secrets_managed_placeholder`) and leaves every other request untouched.
 * On a 401/403 it forces one refresh and retries once with the new token; if the provider knows a pending
 * version (a rotation in progress) it tries that once; then it throws `TOKEN_REJECTED`, naming where the token
 * came from.
 */
export function createAuthenticatedFetch(source: TokenSource, baseFetch: typeof fetch = fetch): typeof fetch {
  const authenticated = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    if (request.headers.get("authorization") !== PLACEHOLDER_AUTHORIZATION) return baseFetch(input, init);
    // A Request body can be read once; keep a copy so the request can be sent again with a new token.
    const body = request.body === null ? undefined : await request.arrayBuffer();
    const send = (value: SecretValue) => {
      const headers = new Headers(request.headers);
      headers.set("authorization", `Bearer ${value.value.reveal()}`);
      return baseFetch(request.url, {
        method: request.method,
        headers,
        body,
        signal: init?.signal ?? request.signal,
        redirect: request.redirect,
        credentials: init?.credentials,
      });
    };

    let current = await source.current();
    await source.verify?.(current);
    let response = await send(current);
    if (!isRejection(response.status)) return response;

    source.emit(rejected(source, current, response.status, "refresh"));
    const refreshed = await source.refresh();
    if (!refreshed.value.equals(current.value)) {
      await discard(response);
      await source.verify?.(refreshed);
      current = refreshed;
      response = await send(current);
      if (!isRejection(response.status)) return response;
    }

    // Reading the pending version may itself fail (e.g. IAM allows only AWSCURRENT): the token was still
    // rejected, and that is the error the caller needs.
    const pending = await source.pending?.().catch(() => undefined);
    if (pending !== undefined && !pending.value.equals(current.value)) {
      source.emit(rejected(source, current, response.status, "pending"));
      await discard(response);
      response = await send(pending);
      if (!isRejection(response.status)) {
        source.adoptPending?.(current, pending);
        return response;
      }
    }

    source.emit(rejected(source, current, response.status, "give-up"));
    await discard(response);
    throw tokenRejected(current, response.status);
  };
  return authenticated as typeof fetch;
}

function isRejection(status: number): boolean {
  return status === 401 || status === 403;
}

async function discard(response: Response): Promise<void> {
  try {
    await response.body?.cancel();
  } catch {
    // The body is not needed; a failure to cancel it changes nothing.
  }
}

function rejected(
  source: TokenSource,
  value: SecretValue,
  status: number,
  action: "refresh" | "pending" | "give-up",
): SecretEvent {
  return {
    type: "rejected",
    name: source.secretName,
    provider: value.provider,
    location: value.location,
    status,
    action,
  };
}

/** The error thrown when Hugging Face keeps rejecting the token. */
export function tokenRejected(value: SecretValue, status: number): SecretProviderError {
  const unauthorized = status === 401;
  return new SecretProviderError({
    code: "TOKEN_REJECTED",
    provider: value.provider,
    location: value.location,
    message: unauthorized
      ? `Hugging Face rejected the token from ${value.location} (HTTP 401), also after refreshing it: it is invalid, expired or revoked.`
      : `Hugging Face refused the request with the token from ${value.location} (HTTP 403), also after refreshing it: the token lacks a permission this request needs.`,
    fix: unauthorized
      ? `Store a valid token in ${value.location} (create one at https://huggingface.co/settings/tokens); the client picks it up without a restart.`
      : `Give the token the permission it needs (for Inference Providers: a fine-grained token with "Make calls to Inference Providers"; for gated models: accept the model's terms), then store it in ${value.location}.`,
  });
}
