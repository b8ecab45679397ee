import {
  checkFileHygiene,
  cleanHfToken,
  createSecretValue,
  type GetSecretOptions,
  HF_TOKEN,
  type HygieneFinding,
  hfTokenKind,
  hygieneError,
  hygieneWarning,
  SecretNotFoundError,
  type SecretProvider,
  SecretProviderError,
  type SecretValue,
  type SecretWarning,
  watchFiles,
} from "@hf-secrets/core";
import { type HfPaths, resolveHfPaths } from "./hf-paths.js";
import { readSecretFile, type SecretFile } from "./read-secret-file.js";
import { parseStoredTokens, StoredTokensSyntaxError } from "./stored-tokens.js";

/** The provider name used in provenance and config files. */
export const HF_CLI_PROVIDER_NAME = "hf-cli";

/** Options of {@link fromHfCli}. Paths accept `~` and `$VAR`, expanded like the environment variables they replace. */
export interface HfCliProviderOptions {
  /**
   * Environment variables (`HF_HOME`, `HF_TOKEN_PATH`, `XDG_CACHE_HOME`, `HOME`); default `process.env`, read at
   * each call so a changed variable takes effect at the next refresh. Never written.
   */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Use this folder instead of `HF_HOME`. */
  readonly hfHome?: string;
  /** Use this token file instead of `HF_TOKEN_PATH` / `HF_HOME/token`. */
  readonly tokenPath?: string;
  /** Use this `stored_tokens` file instead of the one beside the token file. */
  readonly storedTokensPath?: string;
  /**
   * Serve `HF_TOKEN` from this named token of `stored_tokens` (a name shown by `hf auth list`) instead of the
   * active token file.
   */
  readonly tokenName?: string;
  /** Other logical secret names served from named tokens: `{ HF_TOKEN_WRITE: "ci-write" }`. Read at each call. */
  readonly tokens?: Readonly<Record<string, string>>;
  /**
   * Hygiene findings (file readable by group/others, owned by another user) are errors instead of warnings.
   * Default `false`; config files pass the environment's `policy.strict` (true in `production`).
   */
  readonly strict?: boolean;
  /** Read the token file through a symlink. Default `false`: a symlinked file is refused with an error. */
  readonly followSymlinks?: boolean;
  /** Home folder for `~` when `HOME` is not set (default: the password database entry); for tests. */
  readonly homedir?: string;
  /** Folder for relative paths; default `process.cwd()`, as in Python. */
  readonly cwd?: string;
}

/** Where one logical name is read. */
type Source = { readonly kind: "active" } | { readonly kind: "named"; readonly tokenName: string };

const MAX_TOKEN_FILE_BYTES = 64 * 1024;
const MAX_STORED_TOKENS_BYTES = 16 * 1024 * 1024;

/**
 * Reads the Hugging Face token from the CLI login cache — the files `hf auth login` and `hf auth switch` write —
 * exactly as `huggingface_hub` finds them (`HF_TOKEN_PATH`, else `HF_HOME/token`, `HF_HOME` defaulting to
 * `$XDG_CACHE_HOME/huggingface` or `~/.cache/huggingface`), cleaned like its `_clean_token`. With `tokenName`,
 * the token comes from `stored_tokens` instead. The file is read at every call (wrap the provider in
 * `cached()`, which `getHfClient()` does) and its folder is watched, so a switch takes effect at once.
 *
 * The environment variable `HF_TOKEN`, which Python's `get_token()` checks first, is the `env` provider's job:
 * the default chain env → dotenv → hf-cli keeps Python's order.
 *
 * @example
 * const provider = fromHfCli();
 * const { value, location } = await provider.getSecret("HF_TOKEN"); // location: "/home/me/.cache/huggingface/token"
 */
