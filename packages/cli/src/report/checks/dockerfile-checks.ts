import { readFile } from "node:fs/promises";
import { maskSecret } from "@hf-secrets/core";
import { isDockerfileName, parseDockerfileAssignments, TOKEN_VARIABLES } from "../../files/dockerfile.js";
import { walkFiles } from "../../files/walk-files.js";
import type { DoctorCheck } from "../doctor-check.js";

/** How far the doctor looks for Dockerfiles below the working directory (it is a report, not a full scan). */
const SEARCH = { maxDepth: 4, maxEntries: 20_000, maxFileBytes: 1024 * 1024 } as const;

/**
 * Looks for Dockerfiles (Dockerfile, *.Dockerfile, Containerfile) under `cwd` — a few levels deep, skipping
 * node_modules, .git and dist — whose `ENV` or `ARG` names HF_TOKEN or HUGGING_FACE_HUB_TOKEN.
 */
export async function dockerfileChecks(cwd: string): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = [];
  for await (const file of walkFiles(cwd, { maxDepth: SEARCH.maxDepth, maxEntries: SEARCH.maxEntries })) {
    if (!isDockerfileName(file.name)) continue;
    const text = await readFile(file.path, "utf8").catch(() => undefined);
    if (text === undefined || text.length > SEARCH.maxFileBytes) continue;
    for (const assignment of parseDockerfileAssignments(text)) {
      if (!TOKEN_VARIABLES.has(assignment.key)) continue;
      const shown =
        assignment.value === undefined
          ? ""
          : `=${assignment.value.includes("$") ? assignment.value : maskSecret(assignment.value)}`;
      const location = `${file.relativePath}:${assignment.line}`;
      checks.push({
        id: "DOCKERFILE_TOKEN",
        level: "warn",
        location,
        message:
          assignment.instruction === "ENV"
            ? `${location}: \`ENV ${assignment.key}${shown}\` writes the token into the image: it stays in the image's layers and \`docker history\`, readable by anyone who can pull the image.`
            : `${location}: \`ARG ${assignment.key}${shown}\` passes the token as a build argument: its value is recorded in the image's metadata and \`docker history\` wherever a RUN step uses it.`,
        fix: `Remove it. Give the token to the container when it runs (\`docker run -e ${assignment.key}\`, compose \`environment:\` or secrets, a Kubernetes Secret, or \`hf-secrets exec\` as entrypoint); if a build step needs it, use a BuildKit secret: \`RUN --mount=type=secret,id=hf_token,env=HF_TOKEN ...\` with \`docker build --secret id=hf_token,env=HF_TOKEN\`.`,
      });
    }
  }
  return checks;
}
