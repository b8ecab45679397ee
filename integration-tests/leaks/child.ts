import { writeFileSync } from "node:fs";
import { Collector } from "./collector.js";
import { loadOptionalModules, runAllFlows } from "./flows.js";

// The leak scenarios in a child process of their own, so the parent can capture its real stdout and stderr
// (file descriptors 1 and 2: whatever any SDK, Node's debug modes or a stray console call writes). The SDKs'
// log modes write to the console here. The canary arrives on stdin (never in argv or the environment, which
// process.report would show); only counts leave the process, in the file named by argv[2].

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8").trim();
}

const resultFile = process.argv[2];
if (!resultFile) throw new Error("usage: child.mjs <result-file> < canary");
const canary = await readStdin();
const collector = new Collector();
const skipped: Array<{ provider: string; reason: string }> = [];
await runAllFlows({ canary, collector, modules: await loadOptionalModules(), skipped, sdkLogs: "console" });
collector.text("process.env", "process.env", JSON.stringify(process.env));
collector.text("process.report", "process.report.getReport()", JSON.stringify(process.report.getReport()));
writeFileSync(
  resultFile,
  JSON.stringify({ counts: collector.count(canary), flows: collector.flows, skipped }),
);
