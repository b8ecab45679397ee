import { isAbsolute, join, resolve } from "node:path";
import {
  checkFileHygiene,
  cleanHfToken,
  createSecretValue,
  type GetSecretOptions,
  HF_TOKEN,
  type HygieneFinding,
  hygieneError,
  hygieneWarning,
  SecretNotFoundError,
  type SecretProvider,
  SecretProviderError,
  type SecretValue,
  type SecretWarning,
  selectEnvironment,
  watchFiles,
} from "@hf-secrets/core";
import {
  type DotenvxPrimitivesSource,
  decryptValue,
  isCiphertext,
  isEncrypted,
  isPrivateKey,
  primitivesLoader,
} from "./dotenvx.js";
import { dotenvFlowFiles, isValidEnvironmentName } from "./flow-files.js";
import { gitIgnoreStatus } from "./git-ignore.js";
import { findKeyLines } from "./key-lines.js";
import { privateKeyNames } from "./private-key-names.js";
import { type EnvFile, readEnvFile } from "./read-env-file.js";

/** The provider name used in provenance and config files. */
export const DOTENV_PROVIDER_NAME = "dotenv";

/** The keys huggingface_hub reads for the token, in its order. */
export const HF_TOKEN_KEYS = ["HF_TOKEN", "HUGGING_FACE_HUB_TOKEN"] as const;

/** Options of {@link fromDotenv}. */
export interface DotenvProviderOptions {
  /** Folder holding the env files; default `process.cwd()`. */
  readonly path?: string;
  /**
   * The files to read, relative to `path` (or absolute), lowest precedence first: a later file overrides an
   * earlier one. Default: dotenv-flow's list for the environment (see {@link dotenvFlowFiles}).
   */
  readonly files?: readonly string[];
  /**
   * Selects `.env.<environment>` files (and skips `.env.local` in `test`). Default: `HF_SECRETS_ENV`, else
   * `NODE_ENV`, else `development` (config files pass the selected environment).
   */
  readonly environment?: string;
  /**
   * Environment variables consulted for the default environment and for dotenvx private keys
   * (`DOTENV_PRIVATE_KEY[_<ENV>]`); default `process.env`, read at each call. Never written.
   */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The key holding the HF token, instead of `HF_TOKEN` → `HUGGING_FACE_HUB_TOKEN`. */
  readonly variable?: string;
  /** Logical name → key, for other secrets (default: the key named like the secret). */
  readonly variables?: Readonly<Record<string, string>>;
  /** Hygiene findings (loose permissions, not git-ignored) are errors instead of warnings. Default `false`. */
  readonly strict?: boolean;
  /** Read an env file that is a symlink to a file outside its folder. Default `false`: such a link is refused. */
  readonly followSymlinks?: boolean;
  /** Ask `git check-ignore` whether a file holding a plain value is ignored. Default `true`. */
  readonly gitCheck?: boolean;
  /** The dotenvx keys file; default `.env.keys` beside each env file. */
  readonly envKeysFile?: string;
  /**
   * An injected `@dotenvx/primitives` module (or a loader), which decrypts `encrypted:` values; default:
   * imported on the first encrypted value.
   */
  readonly dotenvxPrimitives?: DotenvxPrimitivesSource;
}

/** Where a value came from: the file and key that dotenv-flow's precedence selects. */
interface Hit {
  readonly file: EnvFile;
  readonly key: string;
  readonly raw: string;
}

/** A private key and where it was found. */
interface PrivateKey {
  readonly name: string;
  readonly value: string;
  /** `the environment` or the keys file's path. */
  readonly source: string;
  readonly file?: EnvFile | undefined;
}

