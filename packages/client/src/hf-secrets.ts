import {
  assertProviderAllowed,
  type CachedSecretProvider,
  type CacheOptions,
  cached,
  HF_TOKEN,
  type HfSecretsConfig,
  type PolicyConfig,
  type ResolvedEnvironment,
  type ResolvedPolicy,
  resolveEnvironment,
  resolvePolicy,
  SecretEventEmitter,
  type SecretEventListener,
  type SecretProvider,
  type SecretValue,
  selectEnvironment,
  withPolicy,
} from "@hf-secrets/core";
import { InferenceClient } from "@huggingface/inference";
import { createAuthenticatedFetch, type TokenSource } from "./authenticated-fetch.js";
import { MANAGED_TOKEN_PLACEHOLDER } from "./placeholder.js";
import { type TokenInfo, TokenVerifier } from "./token-verifier.js";

/** The options `InferenceClient` accepts as defaults (its second constructor argument), without `fetch`. */
export type InferenceDefaults = Omit<NonNullable<ConstructorParameters<typeof InferenceClient>[1]>, "fetch">;

/** Options of {@link createHfSecrets} (and of `getHfClient` / `getHfToken`). */
export interface HfSecretsOptions {
  /** Use this provider instead of the environment's configured chain. */
  readonly provider?: SecretProvider;
  /** Environment name; default from `HF_SECRETS_ENV`, `NODE_ENV`, else `development`. */
  readonly environment?: string;
  /** A config object, a config file path, or `false` to ignore config files. */
  readonly config?: HfSecretsConfig | string | false;
  /** Where to find the config file. Default `process.cwd()`. */
  readonly cwd?: string;
  /** Environment variables for environment selection and providers. Default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Policy when `provider` is given (with a config, the environment's policy applies). */
  readonly policy?: PolicyConfig;
  /** Cache settings, over the config's. */
  readonly cache?: CacheOptions;
  /** Logical name of the token. Default `HF_TOKEN`. */
  readonly secretName?: string;
  /** Check every new token with `whoami-v2` and the policy's `tokenRole` before using it. Default: the policy's `verify`. */
  readonly verify?: boolean;
  /** Hub URL for `whoami-v2`. Default `https://huggingface.co`. */
  readonly hubUrl?: string;
  /** The fetch that actually sends requests. Default the global `fetch`. */
  readonly fetch?: typeof fetch;
  /** Receives every event (cache, rotation, rejections). */
  readonly onEvent?: SecretEventListener;
}

/** Options of {@link HfSecrets.getHfClient}. */
export interface HfClientOptions {
  /** Verify the token before returning the client (overrides the instance setting). */
  readonly verify?: boolean;
  /** Send requests to this endpoint (an Inference Endpoint, or a local server in tests). */
  readonly endpointUrl?: string;
  /** Other `InferenceClient` defaults (provider, billTo, ...). */
  readonly inference?: InferenceDefaults;
}

interface Resolved {
  readonly provider: CachedSecretProvider;
  readonly policy: ResolvedPolicy;
  readonly environment: ResolvedEnvironment | undefined;
}

/**
 * One application's view of its Hugging Face token: the environment's chain behind one cache, an authenticated
 * `fetch`, `InferenceClient`s that always send the current token, and optional `whoami-v2` verification.
 * Most apps call `getHfClient()`, which shares one instance per configuration; create your own instance for
 * dependency injection or tests, and `dispose()` it when done.
 *
 * @example
 * const secrets = createHfSecrets({ environment: "production" });
 * const client = await secrets.getHfClient();
 * await client.chatCompletion({ model: "meta-llama/Llama-3.1-8B-Instruct", messages: [{ role: "user", content: "Hi" }] });
 */
export class HfSecrets {
  /** Events of this instance: the cache's (`fetch`, `hit`, `stale`, `rotated`, ...) and the client's (`rejected`). */
  readonly events = new SecretEventEmitter();
  /** A fetch that injects the current token into requests carrying the managed placeholder. */
  readonly fetch: typeof fetch;

  readonly #options: HfSecretsOptions;
  readonly #secretName: string;
  readonly #verifier: TokenVerifier;
  #resolved: Promise<Resolved> | undefined;
  #pendingOverride: { readonly basedOn: SecretValue; readonly value: SecretValue } | undefined;
  #lastVerified: SecretValue | undefined;
  #checkPolicy: ResolvedPolicy | undefined;
  #ready: Resolved | undefined;
  #disposed = false;

