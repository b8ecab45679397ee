/**
 * What the `InferenceClient` holds instead of a token. It starts with `hf_` so the client routes requests
 * through Hugging Face, and it is replaced by the current token inside the authenticated `fetch` — only in
 * requests that carry it, so the token never goes anywhere the client did not mean to authenticate.
 * It is not a credential: printing the client shows this text, never the token.
 */
export const MANAGED_TOKEN_PLACEHOLDER = "hf_secrets_managed_placeholder";

/** The `Authorization` header value that marks a request for token injection. */
export const PLACEHOLDER_AUTHORIZATION = `Bearer ${MANAGED_TOKEN_PLACEHOLDER}`;
