import { EventEmitter } from "node:events";
import { PassThrough } from "node:stream";
import type { CliIo } from "../../src/index.js";

/** A CliIo over in-memory streams, with what was written and the signal emitter the command listens to. */
export interface FakeIo {
  readonly io: CliIo;
  stdout(): string;
  stderr(): string;
  /** Resolves as soon as stdout contains `text` (event-driven: no polling). */
  untilStdout(text: string): Promise<void>;
  readonly signals: EventEmitter;
}

/** Options of {@link fakeIo}. */
export interface FakeIoOptions {
  readonly env?: Record<string, string | undefined>;
  readonly cwd?: string;
  /** Pretend stdout is a terminal. */
  readonly stdoutTTY?: boolean;
}

/** Builds an in-memory CliIo: nothing reaches the real terminal, `process.env` is never read. */
export function fakeIo(options: FakeIoOptions = {}): FakeIo {
  const collect = (tty: boolean) => {
    const stream = new PassThrough() as PassThrough & { isTTY?: boolean };
    if (tty) stream.isTTY = true;
    let text = "";
    stream.setEncoding("utf8");
    stream.on("data", (chunk: string) => {
      text += chunk;
    });
    const until = (wanted: string) =>
      new Promise<void>((resolve) => {
        if (text.includes(wanted)) return resolve();
        const check = () => {
          if (!text.includes(wanted)) return;
          stream.off("data", check);
          resolve();
        };
        stream.on("data", check);
      });
    return { stream, text: () => text, until };
  };
  const out = collect(options.stdoutTTY === true);
  const err = collect(false);
  const stdin = new PassThrough();
  stdin.end();
  const signals = new EventEmitter();
  const io: CliIo = {
    stdout: out.stream,
    stderr: err.stream,
    stdin,
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
    signals,
    setExitCode: () => {},
  };
  return { io, stdout: out.text, stderr: err.text, untilStdout: out.until, signals };
}