/**
 * Reads secrets from `.env` files, for local development: the `dotenv` package parses them, with dotenv-flow's
 * file order (`.env`, `.env.local`, `.env.<environment>`, `.env.<environment>.local`, later files win) and
 * dotenvx-encrypted values (`KEY="encrypted:..."`) decrypted with `DOTENV_PRIVATE_KEY[_<ENV>]` from the
 * environment or `.env.keys`. It **never writes `process.env`**; files are read at each call (wrap it in
 * `cached()`, which `getHfClient()` does) and their folder is watched.
 *
 * Decryption uses `@dotenvx/primitives` (what `@dotenvx/dotenvx` decrypts with), never dotenvx's `parse`, which
 * would run `$(command)` substitutions found in decrypted values.
 *
 * For `HF_TOKEN` it reads `HF_TOKEN`, else `HUGGING_FACE_HUB_TOKEN` (like huggingface_hub reads the
 * environment), cleaned like `_clean_token`. Warnings: a file readable by others (`LOOSE_PERMISSIONS`), a file
 * with a plain secret that git does not ignore (`NOT_GIT_IGNORED`), a key set twice in a file
 * (`DUPLICATE_KEY`), a quote that is never closed (`UNTERMINATED_QUOTE`).
 *
 * In `production` the default policy refuses this provider: `.env` files are a development convenience; inject
 * the token as an environment variable or use a secret manager.
 *
 * @example
 * const provider = fromDotenv({ path: process.cwd() });
 * const { location } = await provider.getSecret("HF_TOKEN"); // e.g. "/app/.env.local#HF_TOKEN"
 */
