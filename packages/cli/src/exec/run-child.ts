import { spawn } from "node:child_process";
import { constants } from "node:os";
import type { CliIo } from "../io.js";

/** Signals `hf-secrets exec` passes on to its child (what `docker stop`, Kubernetes and a terminal send). */
export const FORWARDED_SIGNALS: readonly NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];

/** Exit codes of `exec` itself, as `env`, `docker run` and shells use them. */
export const EXEC_EXIT = {
  /** hf-secrets could not resolve a secret (or was called wrongly): the command did not run. */
  failed: 125,
  /** The command exists but cannot be executed. */
  notExecutable: 126,
  /** The command was not found. */
  notFound: 127,
} as const;

/** Options of {@link runChild}. */
export interface RunChildOptions {
  readonly command: string;
  readonly args: readonly string[];
  /** The child's complete environment. */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly io: CliIo;
}

/**
 * Runs a command and resolves with its exit code, or 128 + the signal number when a signal ended it. The
 * child shares our terminal (stdio inherited; with a test's streams, its output is copied to them), gets
 * every forwarded signal we receive, and its environment is the one given — ours is not modified.
 */
export function runChild(options: RunChildOptions): Promise<number> {
  const { io } = options;
  const own = (stream: unknown, processStream: unknown) => stream === processStream;
  const stdio = [
    own(io.stdin, process.stdin) ? "inherit" : "pipe",
    own(io.stdout, process.stdout) ? "inherit" : "pipe",
    own(io.stderr, process.stderr) ? "inherit" : "pipe",
  ] as const;
  return new Promise((resolve) => {
    const child = spawn(options.command, [...options.args], {
      cwd: io.cwd,
      env: options.env as NodeJS.ProcessEnv,
      stdio: [...stdio],
    });
    child.stdout?.pipe(io.stdout, { end: false });
    child.stderr?.pipe(io.stderr, { end: false });
    if (child.stdin) {
      child.stdin.on("error", () => {});
      io.stdin.pipe(child.stdin);
    }
    const forwarders = FORWARDED_SIGNALS.map((signal) => {
      const forward = () => {
        if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      };
      io.signals?.on(signal, forward);
      return () => io.signals?.off(signal, forward);
    });
    let settled = false;
    const finish = (code: number) => {
      if (settled) return;
      settled = true;
      for (const stop of forwarders) stop();
      if (child.stdin) io.stdin.unpipe(child.stdin);
      resolve(code);
    };
    child.on("error", (error: NodeJS.ErrnoException) => {
      const notFound = error.code === "ENOENT";
      io.stderr.write(
        `hf-secrets exec: ${notFound ? "command not found" : `cannot run the command (${error.code ?? error.message})`}: ${options.command}\n`,
      );
      finish(notFound ? EXEC_EXIT.notFound : EXEC_EXIT.notExecutable);
    });
    child.on("close", (code, signal) => {
      if (signal) finish(128 + (constants.signals[signal] ?? 0));
      else finish(code ?? EXEC_EXIT.failed);
    });
  });
}
