import { createHash } from "node:crypto";
import type { ScanResult } from "./finding.js";
import { SCAN_RULES } from "./scan-rules.js";

/** The JSON schema URL written in `$schema` (SARIF 2.1.0, as published by SchemaStore). */
export const SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";

/** Options of {@link toSarif}. */
export interface SarifOptions {
  /** Version of the tool, written in `tool.driver.version`. */
  readonly version: string;
}

/**
 * Converts a scan to a SARIF 2.1.0 log for code-scanning tools (GitHub code scanning, Azure DevOps, ...):
 * one run, every rule with its help, one result per finding with a repository-relative location, the mask in
 * the message and a fingerprint that does not contain the value.
 */
export function toSarif(result: ScanResult, options: SarifOptions): Record<string, unknown> {
  const ruleIndex = new Map(SCAN_RULES.map((rule, index) => [rule.id, index]));
  return {
    $schema: SARIF_SCHEMA,
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "hf-secrets",
            informationUri: "https://www.npmjs.com/package/@hf-secrets/cli",
            version: options.version,
            semanticVersion: options.version,
            rules: SCAN_RULES.map((rule) => ({
              id: rule.id,
              name: rule.id.replace(/(?:^|-)([a-z])/g, (_, c: string) => c.toUpperCase()),
              shortDescription: { text: rule.name },
              fullDescription: { text: rule.description },
              help: { text: rule.help, markdown: rule.help },
              defaultConfiguration: { level: "error" },
              properties: {
                tags: ["security", "secret", "huggingface"],
                precision: "high",
                "security-severity": "9.0",
              },
            })),
          },
        },
        columnKind: "utf16CodeUnits",
        results: result.findings.map((finding) => {
          const rule = SCAN_RULES[ruleIndex.get(finding.ruleId)!]!;
          const where = finding.commit ? ` (added in commit ${finding.commit})` : "";
          return {
            ruleId: finding.ruleId,
            ruleIndex: ruleIndex.get(finding.ruleId),
            level: "error",
            message: {
              text: `${rule.name}: ${finding.masked}${where}${finding.note ? ` — ${finding.note}` : ""}.`,
            },
            locations: [
              {
                physicalLocation: {
                  artifactLocation: { uri: toUri(finding.path), uriBaseId: "%SRCROOT%" },
                  region: {
                    startLine: finding.line,
                    startColumn: finding.column,
                    endColumn: finding.endColumn,
                  },
                },
              },
            ],
            partialFingerprints: {
              "hfSecretsFinding/v1": createHash("sha256")
                .update(`${finding.ruleId}\0${finding.path}\0${finding.masked}\0${finding.commit ?? ""}`)
                .digest("hex"),
            },
            properties: {
              source: finding.source,
              ...(finding.commit ? { commit: finding.commit } : {}),
            },
          };
        }),
      },
    ],
  };
}

function toUri(path: string): string {
  return path
    .split("/")
    .map((segment) => encodeURIComponent(segment))
    .join("/");
}
