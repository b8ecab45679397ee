import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { SecretProviderError } from "@hf-secrets/core";
import { describe, expect, it } from "vitest";
import { importSdk } from "../src/sdk-loader.js";

const SRC = join(import.meta.dirname, "..", "src");

describe("lazy Azure SDK loading", () => {
  it("src never imports an Azure package as a value at module load (only `import type`)", () => {
    const offenders: string[] = [];
    for (const file of readdirSync(SRC).filter((f) => f.endsWith(".ts"))) {
      const text = readFileSync(join(SRC, file), "utf8");
      for (const match of text.matchAll(/^import\s+(?!type\b)[^;]*?from\s+"(@azure\/[^"]+)"/gms)) {
        offenders.push(`${file}: ${match[1]}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it("turns a missing package into PROVIDER_NOT_INSTALLED with the install command", async () => {
    const missing = async (specifier: string) => {
      throw Object.assign(new Error(`Cannot find package '${specifier}' imported from /app/index.js`), {
        code: "ERR_MODULE_NOT_FOUND",
      });
    };
    const error = await importSdk("@azure/keyvault-secrets", "azure", "to read Key Vault", missing).catch(
      (e: unknown) => e,
    );
    expect(SecretProviderError.isInstance(error)).toBe(true);
    expect((error as SecretProviderError).code).toBe("PROVIDER_NOT_INSTALLED");
    expect((error as SecretProviderError).fix).toContain("npm install @azure/keyvault-secrets");
  });

  it("passes other import failures through unchanged, and loads the real SDK", async () => {
    const broken = new Error("SyntaxError in some dependency");
    await expect(importSdk("@azure/identity", "azure", "x", async () => Promise.reject(broken))).rejects.toBe(
      broken,
    );
    const sdk = await importSdk<{ SecretClient: unknown }>("@azure/keyvault-secrets", "azure", "x");
    expect(typeof sdk.SecretClient).toBe("function");
  });
});
