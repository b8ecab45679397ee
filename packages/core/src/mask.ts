const KNOWN_PREFIXES = ["hf_oauth_", "hf_jwt_", "api_org_", "hf_"] as const;

/** Values shorter than this are masked completely: showing 4 characters of a short secret gives too much away. */
const MIN_LENGTH_TO_SHOW_SUFFIX = 16;

/**
 * Masks a secret for display: a known Hugging Face prefix, `****`, and the last four characters
 * (`hf_****abcd`). Values shorter than 16 characters are masked completely (`****`).
 *
 * @example
 * maskSecret("hf_" + "A".repeat(30) + "wxyz"); // "hf_****wxyz"
 */
export function maskSecret(value: string): string {
  if (value.length < MIN_LENGTH_TO_SHOW_SUFFIX) return "****";
  const prefix = KNOWN_PREFIXES.find((p) => value.startsWith(p)) ?? "";
  return `${prefix}****${value.slice(-4)}`;
}
