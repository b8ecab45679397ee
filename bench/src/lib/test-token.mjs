// Test tokens are built at run time (never a token-shaped literal in a file).
import { randomBytes } from "node:crypto";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** A random token of the Hugging Face shape: `hf_` + 34 letters. */
export function makeBenchToken() {
  const bytes = randomBytes(34);
  let body = "";
  for (const b of bytes) body += ALPHABET[b % ALPHABET.length];
  return `hf_${body}`;
}
