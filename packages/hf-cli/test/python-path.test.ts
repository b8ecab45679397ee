import { describe, expect, it } from "vitest";
import { pythonDirname, pythonExpandUser, pythonExpandVars, pythonJoin } from "../src/python-path.js";

// Every expectation below is a behaviour of CPython 3.11 posixpath recorded in
// integration-tests/emulators/NOTES-huggingface-hub.md (section 1).
describe("Python posixpath semantics", () => {
  it("joins like os.path.join", () => {
    expect(pythonJoin("/h/", "token")).toBe("/h/token");
    expect(pythonJoin("/h", "token")).toBe("/h/token");
    expect(pythonJoin("", "token")).toBe("token");
    expect(pythonJoin("/h", "/abs")).toBe("/abs");
  });

  it("takes dirname like os.path.dirname", () => {
    expect(pythonDirname("/d/")).toBe("/d");
    expect(pythonDirname("/a/b/token")).toBe("/a/b");
    expect(pythonDirname("token")).toBe("");
    expect(pythonDirname("/token")).toBe("/");
    expect(pythonDirname("//token")).toBe("//");
    expect(pythonDirname("a//b")).toBe("a");
  });

  it("expands only a leading ~, from HOME even when empty", () => {
    expect(pythonExpandUser("~/.cache", { HOME: "/home/me" })).toBe("/home/me/.cache");
    expect(pythonExpandUser("~", { HOME: "/tmp/hh/" })).toBe("/tmp/hh");
    expect(pythonExpandUser("~/.cache", { HOME: "" })).toBe("/.cache");
    expect(pythonExpandUser("~/.cache", { HOME: "/" })).toBe("/.cache");
    expect(pythonExpandUser("~", { HOME: "" })).toBe("/");
    expect(pythonExpandUser("/a/~/b", { HOME: "/home/me" })).toBe("/a/~/b");
    expect(pythonExpandUser("x~", { HOME: "/home/me" })).toBe("x~");
  });

  it("uses the password entry (or the homedir option) when HOME is not set", () => {
    expect(pythonExpandUser("~/x", {}, { homedir: "/home/fallback" })).toBe("/home/fallback/x");
  });

  it("leaves ~user unchanged for an unknown user, and expands a known one", () => {
    expect(pythonExpandUser("~nouserxyz/hh", { HOME: "/home/me" })).toBe("~nouserxyz/hh");
    expect(pythonExpandUser("~root/x", { HOME: "/home/me" })).toBe("/root/x");
  });

  it("expands $NAME and {NAME} with a dollar, keeps undefined ones, and does not rescan", () => {
    const env = { A: "/a", EMPTY: "", LOOP: "$A", TILDE: "~/z" };
    expect(pythonExpandVars("$A/x", env)).toBe("/a/x");
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${VAR} for Python's expandvars
    expect(pythonExpandVars("${A}x", env)).toBe("/ax");
    expect(pythonExpandVars("$EMPTY/x", env)).toBe("/x");
    expect(pythonExpandVars("$UNDEF/hh", env)).toBe("$UNDEF/hh");
    expect(pythonExpandVars("$LOOP", env)).toBe("$A");
    expect(pythonExpandVars("$TILDE", env)).toBe("~/z");
    // biome-ignore lint/suspicious/noTemplateCurlyInString: literal ${...} forms that Python leaves alone
    expect(pythonExpandVars("${}/$/${A", env)).toBe("${}/$/${A");
    expect(pythonExpandVars("%A%", env)).toBe("%A%");
    expect(pythonExpandVars("$A-$A", env)).toBe("/a-/a");
    expect(pythonExpandVars("$Aé", env)).toBe("/aé");
  });
});
