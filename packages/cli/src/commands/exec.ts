import { HF_TOKEN, SecretProviderError } from "@hf-secrets/core";
import type { Command } from "commander";
import { EXEC_EXIT, runChild } from "../exec/run-child.js";
import type { CliIo } from "../io.js";
import { resolveSecrets } from "../secrets/resolve-secrets.js";

interface ExecOptions {
  environment?: string;
  config?: string;
  secret: string[];
  hubUrl?: string;
}

/** `NAME` → variable NAME from secret NAME; `VAR=NAME` → variable VAR from secret NAME. */
function parseSecretSpec(spec: string): { variable: string; name: string } {
  const eq = spec.indexOf("=");
  return eq === -1
    ? { variable: spec, name: spec }
    : { variable: spec.slice(0, eq), name: spec.slice(eq + 1) };
}

/** Registers `hf-secrets exec`. */
export function registerExec(program: Command, io: CliIo): void {
  program
    .command("exec")
    .description(
      "run a command with the resolved secrets in its environment only (e.g. a container entrypoint); forwards signals and the exit code",
    )
    .usage("[options] -- <command> [args...]")
    .argument("<command>", "the command to run")
    .argument("[args...]", "its arguments")
    .option("-e, --environment <name>", "environment (default: HF_SECRETS_ENV, NODE_ENV, else development)")
    .option("-c, --config <file>", "config file (default: hf-secrets.config.* in the working directory)")
    .option(
      "-s, --secret <NAME|VAR=NAME>",
      "secret to pass, repeatable (default: HF_TOKEN); VAR=NAME sets variable VAR from secret NAME",
      (value: string, previous: string[]) => [...previous, value],
      [] as string[],
    )
    .option(
      "--hub-url <url>",
      "Hub for the policy's token check (default: HF_ENDPOINT or https://huggingface.co)",
    )
    .passThroughOptions()
    .action(async (command: string, args: string[], options: ExecOptions) => {
      const specs = (options.secret.length > 0 ? options.secret : [HF_TOKEN]).map(parseSecretSpec);
      for (const spec of specs) {
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(spec.variable) || spec.name === "") {
          io.stderr.write(
            `hf-secrets exec: --secret "${spec.variable}=${spec.name}" is not NAME or VAR=NAME.\n`,
          );
          io.setExitCode(EXEC_EXIT.failed);
          return;
        }
      }
      let values: Awaited<ReturnType<typeof resolveSecrets>>;
      try {
        values = await resolveSecrets({
          environment: options.environment,
          config: options.config,
          cwd: io.cwd,
          env: io.env,
          names: specs.map((s) => s.name),
          hubUrl: options.hubUrl,
        });
      } catch (error) {
        if (!SecretProviderError.isInstance(error)) throw error;
        io.stderr.write(`${error.message}\nhf-secrets exec: ${command} was not started.\n`);
        io.setExitCode(EXEC_EXIT.failed);
        return;
      }
      // A copy: our own environment never holds the secrets.
      const childEnv: Record<string, string | undefined> = { ...io.env };
      for (const spec of specs) childEnv[spec.variable] = values.get(spec.name)!.value.reveal();
      io.setExitCode(await runChild({ command, args, env: childEnv, io }));
    });
}
