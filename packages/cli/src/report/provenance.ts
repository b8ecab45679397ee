import { stat } from "node:fs/promises";
import { isAbsolute } from "node:path";

/**
 * When the file behind a location was last written, for locations that name a file
 * (`hf-cli:/home/me/.cache/huggingface/token`, `dotenv:/app/.env#HF_TOKEN`, `/var/run/secrets/hf/token`).
 * `undefined` for other backends (their version says more) or when the file is gone.
 */
export async function fileModifiedAt(location: string): Promise<number | undefined> {
  const candidates = new Set<string>();
  const withoutPrefix = location.replace(/^[a-z][\w-]*:(?=\/|[A-Za-z]:\\)/, "");
  for (const path of [withoutPrefix, withoutPrefix.replace(/[#@[].*$/, "")]) {
    if (isAbsolute(path)) candidates.add(path);
  }
  for (const path of candidates) {
    const info = await stat(path).catch(() => undefined);
    if (info?.isFile()) return info.mtimeMs;
  }
  return undefined;
}

/** `90_061_000` → `"1 day"`: the largest unit, rounded down. */
export function formatDuration(ms: number): string {
  const units: Array<[string, number]> = [
    ["day", 86_400_000],
    ["hour", 3_600_000],
    ["minute", 60_000],
    ["second", 1000],
  ];
  const abs = Math.abs(ms);
  for (const [unit, size] of units) {
    if (abs >= size) {
      const n = Math.floor(abs / size);
      return `${n} ${unit}${n === 1 ? "" : "s"}`;
    }
  }
  return "less than a second";
}
