import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { SecretProviderError } from "@hf-secrets/core";

/**
 * The part of `@dotenvx/primitives` used here: `decrypt(privateKey, "encrypted:...")`, the function
 * `@dotenvx/dotenvx` itself decrypts values with. It throws errors with a stable `code`
 * (`MISSING_PRIVATE_KEY`, `INVALID_PRIVATE_KEY`, `WRONG_PRIVATE_KEY`, `MALFORMED_ENCRYPTED_DATA`,
 * `DECRYPTION_FAILED`).
 */
export interface DotenvxPrimitives {
  decrypt(privateKey: string, value: string): string;
}

/** An injected `@dotenvx/primitives` module, or a function that loads it. */
export type DotenvxPrimitivesSource = DotenvxPrimitives | (() => Promise<DotenvxPrimitives>);

/** The prefix dotenvx puts before ciphertext. */
export const ENCRYPTED_PREFIX = "encrypted:";

const CIPHERTEXT = /^encrypted:[A-Za-z0-9+/]+={0,2}$/;
const PRIVATE_KEY = /^[0-9a-fA-F]{64}$/;
const PRIMITIVES = "@dotenvx/primitives";

/**
 * Loads `@dotenvx/primitives` on first use: an optional peer, since most projects never meet an encrypted
 * value. Not `@dotenvx/dotenvx`'s `parse`: it runs `$(command)` substitutions on the **decrypted** value (a
 * value `"$(echo INJECTED)"`, encrypted, came back as `INJECTED` from dotenvx 2.38.2), so anyone who can encrypt
 * into the file (the public key is committed) could run commands in every process that reads it.
 * `@dotenvx/primitives` is the package dotenvx decrypts with; an app that installed `@dotenvx/dotenvx` has it as
 * that package's dependency, and it is also looked up there.
 */
export function primitivesLoader(
  source: DotenvxPrimitivesSource | undefined,
  provider: string,
): () => Promise<DotenvxPrimitives> {
  let loaded: Promise<DotenvxPrimitives> | undefined;
  return () => {
    if (source !== undefined && typeof source !== "function") return Promise.resolve(source);
    loaded ??= (source ?? importPrimitives)().catch((error: unknown) => {
      loaded = undefined;
      throw new SecretProviderError({
        code: "PROVIDER_NOT_INSTALLED",
        provider,
        message: `A value is encrypted with dotenvx, and decrypting it needs the package "${PRIMITIVES}" (what @dotenvx/dotenvx decrypts with), which could not be loaded.`,
        fix: `Run \`npm install ${PRIMITIVES}\`.`,
        cause: error,
      });
    });
    return loaded;
  };
}

async function importPrimitives(): Promise<DotenvxPrimitives> {
  const specifier: string = PRIMITIVES;
  let module: unknown;
  try {
    module = await import(specifier);
  } catch (error) {
    try {
      // Installed only as @dotenvx/dotenvx's dependency and not visible from here (e.g. pnpm): load it from there.
      const fromApp = createRequire(join(process.cwd(), "package.json"));
      const dotenvx = dirname(fromApp.resolve("@dotenvx/dotenvx/package.json"));
      module = createRequire(join(dotenvx, "package.json"))(specifier);
    } catch {
      throw error;
    }
  }
  const candidate = module as Partial<DotenvxPrimitives> & { default?: Partial<DotenvxPrimitives> };
  const primitives = typeof candidate.decrypt === "function" ? candidate : candidate.default;
  if (typeof primitives?.decrypt !== "function") throw new Error(`${PRIMITIVES} has no decrypt()`);
  return primitives as DotenvxPrimitives;
}

/** True for a value dotenvx encrypted (`encrypted:...`). */
export function isEncrypted(value: string): boolean {
  return value.startsWith(ENCRYPTED_PREFIX);
}

/** True when `value` is well-formed dotenvx ciphertext (base64 after the prefix). */
export function isCiphertext(value: string): boolean {
  return CIPHERTEXT.test(value);
}

/** True when every comma-separated part of `key` is a dotenvx private key (64 hex characters). */
export function isPrivateKey(key: string): boolean {
  return key.split(",").every((part) => PRIVATE_KEY.test(part.trim()));
}

/** Why a decryption failed. */
export type DecryptFailure = "wrong-key" | "invalid-key" | "malformed";

/**
 * Decrypts one value, trying each comma-separated private key like dotenvx does. Never passes on dotenvx's
 * error messages (they quote part of the key): returns the reason as a code.
 */
export function decryptValue(
  primitives: DotenvxPrimitives,
  ciphertext: string,
  privateKey: string,
): { value: string } | { failure: DecryptFailure } {
  if (!isCiphertext(ciphertext)) return { failure: "malformed" };
  let failure: DecryptFailure = "wrong-key";
  for (const key of privateKey.split(",").map((part) => part.trim())) {
    try {
      const value = primitives.decrypt(key, ciphertext);
      if (typeof value === "string" && !isEncrypted(value)) return { value };
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (code === "INVALID_PRIVATE_KEY" || code === "MISSING_PRIVATE_KEY") failure = "invalid-key";
      else if (code === "WRONG_PRIVATE_KEY") failure = "wrong-key";
      else failure = "malformed";
    }
  }
  return { failure };
}
