import { scanForTokens, toSarif } from "@hf-secrets/cli";

// Scan the working tree and the whole git history, as `hf-secrets scan --git-history .` does.
const result = await scanForTokens({ cwd: process.cwd(), paths: ["."], gitHistory: true });
for (const finding of result.findings) {
  // Findings hold a mask (hf_****abcd), never the token.
  console.log(`${finding.path}:${finding.line}:${finding.column} ${finding.ruleId} ${finding.masked}`);
}
const sarif = toSarif(result, { version: "0.1.0" });
console.log(`${result.findings.length} finding(s); SARIF log with ${JSON.stringify(sarif).length} bytes`);
process.exitCode = result.findings.length > 0 ? 1 : 0;
