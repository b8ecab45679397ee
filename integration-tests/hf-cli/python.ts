import { execFileSync, spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const script = join(here, "hf_interop.py");
const installer = join(here, "..", "emulators", "huggingface-hub.sh");

/** The virtualenv python with the real huggingface_hub (installed by run.sh through huggingface-hub.sh install). */
export const python: string = execFileSync("bash", [installer, "python"], { encoding: "utf8" }).trim();

/** Variables that change what huggingface_hub resolves; every call starts without them. */
const RESOLUTION_VARIABLES = [
  "HF_TOKEN",
  "HUGGING_FACE_HUB_TOKEN",
  "HF_OIDC_RESOURCE",
  "HF_OIDC_ID_TOKEN",
  "HF_HOME",
  "HF_TOKEN_PATH",
  "XDG_CACHE_HOME",
  "HUGGINGFACE_CO_STAGING",
  "HOME",
];

/** The environment a Python call (and the matching fromHfCli) sees: PATH/locale from this process, the rest given. */
export function cleanEnv(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !RESOLUTION_VARIABLES.includes(key)) env[key] = value;
  }
  return { ...env, ...extra };
}

/** Result of one hf_interop.py call: its JSON object (exit 0) or an error object (exit 1). */
export type PythonResult = Record<string, unknown>;

/**
 * Runs `hf_interop.py <args>` with exactly `env` (tokens travel in env vars, never in argv) and `stdin`, and
 * parses the one JSON object it prints. Rejects on a usage error or unparsable output.
 */
export function runInterop(
  args: readonly string[],
  env: Record<string, string>,
  options: { stdin?: string; cwd?: string } = {},
): Promise<PythonResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(python, [script, ...args], {
      env,
      cwd: options.cwd,
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) => {
      try {
        const parsed = JSON.parse(stdout) as PythonResult;
        if (code === 0 || (code === 1 && "error" in parsed)) resolve(parsed);
        else reject(new Error(`hf_interop.py ${args[0]} exited ${code}: ${stderr.slice(-2000)}`));
      } catch {
        reject(new Error(`hf_interop.py ${args[0]} printed no JSON (exit ${code}): ${stderr.slice(-2000)}`));
      }
    });
    child.stdin.end(options.stdin ?? "");
  });
}
