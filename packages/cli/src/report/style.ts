import { styleText } from "node:util";

/** Text styling for terminal output: real colours on a TTY, plain text otherwise. */
export interface Style {
  bold(text: string): string;
  dim(text: string): string;
  green(text: string): string;
  red(text: string): string;
  yellow(text: string): string;
}

const plain = (text: string) => text;

/** Colours only when writing to a terminal and `NO_COLOR` is not set (https://no-color.org). */
export function styleFor(
  stream: { isTTY?: boolean },
  env: Readonly<Record<string, string | undefined>> = process.env,
): Style {
  const colour = stream.isTTY === true && !env.NO_COLOR && env.TERM !== "dumb";
  if (!colour) return { bold: plain, dim: plain, green: plain, red: plain, yellow: plain };
  // The decision is ours (the stream may be a test's or a pipe's): newer Node versions would otherwise check
  // process.stdout instead of the stream we write to.
  const options = { validateStream: false };
  return {
    bold: (t) => styleText("bold", t, options),
    dim: (t) => styleText("dim", t, options),
    green: (t) => styleText("green", t, options),
    red: (t) => styleText("red", t, options),
    yellow: (t) => styleText("yellow", t, options),
  };
}
