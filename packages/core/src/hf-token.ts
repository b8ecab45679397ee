/** The logical name of the Hugging Face access token. */
export const HF_TOKEN = "HF_TOKEN";

// Python's str.strip() removes exactly the characters for which str.isspace() is true; JavaScript's trim()
// uses a different set (it strips U+FEFF, keeps U+001C–U+001F and U+0085), so a token would differ.
const PYTHON_WHITESPACE = new Set([
  0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x85, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002,
  0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000,
]);

/** Python's `str.strip()`: removes leading and trailing characters for which `str.isspace()` is true. */
export function pythonStrip(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && PYTHON_WHITESPACE.has(text.charCodeAt(start))) start++;
  while (end > start && PYTHON_WHITESPACE.has(text.charCodeAt(end - 1))) end--;
  return text.slice(start, end);
}

/**
 * Cleans a token exactly like `huggingface_hub`'s `_clean_token`: removes every `\r` and `\n`, then strips
 * surrounding whitespace (Python's definition). Returns `undefined` for an empty result: an empty token means
 * "no token".
 */
export function cleanHfToken(raw: string | undefined | null): string | undefined {
  if (raw === undefined || raw === null) return undefined;
  const cleaned = pythonStrip(raw.replace(/[\r\n]/g, ""));
  return cleaned.length === 0 ? undefined : cleaned;
}

/** The kinds of Hugging Face credentials, recognised by prefix. */
export type HfTokenKind = "user-access-token" | "oauth" | "jwt" | "legacy-org" | "unknown";

/** Recognises a Hugging Face credential by its prefix (`hf_`, `hf_oauth_`, `hf_jwt_`, legacy `api_org_`). */
export function hfTokenKind(value: string): HfTokenKind {
  if (value.startsWith("hf_oauth_")) return "oauth";
  if (value.startsWith("hf_jwt_")) return "jwt";
  if (value.startsWith("hf_")) return "user-access-token";
  if (value.startsWith("api_org_")) return "legacy-org";
  return "unknown";
}