export function fromDotenv(options: DotenvProviderOptions = {}): SecretProvider {
  const stops = new Set<() => void>();
  const loadPrimitives = primitivesLoader(options.dotenvxPrimitives, DOTENV_PROVIDER_NAME);
  const folder = () => resolve(options.path ?? process.cwd());
  const environment = (env: Readonly<Record<string, string | undefined>>) =>
    options.environment ?? selectEnvironment(undefined, env).name;
  const filesFor = (env: Readonly<Record<string, string | undefined>>): string[] => {
    const base = folder();
    let names: readonly string[];
    if (options.files !== undefined) {
      names = options.files;
    } else {
      const name = environment(env);
      if (!isValidEnvironmentName(name)) {
        throw new SecretProviderError({
          code: "INVALID_CONFIGURATION",
          provider: DOTENV_PROVIDER_NAME,
          message: `The environment name ${JSON.stringify(name.slice(0, 64))} cannot name a .env file (letters, digits, \`.\`, \`_\`, \`-\`).`,
          fix: "Set NODE_ENV / HF_SECRETS_ENV to a plain name such as `development`, or pass `files`.",
        });
      }
      names = dotenvFlowFiles(name);
    }
    return names.map((file) => (isAbsolute(file) ? file : join(base, file)));
  };
  const keysFor = (name: string): readonly string[] => {
    if (name === HF_TOKEN) return options.variable ? [options.variable] : HF_TOKEN_KEYS;
    const mapped =
      options.variables && Object.hasOwn(options.variables, name) ? options.variables[name] : undefined;
    return [mapped ?? name];
  };
  const describe = (name: string): string => {
    let files: string[];
    try {
      files = filesFor(options.env ?? process.env);
    } catch {
      files = [join(folder(), ".env")];
    }
    return `${files.join(", ")} (${keysFor(name).join(", ")})`;
  };

  const hygiene = async (file: EnvFile, name: string, gitCheck: boolean): Promise<SecretWarning[]> => {
    const findings: HygieneFinding[] = checkFileHygiene(file.stats, file.path);
    if (options.strict && findings.length > 0) throw hygieneError(DOTENV_PROVIDER_NAME, findings[0]!, name);
    const warnings = findings.map(hygieneWarning);
    if (gitCheck && (options.gitCheck ?? true) && (await gitIgnoreStatus(file.path)) === "not-ignored") {
      const warning: SecretWarning = {
        code: "NOT_GIT_IGNORED",
        location: file.path,
        message: `${file.path} holds a secret and is inside a git work tree, but git does not ignore it: it can be committed (or already is). Add it to .gitignore (and \`git rm --cached\` it if it is tracked).`,
      };
      if (options.strict) {
        throw new SecretProviderError({
          code: "INVALID_CONFIGURATION",
          provider: DOTENV_PROVIDER_NAME,
          secretName: name,
          location: file.path,
          message: `Refusing to read a secret from ${file.path} in strict mode (NOT_GIT_IGNORED): git does not ignore it.`,
          fix: "Add it to .gitignore (and `git rm --cached` it if it is tracked).",
        });
      }
      warnings.push(warning);
    }
    return warnings;
  };

  const findPrivateKey = async (
    hit: Hit,
    env: Readonly<Record<string, string | undefined>>,
    name: string,
    signal: AbortSignal | undefined,
  ): Promise<{ key: PrivateKey | undefined; tried: string[]; keysPath: string }> => {
    const names = privateKeyNames(hit.file.path, hit.file.values.keys());
    const keysPath = options.envKeysFile
      ? resolve(folder(), options.envKeysFile)
      : join(hit.file.path, "..", ".env.keys");
    for (const keyName of names) {
      const value = Object.hasOwn(env, keyName) ? env[keyName] : undefined;
      if (value) return { key: { name: keyName, value, source: "the environment" }, tried: names, keysPath };
    }
    const keysFile = await readEnvFile(keysPath, {
      provider: DOTENV_PROVIDER_NAME,
      secretName: name,
      signal,
      followSymlinks: options.followSymlinks,
    });
    for (const keyName of names) {
      const value = keysFile?.values.get(keyName);
      if (value)
        return { key: { name: keyName, value, source: keysPath, file: keysFile }, tried: names, keysPath };
    }
    return { key: undefined, tried: names, keysPath };
  };

  const decrypt = async (
    hit: Hit,
    line: string,
    env: Readonly<Record<string, string | undefined>>,
    name: string,
    signal: AbortSignal | undefined,
  ): Promise<{ value: string; keysFile: EnvFile | undefined }> => {
    const location = `${hit.file.path}#${hit.key}`;
    const fail = (
      code: "INVALID_CONFIGURATION" | "ACCESS_DENIED" | "MALFORMED_SECRET",
      message: string,
      fix: string,
    ) =>
      new SecretProviderError({
        code,
        provider: DOTENV_PROVIDER_NAME,
        secretName: name,
        location,
        message,
        fix,
      });
    if (!isCiphertext(hit.raw)) {
      throw fail(
        "MALFORMED_SECRET",
        `${hit.key} in ${line} starts with "encrypted:" but is not dotenvx ciphertext (base64 expected).`,
        `Encrypt the value again with \`dotenvx set ${hit.key} <value> -f ${hit.file.path}\`.`,
      );
    }
    const { key, tried, keysPath } = await findPrivateKey(hit, env, name, signal);
    if (key === undefined) {
      throw fail(
        "INVALID_CONFIGURATION",
        `${hit.key} in ${line} is encrypted with dotenvx, but no private key was found: looked for ${tried.join(" and ")} in the environment and in ${keysPath}.`,
        `Set ${tried[0]} in the environment of the process (its value is in the .env.keys of whoever encrypted the file), or put that .env.keys beside the file.`,
      );
    }
    if (!isPrivateKey(key.value)) {
      throw fail(
        "INVALID_CONFIGURATION",
        `${key.name} (from ${key.source}) is not a dotenvx private key (64 hexadecimal characters, or several separated by commas).`,
        `Copy ${key.name} again from the .env.keys file that belongs to ${hit.file.path}.`,
      );
    }
    const result = decryptValue(await loadPrimitives(), hit.raw, key.value);
    if ("value" in result) return { value: result.value, keysFile: key.file };
    if (result.failure === "invalid-key") {
      throw fail(
        "INVALID_CONFIGURATION",
        `${key.name} (from ${key.source}) is not a valid dotenvx private key.`,
        `Copy ${key.name} again from the .env.keys file that belongs to ${hit.file.path}.`,
      );
    }
    if (result.failure === "malformed") {
      throw fail(
        "MALFORMED_SECRET",
        `${hit.key} in ${line} could not be decrypted: the encrypted value is damaged.`,
        `Encrypt the value again with \`dotenvx set ${hit.key} <value> -f ${hit.file.path}\`.`,
      );
    }
    throw fail(
      "ACCESS_DENIED",
      `${hit.key} in ${line} could not be decrypted with ${key.name} (from ${key.source}): that key does not belong to this file.`,
      `Use the ${tried[0]} that belongs to ${hit.file.path} (from the .env.keys of whoever encrypted it).`,
    );
  };

  return {
    name: DOTENV_PROVIDER_NAME,
    describe,
    async getSecret(name: string, getOptions?: GetSecretOptions): Promise<SecretValue> {
      const signal = getOptions?.signal;
      signal?.throwIfAborted();
      const env = options.env ?? process.env;
      const paths = filesFor(env);
      const files: EnvFile[] = [];
      for (const path of paths) {
        const file = await readEnvFile(path, {
          provider: DOTENV_PROVIDER_NAME,
          secretName: name,
          signal,
          followSymlinks: options.followSymlinks,
        });
        if (file !== undefined) files.push(file);
      }
      const keys = keysFor(name);
      const lastDefinition = (key: string): Hit | undefined => {
        for (let index = files.length - 1; index >= 0; index--) {
          const raw = files[index]!.values.get(key);
          if (raw !== undefined) return { file: files[index]!, key, raw };
        }
        return undefined;
      };
      const defined = keys.map(lastDefinition).filter((hit): hit is Hit => hit !== undefined);
      // Like Python's `os.environ.get(a) or os.environ.get(b)`: the first non-empty raw value decides.
      const hit = defined.find((candidate) => candidate.raw !== "");
      if (hit === undefined) throw notFound(name, keys, paths, files, defined);

      const lines = findKeyLines(hit.file.text, hit.key);
      const lineNumber = lines.assignments.at(-1);
      const line = `${hit.file.path}${lineNumber === undefined ? "" : `:${lineNumber}`}`;
      const location = `${hit.file.path}#${hit.key}`;
      let raw = hit.raw;
      let keysFile: EnvFile | undefined;
      const encrypted = isEncrypted(raw);
      if (encrypted) ({ value: raw, keysFile } = await decrypt(hit, line, env, name, signal));

      const warnings: SecretWarning[] = [...(await hygiene(hit.file, name, !encrypted))];
      if (keysFile !== undefined) warnings.push(...(await hygiene(keysFile, name, true)));
      if (lines.assignments.length > 1) {
        warnings.push({
          code: "DUPLICATE_KEY",
          location,
          message: `${hit.key} is set ${lines.assignments.length} times in ${hit.file.path} (lines ${lines.assignments.join(", ")}); dotenv uses the last one. Remove the others.`,
        });
      }
      const value = name === HF_TOKEN ? cleanHfToken(raw) : raw;
      if (value === undefined) {
        throw new SecretNotFoundError({
          provider: DOTENV_PROVIDER_NAME,
          secretName: name,
          location,
          message: `${hit.key} in ${line} holds only whitespace or line breaks, which means "no token" (as in huggingface_hub).`,
          fix: `Put the token after ${hit.key}= in ${hit.file.path}, or remove the line.`,
        });
      }
      const quote = unterminatedQuote(value, name === HF_TOKEN);
      if (quote !== undefined && name === HF_TOKEN) {
        throw new SecretProviderError({
          code: "MALFORMED_SECRET",
          provider: DOTENV_PROVIDER_NAME,
          secretName: name,
          location,
          message: `${hit.key} in ${line} contains a ${quote} character, which no Hugging Face token has: most likely a quote that is never closed (dotenv then keeps the quote as part of the value).`,
          fix: `Write the line as ${hit.key}=<token> or ${hit.key}="<token>" in ${hit.file.path}.`,
        });
      }
      if (quote !== undefined) {
        warnings.push({
          code: "UNTERMINATED_QUOTE",
          location,
          message: `The value of ${hit.key} in ${line} starts with ${quote} but does not end with it: dotenv reads the rest of the line, quote included. Close the quote if that is not intended.`,
        });
      }
      return createSecretValue({ value, provider: DOTENV_PROVIDER_NAME, location, warnings });
    },
    watch(_name: string, onChange: () => void): () => void {
      let paths: string[];
      try {
        paths = filesFor(options.env ?? process.env);
      } catch {
        return () => undefined;
      }
      const keysFiles = options.envKeysFile
        ? [resolve(folder(), options.envKeysFile)]
        : [...new Set(paths.map((path) => join(path, "..", ".env.keys")))];
      const stop = watchFiles({ files: [...paths, ...keysFiles], onChange });
      stops.add(stop);
      return () => {
        stops.delete(stop);
        stop();
      };
    },
    async dispose(): Promise<void> {
      for (const stop of stops) stop();
      stops.clear();
    },
  };
}

