import { describe, expect, it } from "vitest";
import { isDockerfileName, parseDockerfileAssignments } from "../src/index.js";

const pick = (text: string) =>
  parseDockerfileAssignments(text).map((a) => [a.instruction, a.key, a.value, a.line, a.column]);

describe("parseDockerfileAssignments", () => {
  it("reads ENV key=value pairs, the legacy ENV form and ARG with and without default", () => {
    const text = [
      "FROM python:3.12",
      "ENV A=1 HF_TOKEN=abc",
      "env HF_TOKEN the rest of the line",
      "ARG HUGGING_FACE_HUB_TOKEN",
      "ARG HF_TOKEN=default B",
      'RUN echo "ENV HF_TOKEN=not-an-instruction"',
    ].join("\n");
    expect(pick(text)).toEqual([
      ["ENV", "A", "1", 2, 7],
      ["ENV", "HF_TOKEN", "abc", 2, 18],
      ["ENV", "HF_TOKEN", "the rest of the line", 3, 14],
      ["ARG", "HUGGING_FACE_HUB_TOKEN", undefined, 4, 5],
      ["ARG", "HF_TOKEN", "default", 5, 14],
      ["ARG", "B", undefined, 5, 22],
    ]);
  });

  it("removes quotes and escapes, and points at the value", () => {
    expect(pick(`ENV HF_TOKEN="a b" X='c\\d' Y=e\\ f`)).toEqual([
      ["ENV", "HF_TOKEN", "a b", 1, 15],
      ["ENV", "X", "c\\d", 1, 23],
      ["ENV", "Y", "e f", 1, 30],
    ]);
  });

  it("joins continuation lines, skips comments inside them, and keeps original positions", () => {
    const text = ["FROM x", "ENV A=1 \\", "# a comment", "    HF_TOKEN=secret \\", "    C=3"].join("\n");
    expect(pick(text)).toEqual([
      ["ENV", "A", "1", 2, 7],
      ["ENV", "HF_TOKEN", "secret", 4, 14],
      ["ENV", "C", "3", 5, 7],
    ]);
  });

  it("honours the escape parser directive (Windows Dockerfiles use a backtick)", () => {
    const text = ["# escape=`", "FROM x", "ENV A=1 `", "    HF_TOKEN=C:\\tok"].join("\n");
    expect(pick(text)).toEqual([
      ["ENV", "A", "1", 3, 7],
      ["ENV", "HF_TOKEN", "C:\\tok", 4, 14],
    ]);
  });

  it("reads CRLF files", () => {
    expect(pick("FROM x\r\nENV HF_TOKEN=v\r\n")).toEqual([["ENV", "HF_TOKEN", "v", 2, 14]]);
  });
});

describe("isDockerfileName", () => {
  it("recognises Dockerfile, Containerfile and their variants", () => {
    for (const name of [
      "Dockerfile",
      "dockerfile",
      "api.Dockerfile",
      "Dockerfile.prod",
      "Containerfile",
      "x.containerfile",
    ])
      expect(isDockerfileName(name), name).toBe(true);
    for (const name of ["Dockerfile.md", "docker-compose.yml", "README", "Dockerfiles", "Dockerfile.txt"])
      expect(isDockerfileName(name), name).toBe(false);
  });
});
