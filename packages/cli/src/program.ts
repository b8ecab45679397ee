import { SecretProviderError } from "@hf-secrets/core";
import { Command, CommanderError } from "commander";
import { registerDoctor } from "./commands/doctor.js";
import { registerExec } from "./commands/exec.js";
import { registerGet } from "./commands/get.js";
import { registerScan } from "./commands/scan.js";
import type { CliIo } from "./io.js";
import { UsageError } from "./usage-error.js";
import { CLI_VERSION } from "./version.js";

/**
 * Exit codes of `hf-secrets` (the CLI README has the full table): 0 success; 1 a problem was found (no valid
 * token, a secret not found, a token in the code); 2 the command was called wrongly. `exec` returns its
 * command's code instead (125/126/127 for its own failures, 128+N when signal N ended the command).
 */
export const EXIT = { ok: 0, problem: 1, usage: 2 } as const;

/** Builds the `hf-secrets` program around the given I/O. */
export function createProgram(io: CliIo): Command {
  const program = new Command("hf-secrets")
    .description("Where your Hugging Face token comes from, and keeping it out of code, images and logs.")
    .version(CLI_VERSION)
    .showHelpAfterError()
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({
      writeOut: (text: string) => io.stdout.write(text),
      writeErr: (text: string) => io.stderr.write(text),
    });
  registerDoctor(program, io);
  registerGet(program, io);
  registerExec(program, io);
  registerScan(program, io);
  return program;
}

/** Runs the CLI with `argv` (without the node and script entries); resolves to the exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let code: number = EXIT.ok;
  const wrapped: CliIo = {
    ...io,
    setExitCode: (c) => {
      code = c;
    },
  };
  try {
    await createProgram(wrapped).parseAsync([...argv], { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (error instanceof UsageError) {
      io.stderr.write(`hf-secrets: ${error.message}\n`);
      return EXIT.usage;
    }
    if (SecretProviderError.isInstance(error)) {
      io.stderr.write(`${error.message}\n`);
      return EXIT.problem;
    }
    throw error;
  }
  return code;
}