/** The quote character a value opens without closing, if any (for the HF token: any quote at all). */
function unterminatedQuote(value: string, anyQuote: boolean): string | undefined {
  const first = value.charAt(0);
  const isQuote = (char: string) => char === '"' || char === "'" || char === "`";
  if (anyQuote) {
    const found = [...value].find(isQuote);
    return found === undefined ? undefined : quoteName(found);
  }
  if (isQuote(first) && (value.length === 1 || value.charAt(value.length - 1) !== first))
    return quoteName(first);
  return undefined;
}

function quoteName(char: string): string {
  return char === "`" ? "backtick (`)" : char === '"' ? 'double quote (")' : "single quote (')";
}

function notFound(
  name: string,
  keys: readonly string[],
  paths: readonly string[],
  files: readonly EnvFile[],
  defined: readonly Hit[],
): SecretNotFoundError {
  const location = files.length > 0 ? files.map((file) => file.path).join(", ") : paths.join(", ");
  if (files.length === 0) {
    return new SecretNotFoundError({
      provider: DOTENV_PROVIDER_NAME,
      secretName: name,
      location,
      message: `No env file found (looked for ${paths.join(", ")}).`,
      fix: `Create ${paths[0]} with ${keys[0]}=<value> (and add it to .gitignore), or set ${keys[0]} in the environment.`,
    });
  }
  if (defined.length > 0) {
    const empty = defined.map((hit) => `${hit.key} in ${hit.file.path}`).join(" and ");
    return new SecretNotFoundError({
      provider: DOTENV_PROVIDER_NAME,
      secretName: name,
      location,
      message: `${empty} ${defined.length > 1 ? "are" : "is"} set but empty, which means "not set".`,
      fix: `Put the value after ${keys[0]}= in ${defined[0]!.file.path}, or remove the line.`,
    });
  }
  const malformed = files.flatMap((file) =>
    keys.flatMap((key) => findKeyLines(file.text, key).malformed.map((line) => `${file.path}:${line}`)),
  );
  return new SecretNotFoundError({
    provider: DOTENV_PROVIDER_NAME,
    secretName: name,
    location,
    message:
      malformed.length > 0
        ? `${keys.join(" and ")} ${keys.length > 1 ? "are" : "is"} not set: ${malformed.slice(0, 3).join(", ")} ${malformed.length > 1 ? "start" : "starts"} with ${keys.length > 1 ? "one of them" : "it"} but ${malformed.length > 1 ? "are not assignments" : "is not an assignment"} dotenv reads, so dotenv ignores ${malformed.length > 1 ? "them" : "it"}.`
        : `${keys.join(" and ")} ${keys.length > 1 ? "are" : "is"} not set in ${files.map((file) => file.path).join(", ")}.`,
    fix:
      malformed.length > 0
        ? `Write the line as ${keys[0]}=<value>.`
        : `Add ${keys[0]}=<value> to ${files[0]!.path}, or set ${keys[0]} in the environment.`,
  });
}
