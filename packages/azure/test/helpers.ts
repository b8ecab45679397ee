import { createHttpHeaders, createPipelineRequest, RestError } from "@azure/core-rest-pipeline";
import type {
  DeletedSecret,
  GetSecretOptions,
  KeyVaultSecret,
  SecretProperties,
} from "@azure/keyvault-secrets";
import { SecretProviderError } from "@hf-secrets/core";
import { errorText, expectNoSecret } from "@hf-secrets/testing";
import { expect } from "vitest";
import type { AzureSecretClient } from "../src/index.js";

export const VAULT = "https://unit-vault.vault.azure.net";

/** A KeyVaultSecret as the SDK returns it. */
export function kvSecret(
  name: string,
  value: string | undefined,
  properties: Partial<Omit<SecretProperties, "notBefore" | "expiresOn">> & {
    notBefore?: Date;
    expiresOn?: Date;
  } = {},
): KeyVaultSecret {
  const version = properties.version ?? "0123456789abcdef0123456789abcdef";
  return {
    name,
    value,
    properties: {
      name,
      vaultUrl: VAULT,
      version,
      id: `${VAULT}/secrets/${name}/${version}`,
      enabled: true,
      ...properties,
    } as SecretProperties,
  };
}

/** A RestError shaped exactly like the one @azure/keyvault-secrets throws for an error answer. */
export function restError(
  status: number,
  code: string | undefined,
  message: string,
  options: { inner?: string; headers?: Record<string, string> } = {},
): RestError {
  const request = createPipelineRequest({ url: `${VAULT}/secrets/x/?api-version=2025-07-01` });
  const error = new RestError(message, {
    statusCode: status,
    code,
    request,
    response: { status, headers: createHttpHeaders(options.headers ?? {}), request },
  });
  (error as RestError & { details?: unknown }).details = {
    error: { code, message, ...(options.inner ? { innerError: { code: options.inner } } : {}) },
  };
  return error;
}

/** A transport-level RestError (no status): connection reset, DNS, TLS. */
export function networkError(code: string, message: string): RestError {
  return new RestError(message, { code, request: createPipelineRequest({ url: `${VAULT}/secrets/x/` }) });
}

/** A recorded getSecret call of the mock client. */
export interface MockCall {
  readonly name: string;
  readonly version: string | undefined;
}

/** A mocked SecretClient: `getSecret` and `getDeletedSecret` run the given functions and record calls. */
export function mockClient(
  getSecret: (name: string, options?: GetSecretOptions) => Promise<KeyVaultSecret>,
  getDeletedSecret?: (name: string) => Promise<DeletedSecret>,
): AzureSecretClient & { calls: MockCall[]; deletedCalls: string[] } {
  const calls: MockCall[] = [];
  const deletedCalls: string[] = [];
  return {
    calls,
    deletedCalls,
    getSecret: (name, options) => {
      calls.push({ name, version: options?.version });
      return getSecret(name, options);
    },
    ...(getDeletedSecret
      ? {
          getDeletedSecret: (name: string) => {
            deletedCalls.push(name);
            return getDeletedSecret(name);
          },
        }
      : {}),
  };
}

/** Awaits a rejection and checks it is a SecretProviderError with this code that shows no secret. */
export async function expectProviderError(
  promise: Promise<unknown>,
  code: string,
  secrets: readonly string[] = [],
): Promise<SecretProviderError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(SecretProviderError.isInstance(error), `expected a SecretProviderError, got ${String(error)}`).toBe(
    true,
  );
  const providerError = error as SecretProviderError;
  expect(providerError.code).toBe(code);
  expect(providerError.message).toMatch(/^\[hf-secrets\] \[azure\] /);
  for (const secret of secrets) expectNoSecret(errorText(providerError), secret, `the ${code} error`);
  return providerError;
}
