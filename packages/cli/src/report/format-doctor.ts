import type { DoctorReport } from "./doctor-report.js";
import { formatDuration } from "./provenance.js";
import type { Style } from "./style.js";

const ICONS = { answered: "✓", "not-found": "·", error: "✗", skipped: "-" } as const;

/** Renders a {@link DoctorReport} as the human-readable text `hf-secrets doctor` prints. */
export function formatDoctorReport(report: DoctorReport, style: Style): string {
  const lines: string[] = [];
  const env = report.environment;
  const source =
    env.source === "default"
      ? "default: neither HF_SECRETS_ENV nor NODE_ENV is set"
      : env.source === "option"
        ? "from --environment"
        : `from ${env.source}`;
  lines.push(style.bold(`hf-secrets doctor — ${report.secretName}`));
  lines.push(`  environment  ${env.name} (${source})`);
  lines.push(`  config       ${report.configFile ?? "none (default chain: env → dotenv → hf-cli)"}`);
  if (report.chain.length > 0) lines.push(`  chain        ${report.chain.join(" → ")}`);
  for (const excluded of report.excluded)
    lines.push(style.dim(`  left out     ${excluded.name}: ${excluded.reason}`));
  const policy = report.policy;
  if (policy && (policy.deny.length > 0 || policy.allow || policy.tokenRole || policy.strict)) {
    const parts = [
      ...(policy.allow ? [`allow ${policy.allow.join(", ") || "nothing"}`] : []),
      ...(policy.deny.length > 0 ? [`deny ${policy.deny.join(", ")}`] : []),
      ...(policy.tokenRole ? [`token roles ${policy.tokenRole.join(", ")}`] : []),
      ...(policy.strict ? ["strict file checks"] : []),
    ];
    lines.push(`  policy       ${parts.join("; ")}`);
  }
  lines.push("");
  report.attempts.forEach((attempt, index) => {
    const icon = ICONS[attempt.outcome];
    const colour =
      attempt.outcome === "answered" ? style.green : attempt.outcome === "error" ? style.red : style.dim;
    const tag = attempt.used ? " ← used" : attempt.shadowed ? " (shadowed)" : "";
    lines.push(
      `  ${index + 1}. ${colour(`${icon} ${attempt.provider}`)}${tag}  ${style.dim(attempt.location ?? "")}`,
    );
    lines.push(`     ${attempt.reason}`);
    if (attempt.fix && attempt.outcome !== "answered")
      lines.push(`     ${style.yellow("fix:")} ${attempt.fix}`);
  });
  if (report.attempts.length > 0) lines.push("");
  if (report.winner) {
    const w = report.winner;
    lines.push(
      style.green(
        `✓ ${report.secretName} = ${w.masked} from ${w.provider} (${w.location})${w.version ? `, version ${w.version}` : ""}`,
      ),
    );
    const provenance = [
      ...(w.modifiedAt ? [`file written ${w.modifiedAt} (${formatDuration(w.ageMs ?? 0)} ago)`] : []),
      ...(w.expiresAt ? [`expires ${w.expiresAt}`] : []),
    ];
    if (provenance.length > 0) lines.push(`  ${provenance.join("; ")}`);
  } else {
    lines.push(
      style.red(
        `✗ ${report.error?.code === "NOT_FOUND" ? `no provider had ${report.secretName}` : `${report.secretName} could not be resolved`}`,
      ),
    );
    if (report.error && report.attempts.length === 0) lines.push(`  ${report.error.message}`);
  }
  for (const check of report.checks) {
    if (check.id === "configuration") continue;
    const mark =
      check.level === "error"
        ? style.red("✗")
        : check.level === "warn"
          ? style.yellow("!")
          : check.level === "info"
            ? style.dim("i")
            : style.green("✓");
    lines.push(`${mark} ${check.message}`);
    if (check.fix) lines.push(`  ${style.yellow("fix:")} ${check.fix}`);
  }
  return `${lines.join("\n")}\n`;
}
