import type { Command } from "commander";
import type { CliIo } from "../io.js";
import { resolveSecrets } from "../secrets/resolve-secrets.js";

interface GetOptions {
  environment?: string;
  config?: string;
  reveal?: boolean;
  hubUrl?: string;
}

/** Registers `hf-secrets get`. */
export function registerGet(program: Command, io: CliIo): void {
  program
    .command("get")
    .description(
      "print one secret (value and a newline) for piping; refuses to print to a terminal without --reveal",
    )
    .argument("<name>", "logical secret name, e.g. HF_TOKEN")
    .option("-e, --environment <name>", "environment (default: HF_SECRETS_ENV, NODE_ENV, else development)")
    .option("-c, --config <file>", "config file (default: hf-secrets.config.* in the working directory)")
    .option("--reveal", "print the value even when stdout is a terminal")
    .option(
      "--hub-url <url>",
      "Hub for the policy's token check (default: HF_ENDPOINT or https://huggingface.co)",
    )
    .action(async (name: string, options: GetOptions) => {
      if (io.stdout.isTTY && !options.reveal) {
        io.stderr.write(
          `hf-secrets get: refusing to print ${name} to a terminal, where it stays in the scrollback and screen recordings.\n` +
            `Pipe it (e.g. \`hf-secrets get ${name} | docker login ...\` or \`VAR=$(hf-secrets get ${name})\`), or add --reveal.\n`,
        );
        io.setExitCode(1);
        return;
      }
      const values = await resolveSecrets({
        environment: options.environment,
        config: options.config,
        cwd: io.cwd,
        env: io.env,
        names: [name],
        hubUrl: options.hubUrl,
      });
      io.stdout.write(`${values.get(name)!.value.reveal()}\n`);
      io.setExitCode(0);
    });
}
