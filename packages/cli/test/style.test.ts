import { makeTestToken } from "@hf-secrets/testing";
import { describe, expect, it } from "vitest";
import { runCli, styleFor } from "../src/index.js";
import { fakeIo } from "./support/fake-io.js";
import { tempDir } from "./support/temp-dir.js";

const ESC = "\u001b[";

describe("colours", () => {
  it("only on a terminal, and never with NO_COLOR or TERM=dumb", () => {
    expect(styleFor({ isTTY: true }, {}).red("x")).toContain(ESC);
    expect(styleFor({ isTTY: false }, {}).red("x")).toBe("x");
    expect(styleFor({}, {}).red("x")).toBe("x");
    expect(styleFor({ isTTY: true }, { NO_COLOR: "1" }).red("x")).toBe("x");
    expect(styleFor({ isTTY: true }, { TERM: "dumb" }).red("x")).toBe("x");
  });

  it("the doctor's output is coloured on a terminal and plain in a pipe", async () => {
    const config = JSON.stringify({ environments: { development: { chain: ["env"] } } });
    const cwd = tempDir({ "hf-secrets.config.json": config });
    const env = { HF_TOKEN: makeTestToken() };
    const tty = fakeIo({ cwd, env, stdoutTTY: true });
    await runCli(["doctor"], tty.io);
    expect(tty.stdout()).toContain(ESC);
    const noColor = fakeIo({ cwd, env: { ...env, NO_COLOR: "1" }, stdoutTTY: true });
    await runCli(["doctor"], noColor.io);
    expect(noColor.stdout()).not.toContain(ESC);
  });
});