export function fromHfCli(options: HfCliProviderOptions = {}): SecretProvider {
  const stops = new Set<() => void>();
  const paths = (): HfPaths =>
    resolveHfPaths({
      env: options.env ?? process.env,
      hfHome: options.hfHome,
      tokenPath: options.tokenPath,
      storedTokensPath: options.storedTokensPath,
      homedir: options.homedir,
      cwd: options.cwd,
    });
  const sourceFor = (name: string): Source | undefined => {
    if (name === HF_TOKEN)
      return options.tokenName === undefined
        ? { kind: "active" }
        : { kind: "named", tokenName: options.tokenName };
    const mapped = options.tokens && Object.hasOwn(options.tokens, name) ? options.tokens[name] : undefined;
    return mapped === undefined ? undefined : { kind: "named", tokenName: mapped };
  };
  const locationOf = (source: Source, where: HfPaths) =>
    source.kind === "active" ? where.tokenPath : `${where.storedTokensPath}[${source.tokenName}]`;

  const checkHygiene = (file: SecretFile, path: string, name: string): SecretWarning[] => {
    const findings: HygieneFinding[] = checkFileHygiene(file.stats, path);
    if (options.strict && findings.length > 0) throw hygieneError(HF_CLI_PROVIDER_NAME, findings[0]!, name);
    return findings.map(hygieneWarning);
  };

  const readActive = async (name: string, where: HfPaths, signal?: AbortSignal): Promise<SecretValue> => {
    const path = where.tokenPath;
    const file = await readSecretFile(path, {
      provider: HF_CLI_PROVIDER_NAME,
      secretName: name,
      what: "token file",
      followSymlinks: options.followSymlinks ?? false,
      maxBytes: MAX_TOKEN_FILE_BYTES,
      signal,
    });
    if (file === undefined) {
      throw new SecretNotFoundError({
        provider: HF_CLI_PROVIDER_NAME,
        secretName: name,
        location: path,
        message: `No Hugging Face CLI login: ${path} does not exist.`,
        fix: "Run `hf auth login` (or set HF_TOKEN for this process).",
      });
    }
    const warnings = checkHygiene(file, path, name);
    const token = cleanHfToken(file.text);
    if (token === undefined) {
      throw new SecretNotFoundError({
        provider: HF_CLI_PROVIDER_NAME,
        secretName: name,
        location: path,
        message: `The token file ${path} is empty (or holds only whitespace), which huggingface_hub reads as "no token".`,
        fix: "Run `hf auth login` again, or `hf auth switch` to activate a stored token.",
      });
    }
    return createSecretValue({ value: token, provider: HF_CLI_PROVIDER_NAME, location: path, warnings });
  };

  const readNamed = async (
    name: string,
    tokenName: string,
    where: HfPaths,
    signal?: AbortSignal,
  ): Promise<SecretValue> => {
    const path = where.storedTokensPath;
    const location = `${path}[${tokenName}]`;
    const notFound = (message: string, fix: string) =>
      new SecretNotFoundError({ provider: HF_CLI_PROVIDER_NAME, secretName: name, location, message, fix });
    const file = await readSecretFile(path, {
      provider: HF_CLI_PROVIDER_NAME,
      secretName: name,
      what: "stored_tokens file",
      followSymlinks: options.followSymlinks ?? false,
      maxBytes: MAX_STORED_TOKENS_BYTES,
      signal,
    });
    if (file === undefined) {
      throw notFound(
        `No stored tokens: ${path} does not exist, so there is no token named "${tokenName}".`,
        `Run \`hf auth login\` with the token named "${tokenName}" on huggingface.co (the CLI stores it under that name).`,
      );
    }
    const warnings = checkHygiene(file, path, name);
    let tokens: ReadonlyMap<string, string>;
    try {
      tokens = parseStoredTokens(file.text);
    } catch (error) {
      if (!(error instanceof StoredTokensSyntaxError)) throw error;
      throw new SecretProviderError({
        code: "INVALID_CONFIGURATION",
        provider: HF_CLI_PROVIDER_NAME,
        secretName: name,
        location: `${path}:${error.line}`,
        message: `${path} is not a valid stored_tokens file: ${error.message}. huggingface_hub reads such a file as empty (no stored tokens), and the next \`hf auth login\` overwrites it, dropping every other token.`,
        fix: `Fix line ${error.line} of ${path}, or delete the file and log in again with \`hf auth login\`.`,
      });
    }
    const raw = tokens.get(tokenName);
    if (raw === undefined) {
      // Token names are not secrets, but a hand-edited file may use a token as a section name: never echo one.
      const known = [...tokens.keys()].filter((key) => hfTokenKind(key) === "unknown" && key.length <= 80);
      throw notFound(
        `${path} has no token named "${tokenName}"${
          known.length > 0
            ? ` (it has ${known
                .slice(0, 10)
                .map((k) => JSON.stringify(k))
                .join(", ")}${known.length > 10 ? ", ..." : ""})`
            : " (it has none)"
        }.`,
        "Check the name with `hf auth list`, or log in with that token (`hf auth login`).",
      );
    }
    const token = cleanHfToken(raw);
    if (token === undefined) {
      throw notFound(
        `The token "${tokenName}" in ${path} is empty, which huggingface_hub reads as "no token".`,
        "Log in again with that token (`hf auth login`).",
      );
    }
    return createSecretValue({ value: token, provider: HF_CLI_PROVIDER_NAME, location, warnings });
  };

  return {
    name: HF_CLI_PROVIDER_NAME,
    describe(name: string): string {
      const source = sourceFor(name);
      return source === undefined ? `${HF_CLI_PROVIDER_NAME}:${name}` : locationOf(source, paths());
    },
    async getSecret(name: string, getOptions?: GetSecretOptions): Promise<SecretValue> {
      getOptions?.signal?.throwIfAborted();
      const source = sourceFor(name);
      if (source === undefined) {
        throw new SecretNotFoundError({
          provider: HF_CLI_PROVIDER_NAME,
          secretName: name,
          location: `${HF_CLI_PROVIDER_NAME}:${name}`,
          message: `The Hugging Face CLI login cache holds only the Hugging Face token (HF_TOKEN), not "${name}".`,
          fix: `Keep "${name}" in the environment, a .env file or a secret manager; or map it to a stored CLI token with \`fromHfCli({ tokens: { ${JSON.stringify(name)}: "<token name>" } })\`.`,
        });
      }
      const where = paths();
      return source.kind === "active"
        ? readActive(name, where, getOptions?.signal)
        : readNamed(name, source.tokenName, where, getOptions?.signal);
    },
    watch(name: string, onChange: () => void): () => void {
      const source = sourceFor(name);
      if (source === undefined) return () => undefined;
      const where = paths();
      const stop = watchFiles({
        files: [source.kind === "active" ? where.tokenPath : where.storedTokensPath],
        onChange,
      });
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