  /** @param options - see {@link HfSecretsOptions}. */
  constructor(options: HfSecretsOptions = {}) {
    this.#options = options;
    this.#secretName = options.secretName ?? HF_TOKEN;
    this.#verifier = new TokenVerifier({ hubUrl: options.hubUrl, fetch: options.fetch });
    if (options.onEvent) this.events.on("*", options.onEvent);
    this.fetch = createAuthenticatedFetch(this.#tokenSource(options.verify), options.fetch);
  }

  /**
   * An `InferenceClient` whose every request carries the current token. The same client keeps working across
   * rotations: nothing to rebuild. With `verify`, the token is checked (and the role policy applied) first.
   */
  async getHfClient(options: HfClientOptions = {}): Promise<InferenceClient> {
    const verify = options.verify ?? this.#options.verify;
    const value = await this.#current();
    if (await this.#shouldVerify(verify)) await this.#verify(value);
    const fetchForClient =
      verify === this.#options.verify
        ? this.fetch
        : createAuthenticatedFetch(this.#tokenSource(verify), this.#options.fetch);
    return new InferenceClient(MANAGED_TOKEN_PLACEHOLDER, {
      ...options.inference,
      ...(options.endpointUrl ? { endpointUrl: options.endpointUrl } : {}),
      fetch: fetchForClient,
    });
  }

  /** The raw token, for libraries that need a string. Prefer `getHfClient()` or `fetch`: a string can leak. */
  async getHfToken(options: { verify?: boolean; forceRefresh?: boolean } = {}): Promise<string> {
    const value = options.forceRefresh ? await this.#refresh() : await this.#current();
    const verify = options.verify ?? this.#options.verify ?? this.#ready?.policy.verify;
    if (verify === false || (verify === true && this.#lastVerified === value)) return value.value.reveal();
    if (await this.#shouldVerify(verify)) await this.#verify(value);
    return value.value.reveal();
  }

  /** The current token with its provenance (provider, location, version, age), masked when printed. */
  getTokenValue(): Promise<SecretValue> {
    return this.#current();
  }

  /** What the Hub says about the current token (`whoami-v2`, cached per token). */
  async whoami(): Promise<TokenInfo> {
    return this.#verifier.info(await this.#current());
  }

  /** The resolved environment (chain members, policy), or `undefined` when an explicit provider is used. */
  async environment(): Promise<ResolvedEnvironment | undefined> {
    return (await this.#resolve()).environment;
  }

  /** Stops every timer and watcher and drops cached values. Idempotent. */
  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    const resolved = await this.#resolved?.catch(() => undefined);
    await resolved?.provider.dispose();
  }

  #tokenSource(verify: boolean | undefined): TokenSource {
    return {
      secretName: this.#secretName,
      current: () => this.#current(),
      refresh: () => this.#refresh(),
      pending: async () => {
        const { provider } = await this.#resolve();
        return provider.getPendingSecret?.(this.#secretName);
      },
      adoptPending: (basedOn, value) => {
        this.#pendingOverride = { basedOn, value };
        this.events.emit({
          type: "rotated",
          name: this.#secretName,
          provider: value.provider,
          location: value.location,
          previousVersion: basedOn.version,
          version: value.version,
          reason: "pending",
        });
      },
      verify: async (value) => {
        if (await this.#shouldVerify(verify)) await this.#verify(value);
      },
      emit: (event) => this.events.emit(event),
    };
  }

  #current(): Promise<SecretValue> {
    // Steady state: the cache's own hit promise, with no extra await, unless a policy check or a pending
    // version needs to look at the value.
    const ready = this.#ready;
    if (ready !== undefined && this.#checkPolicy === undefined && this.#pendingOverride === undefined) {
      return ready.provider.getSecret(this.#secretName);
    }
    return this.#currentSlow();
  }

  async #currentSlow(): Promise<SecretValue> {
    const { provider } = await this.#resolve();
    const value = await provider.getSecret(this.#secretName);
    if (this.#checkPolicy) assertProviderAllowed(this.#checkPolicy, value.provider, value.location);
    const override = this.#pendingOverride;
    if (override !== undefined) {
      // A pending version stays in use until the provider's own value changes (the rotation finished).
      if (override.basedOn.value.equals(value.value)) return override.value;
      this.#pendingOverride = undefined;
    }
    return value;
  }

  async #refresh(): Promise<SecretValue> {
    const { provider } = await this.#resolve();
    return provider.getSecret(this.#secretName, { forceRefresh: true });
  }

  async #verify(value: SecretValue): Promise<void> {
    if (this.#lastVerified === value) return;
    const { policy } = await this.#resolve();
    await this.#verifier.verify(value, policy);
    this.#lastVerified = value;
  }

  async #shouldVerify(verify: boolean | undefined): Promise<boolean> {
    if (verify !== undefined) return verify;
    return (await this.#resolve()).policy.verify;
  }

  #resolve(): Promise<Resolved> {
    if (this.#resolved === undefined) {
      const attempt = this.#build();
      attempt.then((resolved) => {
        if (this.#resolved === attempt) this.#ready = resolved;
      }, noop);
      this.#resolved = attempt;
      // A failed resolution (bad config, missing package) is not kept: the next call tries again.
      attempt.catch(() => {
        if (this.#resolved === attempt) this.#resolved = undefined;
      });
    }
    return this.#resolved;
  }

  async #build(): Promise<Resolved> {
    const options = this.#options;
    const cacheOptions: CacheOptions = { ...options.cache, onEvent: (event) => this.events.emit(event) };
    if (options.provider) {
      const selected = selectEnvironment(options.environment, options.env);
      const policy = resolvePolicy(selected.name, options.policy);
      let provider: CachedSecretProvider;
      if (isCached(options.provider)) {
        // An app's own cache is used as is; the policy is then checked on each value instead.
        provider = options.provider;
        provider.events.on("*", (event) => this.events.emit(event));
        this.#checkPolicy = policy;
      } else {
        provider = cached(withPolicy(options.provider, policy), cacheOptions);
      }
      return { provider, policy, environment: undefined };
    }
    const environment = await resolveEnvironment({
      environment: options.environment,
      config: options.config,
      cwd: options.cwd,
      env: options.env,
    });
    const provider = cached(environment.provider, { ...environment.cache, ...cacheOptions });
    return { provider, policy: environment.policy, environment };
  }
}

function noop(): void {}

function isCached(provider: SecretProvider): provider is CachedSecretProvider {
  const candidate = provider as Partial<CachedSecretProvider>;
  return (
    typeof candidate.peek === "function" &&
    typeof candidate.invalidate === "function" &&
    candidate.events !== undefined
  );
}

/** Creates an {@link HfSecrets} instance. */
export function createHfSecrets(options: HfSecretsOptions = {}): HfSecrets {
  return new HfSecrets(options);
}
