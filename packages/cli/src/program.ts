import { SecretProviderError } from "@hf-secrets/core";
import { Command, CommanderError } from "commander";
import { registerDoctor } from "./commands/doctor.js";
import type { CliIo } from "./io.js";

/** Exit codes of `hf-secrets`: documented in the CLI README. */
export const EXIT = { ok: 0, problem: 1, usage: 2 } as const;

/** Builds the `hf-secrets` program around the given I/O. */
export function createProgram(io: CliIo): Command {
  const program = new Command("hf-secrets")
    .description("Where your Hugging Face token comes from, and keeping it out of code, images and logs.")
    .version("0.1.0")
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({
      writeOut: (text: string) => io.stdout.write(text),
      writeErr: (text: string) => io.stderr.write(text),
    });
  registerDoctor(program, io);
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
    if (SecretProviderError.isInstance(error)) {
      io.stderr.write(`${error.message}\n`);
      return EXIT.problem;
    }
    throw error;
  }
  return code;
}
