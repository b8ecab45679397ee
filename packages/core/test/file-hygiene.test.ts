import type { Stats } from "node:fs";
import { describe, expect, it } from "vitest";
import { checkFileHygiene, hygieneError, hygieneWarning, shellQuote } from "../src/file-hygiene.js";

const stats = (mode: number, uid: number) => ({ mode: 0o100000 | mode, uid }) as Stats;

describe("checkFileHygiene", () => {
  it("accepts a 0600 file owned by the process user", () => {
    expect(checkFileHygiene(stats(0o600, 1000), "/home/u/.cache/huggingface/token", { uid: 1000 })).toEqual(
      [],
    );
  });

  it("reports a file other users can read, with the chmod that fixes it", () => {
    const [finding] = checkFileHygiene(stats(0o644, 1000), "/app/.env", { uid: 1000 });
    expect(finding).toEqual({
      code: "LOOSE_PERMISSIONS",
      location: "/app/.env",
      problem: "/app/.env can be read by its group and every user (mode 0644).",
      fix: "Run `chmod 600 /app/.env`.",
    });
    expect(hygieneWarning(finding!).message).toBe(`${finding!.problem} ${finding!.fix}`);
  });

  it("reports a file owned by another user, and makes it an INVALID_CONFIGURATION error in strict mode", () => {
    const findings = checkFileHygiene(stats(0o600, 0), "/srv/my token", { uid: 1000 });
    expect(findings.map((f) => f.code)).toEqual(["FOREIGN_OWNER"]);
    expect(findings[0]!.fix).toBe(
      "Make it yours (`chown 1000 '/srv/my token'`) and run `chmod 600 '/srv/my token'`.",
    );
    const error = hygieneError("hf-cli", findings[0]!, "HF_TOKEN");
    expect(error.code).toBe("INVALID_CONFIGURATION");
    expect(error.tryNext).toBe(false);
  });

  it("quotes paths for a shell only when needed", () => {
    expect(shellQuote("/a/b.txt")).toBe("/a/b.txt");
    expect(shellQuote("/a/it's")).toBe("'/a/it'\\''s'");
  });
});
