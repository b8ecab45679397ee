/** Where `hf-secrets exec` listens for the signals it forwards to its child (the process, or a test's emitter). */
export interface SignalSource {
  on(signal: NodeJS.Signals, listener: () => void): unknown;
  off(signal: NodeJS.Signals, listener: () => void): unknown;
}

/** What a command may touch: streams, environment, working directory, exit code. Tests pass their own. */
export interface CliIo {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  setExitCode(code: number): void;
  /** Signals to forward to a child process; default the real process. */
  readonly signals?: SignalSource;
}

/** The real process's streams, environment, signals and exit code. */
export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
    signals: process,
    setExitCode: (code) => {
      process.exitCode = code;
    },
  };
}
