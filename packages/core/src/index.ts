export { abortedError, raceAbort } from "./abort.js";
export { type BackoffOptions, equalJitterDelay, fullJitterDelay, parseRetryAfter } from "./backoff.js";
export { type CachedSecretProvider, type CacheOptions, cached, type RetryOptions } from "./cached.js";
export { type ChainedSecretProvider, chain } from "./chain.js";
export { type Clock, sleep, systemClock, type TimerHandle, type TimerOptions } from "./clock.js";
export {
  type CacheConfig,
  type ChainEntry,
  CONFIG_FILE_NAMES,
  DEFAULT_CHAIN,
  defineConfig,
  type EnvironmentConfig,
  type HfSecretsConfig,
  type LoadedConfig,
  loadConfig,
  readConfigFile,
  validateConfig,
} from "./config.js";
export type {
  GetSecretOptions,
  SecretProvider,
  SecretValue,
  SecretValueInit,
  SecretWarning,
} from "./contract.js";
export {
  DEFAULT_ENVIRONMENT,
  type EnvironmentSource,
  type SelectedEnvironment,
  selectEnvironment,
} from "./environment.js";
export {
  AggregateSecretError,
  attemptFromError,
  isTransientCode,
  type ResolutionAttempt,
  type SecretErrorCode,
  SecretNotFoundError,
  SecretProviderError,
  type SecretProviderErrorInit,
  toSafeCause,
  toSecretProviderError,
} from "./errors.js";
export { SecretEventEmitter } from "./event-emitter.js";
export type {
  ErrorEvent,
  ExpiredEvent,
  FetchEvent,
  HitEvent,
  RefreshEvent,
  RefreshReason,
  RejectedEvent,
  RotatedEvent,
  SecretEvent,
  SecretEventListener,
  SecretEventSource,
  SecretEventType,
  StaleEvent,
  WarningEvent,
} from "./events.js";
export {
  checkFileHygiene,
  type HygieneFinding,
  type HygieneIdentity,
  hygieneError,
  hygieneWarning,
  shellQuote,
} from "./file-hygiene.js";
export { cleanHfToken, HF_TOKEN, type HfTokenKind, hfTokenKind, pythonStrip } from "./hf-token.js";
export { maskSecret } from "./mask.js";
export {
  configError,
  isPlainObject,
  type OptionSpec,
  type OptionsSchema,
  type OptionType,
  type ValidationSite,
  validateOptions,
} from "./options-schema.js";
export {
  assertProviderAllowed,
  assertTokenRoleAllowed,
  type PolicyConfig,
  type ResolvedPolicy,
  resolvePolicy,
  TOKEN_ROLES,
  type TokenRole,
  withPolicy,
} from "./policy.js";
export { defineProvider, type ProviderContext, type ProviderDefinition } from "./provider-definition.js";
export { BUILTIN_PROVIDERS, loadProviderDefinition, type ModuleImporter } from "./provider-loader.js";
export {
  type ResolvedChainMember,
  type ResolvedEnvironment,
  type ResolveEnvironmentOptions,
  resolveEnvironment,
} from "./resolve-environment.js";
export { Secret } from "./secret.js";
export { createSecretValue } from "./secret-value.js";
export { type ResolutionTrace, type TracedAttempt, traceResolution } from "./trace.js";
export { type WatchFilesOptions, watchFiles } from "./watch-files.js";
