/** Identifiers of the findings `hf-secrets scan` reports (stable: SARIF `ruleId`, JSON `ruleId`). */
export type ScanRuleId =
  | "hf-user-access-token"
  | "hf-oauth-token"
  | "hf-jwt-token"
  | "hf-legacy-org-token"
  | "hf-token-literal-in-dockerfile"
  | "hf-token-in-unignored-env-file";

/** A kind of finding, with the text that explains it (used by every output format). */
export interface ScanRule {
  readonly id: ScanRuleId;
  /** Short title. */
  readonly name: string;
  /** What was found and why it matters. */
  readonly description: string;
  /** What to do about it. */
  readonly help: string;
}

const REVOKE =
  "Revoke it at https://huggingface.co/settings/tokens (deleting the line does not help: it stays in the git history and in every clone), create a new one, and load it at run time (environment variable, secret manager, `hf-secrets exec`, `getHfClient()`).";

/** Every rule of the scanner, in the order SARIF lists them. */
export const SCAN_RULES: readonly ScanRule[] = [
  {
    id: "hf-user-access-token",
    name: "Hugging Face user access token",
    description:
      "A Hugging Face user access token (`hf_` followed by 34 letters or digits) is written in a file.",
    help: REVOKE,
  },
  {
    id: "hf-oauth-token",
    name: "Hugging Face OAuth access token",
    description: "A Hugging Face OAuth access token (`hf_oauth_…`) is written in a file.",
    help: REVOKE,
  },
  {
    id: "hf-jwt-token",
    name: "Hugging Face JWT",
    description: "A Hugging Face JSON Web Token (`hf_jwt_` followed by a JWT) is written in a file.",
    help: "It grants access until it expires: treat it like a token. Remove it and obtain it at run time.",
  },
  {
    id: "hf-legacy-org-token",
    name: "Hugging Face legacy organization API token",
    description:
      "A legacy Hugging Face organization API token (`api_org_` followed by 34 letters or digits).",
    help: REVOKE,
  },
  {
    id: "hf-token-literal-in-dockerfile",
    name: "HF_TOKEN set to a literal in a Dockerfile",
    description:
      "A Dockerfile `ENV` or `ARG` gives HF_TOKEN (or HUGGING_FACE_HUB_TOKEN) a literal value: it is stored in the image's layers and history, readable by anyone who can pull the image.",
    help: "Pass the token when the container runs (`docker run -e HF_TOKEN`, a Kubernetes Secret, `hf-secrets exec`), or, when a build step needs it, with BuildKit: `RUN --mount=type=secret,id=hf_token,env=HF_TOKEN ...` and `docker build --secret id=hf_token,env=HF_TOKEN`.",
  },
  {
    id: "hf-token-in-unignored-env-file",
    name: "HF_TOKEN in a .env file that git does not ignore",
    description:
      "A .env file that git does not ignore assigns HF_TOKEN (or HUGGING_FACE_HUB_TOKEN) a value: the next `git add .` commits it.",
    help: "Add the file to .gitignore (e.g. `.env` and `.env.*` with `!.env.example`), keep only placeholders in committed examples, and if it was already committed, revoke the token.",
  },
];
