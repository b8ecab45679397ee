import { buildDoctorReport, formatDoctorReport, styleFor } from "@hf-secrets/cli";

// The same report as `hf-secrets doctor --environment production`, as data.
const report = await buildDoctorReport({ environment: "production" });
process.stdout.write(formatDoctorReport(report, styleFor(process.stdout)));
if (!report.ok) {
  const problems = report.checks.filter((check) => check.level === "error");
  console.error(`${problems.length} problem(s): ${problems.map((p) => p.id).join(", ")}`);
  process.exitCode = 1;
}
