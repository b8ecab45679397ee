import { describe, expect, it } from "vitest";
import { resolveHfPaths } from "../src/hf-paths.js";

const cwd = "/work/dir";

// The cases observed with the real huggingface_hub 2.4.0 (NOTES-huggingface-hub.md, section 1).
describe("resolveHfPaths: huggingface_hub.constants", () => {
  it("defaults to ~/.cache/huggingface with stored_tokens beside the token", () => {
    const paths = resolveHfPaths({ env: { HOME: "/t" }, cwd });
    expect(paths).toEqual({
      hfHome: "/t/.cache/huggingface",
      tokenPath: "/t/.cache/huggingface/token",
      storedTokensPath: "/t/.cache/huggingface/stored_tokens",
    });
  });

  it("uses the homedir option when HOME is unset", () => {
    expect(resolveHfPaths({ env: {}, homedir: "/home/u", cwd }).tokenPath).toBe(
      "/home/u/.cache/huggingface/token",
    );
  });

  it("prefers HF_HOME, then XDG_CACHE_HOME; an empty value counts as set", () => {
    expect(resolveHfPaths({ env: { HOME: "/t", HF_HOME: "/h", XDG_CACHE_HOME: "/x" }, cwd }).tokenPath).toBe(
      "/h/token",
    );
    expect(resolveHfPaths({ env: { HOME: "/t", XDG_CACHE_HOME: "/x" }, cwd }).tokenPath).toBe(
      "/x/huggingface/token",
    );
    const emptyHome = resolveHfPaths({ env: { HOME: "/t", HF_HOME: "" }, cwd });
    expect(emptyHome.hfHome).toBe("");
    expect(emptyHome.tokenPath).toBe("/work/dir/token");
    expect(emptyHome.storedTokensPath).toBe("/work/dir/stored_tokens");
    expect(resolveHfPaths({ env: { HOME: "/t", XDG_CACHE_HOME: "" }, cwd }).tokenPath).toBe(
      "/work/dir/huggingface/token",
    );
  });

  it("expands ~ and $VAR in the joined XDG path, not XDG_CACHE_HOME alone", () => {
    expect(resolveHfPaths({ env: { HOME: "/t", XDG_CACHE_HOME: "~/xc" }, cwd }).hfHome).toBe(
      "/t/xc/huggingface",
    );
    expect(resolveHfPaths({ env: { HOME: "/t", XDG_CACHE_HOME: "$HOME/q" }, cwd }).hfHome).toBe(
      "/t/q/huggingface",
    );
  });

  it("expands the default token path a second time (HF_HOME='$FOO/hh', FOO='~/z')", () => {
    const paths = resolveHfPaths({ env: { HOME: "/t", HF_HOME: "$FOO/hh", FOO: "~/z" }, cwd });
    expect(paths.hfHome).toBe("~/z/hh");
    expect(paths.tokenPath).toBe("/t/z/hh/token");
  });

  it("keeps undefined variables and a literal inner ~", () => {
    expect(resolveHfPaths({ env: { HOME: "/t", HF_HOME: "/$UNDEF/hh" }, cwd }).tokenPath).toBe(
      "/$UNDEF/hh/token",
    );
    expect(resolveHfPaths({ env: { HOME: "/t", HF_HOME: "/a/~/b" }, cwd }).tokenPath).toBe("/a/~/b/token");
  });

  it("takes HF_TOKEN_PATH as is (expanded), with stored_tokens beside it, not in HF_HOME", () => {
    const paths = resolveHfPaths({ env: { HOME: "/t", HF_HOME: "/h", HF_TOKEN_PATH: "~/secrets/tok" }, cwd });
    expect(paths.tokenPath).toBe("/t/secrets/tok");
    expect(paths.storedTokensPath).toBe("/t/secrets/stored_tokens");
    expect(resolveHfPaths({ env: { HF_TOKEN_PATH: "/d/" }, cwd })).toMatchObject({
      tokenPath: "/d/",
      storedTokensPath: "/d/stored_tokens",
    });
    expect(resolveHfPaths({ env: { HF_TOKEN_PATH: "tok" }, cwd })).toMatchObject({
      tokenPath: "/work/dir/tok",
      storedTokensPath: "/work/dir/stored_tokens",
    });
    expect(resolveHfPaths({ env: { HF_TOKEN_PATH: "" }, cwd }).tokenPath).toBe("/work/dir");
  });

  it("lets options replace the variables, expanded the same way", () => {
    const env = { HOME: "/t", HF_HOME: "/h", HF_TOKEN_PATH: "/p/tok", V: "/v" };
    expect(resolveHfPaths({ env, hfHome: "$V/home", cwd }).tokenPath).toBe("/p/tok");
    expect(resolveHfPaths({ env: { HOME: "/t", V: "/v" }, hfHome: "$V/home", cwd }).tokenPath).toBe(
      "/v/home/token",
    );
    expect(resolveHfPaths({ env, tokenPath: "~/tk", cwd })).toMatchObject({
      tokenPath: "/t/tk",
      storedTokensPath: "/t/stored_tokens",
    });
    expect(resolveHfPaths({ env, storedTokensPath: "/s/st", cwd }).storedTokensPath).toBe("/s/st");
  });
});
