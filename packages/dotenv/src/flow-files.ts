/** Environment names that can be part of a file name (no `/`, no `..`). */
const ENVIRONMENT_NAME = /^[A-Za-z0-9][\w.-]*$/;

/** True when `environment` can safely name `.env.<environment>` files. */
export function isValidEnvironmentName(environment: string): boolean {
  return ENVIRONMENT_NAME.test(environment) && !environment.includes("..");
}

/**
 * The files dotenv-flow reads for an environment, lowest precedence first (a later file overrides an earlier
 * one): `.env`, `.env.local` (not in `test`, so tests are reproducible), `.env.<environment>`,
 * `.env.<environment>.local`.
 *
 * @example
 * dotenvFlowFiles("development"); // [".env", ".env.local", ".env.development", ".env.development.local"]
 */
export function dotenvFlowFiles(environment: string): string[] {
  const files = [
    ".env",
    ...(environment === "test" ? [] : [".env.local"]),
    `.env.${environment}`,
    `.env.${environment}.local`,
  ];
  return files.filter((file, index) => files.indexOf(file) === index);
}
