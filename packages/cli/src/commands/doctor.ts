import type { Command } from "commander";
import type { CliIo } from "../io.js";
import { buildDoctorReport } from "../report/doctor-report.js";
import { formatDoctorReport } from "../report/format-doctor.js";
import { styleFor } from "../report/style.js";

interface DoctorCommandOptions {
  environment?: string;
  config?: string;
  secret: string;
  json?: boolean;
  exitZero?: boolean;
  verify?: boolean;
  hubUrl?: string;
}

/** Registers `hf-secrets doctor`. */
export function registerDoctor(program: Command, io: CliIo): void {
  program
    .command("doctor")
    .description(
      "show where the token comes from in the selected environment, each source's answer, and problems with their fixes",
    )
    .option(
      "-e, --environment <name>",
      "environment to check (default: HF_SECRETS_ENV, NODE_ENV, else development)",
    )
    .option("-c, --config <file>", "config file (default: hf-secrets.config.* in the working directory)")
    .option("-s, --secret <name>", "logical secret name", "HF_TOKEN")
    .option(
      "--verify",
      "check the token with the Hub (whoami-v2): account, role, fine-grained scopes, policy",
    )
    .option("--hub-url <url>", "Hub for --verify (default: HF_ENDPOINT or https://huggingface.co)")
    .option("--json", "print the report as JSON")
    .option("--exit-zero", "exit 0 even when no valid token was found (for reports, e.g. `npm start`)")
    .action(async (options: DoctorCommandOptions) => {
      const report = await buildDoctorReport({
        environment: options.environment,
        config: options.config,
        cwd: io.cwd,
        env: io.env,
        secretName: options.secret,
        verify: options.verify,
        hubUrl: options.hubUrl,
      });
      io.stdout.write(
        options.json
          ? `${JSON.stringify(report, null, 2)}\n`
          : formatDoctorReport(report, styleFor(io.stdout, io.env)),
      );
      io.setExitCode(report.ok || options.exitZero ? 0 : 1);
    });
}
