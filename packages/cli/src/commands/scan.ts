import { type Command, Option } from "commander";
import type { CliIo } from "../io.js";
import { styleFor } from "../report/style.js";
import { toSarif } from "../scan/format-sarif.js";
import { formatScanText } from "../scan/format-scan-text.js";
import { scanForTokens } from "../scan/scanner.js";
import { CLI_VERSION } from "../version.js";

interface ScanCommandOptions {
  gitHistory?: boolean;
  staged?: boolean;
  format: "text" | "json" | "sarif";
  json?: boolean;
  ignoreFile?: string;
}

/** Registers `hf-secrets scan`. */
export function registerScan(program: Command, io: CliIo): void {
  program
    .command("scan")
    .description(
      "find hardcoded Hugging Face tokens in files, Dockerfiles, .env files git does not ignore, and the git history",
    )
    .argument("[paths...]", "files and folders to scan (default: the current folder)")
    .option("--git-history", "also scan every commit of the repository (git log -p --all)")
    .option("--staged", "scan the staged changes instead of the files (for a pre-commit hook)")
    .addOption(
      new Option("-f, --format <format>", "output format").choices(["text", "json", "sarif"]).default("text"),
    )
    .option("--json", "same as --format json")
    .option(
      "--ignore-file <file>",
      "ignore patterns (default: .hf-secrets-scan-ignore in the current folder)",
    )
    .action(async (paths: string[], options: ScanCommandOptions) => {
      const result = await scanForTokens({
        paths,
        cwd: io.cwd,
        gitHistory: options.gitHistory,
        staged: options.staged,
        ignoreFile: options.ignoreFile,
      });
      const format = options.json ? "json" : options.format;
      if (format === "sarif") {
        io.stdout.write(`${JSON.stringify(toSarif(result, { version: CLI_VERSION }), null, 2)}\n`);
      } else if (format === "json") {
        io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      } else {
        io.stdout.write(formatScanText(result, styleFor(io.stdout, io.env)));
      }
      io.setExitCode(result.findings.length > 0 ? 1 : 0);
    });
}
