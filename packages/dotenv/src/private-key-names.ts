import { basename } from "node:path";

const PUBLIC_PREFIX = "DOTENV_PUBLIC_KEY";
const PRIVATE_PREFIX = "DOTENV_PRIVATE_KEY";

/**
 * The variables that may hold the dotenvx private key of an env file, most specific first, following dotenvx's
 * own naming (`conventions/keynames.js`): the name matching a `DOTENV_PUBLIC_KEY*` entry of the file if it has
 * one, else from the file name (`.env` → `DOTENV_PRIVATE_KEY`, `.env.production` →
 * `DOTENV_PRIVATE_KEY_PRODUCTION`, `.env.production.local` → `DOTENV_PRIVATE_KEY_PRODUCTION_LOCAL`); then
 * `DOTENV_PRIVATE_KEY` as the common fallback.
 */
export function privateKeyNames(file: string, keys: Iterable<string>): string[] {
  let specific: string | undefined;
  for (const key of keys) {
    if (key.startsWith(PUBLIC_PREFIX)) {
      specific = PRIVATE_PREFIX + key.slice(PUBLIC_PREFIX.length);
      break;
    }
  }
  specific ??= fromFileName(file);
  return specific === PRIVATE_PREFIX ? [PRIVATE_PREFIX] : [specific, PRIVATE_PREFIX];
}

function fromFileName(file: string): string {
  let name = basename(file).toLowerCase();
  if (name.startsWith(".env") && name.endsWith(".txt")) name = name.slice(0, -4);
  if (name === ".env") return PRIVATE_PREFIX;
  const parts = name.split(".").slice(2);
  const environment = parts.length === 0 ? name.replace(".env", "development") : parts.slice(0, 2).join("_");
  return `${PRIVATE_PREFIX}_${environment.toUpperCase()}`;
}
