/** Where the environment name came from. */
export type EnvironmentSource = "option" | "HF_SECRETS_ENV" | "NODE_ENV" | "default";

/** The selected environment and why it was selected. */
export interface SelectedEnvironment {
  /** e.g. `"development"`, `"production"`. */
  readonly name: string;
  /** Which input decided it. */
  readonly source: EnvironmentSource;
}

/** The environment used when nothing selects one. */
export const DEFAULT_ENVIRONMENT = "development";

/**
 * Selects the environment: an explicit name, else `HF_SECRETS_ENV`, else `NODE_ENV`, else `development`.
 * Empty values count as unset.
 */
export function selectEnvironment(
  explicit?: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): SelectedEnvironment {
  if (explicit) return { name: explicit, source: "option" };
  const fromHfSecrets = env.HF_SECRETS_ENV?.trim();
  if (fromHfSecrets) return { name: fromHfSecrets, source: "HF_SECRETS_ENV" };
  const fromNode = env.NODE_ENV?.trim();
  if (fromNode) return { name: fromNode, source: "NODE_ENV" };
  return { name: DEFAULT_ENVIRONMENT, source: "default" };
}
